#pragma once
/// Runs the cases of a suite on a pool of threads, each case on its own machine.
#include <atomic>
#include <functional>
#include <vector>

#include "testrunner/case_runner.hpp"
#include "testrunner/manifest.hpp"

namespace fpvm::testrunner {

/// Options of one suite run.
struct SuiteOptions {
  unsigned jobs = 1;                          ///< cases run at once (at least 1)
  bool update = false;                        ///< judge() in update mode
  const std::atomic<bool>* cancel = nullptr;  ///< stops running cases and starts no more
  /// Called after each case is judged, with its index and the number of cases done so far; calls
  /// are serialised (never two at once), in completion order.
  std::function<void(size_t index, size_t done, const CaseResult&)> onDone;
};

/// What a suite run produced: one result per case, in manifest order.
struct SuiteResult {
  std::vector<CaseResult> cases;
  double seconds = 0;  ///< wall time of the whole run
  /// True when every case passed (or, with update, was updated).
  bool ok() const;
};

/// Runs and judges every case of `suite`.
SuiteResult runSuite(const Suite& suite, const SuiteOptions& options);

}  // namespace fpvm::testrunner
