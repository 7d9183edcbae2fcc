// One proof JSON for both machines: a proof of either machine survives encode → decode with every
// field, the witness size picks the machine, and malformed answers are refused with a message.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "core/any_machine.hpp"
#include "core/proof_json.hpp"
#include "mips64/state.hpp"

namespace fpvm::core::test {
namespace {

OneStepProof sample(Isa isa) {
  OneStepProof p;
  p.isa = isa;
  p.step = 77;
  p.pre[1] = 0xAA;
  p.post[2] = 0xBB;
  p.stateData.assign(isa == Isa::Mips64 ? 188 : 362, 0x5C);
  p.proofData.assign(isa == Isa::Mips64 ? 6090 : 1920, 0x3D);
  Hash32 key;
  key[0] = 2;
  key[31] = 9;
  p.oracleKey = key;
  p.oracleValue = {0, 0, 0, 0, 0, 0, 0, 2, 0xDE, 0xAD};
  p.oracleOffset = 5;
  return p;
}

void expectSame(const OneStepProof& a, const OneStepProof& b) {
  EXPECT_EQ(a.isa, b.isa);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.pre, b.pre);
  EXPECT_EQ(a.post, b.post);
  EXPECT_EQ(a.stateData, b.stateData);
  EXPECT_EQ(a.proofData, b.proofData);
  EXPECT_EQ(a.oracleKey, b.oracleKey);
  EXPECT_EQ(a.oracleValue, b.oracleValue);
  EXPECT_EQ(a.oracleOffset, b.oracleOffset);
}

TEST(ProofJson, RoundTripsBothMachines) {
  for (const Isa isa : {Isa::Riscv64, Isa::Mips64}) {
    const OneStepProof p = sample(isa);
    expectSame(decodeProofJson(encodeProofJson(p), "proof"), p);
  }
}

TEST(ProofJson, RealProofOfAnMt64StepVerifiesAfterTheRoundTrip) {
  std::unique_ptr<AnyMachine> m = machineFromState(mips64::State::createInitial(0x1000, 0x1000'0000));
  OneStepProof p;
  ASSERT_TRUE(m->proveStep(p).completed());
  const OneStepProof back = decodeProofJson(encodeProofJson(p), "proof");
  const VerifyOutcome r = verifyOneStep(back, /*exactLength=*/true);
  ASSERT_TRUE(r.ok) << r.revert;
  EXPECT_EQ(r.post, m->stateHash());
}

TEST(ProofJson, RefusesWhatIsNotAProofOfEitherMachine) {
  auto refused = [](const std::string& text, const std::string& want) {
    try {
      (void)decodeProofJson(text, "answer");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  refused("{", "malformed proof JSON");
  refused("[1]", "not a JSON object");
  refused(R"({"step": 1})", "state-data");
  refused(R"({"state-data": "0x)" + std::string(400, '0') + "\"}", "neither a RISC-V witness");
  refused(R"({"state-data": "0x)" + std::string(375, '0') + "\"}", "neither a RISC-V witness");
}

TEST(ProofJson, ExactLengthRejectsMt64ProofDataOfAnotherSize) {
  std::unique_ptr<AnyMachine> m = machineFromState(mips64::State::createInitial(0x1000, 0x1000'0000));
  OneStepProof p;
  ASSERT_TRUE(m->proveStep(p).completed());
  p.proofData.push_back(0);
  EXPECT_THROW((void)verifyOneStep(p, /*exactLength=*/true), Error);
  EXPECT_TRUE(verifyOneStep(p, /*exactLength=*/false).ok);
}

}  // namespace
}  // namespace fpvm::core::test
