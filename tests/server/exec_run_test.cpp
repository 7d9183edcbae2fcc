// Execution runs: the machine cache, step hashes against an independent reference run, proofs
// checked by the stateless verifier, range preparation, keep-alive, close and pruning.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <utility>
#include <thread>

#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "core/proof_json.hpp"
#include "proof/proof_json.hpp"
#include "proof/step_verifier.hpp"
#include "runs/execution_run.hpp"
#include "rpc/rpc_error.hpp"
#include "server/run_manager.hpp"
#include "runs/validation_input.hpp"
#include "segment/segment_proof.hpp"
#include "segment/segment_verifier.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

using rpc::RpcError;

uint64_t createRun(rpc::RpcClient& c, const std::string& prestate, const Json& input) {
  Json id = c.call("validation_createExecutionRun", Json::array({prestate, input}));
  EXPECT_TRUE(id.is_number_unsigned()) << id.dump();
  return id.get<uint64_t>();
}

/// Checks a proof answer statelessly: the verifier's post hash must equal the proof's post and
/// the hash of the next step.
void verifyProof(const Json& proofJson, const Hash32& pre, const Hash32& post) {
  const core::OneStepProof p = core::decodeProofJson(proofJson.dump(), "proof");
  ASSERT_EQ(p.isa, core::Isa::Riscv64);
  EXPECT_EQ(p.pre, pre);
  EXPECT_EQ(p.post, post);
  std::unique_ptr<proof::PartOracle> oracle;
  if (p.oracleKey) oracle = std::make_unique<proof::SinglePreimageOracle>(*p.oracleKey, p.oracleValue);
  proof::VerifyOptions opts;
  opts.exactLength = true;
  proof::VerifyResult r = proof::verifyStep(ByteView(p.stateData), p.proofData, oracle.get(), opts);
  ASSERT_TRUE(r.ok()) << "verifier reverted 0x" << std::hex << r.revert << " at step " << std::dec << p.step;
  EXPECT_EQ(r.postHash, post) << "step " << p.step;
}

class ExecRunTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto cfg = testConfig();
    cfg.initialSteps = 500;
    cfg.cachedChallengeMachines = 4;
    std::vector<vm::VmState> v;
    v.push_back(counterProgram());
    v.push_back(preimageProgram());
    server_ = std::make_unique<TestServer>(cfg, std::move(v));
  }
  std::unique_ptr<rpc::RpcClient> client() { return server_->client(GetParam()); }
  std::unique_ptr<TestServer> server_;
};

TEST_P(ExecRunTest, HashesMatchAnIndependentReferenceRun) {
  const Json input = counterInput(2000, 0);
  const std::vector<Hash32> ref = referenceHashes(counterProgram(), input);
  const uint64_t last = ref.size() - 1;
  ASSERT_EQ(last, counterSteps(2000));
  auto c = client();
  const uint64_t id = createRun(*c, server_->prestate(0), input);
  // Random positions, in both directions, and past the end.
  for (uint64_t pos : {uint64_t(0), uint64_t(1), uint64_t(33), uint64_t(4000), uint64_t(3999), uint64_t(500), uint64_t(7999),
                       last - 1, last, last + 1, ~uint64_t(0)}) {
    Json s = c->call("validation_getStepAt", Json::array({id, pos}));
    const uint64_t at = std::min(pos, last);
    EXPECT_EQ(s["Hash"], toHex(ref[at])) << "position " << pos;
    EXPECT_EQ(s["Position"], at);
    EXPECT_EQ(s["Status"], at == last ? "valid" : "unfinished");
  }
  // Hashes with step size 1 (bottom level), 7 and 1000, crossing the end.
  struct Q {
    uint64_t from, size, max;
  } queries[] = {{0, 1, 300}, {4100, 1, 50}, {3, 7, 100}, {0, 1000, 50}, {last - 5, 1, 20}, {last + 10, 1, 5}};
  for (const auto& q : queries) {
    Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, q.from, q.size, q.max}));
    ASSERT_TRUE(h.is_array());
    std::vector<std::string> want;
    for (uint64_t i = 0; i < q.max; ++i) {
      uint64_t at = q.from + i * q.size;
      want.push_back(toHex(ref[std::min(at, last)]));
      if (at >= last) break;  // stops once the machine has exited
    }
    ASSERT_EQ(h.size(), want.size()) << "from " << q.from << " step " << q.size;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(h[i], want[i]) << "from " << q.from << " step " << q.size << " i " << i;
  }
  EXPECT_TRUE(c->call("validation_checkAlive", Json::array({id})).is_null());
  EXPECT_TRUE(c->call("validation_execKeepAlive", Json::array({id})).is_null());
  EXPECT_TRUE(c->call("validation_closeExec", Json::array({id})).is_null());
  EXPECT_THROW(c->call("validation_getStepAt", Json::array({id, 0})), RpcError);
}

