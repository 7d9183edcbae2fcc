#pragma once
/// Step observers of `cannon run`: the multithreading statistics of --debug-info and the call-stack
/// tracking of --debug (Cannon's StatsTracker and ThreadedStackTracker, rebuilt from what each
/// step did: the instruction, the thread before it and the state after it).
#include <cstdint>
#include <map>
#include <vector>

#include "cli/cannon_run_loop.hpp"
#include "mips64/debug_info.hpp"
#include "mips64/metadata.hpp"

namespace fpvm::cli {

/// Counts SC/SCD outcomes, the longest LL→SC distance per thread, forced preemptions and the
/// steps thread 0 spent inactive.
class Mt64Stats final : public Mt64StepObserver {
 public:
  void beforeStep(const mips64::State& state) override;
  void afterStep(const mips64::State& state, const mips64::StepOutcome& outcome) override;
  /// Writes the statistics into `info` (the other fields are left as they are).
  void fill(mips64::DebugInfo& info) const;

 private:
  mips64::Thread before_;
  std::map<uint64_t, uint64_t> lastLLStep_;
  uint64_t activeThread_ = 0;
  uint64_t lastActiveStepThread0_ = 0;
  mips64::DebugInfo counts_;
};

/// --debug: a call stack per thread (pushed by J/JAL/JALR/linked branches and clone, popped by
/// JR), printed for the current thread at the end of the run as Cannon's Traceback does.
class Mt64StackTracker final : public Mt64StepObserver {
 public:
  explicit Mt64StackTracker(const mips64::Metadata& meta) : meta_(meta) {}
  void beforeStep(const mips64::State& state) override;
  void afterStep(const mips64::State& state, const mips64::StepOutcome& outcome) override;
  /// Prints "traceback at pc=… step=…" and the frames of the current thread on stdout.
  void traceback(const mips64::State& state) const;

 private:
  struct Frames {
    std::vector<uint64_t> caller, target;
  };
  void push(uint64_t threadId, uint64_t caller, uint64_t target);
  void pop(uint64_t threadId, uint64_t pc, uint64_t step);

  const mips64::Metadata& meta_;
  mips64::Thread before_;
  std::map<uint64_t, Frames> frames_;
};

}  // namespace fpvm::cli
