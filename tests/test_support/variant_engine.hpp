#pragma once
// One driver for every engine variant (engine_variants.hpp) over a VmState it does not own, with
// the FastEngine's run() contract, so that engine comparisons are written once.
#include <gtest/gtest.h>

#include <memory>

#include "common/hex.hpp"
#include "proof/step_verifier.hpp"
#include "test_support/engine_variants.hpp"
#include "vm/fast_engine.hpp"
#include "vm/interpreter.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::test {

/// Runs `state` with one engine variant.
class VariantEngine {
 public:
  VariantEngine(EngineVariant variant, vm::VmState& state, vm::HostContext& host)
      : variant_(variant), s_(state), host_(host) {
    if (variant != EngineVariant::Reference && variant != EngineVariant::ProveThenVerify) {
      const bool proving = variant == EngineVariant::Proving || variant == EngineVariant::ProvingNative;
      fast_ = std::make_unique<vm::FastEngine>(state, host, proving ? vm::Bookkeeping::LeafPairs : vm::Bookkeeping::Pages,
                                               variant == EngineVariant::FastNative ||
                                                   variant == EngineVariant::ProvingNative);
    }
  }

  /// Executes up to `maxSteps` steps (FastEngine::run's contract). ProveThenVerify checks each
  /// step's proof with the stateless verifier (a gtest failure when they disagree).
  vm::FastStop run(uint64_t maxSteps) {
    if (fast_) {
      const vm::FastStop stop = fast_->run(maxSteps);
      revert_ = fast_->revert();
      return stop;
    }
    for (uint64_t i = 0; i < maxSteps; ++i) {
      if (s_.exited) return vm::FastStop::Exited;
      const vm::RevertCode rc = variant_ == EngineVariant::ProveThenVerify ? proveAndVerify() : referenceStep();
      if (rc != vm::kOk) {
        revert_ = rc;
        return vm::FastStop::Reverted;
      }
    }
    return s_.exited ? vm::FastStop::Exited : vm::FastStop::StepLimit;
  }
  /// The revert code after FastStop::Reverted.
  vm::RevertCode revert() const { return revert_; }
  /// Drops engine caches after memory was written outside (no-op for the per-step variants).
  void invalidateCaches() {
    if (fast_) fast_->invalidateCaches();
  }
  /// The FastEngine behind the fast variants (null otherwise).
  vm::FastEngine* fastEngine() { return fast_.get(); }

 private:
  vm::RevertCode referenceStep() {
    vm::NoTracker tracker;
    vm::Interpreter<vm::NoTracker> interp(s_, host_, tracker);
    return interp.step();
  }
  vm::RevertCode proveAndVerify() {
    vm::StepProof proof;
    const vm::RevertCode rc = vm::proveStep(s_, host_, proof);
    if (rc != vm::kOk) return rc;
    std::unique_ptr<proof::PartOracle> part;
    if (proof.oracleKey) part = std::make_unique<proof::SinglePreimageOracle>(*proof.oracleKey, proof.oracleValue);
    proof::VerifyOptions exact;
    exact.exactLength = true;
    const proof::VerifyResult vr = proof::verifyStep(proof.stateData, proof.proofData, part.get(), exact);
    EXPECT_TRUE(vr.ok()) << "verifier reverted 0x" << std::hex << vr.revert << " at step " << std::dec << proof.step;
    EXPECT_EQ(vr.postHash, proof.post) << "verifier and prover disagree at step " << proof.step;
    return rc;
  }

  EngineVariant variant_;
  vm::VmState& s_;
  vm::HostContext& host_;
  std::unique_ptr<vm::FastEngine> fast_;
  vm::RevertCode revert_ = vm::kOk;
};

}  // namespace fpvm::test
