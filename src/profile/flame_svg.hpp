#pragma once
/// A flame graph of a profile as one standalone SVG file: one rectangle per frame (the root,
/// "all", at the bottom; callees above their callers; widths proportional to steps), the
/// function name inside it clipped to its width, a <title> tooltip with the name, steps and
/// share, colours from a hash of the name, and a small script: click a frame to zoom to it,
/// click the root to zoom out.
#include <string>

#include "profile/profile.hpp"

namespace fpvm::profile {

/// Layout and labels of a flame graph.
struct FlameOptions {
  std::string title = "Flame graph";
  std::string subtitle;        ///< a line under the title (e.g. "3,790,040 steps, exact")
  double width = 1200;         ///< image width in pixels
  double frameHeight = 16;     ///< height of one frame
  double minFrameWidth = 0.1;  ///< frames narrower than this (in pixels) are left out, with their callees
  bool script = true;          ///< include the click-to-zoom script
};

/// `name` shortened to fit `pixels` at the graph's font ("" when not even 3 characters fit;
/// a shortened name ends in "..").
std::string clipLabel(const std::string& name, double pixels);

/// The flame graph of `profile` as an SVG document.
std::string flameGraphSvg(const Profile& profile, const FlameOptions& options);

}  // namespace fpvm::profile
