// Validation-server benchmarks (timings are reported, never asserted):
//   1. validations per second with 1 and 2 workers (and their ratio), on the example rollup when
//      it is built (a 3.8 M-step run with ~70 keccak preimages) or else on a counter loop;
//   2. RPC overhead per call: validation_name round trips over HTTP keep-alive and WebSocket;
//   3. per-step hashing of an execution run (the bottom level of a bisection): N hashes with step
//      size 1 in one query (--hashes N, default 2^20; 2^23+1 is BoLD's small-step query).
//
//   fpvm_server_bench [--validations N] [--calls N] [--hashes N] [--json OUT]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "server_test_support.hpp"

using namespace fpvm;
using namespace fpvm::test::srv;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Workload {
  vm::VmState prestate;
  Json input;
  std::string name;
};

Workload workload() {
  const RollupData& d = rollupData();
  if (d.available) return Workload{d.prestate, d.validInput, "rollup (3.8 M steps, keccak preimages)"};
  return Workload{counterProgram(), counterInput(1'000'000, 0), "counter loop (4 M steps)"};
}

/// Validations per second with `workers` workers, fed by 2·workers clients.
double validationsPerSecond(const Workload& w, unsigned workers, int total) {
  auto cfg = testConfig();
  cfg.workers = workers;
  cfg.logLevel = "error";
  std::vector<vm::VmState> v{w.prestate};
  TestServer s(cfg, std::move(v));
  const std::string prestate = s.prestate(0);
  // Warm up (page cache, allocator).
  s.client()->call("validation_validate", Json::array({w.input, prestate}));
  const int clients = static_cast<int>(2 * workers);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto client = s.client(false);
      for (int i = c; i < total; i += clients) {
        Json r = client->call("validation_validate", Json::array({w.input, prestate}));
        if (r["status"] != "valid") std::fprintf(stderr, "unexpected result %s\n", r.dump().c_str());
      }
    });
  }
  for (auto& t : threads) t.join();
  return total / since(start);
}

struct Overhead {
  double meanUs, p50Us, p99Us;
};

Overhead rpcOverhead(bool websocket, int calls) {
  auto cfg = testConfig();
  cfg.logLevel = "error";
  std::vector<vm::VmState> v{counterProgram()};
  TestServer s(cfg, std::move(v));
  auto c = s.client(websocket);
  for (int i = 0; i < 200; ++i) c->call("validation_name");
  std::vector<double> us;
  us.reserve(calls);
  for (int i = 0; i < calls; ++i) {
    const auto t = Clock::now();
    c->call("validation_name");
    us.push_back(since(t) * 1e6);
  }
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double x : us) sum += x;
  return Overhead{sum / calls, sorted[calls / 2], sorted[calls * 99 / 100]};
}

double hashQuerySeconds(uint64_t n, double& buildSeconds, size_t& answerBytes) {
  auto cfg = testConfig();
  cfg.logLevel = "error";
  cfg.maxExecutionTime = std::chrono::minutes(30);
  std::vector<vm::VmState> v{counterProgram()};
  TestServer s(cfg, std::move(v));
  auto c = s.client(false);
  const uint64_t count = n / 4 + 10000;
  const auto b = Clock::now();
  const uint64_t id = c->call("validation_createExecutionRun", Json::array({s.prestate(0), counterInput(count, 0)})).get<uint64_t>();
  c->call("validation_getStepAt", Json::array({id, ~uint64_t(0)}));
  buildSeconds = since(b);
  const auto t = Clock::now();
  const std::string text = c->callText("validation_getMachineHashesWithStepSize", Json::array({id, 1000, 1, n}));
  answerBytes = text.size();
  return since(t);
}

}  // namespace

int main(int argc, char** argv) {
  int validations = 200, calls = 5000;
  uint64_t hashes = uint64_t(1) << 20;
  std::string jsonOut;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--validations")) validations = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--calls")) calls = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--hashes")) hashes = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--json")) jsonOut = argv[i + 1];
  }
  Json out;
  const Workload w = workload();
  std::printf("workload: %s\n", w.name.c_str());
  const double one = validationsPerSecond(w, 1, validations);
  const double two = validationsPerSecond(w, 2, validations);
  std::printf("validations/s: 1 worker %.1f, 2 workers %.1f, ratio %.2f (cores: %u)\n", one, two, two / one,
              std::thread::hardware_concurrency());
  out["workload"] = w.name;
  out["validations_per_second"] = {{"workers_1", one}, {"workers_2", two}, {"ratio", two / one}};

  const Overhead http = rpcOverhead(false, calls);
  const Overhead ws = rpcOverhead(true, calls);
  std::printf("validation_name round trip: HTTP mean %.1f us (p50 %.1f, p99 %.1f); WebSocket mean %.1f us (p50 %.1f, p99 %.1f)\n",
              http.meanUs, http.p50Us, http.p99Us, ws.meanUs, ws.p50Us, ws.p99Us);
  out["rpc_overhead_us"] = {{"http", {{"mean", http.meanUs}, {"p50", http.p50Us}, {"p99", http.p99Us}}},
                            {"websocket", {{"mean", ws.meanUs}, {"p50", ws.p50Us}, {"p99", ws.p99Us}}}};

  if (hashes > 0) {
    double build = 0;
    size_t bytes = 0;
    const double secs = hashQuerySeconds(hashes, build, bytes);
    std::printf("execution run: build %.2f s; %llu hashes (step size 1) in one query %.2f s = %.2f us/hash, %.0f MiB answer; peak RSS %.0f MiB\n",
                build, static_cast<unsigned long long>(hashes), secs, secs * 1e6 / double(hashes), bytes / 1048576.0, peakRssMiB());
    out["step_hashes"] = {{"count", hashes}, {"seconds", secs}, {"us_per_hash", secs * 1e6 / double(hashes)},
                          {"build_seconds", build}, {"answer_bytes", bytes}, {"peak_rss_mib", peakRssMiB()}};
  }
  if (!jsonOut.empty()) std::ofstream(jsonOut) << out.dump(2) << "\n";
  return 0;
}