TEST_P(ExecRunTest, ProofsPassTheStatelessVerifier) {
  const Json input = counterInput(300, 1);
  const std::vector<Hash32> ref = referenceHashes(counterProgram(), input);
  const uint64_t last = ref.size() - 1;
  auto c = client();
  const uint64_t id = createRun(*c, server_->prestate(0), input);
  // Every step of the prologue (key writes and preimage reads), some loop steps, the exit, and
  // the exited machine.
  std::vector<uint64_t> positions;
  for (uint64_t p = 0; p < 40; ++p) positions.push_back(p);
  for (uint64_t p : {uint64_t(600), uint64_t(601), uint64_t(602), uint64_t(603), last - 3, last - 2, last - 1}) positions.push_back(p);
  bool sawOracle = false;
  for (uint64_t p : positions) {
    Json proof = c->call("validation_getProofAt", Json::array({id, p}));
    EXPECT_EQ(proof["step"], p);
    if (proof.contains("oracle-key")) sawOracle = true;
    verifyProof(proof, ref[p], ref[p + 1]);
  }
  EXPECT_TRUE(sawOracle) << "no proof covered a preimage read";
  Json exited = c->call("validation_getProofAt", Json::array({id, last + 5}));
  EXPECT_EQ(exited["pre"], toHex(ref[last]));
  EXPECT_EQ(exited["post"], toHex(ref[last]));
  verifyProof(exited, ref[last], ref[last]);
}

TEST_P(ExecRunTest, ProofOfAKeccakPreimageRead) {
  Bytes data(100);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i + 1);
  data[0] = 2;
  const Json input = preimageInput(data);
  const std::vector<Hash32> ref = referenceHashes(preimageProgram(), input);
  auto c = client();
  const uint64_t id = createRun(*c, server_->prestate(1), input);
  EXPECT_EQ(c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}))["Status"], "panic");
  int keccakReads = 0;
  for (uint64_t p = 0; p + 1 < ref.size(); ++p) {
    Json proof = c->call("validation_getProofAt", Json::array({id, p}));
    if (proof.contains("oracle-key") && proof["oracle-key"].get<std::string>().rfind("0x02", 0) == 0) ++keccakReads;
    verifyProof(proof, ref[p], ref[p + 1]);
  }
  EXPECT_EQ(keccakReads, 2);
}

TEST_P(ExecRunTest, SegmentProofsOfTheRunVerifyStatelessly) {
  const Json input = counterInput(5000, 0);
  const std::vector<Hash32> ref = referenceHashes(counterProgram(), input);
  const uint64_t last = ref.size() - 1;
  auto c = client();
  const uint64_t id = createRun(*c, server_->prestate(0), input);
  for (const auto& [from, to] : {std::pair<uint64_t, uint64_t>{0, 1}, {600, 1600}, {12000, 12001}, {last - 100, last + 50}}) {
    const Json answer = c->call("validation_getSegmentProof", Json::array({id, from, to}));
    const uint64_t end = std::min(to, last);
    EXPECT_EQ(answer["fromStep"], from);
    EXPECT_EQ(answer["endStep"], end);
    EXPECT_EQ(answer["preHash"], toHex(ref[from]));
    EXPECT_EQ(answer["postHash"], toHex(ref[end]));
    // A client holding only hashes checks it without a machine.
    const segment::SegmentVerifyResult v =
        segment::verifySegment(segment::decodeSegmentProof(fromBase64(answer["proof"].get<std::string>()), "answer"));
    EXPECT_EQ(v.preHash, ref[from]);
    EXPECT_EQ(v.postHash, ref[end]);
  }
  EXPECT_THROW(c->call("validation_getSegmentProof", Json::array({id, 10, 10})), RpcError);
  EXPECT_THROW(c->call("validation_getSegmentProof", Json::array({id, last, last + 5})), RpcError);
  // toStep past the end is clamped to the exit: the whole trace as one segment.
  EXPECT_EQ(c->call("validation_getSegmentProof", Json::array({id, 0, ~uint64_t(0)}))["endStep"], last);
}

