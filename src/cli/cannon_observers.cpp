#include "cli/cannon_observers.hpp"

#include <cinttypes>
#include <cstdio>

#include "mips64/arch.hpp"

namespace fpvm::cli {

using mips64::State;
using mips64::StepKind;
using mips64::StepOutcome;

namespace {

constexpr uint32_t kOpRegimm = 1, kOpJ = 2, kOpJal = 3, kOpLL = 0x30, kOpLLD = 0x34, kOpSC = 0x38, kOpSCD = 0x3C;

uint64_t currentThreadId(const State& st) { return st.activeStack().empty() ? 0 : st.currentThread().threadId; }

}  // namespace

// --- statistics ---------------------------------------------------------------------------------

void Mt64Stats::beforeStep(const State& state) { before_ = state.currentThread(); }

void Mt64Stats::afterStep(const State& state, const StepOutcome& o) {
  if (o.kind == StepKind::Preempted) ++counts_.forcedPreemptionCount;
  if (o.kind == StepKind::Executed) {
    const uint32_t op = o.insn >> 26;
    if (op == kOpLL || op == kOpLLD) lastLLStep_[before_.threadId] = state.step;
    if (op == kOpSC || op == kOpSCD) {
      const unsigned rt = (o.insn >> 16) & 31;
      const bool success = rt != 0 && !state.activeStack().empty() && state.currentThread().registers[rt] == 1;
      ++(success ? counts_.rmwSuccessCount : counts_.rmwFailCount);
      auto it = lastLLStep_.find(before_.threadId);
      if (it != lastLLStep_.end()) {
        counts_.maxStepsBetweenLLAndSC = std::max(counts_.maxStepsBetweenLLAndSC, state.step - it->second);
        lastLLStep_.erase(it);
      }
    }
  }
  // Idle steps of thread 0: from when another thread becomes current until thread 0 is again.
  const uint64_t tid = currentThreadId(state);
  if (activeThread_ == 0 && tid != 0) lastActiveStepThread0_ = state.step;
  else if (activeThread_ != 0 && tid == 0) counts_.idleStepCountThread0 += state.step - lastActiveStepThread0_;
  activeThread_ = tid;
}

void Mt64Stats::fill(mips64::DebugInfo& info) const {
  info.rmwSuccessCount = counts_.rmwSuccessCount;
  info.rmwFailCount = counts_.rmwFailCount;
  info.maxStepsBetweenLLAndSC = counts_.maxStepsBetweenLLAndSC;
  info.reservationInvalidationCount = counts_.reservationInvalidationCount;
  info.forcedPreemptionCount = counts_.forcedPreemptionCount;
  info.idleStepCountThread0 = counts_.idleStepCountThread0;
}

// --- call stacks ----------------------------------------------------------------------------------

void Mt64StackTracker::push(uint64_t threadId, uint64_t caller, uint64_t target) {
  Frames& f = frames_[threadId];
  f.caller.push_back(caller);
  f.target.push_back(target);
}

void Mt64StackTracker::pop(uint64_t threadId, uint64_t pc, uint64_t step) {
  Frames& f = frames_[threadId];
  if (f.target.empty()) {
    std::printf("ERROR: stack underflow at pc=%" PRIx64 ". step=%" PRIu64 "\n", pc, step);
    return;
  }
  const std::string fn = meta_.lookup(pc);
  if (fn == meta_.lookup(f.target.back())) {
    f.target.pop_back();
    f.caller.pop_back();
    return;
  }
  // Most likely the function was inlined: snap back to the last frame of the returning function.
  for (size_t i = f.target.size(); i-- > 0;) {
    if (meta_.lookup(f.target[i]) == fn) {
      f.target.resize(i);
      f.caller.resize(i);
      return;
    }
  }
}

void Mt64StackTracker::beforeStep(const State& state) { before_ = state.currentThread(); }

void Mt64StackTracker::afterStep(const State& state, const StepOutcome& o) {
  const mips64::Thread& t = before_;
  if (o.kind == StepKind::Popped) {
    frames_.erase(t.threadId);
    return;
  }
  if (o.kind != StepKind::Executed) return;
  const uint32_t insn = o.insn, op = insn >> 26, fun = insn & 63;
  if (op == kOpJ || op == kOpJal) {
    push(t.threadId, t.pc, (t.nextPC & 0xFFFF'FFFF'F000'0000) | (uint64_t(insn & 0x03FF'FFFF) << 2));
  } else if (op == 0 && fun == 9) {
    push(t.threadId, t.pc, t.registers[(insn >> 21) & 31]);
  } else if (op == 0 && fun == 8) {
    pop(t.threadId, t.pc, state.step);
  } else if (op == kOpRegimm) {
    const unsigned rt = (insn >> 16) & 31;
    const auto rs = static_cast<int64_t>(t.registers[(insn >> 21) & 31]);
    const bool taken = (rt == 0x10 && rs < 0) || (rt == 0x11 && rs >= 0);
    if (taken) {
      const auto offset = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(insn & 0xFFFF)) * 4);
      push(t.threadId, t.pc, t.pc + 4 + offset);
    }
  } else if (o.syscall && *o.syscall == mips64::sys::kClone && state.threadCount() > 0 && currentThreadId(state) != t.threadId) {
    push(currentThreadId(state), t.pc, t.nextPC);
  }
}

void Mt64StackTracker::traceback(const State& state) const {
  const uint64_t pc = state.activeStack().empty() ? 0 : state.currentThread().pc;
  std::printf("traceback at pc=%" PRIx64 ". step=%" PRIu64 "\n", pc, state.step);
  auto it = frames_.find(currentThreadId(state));
  if (it != frames_.end()) {
    const Frames& f = it->second;
    for (size_t i = f.target.size(); i-- > 0;)
      std::printf("\t%zu %" PRIx64 " in %s caller=%08" PRIx64 "\n", f.target.size() - i - 1, f.target[i],
                  meta_.lookup(f.target[i]).c_str(), f.caller[i]);
  }
  std::fflush(stdout);
}

}  // namespace fpvm::cli
