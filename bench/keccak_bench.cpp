// Keccak-f[1600] throughput per path: permutations per second on one thread for 64-byte inputs
// (Merkle nodes) and for 362-byte messages (state witnesses, 3 permutations each). Reported,
// never asserted. Usage: fpvm_keccak_bench [seconds per measurement, default 1; best of 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/keccak256.hpp"
#include "common/keccak_multi.hpp"

namespace {

using Clock = std::chrono::steady_clock;

/// Runs `fn` (which performs `permsPerCall` permutations) three times for about `seconds` each;
/// the best rate in permutations/s (the machine is shared, so the best run is the least disturbed).
template <class Fn>
double measure(double seconds, double permsPerCall, Fn fn) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    uint64_t calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      for (int i = 0; i < 64; ++i) fn();
      calls += 64;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    best = std::max(best, double(calls) * permsPerCall / elapsed);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  constexpr size_t kBatch = 64;  // inputs per call, like one level of a batched Merkle update
  std::vector<uint8_t> in(64 * kBatch, 0x5A), out(32 * kBatch);
  std::vector<uint8_t> msgs(362 * kBatch, 0xA5);

  const double single = measure(seconds, 1, [&] { fpvm::keccak256Of64(out.data(), out.data()); });
  std::printf("{\"path\":\"keccak256Of64 (one input, scalar)\",\"perms_per_s\":%.0f}\n", single);
  for (fpvm::KeccakPath p : fpvm::kAllKeccakPaths) {
    if (!fpvm::keccakPathAvailable(p)) {
      std::printf("{\"path\":\"%s\",\"skipped\":\"not available on this machine\"}\n", fpvm::keccakPathName(p));
      continue;
    }
    const double of64 = measure(seconds, kBatch, [&] { fpvm::keccak256Of64Many(in.data(), out.data(), kBatch, p); in[0] ^= out[0]; });
    const double wit = measure(seconds, 3.0 * kBatch, [&] {
      fpvm::keccak256Many(msgs.data(), 362, 362, out.data(), kBatch, p);
      msgs[0] ^= out[0];
    });
    std::printf("{\"path\":\"%s\",\"lanes\":%u,\"of64_perms_per_s\":%.0f,\"witness_perms_per_s\":%.0f,\"vs_scalar\":%.2f}\n",
                fpvm::keccakPathName(p), fpvm::keccakPathLanes(p), of64, wit, of64 / single);
  }
  return 0;
}
