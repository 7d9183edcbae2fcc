#include "profile/call_tree.hpp"

#include <algorithm>

namespace fpvm::profile {
namespace {

void sortChildren(CallNode& node, const Profile& profile) {
  std::sort(node.children.begin(), node.children.end(),
            [&](const CallNode& a, const CallNode& b) { return profile.name(a.frame) < profile.name(b.frame); });
  for (CallNode& c : node.children) sortChildren(c, profile);
}

}  // namespace

CallNode buildCallTree(const Profile& profile) {
  CallNode root;
  for (const Profile::Stack& s : profile.stacks()) {
    root.total += s.steps;
    CallNode* node = &root;
    for (FrameId f : s.frames) {
      auto it = std::find_if(node->children.begin(), node->children.end(), [f](const CallNode& c) { return c.frame == f; });
      if (it == node->children.end()) {
        node->children.push_back(CallNode{f, 0, 0, {}});
        it = node->children.end() - 1;
      }
      node = &*it;
      node->total += s.steps;
    }
    node->self += s.steps;
  }
  sortChildren(root, profile);
  return root;
}

}  // namespace fpvm::profile
