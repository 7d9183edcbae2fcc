#pragma once
/// Per-step state hashes (the bottom-level query of execution runs) (step size 1), batched: the reference
/// interpreter runs up to kBatchSteps steps while the memory logs which leaf pair each step wrote
/// (merkle::PairLog); then the memory roots of all those steps are computed level by level
/// (merkle::PathBatch) and the witnesses hashed many at a time (keccak_multi.hpp). A step that
/// writes no memory keeps the previous root. A step that writes several pairs, or a page without
/// node cache, ends the batch and takes the memory's own incremental root. Afterwards the memory
/// is Merkleized as the per-step path would leave it; the hashes are bit-identical to
/// VmState::stateHash() after each step. Header-only: used by Machine::hashEachStep.
#include <cstring>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/keccak_multi.hpp"
#include "merkle/path_batch.hpp"
#include "vm/interpreter.hpp"
#include "vm/machine.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

class StepHashBatcher {
 public:
  /// Steps hashed together at most (the witnesses of one batch are hashed together).
  static constexpr size_t kBatchSteps = merkle::PathBatch::kMaxRecords;

  StepHashBatcher(VmState& state, HostContext& host) : state_(state), interp_(state, host, tracker_), batch_(state.memory) {
    state_.memory.setPairLog(&log_);
    witnesses_.resize(kBatchSteps * kWitnessSize);
    refs_.resize(kBatchSteps);
    roots_.resize(kBatchSteps);
  }
  ~StepHashBatcher() { state_.memory.setPairLog(nullptr); }
  StepHashBatcher(const StepHashBatcher&) = delete;
  StepHashBatcher& operator=(const StepHashBatcher&) = delete;

  /// Executes `count` steps and writes the state hash after step i to out[i]. Returns the revert
  /// of a step that failed (hashes of that batch are then not written); host failures throw.
  std::optional<Revert> run(uint64_t count, Hash32* out) {
    uint64_t done = 0;
    while (done < count) {
      const Hash32 startRoot = state_.memory.merkleRoot();  // the committed nodes for the batch
      batch_.clear();
      size_t n = 0;
      bool flushed = false;
      while (done + n < count && n < kBatchSteps && !flushed) {
        log_.clear();
        const uint64_t at = state_.step, pc = state_.pc;
        const RevertCode rc = interp_.step();
        if (rc != kOk) return Revert{at, pc, rc, interp_.lastSyscall()};
        if (log_.count == 0) {
          refs_[n] = static_cast<int32_t>(batch_.size()) - 1;  // -1: the batch's start root
        } else if (log_.count == 1 && batch_.canRecord(log_.pair)) {
          batch_.record(log_.pair);
          refs_[n] = static_cast<int32_t>(batch_.size()) - 1;
        } else {
          refs_[n] = kEndRoot;
          flushed = true;
        }
        const Witness w = state_.witnessWith(Hash32{});
        std::memcpy(witnesses_.data() + n * kWitnessSize, w.data(), kWitnessSize);
        ++n;
        if (batch_.full()) break;
      }
      batch_.computeRoots(roots_.data());
      const Hash32 endRoot = state_.memory.merkleRoot();  // brings the memory's caches up to date
      if (!flushed && endRoot != (batch_.size() ? roots_[batch_.size() - 1] : startRoot))
        throw Error("internal error: batched memory roots differ from the memory's own root");
      for (size_t i = 0; i < n; ++i) {
        const Hash32& root = refs_[i] >= 0 ? roots_[refs_[i]] : refs_[i] == kEndRoot ? endRoot : startRoot;
        std::memcpy(witnesses_.data() + i * kWitnessSize + kOffMemRoot, root.data(), 32);
      }
      keccak256Many(witnesses_.data(), kWitnessSize, kWitnessSize, out[done].data(), n);
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* w = witnesses_.data() + i * kWitnessSize;
        out[done + i][0] = static_cast<uint8_t>(statusOf(w[kOffExited] != 0, w[kOffExitCode]));
      }
      done += n;
    }
    return std::nullopt;
  }

 private:
  /// refs_ value of a step whose root is the memory's root after the batch.
  static constexpr int32_t kEndRoot = -2;

  VmState& state_;
  NoTracker tracker_;
  Interpreter<NoTracker> interp_;
  merkle::PairLog log_;
  merkle::PathBatch batch_;
  std::vector<uint8_t> witnesses_;  ///< kWitnessSize bytes per step of the batch
  std::vector<int32_t> refs_;       ///< per step: record whose root it has, -1 start, kEndRoot
  std::vector<Hash32> roots_;
};

}  // namespace fpvm::vm
