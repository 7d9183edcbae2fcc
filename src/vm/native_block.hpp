#pragma once
/// The fast engine's native-code tier: runs of decoded instructions translated to x86-64, chained
/// to each other, run in place of the interpreter.
///
/// A block is a straight-line run on one code page (ALU ops, loads, stores) that may end in a
/// control transfer (branch, jal, jalr). Six guest registers (a0–a5) live in host registers in
/// every block, loaded when native code is entered and written back when it returns; inside a
/// block the guest registers it uses most get the remaining host registers, loaded at the block's
/// entry and written back at every exit. Blocks
/// jump to each other directly: a direct jump's exit is a patchable site (a branch has two, a jcc
/// for the taken side and a jmp for the other) that the engine points at the target's block
/// once that block exists (and points back when the target is dropped); a
/// jalr looks its target up in a small table of translated entry points. Each block pays its
/// length from the step budget at its entry, so the step count is exact wherever the native code
/// returns. Memory goes through the interpreter's software TLBs; a miss or a page-crossing access
/// returns before the instruction, which the engine then executes itself (slow path, code-write
/// detection, page allocation). Compiled code checks the page and the alignment in one compare;
/// a misaligned access to a mapped page passes a second, out-of-line check.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "merkle/geometry.hpp"
#include "vm/decoded_slot.hpp"
#include "vm/instruction_table.hpp"

namespace fpvm::vm {

/// One software-TLB entry: which guest page it maps and where that page's bytes are on the host.
/// The tag is the page's guest address (low kPageBits zero), so compiled code checks a page and
/// an access's alignment with one compare: (addr & (~page mask | (size - 1))) == tag. The addend
/// turns a guest address on the page into its host address with one add.
struct NativeTlbEntry {
  /// The tag of an empty entry: no masked address equals it (the masked bits are zero).
  static constexpr uint64_t kEmpty = ~uint64_t(0);
  uint64_t tag = kEmpty;
  uintptr_t addend = 0;  ///< host address of guest address a on the page = a + addend

