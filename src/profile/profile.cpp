#include "profile/profile.hpp"

#include <algorithm>

namespace fpvm::profile {

size_t Profile::KeyHash::operator()(const std::vector<FrameId>& v) const noexcept {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over the ids
  for (FrameId id : v) {
    h ^= id;
    h *= 1099511628211ULL;
  }
  return static_cast<size_t>(h ^ (h >> 29));
}

FrameId Profile::intern(std::string_view name) {
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<FrameId>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

void Profile::add(std::span<const FrameId> innermostFirst, uint64_t steps) {
  if (innermostFirst.empty() || steps == 0) return;
  // The common case, a stack seen before, reuses the scratch key and allocates nothing.
  scratch_.assign(innermostFirst.begin(), innermostFirst.end());
  auto it = stacks_.find(scratch_);
  if (it != stacks_.end()) {
    it->second += steps;
  } else {
    stacks_.emplace(scratch_, steps);
  }
  total_ += steps;
}

std::vector<Profile::Stack> Profile::stacks() const {
  std::vector<Stack> out;
  out.reserve(stacks_.size());
  for (const auto& [key, steps] : stacks_) out.push_back(Stack{std::vector<FrameId>(key.rbegin(), key.rend()), steps});
  std::sort(out.begin(), out.end(), [this](const Stack& a, const Stack& b) {
    if (a.steps != b.steps) return a.steps > b.steps;
    return std::lexicographical_compare(a.frames.begin(), a.frames.end(), b.frames.begin(), b.frames.end(),
                                        [this](FrameId x, FrameId y) { return names_[x] < names_[y]; });
  });
  return out;
}

std::vector<Profile::Function> Profile::functions() const {
  std::vector<Function> fns(names_.size());
  for (size_t i = 0; i < fns.size(); ++i) fns[i].id = static_cast<FrameId>(i);
  std::vector<uint32_t> seenIn(names_.size(), 0);  // stack number + 1 that last counted a function's total
  uint32_t stackNo = 0;
  for (const auto& [key, steps] : stacks_) {
    ++stackNo;
    fns[key.front()].self += steps;
    for (FrameId id : key) {
      if (seenIn[id] == stackNo) continue;  // recursion: once per stack
      seenIn[id] = stackNo;
      fns[id].total += steps;
    }
  }
  std::erase_if(fns, [](const Function& f) { return f.total == 0; });
  std::sort(fns.begin(), fns.end(), [this](const Function& a, const Function& b) {
    if (a.self != b.self) return a.self > b.self;
    if (a.total != b.total) return a.total > b.total;
    return names_[a.id] < names_[b.id];
  });
  return fns;
}

double percent(uint64_t steps, uint64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(steps) / static_cast<double>(total);
}

}  // namespace fpvm::profile
