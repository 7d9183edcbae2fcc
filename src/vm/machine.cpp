#include "vm/machine.hpp"

#include <cstring>
#include <new>
#include <vector>

#include "vm/fast_engine.hpp"
#include "vm/interpreter.hpp"
#include "vm/revert_message.hpp"
#include "vm/step_hash_batcher.hpp"

namespace fpvm::vm {
namespace {

/// Steps per engine call between checks of the budget's flags and deadline (a few milliseconds
/// of guest code on the fast engine).
constexpr uint64_t kEngineChunk = uint64_t(1) << 22;
/// The reference interpreter checks the budget every this many steps.
constexpr uint64_t kReferenceCheckMask = 0xFFF;
/// Steps hashed between budget checks in hashEachStep.
constexpr uint64_t kHashChunk = 4096;

/// Whether a read of `prefixed` at `offset` under `key` meets `stop`.
bool preimageStopMatches(const PreimageStop& stop, const Hash32& key, uint64_t offset, const Bytes& prefixed) {
  if (stop.any) return true;
  if (stop.keyPrefix) {
    const Bytes& p = *stop.keyPrefix;
    if (p.size() <= 32 && std::memcmp(key.data(), p.data(), p.size()) == 0 && offset == stop.offset) return true;
  } else if (stop.keyType && key[0] == *stop.keyType) {
    return true;
  }
  return stop.largerThan != 0 && prefixed.size() > stop.largerThan;
}

/// Forwards the interpreter's leaf accesses to a StepObserver.
struct ObserverTracker {
  StepObserver& observer;
  void access(merkle::PagedMemory& memory, uint64_t leafAddr, unsigned slot) { observer.leafAccess(memory, leafAddr, slot); }
};

}  // namespace

const char* engineName(Engine e) {
  switch (e) {
    case Engine::Fast: return "fast";
    case Engine::Proving: return "proving";
    case Engine::Reference: return "reference";
  }
  return "?";
}

Machine::Machine(VmState state, MachineOptions options) : state_(std::move(state)), options_(options) {}
Machine::~Machine() = default;

VmState Machine::releaseState() {
  fast_.reset();
  proving_.reset();
  return std::move(state_);
}

std::string Machine::describe(const Revert& revert, const Symbolizer* symbols, bool proofGen) const {
  return describeRevert(state_, revert.step, revert.pc, revert.code, revert.syscall, symbols, proofGen);
}

FastEngine& Machine::fastEngine(Engine e) {
  const bool proving = e == Engine::Proving;
  std::unique_ptr<FastEngine>& engine = proving ? proving_ : fast_;
  bool& stale = proving ? provingStale_ : fastStale_;
  if (!engine) {
    engine = std::make_unique<FastEngine>(state_, host_, proving ? Bookkeeping::LeafPairs : Bookkeeping::Pages,
                                          options_.nativeTier, options_.nativeCodeBytes);
  } else if (stale) {
    engine->invalidateCaches();
  }
  stale = false;
  // This engine is about to write memory the other one may have cached.
  (proving ? fastStale_ : provingStale_) = true;
  return *engine;
}

void Machine::noteOutsideWrites() {
  fastStale_ = true;
  provingStale_ = true;
}

std::optional<StopReason> Machine::budgetStop(const Budget& budget) {
  if (budget.shutdown && budget.shutdown->load(std::memory_order_relaxed)) return StopReason::ShuttingDown;
  if (budget.cancel && budget.cancel->load(std::memory_order_relaxed)) return StopReason::Cancelled;
  if (budget.deadline && std::chrono::steady_clock::now() > *budget.deadline) return StopReason::DeadlinePassed;
  return std::nullopt;
}

Outcome Machine::reverted(const Revert& revert) {
  broken_ = true;
  return Outcome{StopReason::Reverted, revert};
}

void Machine::rethrowAsHostFailure(uint64_t step, uint64_t pc) {
  broken_ = true;
  try {
    throw;
  } catch (const HostFailure&) {
    throw;
  } catch (const merkle::MemoryLimitError& e) {
    throw HostFailure(HostFailureKind::MemoryLimit, step, pc, e.what());
  } catch (const std::bad_alloc&) {
    throw HostFailure(HostFailureKind::OutOfMemory, step, pc, "the host ran out of memory while running the guest");
  } catch (const std::exception& e) {
    throw HostFailure(HostFailureKind::Oracle, step, pc, e.what());
  }
}

Outcome Machine::advance(uint64_t target, const AdvanceOptions& options) {
  if (broken_) throw Error("internal error: a machine was moved after a revert or a host failure");
  if (state_.exited) return Outcome{StopReason::Exited, {}};
  if (state_.step >= target) return Outcome{StopReason::Reached, {}};
  const Engine engine = options.engine.value_or(options_.engine);
  if (engine == Engine::Reference || (options.preimageStop && options.preimageStop->active()))
    return advanceReference(target, options);
  return advanceEngine(fastEngine(engine), target, options.budget);
}

Outcome Machine::advanceEngine(FastEngine& engine, uint64_t target, const Budget& budget) {
  while (!state_.exited && state_.step < target) {
    if (auto stop = budgetStop(budget)) return Outcome{*stop, {}};
    const uint64_t before = state_.step, beforePc = state_.pc;
    FastStop stop;
    try {
      stop = engine.run(std::min(kEngineChunk, target - before), budget.cancel);
    } catch (...) {
      // A host failure inside a delegated step leaves Step = failing step + 1 and pc at it.
      const bool moved = state_.step > before;
      rethrowAsHostFailure(moved ? state_.step - 1 : before, moved ? state_.pc : beforePc);
    }
    switch (stop) {
      case FastStop::Reverted: return reverted(Revert{state_.step - 1, state_.pc, engine.revert(), engine.lastSyscall()});
      case FastStop::Cancelled: return Outcome{StopReason::Cancelled, {}};
      case FastStop::Exited: return Outcome{StopReason::Exited, {}};
      case FastStop::StepLimit:
        if (state_.step == before) throw Error("internal error: the fast engine made no progress");
        break;
    }
  }
  return Outcome{state_.exited ? StopReason::Exited : StopReason::Reached, {}};
}

Outcome Machine::advanceReference(uint64_t target, const AdvanceOptions& options) {
  NoTracker tracker;
  Interpreter<NoTracker> interp(state_, host_, tracker);
  const PreimageStop* preimageStop = options.preimageStop && options.preimageStop->active() ? options.preimageStop : nullptr;
  noteOutsideWrites();
  uint64_t at = state_.step, atPc = state_.pc;
  try {
    if (auto stop = budgetStop(options.budget)) return Outcome{*stop, {}};
    while (!state_.exited && state_.step < target) {
      at = state_.step;
      atPc = state_.pc;
      const RevertCode rc = interp.step();
      if (rc != kOk) return reverted(Revert{at, atPc, rc, interp.lastSyscall()});
      if (preimageStop) {
        if (const auto readAt = interp.preimageRead();
            readAt && preimageStopMatches(*preimageStop, state_.preimageKey, *readAt, host_.preimage.prefixed))
          return Outcome{StopReason::PreimageRead, {}};
      }
      if ((state_.step & kReferenceCheckMask) == 0) {
        if (auto stop = budgetStop(options.budget)) return Outcome{*stop, {}};
      }
    }
  } catch (...) {
    rethrowAsHostFailure(at, atPc);
  }
  return Outcome{state_.exited ? StopReason::Exited : StopReason::Reached, {}};
}

Outcome Machine::proveStep(StepProof& proof) {
  if (broken_) throw Error("internal error: a machine was moved after a revert or a host failure");
  const uint64_t at = state_.step, atPc = state_.pc;
  uint64_t syscall = ~uint64_t(0);
  RevertCode rc = kOk;
  noteOutsideWrites();
  try {
    rc = vm::proveStep(state_, host_, proof, &syscall);
  } catch (...) {
    rethrowAsHostFailure(at, atPc);
  }
  if (rc != kOk) return reverted(Revert{at, atPc, rc, syscall});
  return Outcome{state_.exited ? StopReason::Exited : StopReason::Reached, {}};
}

Outcome Machine::hashEachStep(uint64_t count, const HashSink& sink, const Budget& budget) {
  if (broken_) throw Error("internal error: a machine was moved after a revert or a host failure");
  noteOutsideWrites();
  std::vector<Hash32> hashes(std::min(kHashChunk, count));
  StepHashBatcher batcher(state_, host_);
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(kHashChunk, count - done);
    std::optional<Revert> revert;
    try {
      revert = batcher.run(n, hashes.data());
    } catch (...) {
      rethrowAsHostFailure(state_.step > 0 ? state_.step - 1 : 0, state_.pc);
    }
    if (revert) return reverted(*revert);
    sink(done, hashes.data(), n);
    done += n;
    if (done < count) {
      if (auto stop = budgetStop(budget)) return Outcome{*stop, {}};
    }
  }
  return Outcome{state_.exited ? StopReason::Exited : StopReason::Reached, {}};
}

Outcome Machine::advanceObserved(uint64_t target, StepObserver& observer) {
  if (broken_) throw Error("internal error: a machine was moved after a revert or a host failure");
  ObserverTracker tracker{observer};
  Interpreter<ObserverTracker> interp(state_, host_, tracker);
  noteOutsideWrites();
  uint64_t at = state_.step, atPc = state_.pc;
  try {
    while (!state_.exited && state_.step < target) {
      at = state_.step;
      atPc = state_.pc;
      const RevertCode rc = interp.step();
      if (rc != kOk) return reverted(Revert{at, atPc, rc, interp.lastSyscall()});
      observer.stepDone(state_, interp.preimageRead(), host_.preimage.prefixed);
    }
  } catch (...) {
    rethrowAsHostFailure(at, atPc);
  }
  return Outcome{state_.exited ? StopReason::Exited : StopReason::Reached, {}};
}

}  // namespace fpvm::vm