  /// The entry for the page with index `pageIndex` whose bytes are at `data`.
  static NativeTlbEntry of(uint64_t pageIndex, const uint8_t* data) {
    const uint64_t base = pageIndex << merkle::kPageBits;
    return NativeTlbEntry{base, reinterpret_cast<uintptr_t>(data) - base};
  }
  bool holds(uint64_t pageIndex) const { return tag == pageIndex << merkle::kPageBits; }
  /// Host address of guest address `addr` (on this entry's page).
  uint8_t* host(uint64_t addr) const { return reinterpret_cast<uint8_t*>(addr + addend); }
};
/// The read and write TLBs, adjacent (blocks address both from one register), direct-mapped by
/// page index. 4,096 entries each map 16 MiB, so streaming kernels over a few MiB stay in them.
struct NativeTlbs {
  static constexpr unsigned kEntries = 4096;
  NativeTlbEntry read[kEntries];
  NativeTlbEntry write[kEntries];
};

/// What native code addresses from one register (rdi): the guest registers (x0..x31 and the x0
/// sink), then the TLBs at a fixed offset.
struct NativeContext {
  uint64_t regs[33] = {};
  NativeTlbs tlbs;
};

/// True when `op` can be part of a native block (Native::Body in instruction_table.def).
constexpr bool nativeOp(uint8_t op) { return op < kOpCount && table::kNative[op] == table::Native::Body; }
/// True when `op` can end a native block (Native::End: a conditional branch, jal or jalr).
constexpr bool nativeTerminatorOp(uint8_t op) { return op < kOpCount && table::kNative[op] == table::Native::End; }

/// Why native code returned (NativeExit::reason). Any value above kNativeExitIndirect is a link
/// site: the exit was a direct jump that NativeCode::link() may point at the target's block.
enum : uint64_t {
  /// Continue at pc (every instruction before it has run).
  kNativeExitNext = 0,
  /// The load or store at pc was left to the engine (TLB miss or page-crossing access).
  kNativeExitMemory = 1,
  /// The instruction at pc must run on the reference interpreter (a misaligned jalr target).
  kNativeExitReference = 2,
  /// A jalr to pc found no translated entry (NativeCode::rememberIndirect() adds one).
  kNativeExitIndirect = 3,
};
/// Where native code stopped and why.
struct NativeExit {
  uint64_t pc;
  uint64_t reason;
};

/// Default size of an engine's code cache (MachineOptions::nativeCodeBytes): thousands of
/// blocks, far more than any program here compiles between flushes.
constexpr size_t kDefaultNativeCodeBytes = size_t(16) << 20;
/// Smallest code cache: room for the longest block (256 instructions) and the entry code.
constexpr size_t kMinNativeCodeBytes = size_t(64) << 10;
/// Largest code cache: every jump inside it stays within rel32 reach.
constexpr size_t kMaxNativeCodeBytes = size_t(1) << 30;

/// Executable memory holding compiled blocks, their entry/exit code and the jalr lookup table.
/// Not thread-safe; one per engine.
class NativeCode {
 public:
  /// Reserves `capacity` bytes (clamped to kMinNativeCodeBytes..kMaxNativeCodeBytes) of
  /// executable memory when the tier is usable here (x86-64 build, the mapping succeeded,
  /// FPVM_NATIVE is not "0"); otherwise enabled() is false, and a host without the tier or a
  /// refused mapping is logged once per process ("native tier unavailable … the interpreter runs
  /// everything").
  ///
  /// With `leafPairs` (the proving engine) every store also marks the 64-byte leaf pair it writes
  /// in its merkle::Page (the write TLB maps a page to its Page, whose bytes come first): a store to
  /// a page not yet queued for re-hashing, or any store while setStoresLeave(true), leaves to the
  /// engine, whose slow path does the full bookkeeping; so does a misaligned store (an aligned
  /// one never straddles two pairs).
  explicit NativeCode(size_t capacity = kDefaultNativeCodeBytes, bool leafPairs = false);
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  bool enabled() const { return base_ != nullptr; }
  /// Compiles `count` decoded instructions that start at guest address `pc`, all on one page: all
  /// nativeOp, except that the last may be a nativeTerminatorOp. Returns the block's entry
  /// offset, or -1 when the memory is full (see reset()).
  int32_t compile(const Slot* slots, unsigned count, uint64_t pc);
  /// Runs native code from the block at `entry` with the guest registers and TLBs of `context`
  /// and `*budget` steps allowed; returns with the registers written back and `*budget` reduced
  /// by the instructions that ran.
  NativeExit run(int32_t entry, NativeContext* context, uint64_t* budget) const;
  /// Points the link site `site` (an exit reason above kNativeExitIndirect) at the block `entry`.
  void link(uint64_t site, int32_t entry);
  /// Points a linked site back at its exit.
  static void unlink(uint64_t site);
  /// Records `entry` as the translation of guest address `pc` for jalr lookups.
  void rememberIndirect(uint64_t pc, int32_t entry);
  /// Forgets every jalr lookup entry (a block was dropped).
  void forgetIndirect();
  /// Forgets every block (callers must drop every reference first).
  void reset();
  /// True once a compile() failed for lack of room.
  bool full() const { return full_; }
  /// Makes every store of leaf-pair code leave to the engine (while a pair log is attached: the
  /// log notes every write).
  void setStoresLeave(bool leave) { storesLeave_ = leave ? 1 : 0; }

  /// One jalr lookup entry: guest pc, host code of its block.
  struct IndirectEntry {
    uint64_t pc = ~uint64_t(0);
    const uint8_t* code = nullptr;
  };
  static constexpr unsigned kIndirectEntries = 4096;

 private:
  void emitEntryAndExit();

  uint8_t* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  size_t exitOffset_ = 0;  ///< where the exit code starts
  size_t firstBlock_ = 0;  ///< bytes of the entry/exit code at the start
  bool full_ = false;
  bool leafPairs_ = false;
  uint8_t storesLeave_ = 0;  ///< read by compiled stores (leaf-pair code)
  std::unique_ptr<IndirectEntry[]> indirect_;
};

}  // namespace fpvm::vm
