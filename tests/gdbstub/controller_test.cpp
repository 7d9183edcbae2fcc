// The debugger's machine control: moves to any step and reverse execution land on exactly the
// state hashes of a forward run; breakpoints, reverse-continue, output printed once, interrupts.
#include "gdbstub/controller.hpp"

#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "gdbstub/test_programs.hpp"

namespace fpvm::gdbstub {
namespace {

using test::forwardHash;
using test::loadElf;

/// Keeps what the guest writes.
class Captured final : public vm::GuestOutput {
 public:
  void write(unsigned fd, ByteView data) override {
    (void)fd;
    text.append(reinterpret_cast<const char*>(data.data()), data.size());
  }
  std::string text;
};

ControllerOptions smallSnapshots() {
  ControllerOptions o;
  o.snapshotEvery = 64;
  o.maxSnapshots = 8;  // forces thinning on a few thousand steps
  o.pollEvery = 100;
  return o;
}

std::vector<std::string> programs() {
  std::vector<std::string> out;
  if (!test::riscvDemo().empty()) out.push_back(test::riscvDemo());
  if (!test::mips64Guest("hello").empty()) out.push_back(test::mips64Guest("hello"));
  return out;
}

#define REQUIRE_PROGRAMS(list) \
  if ((list).empty()) GTEST_SKIP() << "SKIPPED: no guest program built (no cross compiler)"

TEST(Controller, GotoForwardAndBackLandsOnForwardHashes) {
  const auto list = programs();
  REQUIRE_PROGRAMS(list);
  for (const std::string& path : list) {
    SCOPED_TRACE(path);
    Controller c(loadElf(path), nullptr, nullptr, smallSnapshots());
    // 720 steps (the RISC-V demo exits at 740): eleven snapshot intervals for eight snapshots.
    ASSERT_EQ(c.gotoStep(720, {}).kind, StopEvent::Kind::Stepped);
    EXPECT_EQ(c.machine().step(), 720u);
    EXPECT_EQ(toHex(c.machine().stateHash()), toHex(forwardHash(path, 720)));
    EXPECT_LE(c.snapshotCount(), 8u);
    EXPECT_GT(c.snapshotSpacing(), 64u);  // thinned
    for (uint64_t target : {234u, 719u, 1u, 0u, 512u}) {
      ASSERT_EQ(c.gotoStep(target, {}).kind, StopEvent::Kind::Stepped);
      EXPECT_EQ(c.machine().step(), target);
      EXPECT_EQ(toHex(c.machine().stateHash()), toHex(forwardHash(path, target))) << "step " << target;
    }
  }
}

TEST(Controller, ReverseStepsLandOnForwardHashes) {
  const auto list = programs();
  REQUIRE_PROGRAMS(list);
  for (const std::string& path : list) {
    SCOPED_TRACE(path);
    Controller c(loadElf(path), nullptr, nullptr, smallSnapshots());
    ASSERT_EQ(c.gotoStep(700, {}).kind, StopEvent::Kind::Stepped);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(c.stepForward().kind, StopEvent::Kind::Stepped);
    EXPECT_EQ(c.machine().step(), 705u);
    const std::string before = toHex(c.machine().stateHash());
    for (uint64_t expect = 704; expect >= 639; --expect) {  // across a snapshot boundary
      ASSERT_EQ(c.stepBackward().kind, StopEvent::Kind::Stepped);
      ASSERT_EQ(c.machine().step(), expect);
      if (expect % 16 == 0 || expect == 704) {
        EXPECT_EQ(toHex(c.machine().stateHash()), toHex(forwardHash(path, expect)));
      }
    }
    // Forward again: the same states as the first time.
    ASSERT_EQ(c.gotoStep(705, {}).kind, StopEvent::Kind::Stepped);
    EXPECT_EQ(toHex(c.machine().stateHash()), before);
  }
}

TEST(Controller, ReverseStepAtTheFirstStepReportsHistoryBegin) {
  const auto list = programs();
  REQUIRE_PROGRAMS(list);
  Controller c(loadElf(list[0]), nullptr, nullptr, smallSnapshots());
  EXPECT_EQ(c.stepBackward().kind, StopEvent::Kind::HistoryBegin);
  EXPECT_EQ(c.machine().step(), 0u);
  EXPECT_EQ(c.continueBackward({}).kind, StopEvent::Kind::HistoryBegin);
}

TEST(Controller, ContinueStopsAtBreakpointsAndReverseContinueFindsThePreviousHit) {
  const std::string path = test::riscvDemo();
  REQUIRE_PROGRAM(path);
  const uint64_t accumulate = test::symbolAddress(path, "accumulate");
  ASSERT_NE(accumulate, 0u);
  Controller c(loadElf(path), nullptr, nullptr, smallSnapshots());
  c.addBreakpoint(accumulate);
  std::vector<uint64_t> hits;
  for (int i = 0; i < 5; ++i) {
    const StopEvent e = c.continueForward({});
    ASSERT_EQ(e.kind, StopEvent::Kind::Breakpoint) << e.message;
    EXPECT_EQ(c.machine().pc(), accumulate);
    hits.push_back(c.machine().step());
  }
  // The sixth continue runs to the exit.
  EXPECT_EQ(c.continueForward({}).kind, StopEvent::Kind::Exited);
  EXPECT_EQ(c.machine().exitCode(), 0);
  // Backwards from the exit: every hit in reverse order, then the beginning.
  for (int i = 4; i >= 0; --i) {
    const StopEvent e = c.continueBackward({});
    ASSERT_EQ(e.kind, StopEvent::Kind::Breakpoint) << e.message;
    EXPECT_EQ(c.machine().step(), hits[static_cast<size_t>(i)]);
    EXPECT_EQ(c.machine().pc(), accumulate);
    EXPECT_EQ(toHex(c.machine().stateHash()), toHex(forwardHash(path, hits[static_cast<size_t>(i)])));
  }
  EXPECT_EQ(c.continueBackward({}).kind, StopEvent::Kind::HistoryBegin);
  EXPECT_EQ(c.machine().step(), 0u);
}

TEST(Controller, GuestOutputIsPrintedOnceAcrossReplays) {
  const std::string path = test::riscvDemo();
  REQUIRE_PROGRAM(path);
  Captured out;
  Controller c(loadElf(path), nullptr, &out, smallSnapshots());
  ASSERT_EQ(c.continueForward({}).kind, StopEvent::Kind::Exited);
  EXPECT_EQ(out.text, "total 60\n");
  const uint64_t end = c.machine().step();
  ASSERT_EQ(c.gotoStep(0, {}).kind, StopEvent::Kind::Stepped);
  ASSERT_EQ(c.gotoStep(end - 1, {}).kind, StopEvent::Kind::Stepped);
  ASSERT_EQ(c.stepForward().kind, StopEvent::Kind::Exited);
  EXPECT_EQ(c.machine().step(), end);
  EXPECT_EQ(out.text, "total 60\n");
}

TEST(Controller, InterruptStopsAContinue) {
  const std::string path = test::riscvDemo();
  REQUIRE_PROGRAM(path);
  Controller c(loadElf(path), nullptr, nullptr, smallSnapshots());
  c.addBreakpoint(0x4);  // never reached: the continue steps one instruction at a time
  int polls = 0;
  const StopEvent e = c.continueForward([&] { return ++polls == 3; });
  EXPECT_EQ(e.kind, StopEvent::Kind::Interrupted);
  EXPECT_EQ(polls, 3);
  EXPECT_GE(c.machine().step(), 300u);
  EXPECT_LT(c.machine().step(), 400u);
}

}  // namespace
}  // namespace fpvm::gdbstub
