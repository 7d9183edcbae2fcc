#include "profile/folded.hpp"

#include <algorithm>
#include <vector>

namespace fpvm::profile {

std::string foldedFrameName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == ';') c = ':';
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string foldedStacks(const Profile& profile) {
  std::vector<std::string> lines;
  for (const Profile::Stack& s : profile.stacks()) {
    std::string line;
    for (size_t i = 0; i < s.frames.size(); ++i) {
      if (i) line += ';';
      line += foldedFrameName(profile.name(s.frames[i]));
    }
    line += ' ';
    line += std::to_string(s.steps);
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace fpvm::profile
