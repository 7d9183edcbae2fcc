// TestVm::step: the interpreter's step with its one-step proof, and the stateless verifier run on
// that proof — it must return exactly the interpreter's post-state hash and witness, or revert
// with the interpreter's reason. With FPVM_EVM_CASES set, the step is also written out for the
// EVM replay against MIPS64.sol (evm_case_writer.hpp).
#include "evm_case_writer.hpp"
#include "mips64/prover.hpp"
#include "mips64/step_verifier.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {

namespace {
const Address kCaller = {0xCA, 0x11, 0xE4};
Hash32 localContext() {
  Hash32 h;
  h[31] = 0x42;
  return h;
}
}  // namespace

StepOutcome TestVm::step() {
  if (!crossCheck) return interp.step();
  StepProof proof;
  const Hash32 keyBefore = state.preimageKey;
  const StepOutcome o = proveStep(interp, proof);
  EXPECT_EQ(proof.proofData.size(), 6090u);
  PreimagePartStore parts;
  for (const auto& [key, data] : oracle.preimages) parts.addForStep(key, data, kCaller, localContext());
  const VerifyResult v = verifyStep(proof.stateData, proof.proofData, localContext(), &parts, kCaller);
  if (o.ok()) {
    EXPECT_TRUE(v.ok()) << "verifier reverted: " << revertName(v.revert) << " at step " << proof.step;
    EXPECT_EQ(v.postHash, proof.post) << "verifier disagrees at step " << proof.step;
    EXPECT_EQ(v.postState, state.witness()) << "verifier's post-state witness differs at step " << proof.step;
  } else {
    EXPECT_EQ(v.revert, o.revert) << "verifier: " << revertName(v.revert) << ", interpreter: " << revertName(o.revert);
  }
  if (EvmCaseWriter* writer = EvmCaseWriter::instance())
    writer->record({proof, o, localContext(), kCaller, parts, keyBefore, oracle.sources, v.postState});
  ++checkedSteps;
  return o;
}

void TestVm::expectRevert(Revert expected) {
  const Hash32 before = state.hash();
  const StepOutcome o = step();
  EXPECT_EQ(o.revert, expected) << revertName(o.revert) << " instead of " << revertName(expected);
  EXPECT_EQ(state.hash(), before) << "a reverting step must not change the state";
}

}  // namespace fpvm::mips64::test
