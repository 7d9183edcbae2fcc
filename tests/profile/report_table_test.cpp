// The terminal report: header, the top-N table in self-step order, the top stacks, estimates.
#include <gtest/gtest.h>

#include <sstream>

#include "common/text.hpp"
#include "profile/report_table.hpp"

namespace fpvm::profile {
namespace {

Profile sample() {
  Profile p;
  const FrameId main = p.intern("main"), middle = p.intern("middle"), hot = p.intern("hot"), warm = p.intern("warm");
  p.add(std::vector<FrameId>{hot, middle, main}, 700000);
  p.add(std::vector<FrameId>{warm, middle, main}, 200000);
  p.add(std::vector<FrameId>{main}, 100000);
  return p;
}

ProfileInfo info(bool exact) {
  ProfileInfo i;
  i.program = "hot.elf";
  i.isa = "riscv64";
  i.method = "frame pointers (s0 chain)";
  i.exact = exact;
  i.period = exact ? 1 : 10000;
  i.samples = exact ? 1000000 : 100;
  i.lastStep = 1000000;
  i.ending = "exited with code 0 (valid)";
  return i;
}

TEST(ReportTable, WithCommas) {
  EXPECT_EQ(withCommas(0), "0");
  EXPECT_EQ(withCommas(999), "999");
  EXPECT_EQ(withCommas(1000), "1,000");
  EXPECT_EQ(withCommas(3790040), "3,790,040");
}

TEST(ReportTable, SampledReport) {
  std::ostringstream out;
  printReport(out, sample(), info(false), 20, 5);
  const std::string s = out.str();
  EXPECT_NE(s.find("total steps     1,000,000"), std::string::npos) << s;
  EXPECT_NE(s.find("one every 10,000 steps: counts are estimates"), std::string::npos) << s;
  EXPECT_NE(s.find("frame pointers (s0 chain)"), std::string::npos) << s;
  EXPECT_NE(s.find("Top 4 of 4 functions by self steps (est.)"), std::string::npos) << s;
  // Rows in self-step order with self %, total steps and total %.
  const size_t hot = s.find("  hot\n"), warm = s.find("  warm\n"), main = s.find("  main\n");
  ASSERT_NE(hot, std::string::npos);
  EXPECT_LT(hot, warm);
  EXPECT_LT(warm, main);
  EXPECT_NE(s.find("        700,000   70.00%        700,000   70.00%  hot\n"), std::string::npos) << s;
  EXPECT_NE(s.find("        100,000   10.00%      1,000,000  100.00%  main\n"), std::string::npos) << s;
  EXPECT_NE(s.find("  #1  700,000 steps (70.00%)\n        hot\n        middle\n        main\n"), std::string::npos) << s;
}

TEST(ReportTable, TopLimitsRows) {
  std::ostringstream out;
  printReport(out, sample(), info(true), 2, 1);
  const std::string s = out.str();
  EXPECT_NE(s.find("Top 2 of 4 functions by self steps\n"), std::string::npos) << s;
  EXPECT_NE(s.find("exact: every step attributed"), std::string::npos) << s;
  EXPECT_EQ(s.find("%  main\n"), std::string::npos) << s;
  EXPECT_NE(s.find("Top 1 of 3 call stacks"), std::string::npos) << s;
}

}  // namespace
}  // namespace fpvm::profile
