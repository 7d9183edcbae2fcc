// Prestates of the Cannon MT64 machine through the validation server: the MIPS64 build of the
// example rollup validated, run as an execution run (hashes after every step and at big strides,
// one-step proofs in Cannon's proof JSON that the stateless MT64 verifier accepts), with inline
// data and with a hint-driven pre-image server, under the memory limit, and loaded from a
// prestate folder. Every expected hash comes from the machine itself, outside the server.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "core/proof_json.hpp"
#include "rpc/rpc_error.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

/// The verifier must accept a proof answer with the expected pre and post hashes.
void verifyMips64Proof(const Json& answer, const Hash32& pre, const Hash32& post) {
  const core::OneStepProof p = core::decodeProofJson(answer.dump(), "proof");
  ASSERT_EQ(p.isa, core::Isa::Mips64);
  EXPECT_EQ(p.pre, pre) << "step " << p.step;
  EXPECT_EQ(p.post, post) << "step " << p.step;
  const core::VerifyOutcome r = core::verifyOneStep(p, /*exactLength=*/true);
  ASSERT_TRUE(r.ok) << "the MT64 verifier reverts (" << r.revert << ") at step " << p.step;
  EXPECT_EQ(r.post, post) << "step " << p.step;
}

class Mips64Prestates : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = &rollupData();
    if (!d_->available || !d_->mips64Prestate)
      GTEST_SKIP() << "SKIPPED: the MIPS64 rollup guest or the rollup host was not built (mips64-linux-gnuabi64-gcc missing?)";
  }
  std::unique_ptr<TestServer> start(const server::ServerConfig& cfg) const {
    std::vector<std::unique_ptr<core::AnyMachine>> machines;
    machines.push_back(d_->mips64Prestate->clone());
    return std::make_unique<TestServer>(cfg, std::move(machines));
  }
  const core::AnyMachine& prestate() const { return *d_->mips64Prestate; }

  const RollupData* d_ = nullptr;
};

TEST_F(Mips64Prestates, ValidationGivesTheMachinesOwnVerdictStepsAndHash) {
  auto s = start(testConfig());
  auto c = s->client();
  const DirectRun valid = runToEnd(prestate(), d_->validInput);
  Json r = c->call("validation_validate", Json::array({d_->validInput, s->prestate(0)}));
  EXPECT_EQ(r["status"], "valid");
  EXPECT_EQ(r["exitCode"], 0);
  EXPECT_EQ(r["steps"], valid.steps);
  EXPECT_EQ(r["stateHash"], toHex(valid.hash));
  EXPECT_GT(valid.steps, 1'000'000u);
  const DirectRun invalid = runToEnd(prestate(), d_->invalidInput);
  r = c->call("validation_validate", Json::array({d_->invalidInput, s->prestate(0)}));
  EXPECT_EQ(r["status"], "invalid");
  EXPECT_EQ(r["exitCode"], 1);
  EXPECT_EQ(r["steps"], invalid.steps);
  EXPECT_EQ(r["stateHash"], toHex(invalid.hash));
}

TEST_F(Mips64Prestates, ExecutionRunAnswersHashesAndVerifiableProofsAtAnyStep) {
  auto cfg = testConfig();
  cfg.initialSteps = 100000;
  auto s = start(cfg);
  auto c = s->client(true);
  const uint64_t id = c->call("validation_createExecutionRun", Json::array({s->prestate(0), d_->validInput})).get<uint64_t>();
  const Json last = c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));
  const DirectRun direct = runToEnd(prestate(), d_->validInput);
  EXPECT_EQ(last["Status"], "valid");
  EXPECT_EQ(last["Position"], direct.steps);
  EXPECT_EQ(last["Hash"], toHex(direct.hash));
  const uint64_t total = direct.steps;

  // The start (boot values, first pre-image reads) and a stretch in the middle, after every step.
  for (const uint64_t from : {uint64_t(0), total / 2}) {
    const std::vector<Hash32> ref = referenceHashes(prestate(), d_->validInput, from, 2001);
    ASSERT_EQ(ref.size(), 2001u);
    const Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, from, 1, 2001}));
    ASSERT_EQ(h.size(), 2001u);
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(h[i], toHex(ref[i])) << "step " << from + i;
    int oracleProofs = 0;
    for (uint64_t i = 0; i < 2000; ++i) {
      const Json proof = c->call("validation_getProofAt", Json::array({id, from + i}));
      const bool reads = proof.contains("oracle-key");
      oracleProofs += reads;
      if (reads || i % 17 == 0) verifyMips64Proof(proof, ref[i], ref[i + 1]);
    }
    if (from == 0) {
      EXPECT_GT(oracleProofs, 0);
    }
  }
  // Big strides, padded by the exit; the second one is the state after 2^20 steps.
  const Json big = c->call("validation_getMachineHashesWithStepSize", Json::array({id, 0, 1 << 20, 100}));
  EXPECT_EQ(big.size(), total / (1 << 20) + 2);
  EXPECT_EQ(big.back(), last["Hash"]);
  EXPECT_EQ(big[1], toHex(referenceHashes(prestate(), d_->validInput, 1 << 20, 1).front()));
  // Past the end: the exited machine's step, which changes nothing.
  verifyMips64Proof(c->call("validation_getProofAt", Json::array({id, total + 5})), direct.hash, direct.hash);
  verifyMips64Proof(c->call("validation_getProofAt", Json::array({id, total - 1})),
                    referenceHashes(prestate(), d_->validInput, total - 1, 1).front(), direct.hash);
}

