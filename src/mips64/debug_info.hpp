#pragma once
/// The `run --debug-info` file (docs/spec/cannon-mt64.md §8.4, Cannon's mipsevm/debug.go): memory
/// and pre-image totals plus multithreading statistics, keys in Cannon's order.
#include <cstdint>
#include <string>

namespace fpvm::mips64 {

/// What the file reports. pages, memoryUsed, totalSteps and the pre-image counts are exact; the
/// statistics are fpvm's own counts (decision A4), 0 where fpvm keeps none (it has no decode
/// cache, so no instruction-cache misses).
struct DebugInfo {
  uint64_t pages = 0;
  uint64_t memoryUsed = 0;  ///< bytes, written as a hex quantity
  uint64_t numPreimageRequests = 0;
  uint64_t totalPreimageSize = 0;
  uint64_t totalSteps = 0;
  uint64_t instructionCacheMissCount = 0;
  uint64_t highestICacheMissPC = 0;  ///< written as a hex quantity
  uint64_t rmwSuccessCount = 0;
  uint64_t rmwFailCount = 0;
  uint64_t maxStepsBetweenLLAndSC = 0;
  uint64_t reservationInvalidationCount = 0;
  uint64_t forcedPreemptionCount = 0;
  uint64_t idleStepCountThread0 = 0;
};

/// The file text (2-space indent, two trailing newlines).
std::string encodeDebugInfoJson(const DebugInfo& info);

}  // namespace fpvm::mips64
