#include "merkle/path_batch.hpp"

#include <bit>
#include <cstring>

#include "common/error.hpp"
#include "common/keccak_multi.hpp"

namespace fpvm::merkle {

static_assert(sizeof(Hash32) == 32, "levels are hashed as contiguous 32-byte digests");

PathBatch::PathBatch(const PagedMemory& memory) : memory_(memory) {
  pairs_.reserve(kMaxRecords);
  values_.reserve(64 * kMaxRecords);
  sib_.resize(kTreeDepth * kMaxRecords);
}

void PathBatch::clear() {
  pairs_.clear();
  values_.clear();
  base_.clear();
}

void PathBatch::record(uint64_t pair) {
  const size_t k = pairs_.size();
  pairs_.push_back(pair);
  values_.resize(64 * (k + 1));
  memory_.readBytes(pair << 6, values_.data() + 64 * k, 64);

  // Siblings of record k by height: scanning earlier records newest first, record j with
  // w = bit_width(p_j ^ p_k) sits at k's sibling position at height w and on k's own path above
  // w. Heights [1, ceiling) are still open; each j below the ceiling fills height w and hands
  // down its own siblings for (w, ceiling), which no record between j and k occupies.
  int32_t* sib = sib_.data() + kTreeDepth * k;
  unsigned ceiling = kTreeDepth;
  for (size_t j = k; j-- > 0 && ceiling > 1;) {
    const unsigned w = static_cast<unsigned>(std::bit_width(pairs_[j] ^ pair));
    if (w >= ceiling) continue;
    const int32_t* from = sib_.data() + kTreeDepth * j;
    for (unsigned h = w + 1; h < ceiling; ++h) sib[h] = from[h];
    if (w >= 1) sib[w] = static_cast<int32_t>(j);
    ceiling = w;
  }
  for (unsigned h = 1; h < ceiling; ++h) {
    const Hash32* node = memory_.committedNode(h, (pair >> (h - 1)) ^ 1);
    if (!node) throw Error("internal error: path batch recorded a write into a page without node cache");
    base_.push_back(node);
    sib[h] = -static_cast<int32_t>(base_.size());
  }
}

void PathBatch::computeRoots(Hash32* roots) {
  const size_t n = pairs_.size();
  if (n == 0) return;
  level_.resize(n);
  next_.resize(n);
  input_.resize(64 * n);
  // Height 1: the hash of each pair's 64 bytes.
  keccak256Of64Many(values_.data(), level_[0].data(), n);
  for (unsigned h = 1; h < kTreeDepth; ++h) {
    for (size_t k = 0; k < n; ++k) {
      const int32_t s = sib_[kTreeDepth * k + h];
      const Hash32& sibling = s >= 0 ? level_[s] : *base_[-1 - s];
      uint8_t* in = input_.data() + 64 * k;
      const bool right = (pairs_[k] >> (h - 1)) & 1;  // this node is its parent's right child
      std::memcpy(in + (right ? 32 : 0), level_[k].data(), 32);
      std::memcpy(in + (right ? 0 : 32), sibling.data(), 32);
    }
    keccak256Of64Many(input_.data(), next_[0].data(), n);
    level_.swap(next_);
  }
  for (size_t k = 0; k < n; ++k) roots[k] = level_[k];
}

}  // namespace fpvm::merkle
