// AnyMachine over the Cannon MT64 machine: its state, reference interpreter, fast engine and
// prover, with the host's oracle and output behind the MT64 interfaces.
#include <algorithm>
#include <memory>
#include <new>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "core/machine_adapters.hpp"
#include "mips64/fast_engine.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/prover.hpp"
#include "mips64/state_file.hpp"
#include "segment/mips64_segment_prover.hpp"

namespace fpvm::core {

namespace {

/// The host's oracle and output seen through the MT64 interfaces.
class HostBridge final : public mips64::PreimageOracle, public mips64::GuestOutput {
 public:
  vm::PreimageOracle* oracle = nullptr;
  vm::GuestOutput* output = nullptr;
  /// The last complete hint the guest wrote since this machine was made (off-chain only).
  Bytes lastCompleteHint;
  void hint(ByteView h) override {
    lastCompleteHint.assign(h.begin(), h.end());
    if (oracle) oracle->hint(h);
  }
  Bytes getPreimage(const Hash32& key) override {
    if (!oracle) throw Error("no pre-image oracle: the guest read pre-image " + toHex(key));
    return oracle->getPreimage(key);
  }
  void write(uint64_t fd, ByteView data) override {
    if (output) output->write(static_cast<unsigned>(fd), data);
  }
};

class Mips64Machine final : public AnyMachine {
 public:
  explicit Mips64Machine(mips64::State state) : state_(std::move(state)) {}
  Mips64Machine(const Mips64Machine&) = delete;  // the interpreter and engine refer to state_
  Mips64Machine& operator=(const Mips64Machine&) = delete;

  Isa isa() const override { return Isa::Mips64; }
  void setOracle(vm::PreimageOracle* oracle) override { host_.oracle = oracle; }
  void setOutput(vm::GuestOutput* output) override { host_.output = output; }

  Outcome advance(uint64_t target, vm::Engine engine, const vm::Budget& budget) override {
    requireUsable();
    // Budget checks between chunks; the fast engine polls the cancel flag inside its runs too.
    constexpr uint64_t kChunk = uint64_t(1) << 22;
    while (!state_.exited && state_.step < target) {
      if (const auto stop = budgetStop(budget)) return Outcome{*stop, 0, 0, {}};
      const uint64_t chunkEnd = std::min(target, state_.step + kChunk);
      try {
        if (engine == vm::Engine::Reference) {
          while (!state_.exited && state_.step < chunkEnd) {
            const uint64_t pc = this->pc();
            const mips64::StepOutcome o = interp_.step();
            if (!o.ok()) return reverted(state_.step, pc, o);
          }
        } else {
          const mips64::RunResult r = fast_.run(chunkEnd, budget.cancel);
          if (r.stop == mips64::RunStop::Reverted) return reverted(state_.step, this->pc(), r.outcome);
          if (r.stop == mips64::RunStop::Cancelled) return Outcome{Stop::Cancelled, 0, 0, {}};
        }
      } catch (...) {
        rethrowAsHostFailure();
      }
    }
    return Outcome{state_.exited ? Stop::Exited : Stop::Reached, 0, 0, {}};
  }

  Outcome proveStep(OneStepProof& out) override {
    requireUsable();
    mips64::StepProof p;
    const uint64_t pc = this->pc();
    mips64::StepOutcome o;
    try {
      o = mips64::proveStep(interp_, p);
    } catch (...) {
      rethrowAsHostFailure();
    }
    out = toOneStepProof(Isa::Mips64, std::move(p));
    if (!o.ok()) return reverted(out.step, pc, o);
    return Outcome{state_.exited ? Stop::Exited : Stop::Reached, 0, 0, {}};
  }

  Outcome hashEachStep(uint64_t count, const vm::Machine::HashSink& sink, const vm::Budget& budget) override {
    requireUsable();
    // The memory root re-hashes only the leaves a step dirtied and the thread stacks keep their
    // inner roots, so a hash per step costs a few Keccak calls.
    constexpr uint64_t kHashChunk = 4096;
    std::vector<Hash32> hashes(std::min(kHashChunk, count));
    for (uint64_t done = 0; done < count;) {
      if (done > 0)
        if (const auto stop = budgetStop(budget)) return Outcome{*stop, 0, 0, {}};
      const uint64_t n = std::min(kHashChunk, count - done);
      try {
        for (uint64_t i = 0; i < n; ++i) {
          if (!state_.exited) {
            const uint64_t pc = this->pc();
            const mips64::StepOutcome o = interp_.step();
            if (!o.ok()) return reverted(state_.step, pc, o);
          }
          hashes[i] = state_.hash();
        }
      } catch (...) {
        rethrowAsHostFailure();
      }
      sink(done, hashes.data(), n);
      done += n;
    }
    return Outcome{state_.exited ? Stop::Exited : Stop::Reached, 0, 0, {}};
  }

  std::string describeRevert(const vm::Symbolizer* symbols, bool proofGen) const override {
    if (!lastRevert_) return "no step reverted";
    const LastRevert& r = *lastRevert_;
    uint8_t insn[4];
    state_.memory.readBytes(r.pc, insn, 4);  // a reverting step leaves the state unchanged
    std::string msg = std::string("failed at ") + (proofGen ? "proof-gen " : "") + "step " + std::to_string(r.step) +
                      " (PC: " + hex64(r.pc) + ", insn: " + toHex(ByteView(insn, 4)).substr(2) +
                      "): " + mips64::revertName(r.revert);
    if (r.syscall) msg += " (syscall " + std::to_string(*r.syscall) + ")";
    if (symbols && !symbols->empty()) {
      msg += " in " + symbols->lookup(r.pc);
      // Syscall stubs are leaf code: the return address names the code that called them.
      if (r.syscall && !state_.activeStack().empty())
        msg += ", called from " + symbols->lookup(state_.currentThread().registers[31]);
    }
    return msg;
  }

