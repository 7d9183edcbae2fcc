// The flame graph: escaping, label clipping, one rectangle per frame, widths proportional to
// steps, tooltips; the structure is checked by parsing the SVG as XML (check_svg.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/text.hpp"
#include "profile/flame_svg.hpp"
#include "profile/folded.hpp"

namespace fpvm::profile {
namespace {

void add(Profile& p, std::vector<std::string> innermostFirst, uint64_t steps) {
  std::vector<FrameId> ids;
  for (const auto& n : innermostFirst) ids.push_back(p.intern(n));
  p.add(ids, steps);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

Profile goLike() {
  Profile p;
  add(p, {"main.(*T).m", "main.main", "runtime.main"}, 600);
  add(p, {"a<b>&c \"q\" 'x'", "main.main", "runtime.main"}, 300);
  add(p, {"runtime.main"}, 100);
  return p;
}

std::string write(const std::string& name, const std::string& text) {
  std::filesystem::create_directories(FPVM_PROFILE_WORK);
  const std::string path = std::string(FPVM_PROFILE_WORK) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(FlameSvg, XmlEscape) {
  EXPECT_EQ(xmlEscape("a<b>&c\"d'e"), "a&lt;b&gt;&amp;c&quot;d&apos;e");
  EXPECT_EQ(xmlEscape("main.(*T).m"), "main.(*T).m");
  EXPECT_EQ(xmlEscape(std::string("x\x01y", 3)), "x?y");
}

TEST(FlameSvg, ClipLabel) {
  EXPECT_EQ(clipLabel("main", 100), "main");
  EXPECT_EQ(clipLabel("runtime.mallocgc", 50), "runt..");  // (50 - 6) / 7.2: 6 characters with the ".."
  EXPECT_EQ(clipLabel("runtime.mallocgc", 20), "");        // not even 3 characters fit
  EXPECT_EQ(clipLabel("abc\xC3\xA9"
                      "defghij",
                      50),
            "abc..");  // never splits a UTF-8 sequence
}

TEST(FlameSvg, OneRectPerFrameWithTitles) {
  const Profile p = goLike();
  FlameOptions o;
  o.title = "go <example>";
  const std::string svg = flameGraphSvg(p, o);
  // all, runtime.main, main.main, main.(*T).m and the other leaf: 5 frames, plus the background.
  EXPECT_EQ(count(svg, "<g class=\"f\""), 5u);
  EXPECT_EQ(count(svg, "<rect"), 6u);
  EXPECT_NE(svg.find("<title>main.(*T).m (600 steps, 60.00%)</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>a&lt;b&gt;&amp;c &quot;q&quot; &apos;x&apos; (300 steps, 30.00%)</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>all (1,000 steps, 100.00%)</title>"), std::string::npos);
  EXPECT_NE(svg.find("go &lt;example&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);  // nothing unescaped
  // Widths: 1180 usable pixels for 1000 steps.
  EXPECT_NE(svg.find("width=\"708\""), std::string::npos) << svg;  // 600 steps
  EXPECT_NE(svg.find("width=\"354\""), std::string::npos) << svg;  // 300 steps
}

TEST(FlameSvg, NarrowFramesAreLeftOut) {
  Profile p;
  add(p, {"main"}, 1000000);
  add(p, {"tiny", "main"}, 1);  // 0.0012 px
  const std::string svg = flameGraphSvg(p, FlameOptions{});
  EXPECT_EQ(count(svg, "<g class=\"f\""), 2u);
  EXPECT_EQ(svg.find("tiny"), std::string::npos);
}

TEST(FlameSvg, EmptyProfileIsStillAnSvg) {
  const std::string svg = flameGraphSvg(Profile{}, FlameOptions{});
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_EQ(count(svg, "<g class=\"f\""), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(FlameSvg, ParsesAsXmlWithTheExpectedStructure) {
  if (std::system("python3 -c 'import xml.etree.ElementTree' 2>/dev/null") != 0) GTEST_SKIP() << "SKIPPED: no python3";
  const Profile p = goLike();
  FlameOptions o;
  o.subtitle = "1,000 steps & more";
  const std::string svg = write("unit.svg", flameGraphSvg(p, o));
  const std::string folded = write("unit.folded", foldedStacks(p));
  const std::string cmd =
      std::string("python3 ") + FPVM_PROFILE_CHECK_SVG + " " + svg + " --expect-frames 5 --expect-total 1000 --folded " + folded;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(FlameSvg, WithoutScript) {
  FlameOptions o;
  o.script = false;
  EXPECT_EQ(flameGraphSvg(goLike(), o).find("<script"), std::string::npos);
  EXPECT_NE(flameGraphSvg(goLike(), FlameOptions{}).find("<![CDATA["), std::string::npos);
}

}  // namespace
}  // namespace fpvm::profile
