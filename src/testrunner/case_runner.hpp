#pragma once
/// Runs one `fpvm test` case on a fresh machine and compares what came out with what the
/// manifest expects.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "testrunner/manifest.hpp"

namespace fpvm::testrunner {

/// One expectation that did not hold.
struct Mismatch {
  std::string field;      ///< "verdict", "exitCode", "steps", "stateHash", "minSteps", "maxSteps"
  std::string expected;   ///< as the manifest says it
  std::string got;        ///< as the run ended
  bool recorded = false;  ///< a recorded field (steps, stateHash) that `--update` rewrites
};

/// How a case ended.
enum class Result : uint8_t {
  Pass,     ///< every expectation held
  Fail,     ///< the program ran to its end, and an expectation did not hold
  Error,    ///< the run could not complete: load error, host failure, revert, step limit, interrupt
  Updated,  ///< (--update) authored expectations held; recorded steps / hash were rewritten
};

/// "PASS", "FAIL", "ERROR", "UPDATED".
const char* resultName(Result r);

/// What one case produced.
struct CaseResult {
  Result result = Result::Error;
  bool exited = false;
  uint8_t exitCode = 0;
  uint64_t steps = 0;
  Hash32 stateHash;
  bool haveState = false;  ///< steps / exit / stateHash are meaningful
  double seconds = 0;
  std::vector<Mismatch> mismatches;
  std::string error;        ///< for Result::Error
  std::string guestOutput;  ///< the guest's fd 1 and fd 2 bytes (the first kMaxGuestOutput)
};

/// Most guest output kept per case.
inline constexpr size_t kMaxGuestOutput = 64 * 1024;

/// Runs `c` to its exit (or its step limit). `cancel` (may be null) stops it as an Error.
CaseResult runCase(const Case& c, const std::atomic<bool>* cancel);

/// Checks `r`'s final state against `expect`, filling r.mismatches and r.result (Pass or Fail).
/// With `update`, mismatches of recorded fields alone give Updated instead of Fail.
void judge(const Expectation& expect, CaseResult& r, bool update);

/// "valid", "invalid", "panic" for an exit code.
const char* verdictOf(uint8_t exitCode);

}  // namespace fpvm::testrunner
