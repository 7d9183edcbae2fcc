#pragma once
/// The proving engine's step: executes one instruction while recording the memory proofs of
/// every touched leaf in slot order (spec §3.3), and packages the one-step proof (§3.5).
#include <optional>
#include <vector>

#include "vm/interpreter.hpp"

namespace fpvm::vm {

/// Everything a one-step proof file holds.
struct StepProof {
  uint64_t step = 0;                ///< Step of the pre-state
  Hash32 pre;                       ///< pre-state hash
  Hash32 post;                      ///< post-state hash
  Witness stateData{};              ///< 362-byte pre-state witness
  Bytes proofData;                  ///< concatenated 1920-byte memory proofs
  std::optional<Hash32> oracleKey;  ///< raw key, when the step read fd 5
  Bytes oracleValue;                ///< BE u64 length ‖ preimage, when the step read fd 5
  uint64_t oracleOffset = 0;        ///< PreimageOffset of that read
};

/// Tracker that proves each accessed leaf against the memory's current root, in slot order.
class ProvingTracker {
 public:
  void access(merkle::PagedMemory& mem, uint64_t leafAddr, unsigned slot);
  const std::vector<merkle::MemoryProof>& proofs() const { return proofs_; }
  void clear() { proofs_.clear(); }

 private:
  std::vector<merkle::MemoryProof> proofs_;
};

/// Executes one step of `state` with proofs. On kOk, `out` holds the complete proof.
[[nodiscard]] RevertCode proveStep(VmState& state, HostContext& host, StepProof& out, uint64_t* syscall = nullptr);

}  // namespace fpvm::vm
