#pragma once
/// Wall-clock seconds since a steady_clock instant (for the timings reports carry).
#include <chrono>

namespace fpvm {

/// Seconds from `t` to now on the steady clock.
inline double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace fpvm
