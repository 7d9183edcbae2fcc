#include "profile/flame_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/text.hpp"
#include "profile/call_tree.hpp"

namespace fpvm::profile {
namespace {

constexpr double kFontSize = 12;
constexpr double kCharWidth = 7.2;  // monospace at 12 px: 0.6 em
constexpr double kPad = 10;         // left and right margin
constexpr double kTop = 50;         // title and subtitle
constexpr double kBottom = 24;      // the details line

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// A warm colour from the FNV-1a hash of the name, so a function keeps its colour across graphs.
std::string colourOf(const std::string& name) {
  uint32_t h = 2166136261U;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619U;
  }
  const unsigned r = 205 + (h % 50), g = 60 + ((h >> 8) % 170), b = 30 + ((h >> 16) % 50);
  return "rgb(" + std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ")";
}

struct Writer {
  const Profile& profile;
  const FlameOptions& options;
  double scale;   // pixels per step
  double bottom;  // y of the root frame's bottom edge
  std::string out;

  void frame(const CallNode& node, const std::string& name, uint64_t offset, size_t depth, uint64_t total) {
    const double w = static_cast<double>(node.total) * scale;
    if (w < options.minFrameWidth) return;
    const double x = kPad + static_cast<double>(offset) * scale;
    const double y = bottom - static_cast<double>(depth + 1) * options.frameHeight;
    const double pct = percent(node.total, total);
    char share[32];
    std::snprintf(share, sizeof share, "%.2f%%", pct);
    out += "<g class=\"f\" data-x=\"" + std::to_string(offset) + "\" data-w=\"" + std::to_string(node.total) + "\" data-d=\"" +
           std::to_string(depth) + "\"><title>" + xmlEscape(name) + " (" + withCommas(node.total) + " steps, " + share +
           ")</title><rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" +
           num(options.frameHeight - 1) + "\" fill=\"" + (depth == 0 ? std::string("rgb(190,190,190)") : colourOf(name)) +
           "\" rx=\"2\" ry=\"2\"/><text x=\"" + num(x + 3) + "\" y=\"" + num(y + options.frameHeight - 4.5) + "\">" +
           xmlEscape(clipLabel(name, w)) + "</text></g>\n";
    uint64_t childOffset = offset;
    for (const CallNode& c : node.children) {
      frame(c, profile.name(c.frame), childOffset, depth + 1, total);
      childOffset += c.total;
    }
  }
};

size_t depthOf(const CallNode& node) {
  size_t d = 0;
  for (const CallNode& c : node.children) d = std::max(d, depthOf(c));
  return d + 1;
}

// Click a frame: it and its callees fill the width, its callers stay full width, everything
// else hides. Click the root ("all") to zoom out. Labels are clipped again to the new widths.
constexpr const char* kScript = R"JS(
var W = %WIDTH%, PAD = 10, CW = 7.2;
function clip(name, w) {
  var n = Math.floor((w - 6) / CW);
  if (n < 3) return "";
  return name.length <= n ? name : name.substring(0, n - 2) + "..";
}
function nameOf(g) {
  var t = g.querySelector("title").textContent;
  return t.substring(0, t.lastIndexOf(" ("));
}
function zoom(target) {
  var x0 = +target.dataset.x, w0 = +target.dataset.w, d0 = +target.dataset.d;
  var scale = (W - 2 * PAD) / w0;
  document.querySelectorAll("g.f").forEach(function (g) {
    var x = +g.dataset.x, w = +g.dataset.w, d = +g.dataset.d;
    var r = g.querySelector("rect"), t = g.querySelector("text");
    var inside = x >= x0 && x + w <= x0 + w0 && d >= d0;
    var below = d < d0 && x <= x0 && x + w >= x0 + w0;
    if (!inside && !below) { g.style.display = "none"; return; }
    g.style.display = "";
    var nx = below ? PAD : PAD + (x - x0) * scale, nw = below ? W - 2 * PAD : w * scale;
    r.setAttribute("x", nx); r.setAttribute("width", nw);
    t.setAttribute("x", nx + 3); t.textContent = clip(nameOf(g), nw);
    g.style.opacity = below && d > 0 ? 0.6 : 1;
  });
}
document.querySelectorAll("g.f").forEach(function (g) {
  g.addEventListener("click", function () { zoom(g); });
});
)JS";

}  // namespace

std::string clipLabel(const std::string& name, double pixels) {
  const double fit = std::floor((pixels - 6) / kCharWidth);
  if (fit < 3) return "";
  const auto n = static_cast<size_t>(fit);
  if (name.size() <= n) return name;
  size_t cut = n - 2;
  // Never cut a UTF-8 sequence in two.
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "..";
}

std::string flameGraphSvg(const Profile& profile, const FlameOptions& options) {
  const CallNode root = buildCallTree(profile);
  const size_t depth = root.total == 0 ? 1 : depthOf(root);
  const double height = kTop + static_cast<double>(depth) * options.frameHeight + kBottom;
  const double usable = options.width - 2 * kPad;
  Writer w{profile,
           options,
           root.total == 0 ? 0.0 : usable / static_cast<double>(root.total),
           kTop + static_cast<double>(depth) * options.frameHeight,
           {}};

  std::string& out = w.out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(options.width) + "\" height=\"" +
         num(height) + "\" viewBox=\"0 0 " + num(options.width) + " " + num(height) + "\">\n";
  out += "<style>text { font-family: monospace; font-size: " + num(kFontSize) +
         "px; fill: rgb(0,0,0); } g.f { cursor: pointer; } g.f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; } "
         "text.h { font-size: 17px; text-anchor: middle; } text.s { fill: rgb(90,90,90); text-anchor: middle; }</style>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"rgb(248,248,240)\"/>\n";
  out += "<text class=\"h\" x=\"" + num(options.width / 2) + "\" y=\"22\">" + xmlEscape(options.title) + "</text>\n";
  out += "<text class=\"s\" x=\"" + num(options.width / 2) + "\" y=\"40\">" + xmlEscape(options.subtitle) + "</text>\n";
  out += "<g id=\"frames\">\n";
  if (root.total > 0) w.frame(root, "all", 0, 0, root.total);
  out += "</g>\n";
  out += "<text x=\"" + num(kPad) + "\" y=\"" + num(height - 8) +
         "\">Click a frame to zoom in, the bottom frame (all) to zoom out. Hover for steps.</text>\n";
  if (options.script) {
    std::string script = kScript;
    const std::string key = "%WIDTH%";
    script.replace(script.find(key), key.size(), num(options.width));
    out += "<script type=\"text/ecmascript\"><![CDATA[" + script + "]]></script>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace fpvm::profile
