#pragma once
/// Steps counted per call stack: what the sampler fills and every report (table, folded stacks,
/// flame graph, JSON) reads. Function names are interned as FrameIds.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fpvm::profile {

/// A function name interned in a Profile.
using FrameId = uint32_t;

/// How a profile was taken, for the reports.
struct ProfileInfo {
  std::string program;     ///< the ELF or state file
  std::string isa;         ///< "riscv64" or "mips64"
  std::string method;      ///< how frames were found (StackSource::method)
  bool exact = false;      ///< every step attributed (otherwise one sample per `period` steps)
  uint64_t period = 1;     ///< steps between samples
  uint64_t samples = 0;    ///< stacks taken
  uint64_t firstStep = 0;  ///< step of the machine when profiling started
  uint64_t lastStep = 0;   ///< and when it stopped
  std::string ending;      ///< how the run ended, e.g. "exited with code 0"
  double seconds = 0;      ///< wall time of the run
};

/// Steps per function and per call stack.
class Profile {
 public:
  /// One call stack, outermost (root) first, with its steps.
  struct Stack {
    std::vector<FrameId> frames;
    uint64_t steps = 0;
  };
  /// One function: the steps spent in it (self) and in it or its callees (total, each stack
  /// counted once however often the function recurses in it).
  struct Function {
    FrameId id = 0;
    uint64_t self = 0;
    uint64_t total = 0;
  };

  /// The id of `name`, interning it on first use.
  FrameId intern(std::string_view name);
  /// The name of `id`.
  const std::string& name(FrameId id) const { return names_[id]; }
  /// Names interned so far.
  size_t nameCount() const { return names_.size(); }

  /// Adds `steps` to the stack `innermostFirst` (entry 0 is the function executing). An empty
  /// stack is not counted.
  void add(std::span<const FrameId> innermostFirst, uint64_t steps);
  /// Steps added in all.
  uint64_t totalSteps() const { return total_; }
  /// Distinct stacks.
  size_t stackCount() const { return stacks_.size(); }

  /// Every stack, root first, most steps first (ties: by the names, root first).
  std::vector<Stack> stacks() const;
  /// Every function, most self steps first (ties: most total steps, then by name).
  std::vector<Function> functions() const;

 private:
  struct KeyHash {
    size_t operator()(const std::vector<FrameId>& v) const noexcept;
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, FrameId> ids_;
  // Keys innermost first, as the sampler produces them.
  std::unordered_map<std::vector<FrameId>, uint64_t, KeyHash> stacks_;
  std::vector<FrameId> scratch_;
  uint64_t total_ = 0;
};

/// `steps` as a share of `total` in percent (0 when total is 0).
double percent(uint64_t steps, uint64_t total);

}  // namespace fpvm::profile
