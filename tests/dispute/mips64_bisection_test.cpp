// Disputes over a Cannon MT64 trace: the MIPS64 build of the example rollup bisected between an
// honest party and one whose oracle serves a wrong keccak pre-image, and between a validation
// server and a party that lies from a chosen step on. The judge checks Cannon's one-step proofs
// with the stateless MT64 verifier (the MIPS64.sol mirror), exactly as for RISC-V traces.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "dispute/rpc_party.hpp"
#include "dispute_fixtures.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using fpvm::dispute::BisectReport;
using fpvm::dispute::Outcome;
using fpvm::dispute::Verdict;
namespace srv = fpvm::test::srv;

class Mips64Dispute : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = &srv::rollupData();
    if (!d_->available || !d_->mips64Prestate)
      GTEST_SKIP() << "SKIPPED: the MIPS64 rollup guest or the rollup host was not built (mips64-linux-gnuabi64-gcc missing?)";
  }
  std::unique_ptr<fpvm::dispute::LocalParty> local(const runs::ValidationInput& input, const std::string& name) const {
    return std::make_unique<fpvm::dispute::LocalParty>(d_->mips64Prestate->clone(), input, testRunSettings(100000), name);
  }
  /// The winning proof must be an MT64 proof the verifier takes to the verified post-state.
  static void expectWinningMips64Proof(const BisectReport& r) {
    ASSERT_TRUE(r.winningProof);
    EXPECT_EQ(r.winningProof->isa, core::Isa::Mips64);
    EXPECT_EQ(r.winningProof->step, r.disputedStep);
    const core::VerifyOutcome v = core::verifyOneStep(*r.winningProof, /*exactLength=*/true);
    ASSERT_TRUE(v.ok) << v.revert;
    ASSERT_TRUE(r.verifiedPost);
    EXPECT_EQ(v.post, *r.verifiedPost);
  }

  const srv::RollupData* d_ = nullptr;
};

TEST_F(Mips64Dispute, PartyServingAWrongKeccakPreimageLoses) {
  const runs::ValidationInput honest = runs::parseValidationInput(d_->validInput, "A");
  runs::ValidationInput broken = honest;
  ASSERT_FALSE(broken.preimages.empty());
  for (auto& [key, data] : broken.preimages)  // B's oracle returns other bytes for every key
    if (!data.empty()) data[data.size() / 2] ^= 0x5A;
  runs::computeInputDigest(broken);
  auto a = local(honest, "A");
  auto b = local(broken, "B");
  const BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  ASSERT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  ASSERT_TRUE(r.proofA && r.proofB);
  EXPECT_TRUE(r.proofA->valid && r.proofA->oracleDataChecked) << r.proofA->problem;
  EXPECT_FALSE(r.proofB->valid);
  EXPECT_NE(r.proofB->problem.find("does not hash to the key"), std::string::npos) << r.proofB->problem;
  expectWinningMips64Proof(r);
  EXPECT_EQ(*r.verifiedPost, srv::referenceHashes(*d_->mips64Prestate, d_->validInput, r.disputedStep + 1, 1).front());
}

TEST_F(Mips64Dispute, ServerPartyBeatsALiarAtItsFirstLie) {
  std::vector<std::unique_ptr<core::AnyMachine>> machines;
  machines.push_back(d_->mips64Prestate->clone());
  srv::TestServer server(srv::testConfig(), std::move(machines));
  fpvm::dispute::RpcPartyOptions o;
  o.client.port = server.port();
  o.prestate = hash32FromHex(server.prestate(0));
  o.input = d_->validInput;
  auto a = std::make_unique<fpvm::dispute::RpcParty>(o);
  const uint64_t lieFrom = 1'234'567;
  auto b = std::make_unique<LyingParty>(local(runs::parseValidationInput(d_->validInput, "B"), "B"), lieFrom);
  const BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  ASSERT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, lieFrom - 1);
  EXPECT_GT(r.roundTripsA, 0u);
  expectWinningMips64Proof(r);
  EXPECT_EQ(r.claimA, *r.verifiedPost);
}

TEST_F(Mips64Dispute, BisectCommandOnCannonStateFilesWritesAProofVerifyStepAccepts) {
  // A claims the valid boot values, B the wrong claim's; the game's own values (--trusted-input)
  // decide the local read where they diverge.
  srv::TempDir dir;
  const std::string d = dir.path();
  std::unique_ptr<core::AnyMachine> m = d_->mips64Prestate->clone();
  m->writeState(d + "/prestate.bin.gz");  // Cannon's binary state (version byte 8)
  auto write = [](const std::string& path, const std::string& text) {
    writeFileAtomic(path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  };
  write(d + "/a.json", d_->validInput.dump());
  write(d + "/b.json", d_->invalidInput.dump());  // other boot values: the parties diverge at a local read
  const std::string bisect = std::string(FPVM_TEST_FPVM) + " bisect --quiet --a " + d + "/prestate.bin.gz --b " + d +
                             "/prestate.bin.gz --a-input " + d + "/a.json --b-input " + d +
                             "/b.json --trusted-input " + d + "/a.json --levels 2^12,2^6,1 --top-hashes 4097 --out " + d + "/report.json --proof-out " + d +
                             "/proof.json >/dev/null 2>" + d + "/err";
  ASSERT_EQ(std::system(bisect.c_str()), 0) << bisect << "\n" << [&] {
    const Bytes err = readFile(d + "/err");
    return std::string(err.begin(), err.end());
  }();
  const Bytes reportText = readFile(d + "/report.json");
  const nlohmann::json report = nlohmann::json::parse(reportText.begin(), reportText.end());
  EXPECT_EQ(report["verdict"], "claim-a-holds");
  EXPECT_EQ(report["winner"], "A");
  const std::string verify = std::string(FPVM_TEST_FPVM) + " verify-step --proof " + d + "/proof.json >" + d + "/verified";
  ASSERT_EQ(std::system(verify.c_str()), 0);
  const Bytes verified = readFile(d + "/verified");
  const nlohmann::json v = nlohmann::json::parse(verified.begin(), verified.end());
  EXPECT_EQ(v["post"], report["verifiedPost"]);
  EXPECT_EQ(v["post-state"].get<std::string>().size(), 2 + 2 * 188u);
  // The same proof with one proof-data byte changed is refused (a different post, or a revert).
  const Bytes proofText = readFile(d + "/proof.json");
  nlohmann::json proof = nlohmann::json::parse(proofText.begin(), proofText.end());
  std::string pd = proof["proof-data"].get<std::string>();
  pd[2 + 2 * 400] = pd[2 + 2 * 400] == '0' ? '1' : '0';
  proof["proof-data"] = pd;
  write(d + "/tampered.json", proof.dump());
  const std::string tampered = std::string(FPVM_TEST_FPVM) + " verify-step --proof " + d + "/tampered.json >/dev/null 2>&1";
  EXPECT_NE(std::system(tampered.c_str()), 0);
}

}  // namespace
}  // namespace fpvm::test::dispute
