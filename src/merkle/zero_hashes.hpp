#pragma once
/// Hashes of all-zero subtrees: Z[0] = 32 zero bytes, Z[i] = H(Z[i-1] ‖ Z[i-1]).
#include "common/bytes.hpp"
#include "merkle/geometry.hpp"

namespace fpvm::merkle {

/// Z[height] for height 0..59; Z[59] is the empty-memory root.
const Hash32& zeroHash(unsigned height);

}  // namespace fpvm::merkle