TEST_P(ExecRunTest, PrepareRangeRespacesTheCache) {
  const Json input = counterInput(5000, 0);
  const std::vector<Hash32> ref = referenceHashes(counterProgram(), input);
  auto c = client();
  const uint64_t id = createRun(*c, server_->prestate(0), input);
  EXPECT_TRUE(c->call("validation_prepareRange", Json::array({id, 12000, 12400})).is_null());
  Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, 12000, 1, 401}));
  ASSERT_EQ(h.size(), 401u);
  for (size_t i = 0; i < h.size(); i += 50) EXPECT_EQ(h[i], toHex(ref[12000 + i]));
  EXPECT_EQ(c->call("validation_getStepAt", Json::array({id, 10}))["Hash"], toHex(ref[10]));
  EXPECT_THROW(c->call("validation_prepareRange", Json::array({id, 10, 5})), RpcError);
}

INSTANTIATE_TEST_SUITE_P(Transports, ExecRunTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "WebSocket" : "Http"; });

// ---- the cache itself ----

runs::RunSettings settings(unsigned machines, uint64_t initial) {
  runs::RunSettings s;
  s.cachedMachines = machines;
  s.initialSteps = initial;
  s.limits.maxExecutionTime = std::chrono::seconds(60);
  return s;
}

std::shared_ptr<runs::Prestate> prestateOf(vm::VmState st) { return runs::makePrestate(core::machineFromState(std::move(st))); }

TEST(MachineCache, NitroSpacingDoublesWhenFull) {
  auto pre = prestateOf(counterProgram());
  auto input = std::make_shared<runs::ValidationInput>(runs::parseValidationInput(counterInput(10000, 0), "in"));
  runs::ExecutionRun run(pre, input, settings(4, 1000), Hash32{});
  run.build(nullptr);
  run.checkUsable();
  const uint64_t total = counterSteps(10000);  // 40037
  EXPECT_EQ(run.finalStep(), total);
  auto steps = run.checkpointSteps();
  // 0 plus at most 4 machines; the spacing doubled from 1000 while running: 1000 → … → 16000.
  ASSERT_LE(steps.size(), 5u);
  EXPECT_EQ(steps.front(), 0u);
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_EQ(steps[i] % 8000, 0u) << steps[i];
  EXPECT_GE(steps.back(), total - 16000);
  // A lookup near a checkpoint re-executes only the distance from it.
  const uint64_t before = run.queryStepsExecuted();
  const uint64_t near = steps.back() + 10;
  run.stepAt(near);
  EXPECT_EQ(run.queryStepsExecuted() - before, 10u);
  // Forward lookups continue from where the last one stopped.
  run.stepAt(near + 5);
  EXPECT_EQ(run.queryStepsExecuted() - before, 15u);
}

TEST(MachineCache, ParallelPerStepHashRangesMatchTheReference) {
  // 2^17+ hashes with step size 1 are split over several threads (on a multi-core machine).
  auto pre = prestateOf(counterProgram());
  const Json in = counterInput(40000, 0);
  auto input = std::make_shared<runs::ValidationInput>(runs::parseValidationInput(in, "in"));
  runs::ExecutionRun run(pre, input, settings(4, 5000), Hash32{});
  run.build(nullptr);
  const std::vector<Hash32> ref = referenceHashes(counterProgram(), in);
  const uint64_t last = ref.size() - 1;
  for (uint64_t from : {uint64_t(0), uint64_t(12345)}) {
    const uint64_t n = (uint64_t(1) << 17) + 7;
    const Json h = Json::parse(run.machineHashes(from, 1, n));
    ASSERT_EQ(h.size(), n);
    for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(h[i], toHex(ref[std::min(from + i, last)])) << "from " << from << " i " << i;
  }
  // Up to the end: the answer stops with the final machine.
  const Json tail = Json::parse(run.machineHashes(last - 140000, 1, 200000));
  ASSERT_EQ(tail.size(), 140001u);
  EXPECT_EQ(tail.back(), toHex(ref[last]));
  EXPECT_EQ(tail[70000], toHex(ref[last - 70000]));
}

