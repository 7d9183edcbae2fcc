#pragma once
/// Folded stacks, the text flame-graph tools read: one line per stack, frames from the root
/// joined by ';', a space and the steps ("_start;main;keccakf 123400").
#include <string>

#include "profile/profile.hpp"

namespace fpvm::profile {

/// `name` made safe for a folded line: ';' (the frame separator) becomes ':', and line breaks
/// and other control characters become '?'.
std::string foldedFrameName(const std::string& name);

/// Every stack of `profile` as a folded line, sorted by the line's text, each ending in '\n'.
std::string foldedStacks(const Profile& profile);

}  // namespace fpvm::profile
