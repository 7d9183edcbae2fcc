#include "profile/report_table.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cstdio>

namespace fpvm::profile {
namespace {

constexpr size_t kMaxStackFrames = 12;  // frames shown per stack; deeper ones are summarised

std::string pct(uint64_t steps, uint64_t total) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%6.2f%%", percent(steps, total));
  return buf;
}

std::string trimmed(const std::string& s) { return s.substr(std::min(s.find_first_not_of(' '), s.size())); }

std::string right(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }

}  // namespace

void printReport(std::ostream& out, const Profile& profile, const ProfileInfo& info, size_t top, size_t topStacks) {
  const uint64_t total = profile.totalSteps();
  const uint64_t runSteps = info.lastStep - info.firstStep;
  out << "program         " << info.program << " (" << info.isa << ")\n";
  out << "total steps     " << withCommas(runSteps) << " (steps " << withCommas(info.firstStep) << " to "
      << withCommas(info.lastStep) << ", " << info.ending << ")\n";
  if (info.exact) {
    out << "samples         " << withCommas(info.samples) << " (exact: every step attributed, reference interpreter)\n";
  } else {
    out << "samples         " << withCommas(info.samples) << " (one every " << withCommas(info.period)
        << " steps: counts are estimates, samples x period)\n";
  }
  out << "unwinding       " << info.method << "\n";
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", info.seconds);
  out << "time            " << secs << "\n\n";

  const std::string unit = info.exact ? "steps" : "steps (est.)";
  const auto fns = profile.functions();
  const size_t nf = std::min(top, fns.size());
  out << "Top " << nf << " of " << fns.size() << " functions by self " << unit << "\n";
  out << right("self steps", 15) << right("self %", 9) << right("total steps", 15) << right("total %", 9) << "  function\n";
  for (size_t i = 0; i < nf; ++i) {
    const auto& f = fns[i];
    out << right(withCommas(f.self), 15) << right(pct(f.self, total), 9) << right(withCommas(f.total), 15)
        << right(pct(f.total, total), 9) << "  " << profile.name(f.id) << "\n";
  }

  const auto stacks = profile.stacks();
  const size_t ns = std::min(topStacks, stacks.size());
  out << "\nTop " << ns << " of " << stacks.size() << " call stacks by " << unit << ", innermost frame first\n";
  for (size_t i = 0; i < ns; ++i) {
    const auto& s = stacks[i];
    out << right("#" + std::to_string(i + 1), 4) << "  " << withCommas(s.steps) << " steps (" << trimmed(pct(s.steps, total))
        << ")\n";
    const size_t shown = std::min(kMaxStackFrames, s.frames.size());
    for (size_t k = 0; k < shown; ++k) out << "        " << profile.name(s.frames[s.frames.size() - 1 - k]) << "\n";
    if (shown < s.frames.size()) out << "        … " << (s.frames.size() - shown) << " more frames\n";
  }
}

}  // namespace fpvm::profile
