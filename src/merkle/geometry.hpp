#pragma once
/// Sizes of the memory commitment (spec §2). Every hashed memory quantity has its one place here.
#include <cstdint>

namespace fpvm::merkle {

inline constexpr unsigned kLeafBits = 5;  ///< 32-byte leaves
inline constexpr uint64_t kLeafSize = 1u << kLeafBits;
inline constexpr unsigned kPageBits = 12;  ///< 4096-byte pages
inline constexpr uint64_t kPageSize = 1u << kPageBits;
inline constexpr unsigned kPageHeight = kPageBits - kLeafBits;  ///< a page is a subtree of height 7
inline constexpr unsigned kLeavesPerPage = 1u << kPageHeight;   ///< 128
inline constexpr unsigned kTreeDepth = 64 - kLeafBits;          ///< 59: root height
inline constexpr unsigned kProofWords = kTreeDepth + 1;         ///< leaf + 59 siblings
inline constexpr unsigned kProofBytes = kProofWords * 32;       ///< 1920

static_assert(kPageHeight == 7 && kLeavesPerPage == 128);
static_assert(kTreeDepth == 59 && kProofBytes == 1920);

}  // namespace fpvm::merkle
