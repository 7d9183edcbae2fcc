#pragma once
// How many iterations the random sweeps run: their base count times FPVM_MIPS64_RANDOM_SCALE
// (default 1; the long EVM replay, evm.replay.full, runs them 4 times longer).
#include <cstdlib>

namespace fpvm::mips64::test {

/// `base` times the scale from the environment (at least 1).
inline int randomIterations(int base) {
  const char* s = std::getenv("FPVM_MIPS64_RANDOM_SCALE");
  const int scale = s ? std::atoi(s) : 1;
  return base * (scale > 1 ? scale : 1);
}

}  // namespace fpvm::mips64::test