  void setPageLimit(size_t pages) override { state_.memory.setPageLimit(pages); }
  size_t pageCount() const override { return state_.memory.pageCount(); }
  /// Cannon keeps no complete hint in its state (its LastHint is the unfinished remainder and is
  /// not replayed, docs/spec/cannon-mt64.md §6.7), so a machine read from a state file has none;
  /// clones of a machine that ran carry the hint it last wrote, which lets execution runs resume
  /// from checkpoints with a hint-driven pre-image server (decision 0002), as on RISC-V.
  Bytes resumeHint() const override { return host_.lastCompleteHint; }

  ThreadRegisters registers() const override {
    const std::vector<ThreadRegisters> all = threads();
    return all.empty() ? ThreadRegisters{} : all.front();
  }
  std::vector<ThreadRegisters> threads() const override {
    std::vector<ThreadRegisters> out;
    for (const mips64::ThreadStack* stack : {&state_.activeStack(), &state_.otherStack()})
      for (size_t i = stack->size(); i-- > 0;) {
        const mips64::Thread& t = stack->at(i);
        ThreadRegisters r;
        r.threadId = t.threadId;
        r.gpr = t.registers;
        r.pc = t.pc;
        r.nextPc = t.nextPC;
        r.hi = t.hi;
        r.lo = t.lo;
        out.push_back(r);
      }
    return out;
  }
  void readMemory(uint64_t addr, uint8_t* out, size_t n) const override { state_.memory.readBytes(addr, out, n); }

  uint64_t step() const override { return state_.step; }
  uint64_t pc() const override {
    if (!state_.activeStack().empty()) return state_.currentThread().pc;
    return state_.otherStack().empty() ? 0 : state_.otherStack().top().pc;
  }
  bool exited() const override { return state_.exited; }
  uint8_t exitCode() const override { return state_.exitCode; }
  bool broken() const override { return broken_; }
  Bytes witness() override {
    const mips64::Witness w = state_.witness();
    return Bytes(w.begin(), w.end());
  }
  Hash32 stateHash() override { return state_.hash(); }
  void writeState(const std::string& path) override {
    if (!mips64::isBinaryStateName(path))
      throw Unsupported("cannot write " + path + ": the MIPS64 machine's state files are binary (.bin or .bin.gz), as Cannon's");
    mips64::writeStateFile(state_, path);
  }
  std::unique_ptr<AnyMachine> clone() const override {
    auto copy = std::make_unique<Mips64Machine>(state_);
    copy->host_.lastCompleteHint = host_.lastCompleteHint;
    return copy;
  }
  Bytes proveSegment(uint64_t toStep) override {
    requireUsable();
    if (toStep < state_.step)
      throw Error("segment end step " + std::to_string(toStep) + " is before the state's step " + std::to_string(state_.step));
    try {
      return segment::encodeMips64SegmentProof(segment::proveMips64Segment(interp_, toStep));
    } catch (const segment::Mips64SegmentRevert& e) {
      (void)reverted(e.step(), e.pc(), e.outcome());
      throw Error(describeRevert(nullptr, true));
    } catch (const Error&) {
      broken_ = true;  // a host failure part-way: the machine is not moved again
      throw;
    }
  }

 private:
  /// What describeRevert needs of the last reverting step.
  struct LastRevert {
    uint64_t step = 0, pc = 0;
    mips64::Revert revert = mips64::Revert::None;
    std::optional<uint64_t> syscall;
  };

  void requireUsable() const {
    if (broken_) throw Error("internal error: a machine was moved after a revert or a host failure");
  }
  static std::optional<Stop> budgetStop(const vm::Budget& b) {
    if (b.cancel && b.cancel->load(std::memory_order_relaxed)) return Stop::Cancelled;
    if (b.shutdown && b.shutdown->load(std::memory_order_relaxed)) return Stop::ShuttingDown;
    if (b.deadline && std::chrono::steady_clock::now() >= *b.deadline) return Stop::DeadlinePassed;
    return std::nullopt;
  }
  Outcome reverted(uint64_t step, uint64_t pc, const mips64::StepOutcome& o) {
    broken_ = true;
    lastRevert_ = LastRevert{step, pc, o.revert, o.syscall};
    return Outcome{Stop::Reverted, step, pc, mips64::revertName(o.revert)};
  }
  /// Turns the exception in flight into a vm::HostFailure at the current step and marks the
  /// machine broken (the state may be half-way through the step).
  [[noreturn]] void rethrowAsHostFailure() {
    broken_ = true;
    const uint64_t step = state_.step, pc = this->pc();
    try {
      throw;
    } catch (const vm::HostFailure&) {
      throw;
    } catch (const mips64::PageLimitError& e) {
      throw vm::HostFailure(vm::HostFailureKind::MemoryLimit, step, pc, e.what());
    } catch (const std::bad_alloc&) {
      throw vm::HostFailure(vm::HostFailureKind::OutOfMemory, step, pc, "the host ran out of memory while running the guest");
    } catch (const std::exception& e) {
      throw vm::HostFailure(vm::HostFailureKind::Oracle, step, pc, e.what());
    }
  }

  mips64::State state_;
  HostBridge host_;
  mips64::Interpreter interp_{state_, &host_, &host_};
  mips64::FastEngine fast_{state_, interp_};
  bool broken_ = false;
  std::optional<LastRevert> lastRevert_;
};

}  // namespace

std::unique_ptr<AnyMachine> machineFromState(mips64::State state) { return std::make_unique<Mips64Machine>(std::move(state)); }

}  // namespace fpvm::core
