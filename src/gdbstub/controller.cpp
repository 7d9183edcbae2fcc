#include "gdbstub/controller.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "common/error.hpp"
#include "vm/machine.hpp"

namespace fpvm::gdbstub {
namespace {

/// Replays up to this many steps run on the reference interpreter; longer ones on the fast engine
/// (every engine reaches the same state).
constexpr uint64_t kReferenceReplay = 1u << 16;

StopEvent event(StopEvent::Kind kind, std::string message = {}) { return StopEvent{kind, std::move(message)}; }

}  // namespace

Controller::Controller(std::unique_ptr<core::AnyMachine> machine, vm::PreimageOracle* oracle, vm::GuestOutput* output,
                       ControllerOptions options)
    : machine_(std::move(machine)), oracle_(oracle), options_(options) {
  if (!machine_) throw Error("gdbstub: no machine to debug");
  gate_.target = output;
  machine_->setOracle(oracle_);
  machine_->setOutput(&gate_);
  firstStep_ = highWater_ = machine_->step();
  spacing_ = std::max<uint64_t>(1, options_.snapshotEvery);
  options_.pollEvery = std::max<uint64_t>(1, options_.pollEvery);
  snapshots_.emplace(firstStep_, machine_->clone());
}

StopEvent Controller::advanceTo(uint64_t target) {
  if (machine_->broken()) return lastFailure_;
  if (machine_->exited()) return event(StopEvent::Kind::Exited);
  const uint64_t from = machine_->step();
  // Steps up to the furthest one already executed printed their output then.
  gate_.open = from >= highWater_;
  const vm::Engine engine = target - from <= kReferenceReplay ? vm::Engine::Reference : vm::Engine::Fast;
  core::Outcome outcome;
  try {
    outcome = machine_->advance(target, engine, {});
  } catch (const vm::HostFailure& e) {
    gate_.open = true;
    highWater_ = std::max(highWater_, machine_->step());
    lastFailure_ = event(StopEvent::Kind::HostFailure, e.what());
    return lastFailure_;
  }
  gate_.open = true;
  highWater_ = std::max(highWater_, machine_->step());
  if (outcome.stop == core::Stop::Exited) return event(StopEvent::Kind::Exited);
  if (outcome.stop == core::Stop::Reverted) {
    lastFailure_ = event(StopEvent::Kind::Reverted, machine_->describeRevert(options_.symbols, false));
    return lastFailure_;
  }
  maybeSnapshot();
  return event(StopEvent::Kind::Stepped);
}

void Controller::maybeSnapshot() {
  if (machine_->broken() || machine_->exited()) return;
  const uint64_t step = machine_->step();
  if (step % spacing_ != 0 || snapshots_.count(step) != 0) return;
  snapshots_.emplace(step, machine_->clone());
  thin();
}

void Controller::thin() {
  auto pages = [this] {
    size_t total = 0;
    for (const auto& [step, snapshot] : snapshots_) total += snapshot->pageCount();
    return total;
  };
  while (snapshots_.size() > 1 && (snapshots_.size() > options_.maxSnapshots || pages() > options_.maxSnapshotPages)) {
    if (spacing_ > std::numeric_limits<uint64_t>::max() / 2) break;
    spacing_ *= 2;
    for (auto it = snapshots_.begin(); it != snapshots_.end();) {
      if (it->first != firstStep_ && it->first % spacing_ != 0) {
        it = snapshots_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::unique_ptr<core::AnyMachine> Controller::cloneAtOrBefore(uint64_t step) const {
  auto it = snapshots_.upper_bound(step);
  --it;  // the first snapshot is at firstStep_ <= step
  std::unique_ptr<core::AnyMachine> m = it->second->clone();
  m->setOracle(oracle_);
  // A pre-image server is told the last complete hint again, as on any resume (decision 0002).
  const Bytes hint = m->resumeHint();
  if (oracle_ && !hint.empty()) oracle_->hint(hint);
  return m;
}

StopEvent Controller::restore(uint64_t target) {
  machine_ = cloneAtOrBefore(target);
  machine_->setOutput(&gate_);
  lastFailure_ = {};
  return advanceTo(target);
}

StopEvent Controller::runForward(uint64_t target, const Interrupted& interrupted, bool checkBreakpoints) {
  uint64_t sincePoll = 0;
  bool first = true;
  while (machine_->step() < target) {
    if (machine_->broken()) return lastFailure_;
    if (machine_->exited()) return event(StopEvent::Kind::Exited);
    const uint64_t now = machine_->step();
    if (!first && checkBreakpoints && breakpoints_.count(machine_->pc()) != 0) return event(StopEvent::Kind::Breakpoint);
    if (sincePoll >= options_.pollEvery) {
      sincePoll = 0;
      if (interrupted && interrupted()) return event(StopEvent::Kind::Interrupted);
    }
    uint64_t next = now + 1;
    if (!checkBreakpoints || breakpoints_.empty()) {
      // Whole chunks: to the next snapshot, the furthest step (output starts there) or the target.
      next = (now / spacing_ + 1) * spacing_;
      if (now < highWater_) next = std::min(next, highWater_);
      next = std::min(next, target);
    }
    StopEvent e = advanceTo(next);
    if (e.kind != StopEvent::Kind::Stepped) return e;
    if (machine_->step() == now) break;  // no progress (cannot happen on a healthy machine)
    sincePoll += machine_->step() - now;
    first = false;
  }
  return event(StopEvent::Kind::Stepped);
}

StopEvent Controller::stepForward() {
  if (machine_->broken()) return lastFailure_;
  if (machine_->exited()) return event(StopEvent::Kind::Exited);
  return advanceTo(machine_->step() + 1);
}

StopEvent Controller::continueForward(const Interrupted& interrupted) {
  StopEvent e = runForward(std::numeric_limits<uint64_t>::max(), interrupted, true);
  return e;
}

StopEvent Controller::stepBackward() {
  const uint64_t step = machine_->step();
  if (step <= firstStep_) return event(StopEvent::Kind::HistoryBegin);
  return restore(step - 1);
}

StopEvent Controller::continueBackward(const Interrupted& interrupted) {
  const uint64_t current = machine_->step();
  if (current <= firstStep_) return event(StopEvent::Kind::HistoryBegin);
  if (!breakpoints_.empty()) {
    std::vector<uint64_t> starts;
    for (const auto& [step, snapshot] : snapshots_)
      if (step < current) starts.push_back(step);
    uint64_t end = current, sincePoll = 0;
    // Interval by interval backwards: replay [start, end) and keep the last breakpoint hit.
    for (auto it = starts.rbegin(); it != starts.rend(); end = *it, ++it) {
      std::unique_ptr<core::AnyMachine> m = cloneAtOrBefore(*it);
      m->setOutput(nullptr);
      std::optional<uint64_t> hit;
      while (m->step() < end && !m->exited() && !m->broken()) {
        if (breakpoints_.count(m->pc()) != 0) hit = m->step();
        try {
          (void)m->advance(m->step() + 1, vm::Engine::Reference, {});
        } catch (const vm::HostFailure& e) {
          return event(StopEvent::Kind::HostFailure, std::string("while replaying: ") + e.what());
        }
        if (++sincePoll >= options_.pollEvery) {
          sincePoll = 0;
          if (interrupted && interrupted()) return event(StopEvent::Kind::Interrupted);
        }
      }
      if (hit) {
        StopEvent e = restore(*hit);
        return e.kind == StopEvent::Kind::Stepped ? event(StopEvent::Kind::Breakpoint) : e;
      }
    }
  }
  StopEvent e = restore(firstStep_);
  return e.kind == StopEvent::Kind::Stepped ? event(StopEvent::Kind::HistoryBegin) : e;
}

StopEvent Controller::gotoStep(uint64_t target, const Interrupted& interrupted) {
  if (target < firstStep_)
    throw Error("step " + std::to_string(target) + " is before the first step of the history (" + std::to_string(firstStep_) +
                ")");
  const uint64_t step = machine_->step();
  if (target == step) return event(StopEvent::Kind::Stepped);
  if (target > step) return runForward(target, interrupted, false);
  return restore(target);
}

}  // namespace fpvm::gdbstub
