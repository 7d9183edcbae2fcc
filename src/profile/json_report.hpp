#pragma once
/// A profile as JSON, for scripts: how it was taken, every function and every stack.
#include <string>

#include "profile/profile.hpp"

namespace fpvm::profile {

/// {"program", "isa", "method", "exact", "period", "samples", "firstStep", "lastStep", "steps",
///  "ending", "seconds", "functions": [{"name", "self", "total"}…] (most self steps first),
///  "stacks": [{"frames": [root … innermost], "steps"}…] (most steps first)}.
std::string profileJson(const Profile& profile, const ProfileInfo& info);

}  // namespace fpvm::profile
