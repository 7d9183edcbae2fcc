#pragma once
/// Runs a machine and attributes its steps to call stacks. Sampling mode runs the fast engine to
/// each sample point (every `period` steps) and takes the current thread's stack there; the
/// sample stands for the steps up to the next one. Exact mode runs the reference interpreter one
/// step at a time and attributes every step to the stack before it executes, so the profile's
/// steps are exactly the run's.
#include <atomic>
#include <cstdint>
#include <optional>

#include "core/any_machine.hpp"
#include "profile/profile.hpp"
#include "profile/stack_source.hpp"

namespace fpvm::profile {

/// The sampling period when none is given: the overhead measured in docs/profiling.md.
inline constexpr uint64_t kDefaultPeriod = 100000;

/// The name of the frame for a pc that no function covers.
inline constexpr const char* kUnknownFrame = "[unknown]";

/// How to sample.
struct SamplerOptions {
  uint64_t period = kDefaultPeriod;           ///< steps between samples (sampling mode); at least 1
  bool exact = false;                         ///< every step on the reference interpreter (period ignored)
  std::optional<uint64_t> stopAt;             ///< stop before executing this step (absolute); none = run to the exit
  size_t maxFrames = 256;                     ///< deepest stack taken
  const std::atomic<bool>* cancel = nullptr;  ///< set to stop early (the profile so far is kept)
};

/// What a sampled run did.
struct SampleResult {
  core::Outcome outcome;   ///< how the last advance ended (Reverted, Cancelled … stop the run)
  uint64_t samples = 0;    ///< stacks taken
  uint64_t firstStep = 0;  ///< machine step at the start
  uint64_t lastStep = 0;   ///< and at the end
  double seconds = 0;      ///< wall time
};

/// Runs `machine` from its current step to its exit, `options.stopAt`, a revert or a cancel,
/// adding each sample's stack to `profile` weighted by the steps it stands for. Host failures
/// propagate (vm::HostFailure). Throws Error for a period of 0.
SampleResult sampleRun(core::AnyMachine& machine, StackSource& stacks, Profile& profile, const SamplerOptions& options);

}  // namespace fpvm::profile
