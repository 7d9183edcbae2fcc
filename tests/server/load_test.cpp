// Load on loopback: 50 concurrent clients (half HTTP, half WebSocket) send 1,000 requests mixing
// validations and execution-run queries; every answer must be correct and none an error.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "common/hex.hpp"
#include "server/run_manager.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

TEST(Load, FiftyClientsThousandRequestsNoErrors) {
  auto cfg = testConfig();
  cfg.workers = 2;
  cfg.queueSize = 128;
  cfg.initialSteps = 20000;
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  const std::string prestate = s.prestate(0);

  // A few shared execution-run inputs with their reference hashes at some positions.
  struct RunInput {
    Json input;
    uint64_t last;
    std::vector<std::pair<uint64_t, std::string>> probes;
  };
  std::vector<RunInput> runs;
  for (uint64_t count : {5000, 7000, 9000}) {
    RunInput r;
    r.input = counterInput(count, 0, count);
    r.last = counterSteps(count);
    for (uint64_t p : {uint64_t(0), uint64_t(77), r.last / 2, r.last - 1, r.last})
      r.probes.emplace_back(p, toHex(referenceHashAt(counterProgram(), r.input, p)));
    runs.push_back(std::move(r));
  }

  constexpr int kClients = 50, kPerClient = 20;
  std::atomic<int> errors{0}, validations{0}, queries{0};
  std::mutex failMutex;
  std::vector<std::string> failures;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      auto c = s.client(t % 2 == 1);
      uint64_t runId = 0;
      const RunInput& ri = runs[t % runs.size()];
      for (int i = 0; i < kPerClient; ++i) {
        try {
          const int kind = i % 5;
          if (kind < 2) {
            const uint64_t count = rng() % 50000, code = rng() % 3;
            Json r = c->call("validation_validate", Json::array({counterInput(count, code, rng()), prestate}));
            if (r["steps"] != counterSteps(count) || r["exitCode"] != code) throw Error("wrong validation result " + r.dump());
            ++validations;
          } else if (kind == 2) {
            if (runId) c->call("validation_closeExec", Json::array({runId}));
            runId = c->call("validation_createExecutionRun", Json::array({prestate, ri.input})).get<uint64_t>();
            ++queries;
          } else if (kind == 3) {
            const auto& probe = ri.probes[rng() % ri.probes.size()];
            Json r = c->call("validation_getStepAt", Json::array({runId, probe.first}));
            if (r["Hash"] != probe.second) throw Error("wrong hash at " + std::to_string(probe.first));
            ++queries;
          } else {
            Json h = c->call("validation_getMachineHashesWithStepSize", Json::array({runId, 77, 1, 64}));
            if (h.size() != 64 || h[0] != ri.probes[1].second) throw Error("wrong hashes");
            Json p = c->call("validation_getProofAt", Json::array({runId, rng() % ri.last}));
            if (!p.contains("proof-data")) throw Error("no proof");
            queries += 2;
          }
        } catch (const std::exception& e) {
          ++errors;
          std::lock_guard<std::mutex> lock(failMutex);
          failures.push_back(e.what());
        }
      }
      if (runId) c->call("validation_closeExec", Json::array({runId}));
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < failures.size() && i < 5; ++i) ADD_FAILURE() << failures[i];
  EXPECT_EQ(errors.load(), 0);
  const int calls = validations + queries;
  EXPECT_GE(calls, kClients * kPerClient);
  char line[256];
  std::snprintf(line, sizeof line,
                "[ load ] %d clients, %d calls (%d validations, %d execution-run calls) in %.2f s = %.0f calls/s; peak RSS %.0f MiB",
                kClients, calls, validations.load(), queries.load(), secs, calls / secs, peakRssMiB());
  std::cout << line << std::endl;
  RecordProperty("calls_per_second", std::to_string(calls / secs));
  RecordProperty("peak_rss_mib", std::to_string(peakRssMiB()));
  EXPECT_EQ(s.server().metrics().value("fpvm_busy_refusals_total"), 0);
}

}  // namespace
}  // namespace fpvm::test::srv
