#pragma once
/// Machine control for the debugger, independent of the protocol: software breakpoints (kept
/// here, never written to guest memory), single steps and continues on the reference
/// interpreter, moves to any step, and reverse execution by replay from snapshots.
///
/// Snapshots are clones of the machine taken during forward execution at every multiple of a
/// spacing (initially ControllerOptions::snapshotEvery steps), plus the state history begins at.
/// When there are more than maxSnapshots of them, or they hold more than maxSnapshotPages pages,
/// the spacing doubles and the snapshots off the new spacing are dropped. Going back to step N
/// restores the latest snapshot at or before N and replays to N, so it lands on exactly the state
/// (and state hash) a forward run to N reaches. Replays never print guest output twice: output is
/// forwarded only for steps past the furthest step executed so far.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/any_machine.hpp"
#include "vm/host_context.hpp"
#include "vm/preimage_oracle.hpp"
#include "vm/revert_message.hpp"

namespace fpvm::gdbstub {

/// Why the machine stopped.
struct StopEvent {
  enum class Kind : uint8_t {
    Stepped,       ///< the requested step or move completed
    Breakpoint,    ///< the pc of the current thread is a breakpoint
    Interrupted,   ///< the debugger asked to stop (Ctrl-C)
    Exited,        ///< the program exited (machine().exitCode())
    Reverted,      ///< a step is invalid: the machine reverted (message names it)
    HostFailure,   ///< the host failed (a missing pre-image, the page limit, …; message names it)
    HistoryBegin,  ///< reverse execution reached the first step of the history
  };
  Kind kind = Kind::Stepped;
  std::string message;  ///< for Reverted and HostFailure
};

/// Tuning of the Controller.
struct ControllerOptions {
  uint64_t snapshotEvery = 4096;            ///< initial snapshot spacing in steps (a power of two)
  size_t maxSnapshots = 256;                ///< at most this many snapshots (the first one included)
  size_t maxSnapshotPages = 1u << 18;       ///< and at most this many pages of memory held by them
  uint64_t pollEvery = 4096;                ///< ask `interrupted` after about this many steps
  const vm::Symbolizer* symbols = nullptr;  ///< for revert messages (null = none)
};

/// Drives one machine for a debugger.
class Controller {
 public:
  /// Takes `machine` (at any step: history begins there). `oracle` and `output` (not owned, may
  /// be null) are attached to the machine and to every machine restored from a snapshot.
  Controller(std::unique_ptr<core::AnyMachine> machine, vm::PreimageOracle* oracle, vm::GuestOutput* output,
             ControllerOptions options = {});

  /// The machine at the current position.
  core::AnyMachine& machine() { return *machine_; }
  /// The step the history begins at (reverse execution stops there).
  uint64_t firstStep() const { return firstStep_; }
  /// The furthest step executed so far.
  uint64_t furthestStep() const { return highWater_; }

  /// Adds a software breakpoint at `pc`.
  void addBreakpoint(uint64_t pc) { breakpoints_.insert(pc); }
  /// Removes the breakpoint at `pc` (none there: nothing happens).
  void removeBreakpoint(uint64_t pc) { breakpoints_.erase(pc); }
  /// The breakpoints.
  const std::set<uint64_t>& breakpoints() const { return breakpoints_; }

  /// Called while running; returning true stops the run with Kind::Interrupted.
  using Interrupted = std::function<bool()>;

  /// Executes one instruction.
  StopEvent stepForward();
  /// Runs until a breakpoint's pc is reached (after at least one step), the exit, a revert, a
  /// host failure or `interrupted`.
  StopEvent continueForward(const Interrupted& interrupted);
  /// Goes back one step (Kind::HistoryBegin without moving at firstStep()).
  StopEvent stepBackward();
  /// Goes back to the latest earlier step whose pc is a breakpoint; without one, to firstStep()
  /// with Kind::HistoryBegin.
  StopEvent continueBackward(const Interrupted& interrupted);
  /// Moves to step `target`, forward (stopping early at the exit, a revert or a host failure)
  /// or backward. Throws Error when `target` is before firstStep().
  StopEvent gotoStep(uint64_t target, const Interrupted& interrupted);

  /// Number of snapshots held.
  size_t snapshotCount() const { return snapshots_.size(); }
  /// The current snapshot spacing in steps.
  uint64_t snapshotSpacing() const { return spacing_; }

 private:
  /// Forwards guest output only while open.
  class GatedOutput final : public vm::GuestOutput {
   public:
    vm::GuestOutput* target = nullptr;
    bool open = true;
    void write(unsigned fd, ByteView data) override {
      if (open && target) target->write(fd, data);
    }
  };

  /// Runs forward to `target` (or a stop); checks breakpoints before every step but the first
  /// when `checkBreakpoints`.
  StopEvent runForward(uint64_t target, const Interrupted& interrupted, bool checkBreakpoints);
  /// Advances the current machine to `target`; returns a stop event for the exit, a revert or a
  /// host failure, Kind::Stepped otherwise.
  StopEvent advanceTo(uint64_t target);
  /// Takes a snapshot when the current step is on the spacing and none is there yet.
  void maybeSnapshot();
  /// Doubles the spacing until the snapshots fit the limits.
  void thin();
  /// A fresh clone of the latest snapshot at or before `step`, with the oracle attached.
  std::unique_ptr<core::AnyMachine> cloneAtOrBefore(uint64_t step) const;
  /// Makes the current machine the state at `target` (<= the furthest step), by replay.
  StopEvent restore(uint64_t target);

  std::unique_ptr<core::AnyMachine> machine_;
  vm::PreimageOracle* oracle_;
  GatedOutput gate_;
  ControllerOptions options_;
  uint64_t firstStep_;
  uint64_t highWater_;
  uint64_t spacing_;
  std::map<uint64_t, std::unique_ptr<core::AnyMachine>> snapshots_;
  std::set<uint64_t> breakpoints_;
  StopEvent lastFailure_;  ///< what broke the machine (when machine_->broken())
};

}  // namespace fpvm::gdbstub
