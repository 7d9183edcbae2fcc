#include "testrunner/suite_runner.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

namespace fpvm::testrunner {

bool SuiteResult::ok() const {
  return std::all_of(cases.begin(), cases.end(),
                     [](const CaseResult& r) { return r.result == Result::Pass || r.result == Result::Updated; });
}

SuiteResult runSuite(const Suite& suite, const SuiteOptions& options) {
  SuiteResult out;
  out.cases.resize(suite.cases.size());
  auto start = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::mutex doneMutex;
  size_t done = 0;
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= suite.cases.size()) return;
      CaseResult& r = out.cases[i];
      if (options.cancel && options.cancel->load()) {
        r.error = "not run: interrupted";
      } else {
        r = runCase(suite.cases[i], options.cancel);
      }
      judge(suite.cases[i].expect, r, options.update);
      if (options.onDone) {
        std::lock_guard<std::mutex> lock(doneMutex);
        options.onDone(i, ++done, r);
      }
    }
  };
  unsigned jobs = std::clamp<unsigned>(options.jobs, 1, static_cast<unsigned>(std::max<size_t>(1, suite.cases.size())));
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace fpvm::testrunner
