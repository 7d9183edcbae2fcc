// The bottom level of a BoLD bisection: 2^23+1 state hashes with step size 1 in one query
// (label "long"). Reports its time and the process's peak memory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "common/hex.hpp"
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

}  // namespace
}  // namespace fpvm::test::srv
