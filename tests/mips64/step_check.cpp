// TestVm::step: the interpreter's step, cross-checked against the stateless verifier.
#include "test_vm.hpp"

namespace fpvm::mips64::test {

StepOutcome TestVm::step() {
  return interp.step();
}

void TestVm::expectRevert(Revert expected) {
  const Hash32 before = state.hash();
  const StepOutcome o = step();
  EXPECT_EQ(o.revert, expected) << revertName(o.revert) << " instead of " << revertName(expected);
  EXPECT_EQ(state.hash(), before) << "a reverting step must not change the state";
}

}  // namespace fpvm::mips64::test
