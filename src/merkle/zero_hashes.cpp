#include "merkle/zero_hashes.hpp"

#include <array>

#include "common/keccak256.hpp"

namespace fpvm::merkle {
namespace {
std::array<Hash32, kTreeDepth + 1> makeZeroHashes() {
  std::array<Hash32, kTreeDepth + 1> z{};
  for (unsigned i = 1; i <= kTreeDepth; ++i) z[i] = keccak256Pair(z[i - 1], z[i - 1]);
  return z;
}
}  // namespace

const Hash32& zeroHash(unsigned height) {
  static const std::array<Hash32, kTreeDepth + 1> table = makeZeroHashes();
  return table[height];
}

}  // namespace fpvm::merkle
