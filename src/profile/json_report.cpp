#include "profile/json_report.hpp"

#include <nlohmann/json.hpp>

namespace fpvm::profile {

std::string profileJson(const Profile& profile, const ProfileInfo& info) {
  nlohmann::ordered_json j;
  j["program"] = info.program;
  j["isa"] = info.isa;
  j["method"] = info.method;
  j["exact"] = info.exact;
  j["period"] = info.period;
  j["samples"] = info.samples;
  j["firstStep"] = info.firstStep;
  j["lastStep"] = info.lastStep;
  j["steps"] = profile.totalSteps();
  j["ending"] = info.ending;
  j["seconds"] = info.seconds;
  auto& fns = j["functions"] = nlohmann::ordered_json::array();
  for (const auto& f : profile.functions()) fns.push_back({{"name", profile.name(f.id)}, {"self", f.self}, {"total", f.total}});
  auto& stacks = j["stacks"] = nlohmann::ordered_json::array();
  for (const auto& s : profile.stacks()) {
    auto frames = nlohmann::ordered_json::array();
    for (FrameId f : s.frames) frames.push_back(profile.name(f));
    stacks.push_back({{"frames", std::move(frames)}, {"steps", s.steps}});
  }
  // Names come from the program; replace invalid UTF-8 rather than fail.
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace fpvm::profile
