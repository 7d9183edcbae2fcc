#pragma once
// Shared helper: one proving-engine step checked by the stateless verifier and by the plain
// interpreter on a copy of the state.
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "proof/step_verifier.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::test {

/// Steps `st` once with proofs, verifies the proof statelessly, and checks that a plain step on a
/// copy reaches the same state hash. Returns false (with a gtest failure) on any disagreement.
inline bool lockstepOnce(vm::VmState& st, vm::HostContext& host, vm::VmState* plainCopy, vm::HostContext* plainHost) {
  vm::StepProof proof;
  vm::RevertCode rc = vm::proveStep(st, host, proof);
  if (rc != vm::kOk) {
    ADD_FAILURE() << "proving step reverted 0x" << std::hex << rc << " at step " << std::dec << proof.step;
    return false;
  }
  std::unique_ptr<proof::PartOracle> oracle;
  if (proof.oracleKey) oracle = std::make_unique<proof::SinglePreimageOracle>(*proof.oracleKey, proof.oracleValue);
  proof::VerifyOptions exact;
  exact.exactLength = true;  // the prover must emit exactly the proofs the step uses
  proof::VerifyResult vr = proof::verifyStep(proof.stateData, proof.proofData, oracle.get(), exact);
  if (!vr.ok()) {
    ADD_FAILURE() << "verifier reverted 0x" << std::hex << vr.revert << " at step " << std::dec << proof.step;
    return false;
  }
  if (!(vr.postHash == proof.post)) {
    ADD_FAILURE() << "verifier post " << toHex(vr.postHash) << " != prover post " << toHex(proof.post) << " at step "
                  << proof.step;
    return false;
  }
  if (plainCopy) {
    vm::NoTracker nt;
    vm::Interpreter<vm::NoTracker> interp(*plainCopy, *plainHost, nt);
    if (interp.step() != vm::kOk || !(plainCopy->stateHash() == proof.post)) {
      ADD_FAILURE() << "plain step disagrees with proving step at step " << proof.step;
      return false;
    }
  }
  return true;
}

}  // namespace fpvm::test
