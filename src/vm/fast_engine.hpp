#pragma once
/// The engine that runs long stretches: the same machine as the reference interpreter, executed
/// from a cache of pre-decoded instructions with software TLBs over the paged memory. With
/// Bookkeeping::Pages it is the fast (validation) engine, with a native-code tier where the
/// platform allows (native_block.hpp); with Bookkeeping::LeafPairs it is the proving engine
/// (per-store Merkle bookkeeping, done inline by its native code too). Rare instructions
/// (ECALL, atomics, anything that can revert) are handed to the reference interpreter for that
/// one step, so all engines share one definition of those semantics.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "vm/host_context.hpp"
#include "vm/native_block.hpp"
#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

/// Why FastEngine::run returned.
enum class [[nodiscard]] FastStop{
    Exited,     ///< the machine exited
    StepLimit,  ///< the requested number of steps ran
    Reverted,   ///< a step reverted (see revert())
    Cancelled,  ///< the cancel flag was seen
};

/// What an engine records about the memory it writes.
enum class Bookkeeping {
  /// Validation: a page is marked dirty as a whole on its first write of a run; no per-store work.
  Pages,
  /// Proving: every store marks the 64-byte leaf pairs it writes (and notes them in an attached
  /// pair log), like the reference interpreter, so a hash or proof at any step re-hashes only
  /// what changed.
  LeafPairs,
};

/// Runs a VmState it does not own. While run() executes, registers and pc live in the engine;
/// between calls the VmState is complete and may be hashed, saved or stepped by other engines
/// (call invalidateCaches() after anything else writes memory).
class FastEngine {
 public:
  /// `nativeTier` allows the native-code tier (off where the platform has none or FPVM_NATIVE=0
  /// is set), with a code cache of `nativeCodeBytes`; a full cache is flushed at the next chunk
  /// start and refilled as code runs.
  FastEngine(VmState& state, HostContext& host, Bookkeeping bookkeeping = Bookkeeping::Pages, bool nativeTier = true,
             size_t nativeCodeBytes = kDefaultNativeCodeBytes);
  ~FastEngine();
  FastEngine(const FastEngine&) = delete;
  FastEngine& operator=(const FastEngine&) = delete;

  /// Executes up to `maxSteps` steps. `cancel` (may be null) is polled every 1 Mi steps.
  FastStop run(uint64_t maxSteps, const std::atomic<bool>* cancel = nullptr);
  /// The revert code after FastStop::Reverted.
  [[nodiscard]] RevertCode revert() const { return revert_; }
  /// Syscall number of the last delegated ECALL (for error messages).
  uint64_t lastSyscall() const { return lastSyscall_; }
  /// Drops decoded code and memory TLBs; needed after memory is written outside this engine.
  void invalidateCaches();
  /// True when blocks of this engine run as native code.
  bool nativeTierActive() const { return native_ != nullptr; }
  /// Native blocks compiled so far (tests check that the tier took part).
  uint64_t nativeBlocksCompiled() const { return nativeBlocksCompiled_; }
  /// Times the code cache was full and flushed.
  uint64_t nativeCodeFlushes() const { return nativeCodeFlushes_; }
  /// Direct jumps linked block to block, and jalr targets entered into the lookup table.
  uint64_t nativeLinks() const { return nativeLinks_; }
  uint64_t nativeIndirectEntries() const { return nativeIndirectEntries_; }
  /// Loads and stores native code left to the engine (TLB misses, page-crossing accesses).
  uint64_t nativeMemoryExits() const { return nativeMemoryExits_; }

  struct DecodedPage;

 private:
  template <Bookkeeping kBookkeeping>
  FastStop runThreaded(uint64_t maxSteps, const std::atomic<bool>* cancel);
  DecodedPage* codePage(uint64_t pageIndex);
  [[nodiscard]] RevertCode slowStep(uint64_t* regs, uint64_t& pc);
  uint64_t loadSlow(uint64_t addr, unsigned size);
  void storeSlow(uint64_t addr, unsigned size, uint64_t value);
  void noteCodeWrite(uint64_t addr, unsigned size);
  /// A step delegated to the reference interpreter touched the 32-byte leaf at `leafAddr` for
  /// data (it may have written it or allocated its page): drop decoded code there and the TLB
  /// entries of its page.
  void noteDelegatedAccess(uint64_t leafAddr);
  struct DelegatedStepTracker;
  void flushWriteTlb();
  /// Maps page `pageIndex` (bytes at `data`) in the write TLB and notes the entry for the next
  /// flushWriteTlb() (each run() starts with one: clearing only the filled entries keeps short
  /// runs cheap).
  void fillWriteTlb(uint64_t pageIndex, uint8_t* data);
  /// Compiles the straight-line run starting at `slot` (index `index` of `page`, guest address
  /// `pc`) into a native block and makes `slot` its head, when the run is long enough.
  void tryCompileNative(DecodedPage& page, unsigned index, uint64_t pc);
  /// Drops every native block and decoded page (the code memory is full).
  void resetNativeCode();
  /// Executes the load or store at `pc` that native code left to the engine (TLB miss or
  /// page-crossing access) with the guest registers `regs`.
  void nativeMemoryStep(uint64_t* regs, uint64_t pc);
  /// After native code returned at a direct jump's link site or a jalr lookup miss: when the
  /// target now heads a native block, links the site to it or records it for jalr lookups.
  void linkNativeExit(const NativeExit& exit);

  VmState& s_;
  HostContext& host_;
  const Bookkeeping bookkeeping_;
  RevertCode revert_ = kOk;
  uint64_t lastSyscall_ = ~uint64_t(0);

  std::unordered_map<uint64_t, std::unique_ptr<DecodedPage>> code_;
  static constexpr unsigned kTlbSize = NativeTlbs::kEntries;
  using TlbEntry = NativeTlbEntry;
  /// The guest registers while run() runs, and the read and write TLBs (native blocks address
  /// all of them through one pointer).
  NativeContext context_;
  /// The Page behind each write-TLB entry (Bookkeeping::LeafPairs marks pairs there).
  merkle::Page* writePages_[kTlbSize] = {};
  /// Write-TLB entries filled since the last flush (the first kTlbSize of them; when more, all).
  uint16_t writeTlbFilled_[kTlbSize] = {};
  unsigned writeTlbFills_ = 0;
  struct CodeTlbEntry {
    uint64_t page = ~uint64_t(0);
    DecodedPage* decoded = nullptr;
  };
  static constexpr unsigned kCodeTlbSize = 256;
  CodeTlbEntry codeTlb_[kCodeTlbSize];
  /// The native-code tier (both bookkeepings, where the platform allows it).
  std::unique_ptr<NativeCode> native_;
  /// The step budget native code runs with (a member: its address goes to the native code).
  uint64_t nativeBudget_ = 0;
  uint64_t nativeBlocksCompiled_ = 0;
  uint64_t nativeCodeFlushes_ = 0;
  uint64_t nativeLinks_ = 0;
  uint64_t nativeIndirectEntries_ = 0;
  uint64_t nativeMemoryExits_ = 0;
};

}  // namespace fpvm::vm
