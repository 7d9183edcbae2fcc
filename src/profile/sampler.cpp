#include "profile/sampler.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"

namespace fpvm::profile {
namespace {

/// Turns call stacks of pcs into stacks of interned function names, remembering each pc's name.
class FrameNamer {
 public:
  FrameNamer(StackSource& stacks, Profile& profile) : stacks_(stacks), profile_(profile) {}

  void name(const std::vector<uint64_t>& pcs, std::vector<FrameId>& out) {
    // Consecutive stacks mostly differ in the innermost pc only (exact mode): keep the callers' names.
    const bool sameCallers =
        pcs.size() == lastPcs_.size() && !pcs.empty() && std::equal(pcs.begin() + 1, pcs.end(), lastPcs_.begin() + 1);
    if (sameCallers) {
      lastIds_[0] = idOf(pcs[0]);
    } else {
      lastIds_.clear();
      for (uint64_t pc : pcs) lastIds_.push_back(idOf(pc));
    }
    lastPcs_ = pcs;
    out = lastIds_;
  }

 private:
  FrameId idOf(uint64_t pc) {
    auto it = cache_.find(pc);
    if (it == cache_.end()) {
      const std::string_view fn = stacks_.functionAt(pc);
      it = cache_.emplace(pc, profile_.intern(fn.empty() ? std::string_view(kUnknownFrame) : fn)).first;
    }
    return it->second;
  }

  StackSource& stacks_;
  Profile& profile_;
  std::unordered_map<uint64_t, FrameId> cache_;
  std::vector<uint64_t> lastPcs_;
  std::vector<FrameId> lastIds_;
};

}  // namespace

SampleResult sampleRun(core::AnyMachine& machine, StackSource& stacks, Profile& profile, const SamplerOptions& options) {
  if (!options.exact && options.period == 0) throw Error("the sampling period must be at least 1 step");
  const auto start = std::chrono::steady_clock::now();
  const uint64_t period = options.exact ? 1 : options.period;
  const vm::Engine engine = options.exact ? vm::Engine::Reference : vm::Engine::Fast;
  const uint64_t end = options.stopAt.value_or(std::numeric_limits<uint64_t>::max());
  vm::Budget budget;
  budget.cancel = options.cancel;

  SampleResult r;
  r.firstStep = machine.step();
  FrameNamer namer(stacks, profile);
  std::vector<FrameId> ids, pending;  // consecutive samples of one stack are added at once
  uint64_t pendingSteps = 0;
  while (!machine.exited() && machine.step() < end) {
    if (options.cancel && options.cancel->load()) {
      r.outcome.stop = core::Stop::Cancelled;
      break;
    }
    namer.name(stacks.callStack(machine, options.maxFrames), ids);
    const uint64_t before = machine.step();
    const uint64_t target = end - before > period ? before + period : end;
    r.outcome = machine.advance(target, engine, budget);
    const uint64_t steps = machine.step() - before;
    if (steps > 0) ++r.samples;  // a stop before any step (a cancel) takes no sample
    if (ids != pending) {
      profile.add(pending, pendingSteps);
      pending.swap(ids);
      pendingSteps = 0;
    }
    pendingSteps += steps;
    if (!r.outcome.completed() || steps == 0) break;  // no progress: never spin
  }
  profile.add(pending, pendingSteps);
  r.lastStep = machine.step();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace fpvm::profile
