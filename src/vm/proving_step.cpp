#include "vm/proving_step.hpp"

#include <string>

namespace fpvm::vm {

void ProvingTracker::access(merkle::PagedMemory& mem, uint64_t leafAddr, unsigned slot) {
  if (slot != proofs_.size())
    throw Error("internal error: memory proof for slot " + std::to_string(slot) + " requested after " +
                std::to_string(proofs_.size()) + " proofs");
  proofs_.push_back(mem.proveLeaf(leafAddr));
}

RevertCode proveStep(VmState& state, HostContext& host, StepProof& out, uint64_t* syscall) {
  out = StepProof{};
  out.step = state.step;
  out.stateData = state.witness();
  out.pre = VmState::hashWitness(out.stateData);
  ProvingTracker tracker;
  Interpreter<ProvingTracker> interp(state, host, tracker);
  RevertCode rc = interp.step();
  if (syscall) *syscall = interp.lastSyscall();
  if (rc != kOk) return rc;
  for (const auto& p : tracker.proofs()) p.appendTo(out.proofData);
  if (const auto readAt = interp.preimageRead()) {
    out.oracleKey = state.preimageKey;
    out.oracleValue = host.preimage.prefixed;
    out.oracleOffset = *readAt;
  }
  out.post = state.stateHash();
  return kOk;
}

}  // namespace fpvm::vm
