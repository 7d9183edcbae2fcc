// Bisection over a trace of more than 10^8 steps (issue 8), with a real divergence after the
// long loop: the parties differ in a local value read at the end. Three levels (2^23, 2^12, 1)
// keep it quick; the BoLD-sized bottom level is measured in bold_levels_test.cpp (label long).
#include <gtest/gtest.h>

#include <iostream>

#include "dispute/report_json.hpp"
#include "dispute_fixtures.hpp"
#include "runs/validation_input.hpp"

namespace fpvm::test::dispute {
namespace {

using fpvm::dispute::BisectReport;
using fpvm::dispute::Outcome;
using fpvm::dispute::Verdict;

TEST(Bisection, TraceOfMoreThanTenToTheEightSteps) {
  // 25 M loop iterations: 10^8 + 37 steps; the parties differ in local 2, read after the loop.
  const uint64_t count = 25'000'000;
  auto program = lateReaderProgram();
  const Json inA = lateReaderInput(count, 4), inB = lateReaderInput(count, 5);
  const uint64_t d = lateReaderDivergence(count);
  ASSERT_GE(lateReaderSteps(count), 100'000'000u);
  fpvm::dispute::TrustedData trusted;
  trusted.locals = runs::parseValidationInput(inA, "trusted").locals;
  fpvm::dispute::BisectOptions opt;
  opt.stepSizes = {uint64_t(1) << 23, uint64_t(1) << 12, 1};
  opt.trusted = &trusted;
  auto a = localParty(program, inA, "A");
  auto b = localParty(program, inB, "B");
  BisectReport r = fpvm::dispute::bisect(*a, *b, opt);
  EXPECT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, d);
  EXPECT_EQ(a->finalStep(), lateReaderSteps(count));
  ASSERT_EQ(r.levels.size(), 3u);
  EXPECT_EQ(r.levels[0].answeredA, 13u);  // 0, 2^23, …, 12·2^23 (exited before 13·2^23)
  EXPECT_EQ(r.levels[1].hashes, 2049u);
  EXPECT_EQ(r.levels[2].hashes, 4097u);
  std::cout << fpvm::dispute::reportToJson(r).dump(2) << std::endl;
}

}  // namespace
}  // namespace fpvm::test::dispute
