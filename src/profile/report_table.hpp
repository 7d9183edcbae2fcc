#pragma once
/// The terminal report of a profile: how it was taken, the top functions by self steps, and the
/// top call stacks.
#include <cstddef>
#include <ostream>
#include <string>

#include "profile/profile.hpp"

namespace fpvm::profile {

/// Writes the report: a header (program, total steps, samples, period, unwinding method), the
/// `top` functions with most self steps (self and total steps and shares), and the `topStacks`
/// stacks with most steps (innermost frame first). Counts of a sampled profile are marked as
/// estimates.
void printReport(std::ostream& out, const Profile& profile, const ProfileInfo& info, size_t top, size_t topStacks);

}  // namespace fpvm::profile
