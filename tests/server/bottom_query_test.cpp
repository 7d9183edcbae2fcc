// The bottom level of a BoLD bisection: 2^23+1 state hashes with step size 1 in one query
// (label "long"): over JSON-RPC with the default threads, and on an execution run directly with
// the query's threads forced to 1 and 2 (issue 8's target is the one-thread time). Reports times
// and the process's peak memory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "common/hex.hpp"
#include "runs/execution_run.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

TEST(BottomLevel, TwoToTheTwentyThreePlusOneHashesInOneQuery) {
  auto cfg = testConfig();
  cfg.maxExecutionTime = std::chrono::minutes(10);
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  const uint64_t count = 2'200'000;  // 8.8 M steps: more than 2^23
  const Json input = counterInput(count, 0);
  auto c = s.client(false);
  const uint64_t id = c->call("validation_createExecutionRun", Json::array({s.prestate(0), input})).get<uint64_t>();
  c->call("validation_checkAlive", Json::array({id}));
  const uint64_t n = (uint64_t(1) << 23) + 1;
  const uint64_t from = 100000;
  c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));  // the build is done
  const auto start = std::chrono::steady_clock::now();
  const std::string text = c->callText("validation_getMachineHashesWithStepSize", Json::array({id, from, 1, n}));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // {"jsonrpc":"2.0","id":N,"result":["0x…","0x…",…]}
  const size_t open = text.find("\"result\":[");
  ASSERT_NE(open, std::string::npos) << text.substr(0, 300);
  const size_t first = open + 10;
  const size_t hashes = (text.size() - first - 2 + 1) / 69;
  EXPECT_EQ(hashes, n);
  std::mt19937_64 rng(3);
  for (uint64_t k : {uint64_t(0), uint64_t(1), n / 2, n - 1, rng() % n, rng() % n}) {
    const std::string got = text.substr(first + k * 69 + 1, 66);
    EXPECT_EQ(got, toHex(referenceHashAt(counterProgram(), input, from + k))) << "hash " << k;
  }
  char line[200];
  std::snprintf(line, sizeof line, "[ bottom level ] %llu hashes (step size 1) in %.1f s (%.2f us/step), %.0f MiB answer, peak RSS %.0f MiB",
                static_cast<unsigned long long>(n), secs, secs * 1e6 / double(n), text.size() / 1048576.0, peakRssMiB());
  std::cout << line << std::endl;
  RecordProperty("seconds", std::to_string(secs));
  RecordProperty("peak_rss_mib", std::to_string(peakRssMiB()));
}

/// The same query on an ExecutionRun with RunSettings::hashThreads = GetParam().
class BottomLevelThreads : public ::testing::TestWithParam<unsigned> {};

TEST_P(BottomLevelThreads, TwoToTheTwentyThreePlusOneHashes) {
  runs::PrestateStore store;
  auto prestate = store.add(counterProgram(), "latest");
  const Json input = counterInput(2'200'000, 0);
  auto parsed = std::make_shared<const runs::ValidationInput>(runs::parseValidationInput(input, "input"));
  runs::RunSettings settings;
  settings.hashThreads = GetParam();
  runs::ExecutionRun run(prestate, parsed, settings, Hash32{});
  run.build(nullptr);
  run.checkUsable();
  const uint64_t n = (uint64_t(1) << 23) + 1;
  const uint64_t from = 100000;
  const auto start = std::chrono::steady_clock::now();
  const std::string text = run.machineHashes(from, 1, n);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(text.size(), 1 + n * 69);
  std::mt19937_64 rng(4);
  for (uint64_t k : {uint64_t(0), uint64_t(1), n / 2, n - 1, rng() % n, rng() % n}) {
    const std::string got = text.substr(1 + k * 69 + 1, 66);
    EXPECT_EQ(got, toHex(referenceHashAt(counterProgram(), input, from + k))) << "hash " << k;
  }
  char line[200];
  std::snprintf(line, sizeof line, "[ bottom level ] %llu hashes (step size 1), %u query thread(s): %.1f s (%.2f us/step)",
                static_cast<unsigned long long>(n), GetParam(), secs, secs * 1e6 / double(n));
  std::cout << line << std::endl;
  RecordProperty("seconds", std::to_string(secs));
}

INSTANTIATE_TEST_SUITE_P(Threads, BottomLevelThreads, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<unsigned>& i) { return std::to_string(i.param); });

}  // namespace
}  // namespace fpvm::test::srv