TEST_F(Mips64Prestates, SegmentProofsOfTheRunVerifyStatelessly) {
  auto s = start(testConfig());
  auto c = s->client();
  const uint64_t id = c->call("validation_createExecutionRun", Json::array({s->prestate(0), d_->validInput})).get<uint64_t>();
  const DirectRun direct = runToEnd(prestate(), d_->validInput);
  // The start (boot values and the first pre-image reads), a window in the middle, and the end.
  struct Window {
    uint64_t from, to;
  };
  for (const Window w : {Window{0, 50'000}, Window{direct.steps / 2, direct.steps / 2 + 200'000},
                         Window{direct.steps - 1000, direct.steps + 1000}}) {
    const Json r = c->call("validation_getSegmentProof", Json::array({id, w.from, w.to}));
    const uint64_t end = std::min(w.to, direct.steps);
    EXPECT_EQ(r["fromStep"], w.from);
    EXPECT_EQ(r["endStep"], end);
    EXPECT_EQ(r["preHash"], toHex(referenceHashes(prestate(), d_->validInput, w.from, 1).front()));
    const Hash32 post = end == direct.steps ? direct.hash : referenceHashes(prestate(), d_->validInput, end, 1).front();
    EXPECT_EQ(r["postHash"], toHex(post));
    const core::SegmentOutcome v = core::verifySegmentProof(fromBase64(r["proof"].get<std::string>(), "proof"), 1u << 22);
    EXPECT_EQ(v.postHash, post);
    EXPECT_EQ(v.fromStep, w.from);
    EXPECT_EQ(v.endStep, end);
    EXPECT_EQ(v.exited, end == direct.steps);
  }
}

TEST_F(Mips64Prestates, HintDrivenPreimageServerServesRunsResumedFromCheckpoints) {
  auto cfg = testConfig();
  cfg.initialSteps = 50000;
  cfg.preimageServer = {rollupHost(), "serve", "--chain", d_->chainDir};
  auto s = start(cfg);
  auto c = s->client();
  // Only the boot values inline: every keccak pre-image comes from the server after its hint.
  const Json in = {{"id", 9}, {"localKeys", d_->validInput["localKeys"]}};
  const Json r = c->call("validation_validate", Json::array({in, s->prestate(0)}));
  const DirectRun direct = runToEnd(prestate(), d_->validInput);
  EXPECT_EQ(r["status"], "valid");
  EXPECT_EQ(r["steps"], direct.steps);
  EXPECT_EQ(r["stateHash"], toHex(direct.hash));
  // Lookups far apart start from checkpoints with a fresh server process, some of them in the
  // middle of a hinted read: the machine's last hint is replayed to it.
  const uint64_t id = c->call("validation_createExecutionRun", Json::array({s->prestate(0), in})).get<uint64_t>();
  for (const uint64_t p : {uint64_t(150000), uint64_t(60000), uint64_t(199000), uint64_t(120000)}) {
    const std::vector<Hash32> ref = referenceHashes(prestate(), d_->validInput, p - 200, 201);
    const Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, p - 200, 1, 201}));
    ASSERT_EQ(h.size(), 201u);
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(h[i], toHex(ref[i])) << "step " << p - 200 + i;
  }
}

TEST_F(Mips64Prestates, MemoryLimitStopsTheRunWithItsError) {
  auto cfg = testConfig();
  cfg.memoryLimit = uint64_t(64) << 10;  // 16 pages: less than the guest's image
  auto s = start(cfg);
  auto c = s->client();
  try {
    c->call("validation_validate", Json::array({d_->validInput, s->prestate(0)}));
    ADD_FAILURE() << "a run over the memory limit was not refused";
  } catch (const rpc::RpcError& e) {
    EXPECT_EQ(e.code(), rpc::kMemoryLimit) << e.what();
    EXPECT_NE(std::string(e.what()).find("memory limit exceeded"), std::string::npos) << e.what();
  }
}

TEST_F(Mips64Prestates, PrestateFolderOfEitherMachineLoads) {
  TempDir dir;
  std::unique_ptr<core::AnyMachine> m = prestate().clone();
  const Hash32 hash = m->stateHash();
  runs::writePrestateFolder(dir.path(), *m);
  const runs::PrestateStore store = runs::PrestateStore::load(dir.path());
  ASSERT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.refused().empty());
  const auto loaded = store.find(hash);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->isa(), core::Isa::Mips64);
  EXPECT_EQ(loaded->witness.size(), 188u);
  EXPECT_EQ(core::hashWitness(core::Isa::Mips64, loaded->witness), hash);
}

}  // namespace
}  // namespace fpvm::test::srv
