#pragma once
/// The fast engine's native-code tier: straight-line runs of decoded instructions (ALU, loads,
/// stores; no control transfer) translated to x86-64 and run in place of the interpreter.
///
/// A block reads and writes guest registers in the interpreter's register array and memory
/// through the interpreter's software TLBs; on a TLB miss (or a page-crossing access) it leaves
/// early, so the interpreter executes that instruction itself (slow path, code-write detection,
/// page allocation). It returns how many instructions it completed, which keeps step counting
/// exact. Blocks never span a code page, so one page's blocks are dropped when its code changes.
#include <cstddef>
#include <cstdint>

#include "vm/decoded_slot.hpp"
#include "vm/instruction_table.hpp"

namespace fpvm::vm {

/// Layout of the TLB entries a block reads (the fast engine's TlbEntry): page index at offset 0,
/// host pointer to the page's bytes at offset 8, 256 direct-mapped entries by page index.
struct NativeTlbLayout {
  static constexpr unsigned kEntryBytes = 16;
  static constexpr unsigned kDataOffset = 8;
  static constexpr unsigned kEntries = 256;
};

/// True when `op` can be part of a native block (Native::Body in instruction_table.def).
constexpr bool nativeOp(uint8_t op) { return op < kOpCount && table::kNative[op] == table::Native::Body; }
/// True when `op` can end a native block (Native::End: a conditional branch or jal whose target
/// lies on the block's page).
constexpr bool nativeTerminatorOp(uint8_t op) { return op < kOpCount && table::kNative[op] == table::Native::End; }

/// What a block returns: instructions completed in the low 16 bits; when the block ended with a
/// taken branch or a jal, the slot index of the target + 1 in the high 16 bits.
constexpr uint32_t kNativeDoneMask = 0xFFFF;
/// Steps a block leaves in the caller's loop budget when it repeats itself (the interpreter needs
/// a page's worth of slack to finish the run without checks).
constexpr uint64_t kNativeLoopReserve = 1025;
constexpr unsigned kNativeTargetShift = 16;

/// Default size of an engine's code cache (MachineOptions::nativeCodeBytes): a few thousand
/// blocks, far more than any program here compiles between flushes.
constexpr size_t kDefaultNativeCodeBytes = size_t(16) << 20;
/// Smallest code cache: room for the longest block (256 instructions).
constexpr size_t kMinNativeCodeBytes = size_t(64) << 10;

/// Executable memory holding compiled blocks. Not thread-safe; one per engine.
class NativeCode {
 public:
  /// A compiled block: returns the number of instructions completed (0 <= n <= block length; 0
  /// when its first instruction is an access the TLBs cannot serve), plus the taken target (see
  /// kNativeTargetShift).
  /// A block that branches back to its own first instruction repeats in place while
  /// `*loopBudget` (steps the caller still allows) stays above one iteration plus
  /// kNativeLoopReserve, subtracting each repeated iteration from it.
  using BlockFn = uint32_t (*)(uint64_t* regs, const void* readTlb, const void* writeTlb, uint64_t* loopBudget);

  /// Reserves `capacity` bytes (at least kMinNativeCodeBytes) of executable memory when the tier
  /// is usable here (x86-64 build, the mapping succeeded, FPVM_NATIVE is not "0"); otherwise
  /// enabled() is false, and a host without the tier or a refused mapping is logged once per
  /// process ("native tier unavailable … the interpreter runs everything").
  explicit NativeCode(size_t capacity = kDefaultNativeCodeBytes);
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  bool enabled() const { return base_ != nullptr; }
  /// Compiles `count` decoded instructions that start at guest address `pc`: all nativeOp, except
  /// that the last may be a nativeTerminatorOp whose target is on the same page. Returns the
  /// block's offset, or -1 when the memory is full (see reset()).
  int32_t compile(const Slot* slots, unsigned count, uint64_t pc);
  /// The block at `offset`.
  BlockFn at(int32_t offset) const { return reinterpret_cast<BlockFn>(base_ + offset); }
  /// Forgets every block (callers must drop every reference first).
  void reset() {
    used_ = 0;
    full_ = false;
  }
  /// True once a compile() failed for lack of room.
  bool full() const { return full_; }

 private:
  uint8_t* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  bool full_ = false;
};

}  // namespace fpvm::vm
