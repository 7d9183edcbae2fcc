#pragma once
/// A profile's stacks merged into one tree from the root: what a flame graph draws.
#include <cstdint>
#include <vector>

#include "profile/profile.hpp"

namespace fpvm::profile {

/// One node: a function called along one path from the root.
struct CallNode {
  FrameId frame = 0;               ///< the function (meaningless for the tree's root, which stands for "all")
  uint64_t total = 0;              ///< steps in this node and below
  uint64_t self = 0;               ///< steps in this node itself
  std::vector<CallNode> children;  ///< sorted by function name, as flame graphs order them
};

/// The tree of `profile`'s stacks; the root's total is profile.totalSteps().
CallNode buildCallTree(const Profile& profile);

}  // namespace fpvm::profile
