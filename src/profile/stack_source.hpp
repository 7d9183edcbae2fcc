#pragma once
/// Where the profiler's call stacks come from. The real source is debuginfo::Unwinder
/// (profile/unwinder_source.hpp); tests give the sampler a fake.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/any_machine.hpp"

namespace fpvm::profile {

/// Call stacks of the program a machine runs, and the functions their addresses lie in.
class StackSource {
 public:
  virtual ~StackSource() = default;
  /// The current thread's call stack, innermost first: entry 0 is the pc about to execute,
  /// entry k > 0 a call site of frame k-1's caller. At most `maxFrames` entries.
  virtual std::vector<uint64_t> callStack(const core::AnyMachine& machine, size_t maxFrames) = 0;
  /// The function covering `pc`, "" when none. The view lives as long as the source.
  virtual std::string_view functionAt(uint64_t pc) const = 0;
  /// How frames are found, for the report (e.g. "frame pointers (s0 chain)").
  virtual std::string method() const = 0;
};

}  // namespace fpvm::profile