TEST(MachineCache, FailedBuildsReportWhy) {
  auto pre = prestateOf(spinProgram());
  auto input = std::make_shared<runs::ValidationInput>(runs::parseValidationInput(Json{{"id", 1}}, "in"));
  auto s = settings(4, 1000);
  s.limits.maxExecutionTime = std::chrono::milliseconds(100);
  runs::ExecutionRun run(pre, input, s, Hash32{});
  run.build(nullptr);
  try {
    run.checkUsable();
    ADD_FAILURE() << "a build past max-execution-time succeeded";
  } catch (const rpc::RpcError& e) {
    EXPECT_EQ(e.code(), rpc::kRunFailed);
    EXPECT_NE(std::string(e.what()).find("max-execution-time exceeded"), std::string::npos) << e.what();
  }
}

TEST(ExecutionRuns, CreateReturnsAtOnceAndQueriesWaitForTheBuild) {
  auto cfg = testConfig();
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const Json input = counterInput(40'000'000, 0);  // ~160 M steps: a build of a fraction of a second
  const auto start = std::chrono::steady_clock::now();
  const uint64_t id = createRun(*c, s.prestate(0), input);
  const double createSecs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Json last = c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));
  const double lastSecs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(createSecs, lastSecs);
  EXPECT_EQ(last["Position"], counterSteps(40'000'000));
  EXPECT_EQ(last["Status"], "valid");
  EXPECT_GE(s.server().metrics().count("fpvm_cache_build_seconds"), 0u);
}

TEST(ExecutionRuns, SameInputSharesTheMachineCache) {
  auto cfg = testConfig();
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const uint64_t a = createRun(*c, s.prestate(0), counterInput(1000, 0, 1));
  const uint64_t b = createRun(*c, s.prestate(0), counterInput(1000, 0, 2));  // another caller id, same input
  EXPECT_NE(a, b);
  EXPECT_EQ(s.server().runs().activeRuns(), 1u);
  EXPECT_EQ(s.server().metrics().value("fpvm_execution_runs_created_total", "reused=\"true\""), 1);
  // Closing one id keeps the other working; closing both keeps the run for reuse.
  c->call("validation_closeExec", Json::array({a}));
  EXPECT_EQ(c->call("validation_getStepAt", Json::array({b, 3}))["Position"], 3);
  c->call("validation_closeExec", Json::array({b}));
  const uint64_t again = createRun(*c, s.prestate(0), counterInput(1000, 0, 3));
  EXPECT_EQ(s.server().metrics().value("fpvm_execution_runs_created_total", "reused=\"true\""), 2);
  EXPECT_EQ(c->call("validation_getStepAt", Json::array({again, 3}))["Position"], 3);
  // A different input is a different run.
  createRun(*c, s.prestate(0), counterInput(1001, 0, 3));
  EXPECT_EQ(s.server().runs().activeRuns(), 2u);
}

TEST(ExecutionRuns, IdleRunsArePrunedAndKeepAliveRefreshes) {
  auto cfg = testConfig();
  cfg.executionRunTimeout = std::chrono::milliseconds(600);
  cfg.keptClosedRuns = 0;
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const uint64_t idle = createRun(*c, s.prestate(0), counterInput(10, 0));
  const uint64_t kept = createRun(*c, s.prestate(0), counterInput(11, 0));
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    c->call(i % 2 ? "validation_execKeepAlive" : "validation_checkAlive", Json::array({kept}));
  }
  try {
    c->call("validation_checkAlive", Json::array({idle}));
    ADD_FAILURE() << "idle run was not pruned";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), rpc::kRunNotFound);
  }
  EXPECT_TRUE(c->call("validation_checkAlive", Json::array({kept})).is_null());
  EXPECT_GE(s.server().metrics().value("fpvm_execution_runs_pruned_total"), 1);
  EXPECT_EQ(s.server().runs().activeRuns(), 1u);
}

