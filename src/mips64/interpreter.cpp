#include "mips64/interpreter.hpp"

#include "mips64/arch.hpp"
#include "mips64/instruction_exec.hpp"
#include "mips64/revert_signal.hpp"
#include "mips64/subword.hpp"

namespace fpvm::mips64 {

namespace {

using detail::RevertSignal;
[[noreturn]] void revert(Revert r) { detail::raise(r); }

/// The fields a step may change besides memory and the thread stacks, saved for a rollback.
struct SavedScalars {
  Hash32 preimageKey;
  uint64_t preimageOffset, heap;
  uint8_t llReservationStatus;
  uint64_t llAddress, llOwnerThread;
  uint8_t exitCode;
  bool exited;
  uint64_t step, stepsSinceLastContextSwitch, nextThreadId;
  Bytes lastHint;

  explicit SavedScalars(const State& s)
      : preimageKey(s.preimageKey),
        preimageOffset(s.preimageOffset),
        heap(s.heap),
        llReservationStatus(s.llReservationStatus),
        llAddress(s.llAddress),
        llOwnerThread(s.llOwnerThread),
        exitCode(s.exitCode),
        exited(s.exited),
        step(s.step),
        stepsSinceLastContextSwitch(s.stepsSinceLastContextSwitch),
        nextThreadId(s.nextThreadId),
        lastHint(s.lastHint) {}

  void restore(State& s) const {
    s.preimageKey = preimageKey;
    s.preimageOffset = preimageOffset;
    s.heap = heap;
    s.llReservationStatus = llReservationStatus;
    s.llAddress = llAddress;
    s.llOwnerThread = llOwnerThread;
    s.exitCode = exitCode;
    s.exited = exited;
    s.step = step;
    s.stepsSinceLastContextSwitch = stepsSinceLastContextSwitch;
    s.nextThreadId = nextThreadId;
    s.lastHint = lastHint;
  }
};

}  // namespace

uint64_t splitmix64(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/// Data accesses of the shared instruction code (instruction_exec.hpp), with the proof bookkeeping.
struct InterpreterPort {
  Interpreter& in;
  uint64_t load(uint64_t addr) { return in.loadData(addr); }
  void store(uint64_t addr, uint64_t value) {
    in.storeData(addr, value);
    in.noteMemoryWrite(addr);
  }
};

// --- step procedure (spec §3.1) ---------------------------------------------------------------------

StepOutcome Interpreter::step(AccessObserver* observer) {
  StepOutcome out;
  observer_ = observer;
  out_ = &out;
  if (s_.exited) {
    // Nothing changes; on-chain the post-state check still runs.
    out.kind = StepKind::Exited;
    if (s_.activeStack().empty()) out.revert = Revert::PostStateActiveThreadStackEmpty;
    return out;
  }
  if (s_.activeStack().empty()) {
    out.revert = Revert::ActiveThreadStackEmpty;
    return out;
  }
  const Thread& current = s_.currentThread();
  if (current.exited) {
    out.kind = StepKind::Popped;
    // Popping the only thread would leave both stacks empty: the post-state check reverts.
    if (s_.activeStack().size() == 1 && s_.otherStack().empty()) {
      out.revert = Revert::PostStateActiveThreadStackEmpty;
      return out;
    }
    s_.step += 1;
    popThread();
    return out;
  }
  if (s_.stepsSinceLastContextSwitch >= kSchedQuantum) {
    out.kind = StepKind::Preempted;
    s_.step += 1;
    preemptThread(Thread(current));
    return out;
  }

  out.kind = StepKind::Executed;
  const SavedScalars saved(s_);
  Thread t = current;  // working copy, written back only when the step completes
  Disposition disposition = Disposition::WriteBack;
  try {
    s_.step += 1;
    s_.stepsSinceLastContextSwitch += 1;
    if (t.pc & 3) revert(Revert::InvalidPC);
    access(0, t.pc & kAddressMask);
    const uint64_t word = s_.memory.loadWord(t.pc & kAddressMask);
    const uint32_t insn = static_cast<uint32_t>((t.pc & 4) ? word : word >> 32);
    out.insn = insn;
    const uint32_t opcode = insn >> 26, fun = insn & 0x3F;
    InterpreterPort port{*this};
    if (opcode == 0 && fun == 0x0C) {
      out.syscall = t.registers[kRegV0];
      disposition = syscall(t);
    } else if (opcode == 0x30 || opcode == 0x38 || opcode == 0x34 || opcode == 0x3C) {
      exec::executeRmw(port, s_, t, insn);
    } else {
      exec::execute(port, t, insn);
    }
  } catch (const RevertSignal& r) {
    saved.restore(s_);
    out.revert = r.reason;
    return out;
  } catch (...) {
    saved.restore(s_);
    throw;
  }

  switch (disposition) {
    case Disposition::WriteBack: s_.currentThread() = t; break;
    case Disposition::Preempt: preemptThread(t); break;
    case Disposition::PushChild:
      s_.currentThread() = t;
      pushThread(child_);
      break;
    case Disposition::Unchanged: break;
  }
  return out;
}

// --- memory access bookkeeping -----------------------------------------------------------------------

void Interpreter::access(unsigned slot, uint64_t addr) {
  out_->proofAddress[slot] = addr;
  if (observer_) observer_->beforeAccess(slot, addr, s_.memory);
}

uint64_t Interpreter::loadData(uint64_t addr) {
  access(1, addr);
  return s_.memory.loadWord(addr);
}

void Interpreter::storeData(uint64_t addr, uint64_t value) { s_.memory.storeWord(addr, value); }

void Interpreter::noteMemoryWrite(uint64_t addr) {
  // A write to the reserved doubleword clears the LL reservation, whichever thread wrote (§3.4).
  if (addr == (s_.llAddress & kAddressMask)) {
    s_.llReservationStatus = kLLStatusNone;
    s_.llAddress = 0;
    s_.llOwnerThread = 0;
  }
}

// --- scheduler (spec §3.2) ---------------------------------------------------------------------------

void Interpreter::popThread() {
  s_.activeStack().pop();
  if (s_.activeStack().empty()) s_.traverseRight = !s_.traverseRight;
  s_.stepsSinceLastContextSwitch = 0;
}

void Interpreter::preemptThread(const Thread& t) {
  s_.activeStack().pop();
  s_.otherStack().push(t);
  if (s_.activeStack().empty()) s_.traverseRight = !s_.traverseRight;
  s_.stepsSinceLastContextSwitch = 0;
}

void Interpreter::pushThread(const Thread& t) {
  s_.activeStack().push(t);
  s_.stepsSinceLastContextSwitch = 0;
}

// --- instructions (spec §5) --------------------------------------------------------------------------

}  // namespace fpvm::mips64
