// The sampler against a fake machine and a fake stack source: exact mode attributes every step
// to the stack before it, sampling mode weights each sample by the steps up to the next one,
// --stop-at, cancellation, and the pc-to-name step ("[unknown]" for uncovered pcs).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include "profile/sampler.hpp"

namespace fpvm::profile {
namespace {

/// A machine that only counts steps: the pc is the step number, the program exits at `exitAt`.
class CountingMachine final : public core::AnyMachine {
 public:
  explicit CountingMachine(uint64_t exitAt) : exitAt_(exitAt) {}
  core::Isa isa() const override { return core::Isa::Riscv64; }
  void setOracle(vm::PreimageOracle*) override {}
  void setOutput(vm::GuestOutput*) override {}
  core::Outcome advance(uint64_t target, vm::Engine engine, const vm::Budget&) override {
    ++advances;
    lastEngine = engine;
    core::Outcome o;
    step_ = std::min(target, exitAt_);
    o.stop = step_ == exitAt_ ? core::Stop::Exited : core::Stop::Reached;
    if (step_ >= cancelAt && cancel) *cancel = true;
    return o;
  }
  core::Outcome proveStep(core::OneStepProof&) override { throw Error("unused"); }
  core::Outcome hashEachStep(uint64_t, const vm::Machine::HashSink&, const vm::Budget&) override { throw Error("unused"); }
  std::string describeRevert(const vm::Symbolizer*, bool) const override { return ""; }
  void setPageLimit(size_t) override {}
  size_t pageCount() const override { return 0; }
  Bytes resumeHint() const override { return {}; }
  core::ThreadRegisters registers() const override {
    core::ThreadRegisters r;
    r.pc = step_;
    return r;
  }
  std::vector<core::ThreadRegisters> threads() const override { return {registers()}; }
  void readMemory(uint64_t, uint8_t* out, size_t n) const override { std::fill(out, out + n, 0); }
  uint64_t step() const override { return step_; }
  uint64_t pc() const override { return step_; }
  bool exited() const override { return step_ >= exitAt_; }
  uint8_t exitCode() const override { return 0; }
  bool broken() const override { return false; }
  Bytes witness() override { return {}; }
  Hash32 stateHash() override { return {}; }
  void writeState(const std::string&) override {}
  std::unique_ptr<AnyMachine> clone() const override { return std::make_unique<CountingMachine>(*this); }
  Bytes proveSegment(uint64_t) override { throw Error("unused"); }

  int advances = 0;
  vm::Engine lastEngine = vm::Engine::Fast;
  uint64_t cancelAt = ~0ULL;
  std::atomic<bool>* cancel = nullptr;

 private:
  uint64_t step_ = 0;
  uint64_t exitAt_;
};

/// Steps [0, 100) run in "a" and [100, 250) in "b", both called from "main" (pc 1000); pcs
/// from 250 on are in no function.
class PhaseStacks final : public StackSource {
 public:
  std::vector<uint64_t> callStack(const core::AnyMachine& m, size_t maxFrames) override {
    ++calls;
    std::vector<uint64_t> s{m.pc(), 1000};
    s.resize(std::min(s.size(), maxFrames));
    return s;
  }
  std::string_view functionAt(uint64_t pc) const override {
    if (pc == 1000) return "main";
    if (pc < 100) return "a";
    if (pc < 250) return "b";
    return "";
  }
  std::string method() const override { return "fake"; }
  int calls = 0;
};

uint64_t selfOf(const Profile& p, const std::string& name) {
  for (const auto& f : p.functions())
    if (p.name(f.id) == name) return f.self;
  return 0;
}

TEST(Sampler, ExactAttributesEveryStep) {
  CountingMachine m(300);
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.exact = true;
  o.period = 999;  // ignored
  const SampleResult r = sampleRun(m, stacks, p, o);
  EXPECT_EQ(r.outcome.stop, core::Stop::Exited);
  EXPECT_EQ(r.samples, 300u);
  EXPECT_EQ(r.firstStep, 0u);
  EXPECT_EQ(r.lastStep, 300u);
  EXPECT_EQ(m.lastEngine, vm::Engine::Reference);
  EXPECT_EQ(p.totalSteps(), 300u);
  EXPECT_EQ(selfOf(p, "a"), 100u);
  EXPECT_EQ(selfOf(p, "b"), 150u);
  EXPECT_EQ(selfOf(p, kUnknownFrame), 50u);
}

TEST(Sampler, SamplingWeightsEachSampleByItsInterval) {
  CountingMachine m(255);
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.period = 50;
  const SampleResult r = sampleRun(m, stacks, p, o);
  EXPECT_EQ(m.lastEngine, vm::Engine::Fast);
  EXPECT_EQ(r.samples, 6u);  // at steps 0, 50, 100, 150, 200, 250
  EXPECT_EQ(stacks.calls, 6);
  EXPECT_EQ(p.totalSteps(), 255u);  // the last sample stands for the 5 steps to the exit
  EXPECT_EQ(selfOf(p, "a"), 100u);
  EXPECT_EQ(selfOf(p, "b"), 150u);
  EXPECT_EQ(selfOf(p, kUnknownFrame), 5u);
}

TEST(Sampler, StopsAtTheGivenStep) {
  CountingMachine m(1000);
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.period = 30;
  o.stopAt = 120;
  const SampleResult r = sampleRun(m, stacks, p, o);
  EXPECT_EQ(r.lastStep, 120u);
  EXPECT_EQ(p.totalSteps(), 120u);
  EXPECT_EQ(selfOf(p, "a"), 120u);  // samples at 0, 30, 60, 90 all in a: an estimate
}

TEST(Sampler, CancelKeepsTheProfileSoFar) {
  std::atomic<bool> cancel{false};
  CountingMachine m(1000);
  m.cancel = &cancel;
  m.cancelAt = 40;
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.period = 20;
  o.cancel = &cancel;
  const SampleResult r = sampleRun(m, stacks, p, o);
  EXPECT_EQ(r.outcome.stop, core::Stop::Cancelled);
  EXPECT_EQ(r.lastStep, 40u);
  EXPECT_EQ(p.totalSteps(), 40u);
}

TEST(Sampler, MaxFramesLimitsTheStack) {
  CountingMachine m(10);
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.exact = true;
  o.maxFrames = 1;
  (void)sampleRun(m, stacks, p, o);
  for (const auto& s : p.stacks()) EXPECT_EQ(s.frames.size(), 1u);
}

TEST(Sampler, RejectsAZeroPeriod) {
  CountingMachine m(10);
  PhaseStacks stacks;
  Profile p;
  SamplerOptions o;
  o.period = 0;
  EXPECT_THROW((void)sampleRun(m, stacks, p, o), Error);
}

TEST(Sampler, AnExitedMachineGivesAnEmptyProfile) {
  CountingMachine m(0);
  PhaseStacks stacks;
  Profile p;
  const SampleResult r = sampleRun(m, stacks, p, SamplerOptions{});
  EXPECT_EQ(r.samples, 0u);
  EXPECT_EQ(p.totalSteps(), 0u);
}

}  // namespace
}  // namespace fpvm::profile