TEST(ExecutionRuns, BrokenRunsFailCheckAlive) {
  auto cfg = testConfig();
  cfg.maxExecutionTime = std::chrono::milliseconds(200);
  std::vector<vm::VmState> v;
  v.push_back(spinProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const uint64_t id = createRun(*c, s.prestate(0), Json{{"id", 1}});
  try {
    c->call("validation_getStepAt", Json::array({id, 5}));
    ADD_FAILURE() << "a query on a broken run succeeded";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), rpc::kRunFailed);
    EXPECT_NE(std::string(e.what()).find("max-execution-time"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c->call("validation_checkAlive", Json::array({id})), RpcError);
  EXPECT_TRUE(c->call("validation_closeExec", Json::array({id})).is_null());
}

TEST(ExecutionRuns, RollupRunWithDoublingCheckpoints) {
  const RollupData& d = rollupData();
  if (!d.available) GTEST_SKIP() << "SKIPPED: the rollup guest or host was not built";
  auto cfg = testConfig();
  cfg.initialSteps = 100000;
  std::vector<vm::VmState> v;
  v.push_back(d.prestate);
  TestServer s(cfg, std::move(v));
  auto c = s.client(true);
  const uint64_t id = createRun(*c, s.prestate(0), d.validInput);
  Json last = c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));
  EXPECT_EQ(last["Status"], "valid");
  const uint64_t total = last["Position"].get<uint64_t>();
  // Compare a stretch of per-step hashes and proofs with a reference run (up to 2.5 M steps).
  const uint64_t from = 2'500'000;
  ASSERT_GT(total, from + 2000);
  const std::vector<Hash32> ref = referenceHashes(d.prestate, d.validInput, from - 1000, 2001);  // ref[i] = step from-1000+i
  Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, from - 1000, 1, 2001}));
  ASSERT_EQ(h.size(), 2001u);
  for (size_t i = 0; i < 2001; ++i) ASSERT_EQ(h[i], toHex(ref[i])) << i;
  for (uint64_t i = 0; i < 2000; i += 13) {
    Json proof = c->call("validation_getProofAt", Json::array({id, from - 1000 + i}));
    verifyProof(proof, ref[i], ref[i + 1]);
  }
  // The early part of the trace reads the boot values and the first preimages.
  const std::vector<Hash32> early = referenceHashes(d.prestate, d.validInput, 0, 3000);
  int oracleProofs = 0;
  for (uint64_t p = 0; p + 1 < early.size(); ++p) {
    Json proof = c->call("validation_getProofAt", Json::array({id, p}));
    if (!proof.contains("oracle-key")) continue;
    ++oracleProofs;
    verifyProof(proof, early[p], early[p + 1]);
  }
  EXPECT_GT(oracleProofs, 0);
  // Big steps: the hash after every 2^20 steps, padded by the exit.
  Json big = c->call("validation_getMachineHashesWithStepSize", Json::array({id, 0, 1 << 20, 100}));
  EXPECT_EQ(big.size(), total / (1 << 20) + 2);
  EXPECT_EQ(big.back(), last["Hash"]);
}

TEST(ExecutionRuns, RollupWithAPreimageServerResumesFromCheckpointsByReplayingTheHint) {
  const RollupData& d = rollupData();
  if (!d.available) GTEST_SKIP() << "SKIPPED: the rollup guest or host was not built";
  auto cfg = testConfig();
  cfg.initialSteps = 50000;
  cfg.preimageServer = {rollupHost(), "serve", "--chain", d.chainDir};
  std::vector<vm::VmState> v;
  v.push_back(d.prestate);
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const Json in = {{"id", 9}, {"localKeys", d.validInput["localKeys"]}};
  const uint64_t id = createRun(*c, s.prestate(0), in);
  Json last = c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));
  EXPECT_EQ(last["Status"], "valid");
  // Positions far apart make each lookup start from a checkpoint with a fresh server process,
  // some of them in the middle of a hinted read.
  const std::vector<Hash32> early = referenceHashes(d.prestate, d.validInput, 0, 200000);
  for (uint64_t p : {uint64_t(150000), uint64_t(60000), uint64_t(199000), uint64_t(120000)}) {
    Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({id, p - 500, 1, 501}));
    ASSERT_EQ(h.size(), 501u);
    EXPECT_EQ(h[0], toHex(early[p - 500]));
    EXPECT_EQ(h[500], toHex(early[p]));
  }
  int oracleProofs = 0;
  for (uint64_t p = 0; p + 1 < 3000; ++p) {
    Json proof = c->call("validation_getProofAt", Json::array({id, p}));
    if (!proof.contains("oracle-key")) continue;
    ++oracleProofs;
    verifyProof(proof, early[p], early[p + 1]);
  }
  EXPECT_GT(oracleProofs, 0);
}

}  // namespace
}  // namespace fpvm::test::srv
