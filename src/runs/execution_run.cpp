#include "runs/execution_run.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <thread>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::runs {
namespace {

/// Distances up to this are stepped with the reference interpreter (no engine warm-up, and its
/// per-leaf dirty marks keep the next Merkle root cheap); longer ones use the fast engine.
constexpr uint64_t kInterpreterDistance = 64;

/// Per-step hash queries shorter than two parts of this size run on one thread.
constexpr uint64_t kMinHashesPerPart = uint64_t(1) << 16;
/// Most threads one per-step hash query uses.
constexpr uint64_t kMaxHashParts = 8;

/// Writes "0x<64 hex digits>" with quotes (68 bytes) at `out`.
void writeHash(char* out, const Hash32& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out[0] = '"';
  out[1] = '0';
  out[2] = 'x';
  for (int i = 0; i < 32; ++i) {
    out[3 + 2 * i] = kDigits[h[i] >> 4];
    out[4 + 2 * i] = kDigits[h[i] & 15];
  }
  out[67] = '"';
}

}  // namespace

/// A machine used for lookups, with its own oracle.
struct ExecutionRun::Cursor {
  std::unique_ptr<InputOracle> oracle;
  std::unique_ptr<core::AnyMachine> machine;
};

ExecutionRun::ExecutionRun(std::shared_ptr<const Prestate> prestate, std::shared_ptr<const ValidationInput> input,
                           RunSettings settings, Hash32 key)
    : prestate_(std::move(prestate)), input_(std::move(input)), settings_(std::move(settings)), key_(key) {}

ExecutionRun::~ExecutionRun() = default;

std::unique_ptr<ExecutionRun::Cursor> ExecutionRun::makeCursor(const core::AnyMachine& from) {
  auto c = std::make_unique<Cursor>();
  c->machine = from.clone();
  applyMemoryLimit(*c->machine, settings_.limits.memoryLimit);
  c->oracle = std::make_unique<InputOracle>(input_, settings_.limits.preimageServer, settings_.limits.serverLimits);
  c->machine->setOracle(c->oracle.get());
  if (const Bytes hint = from.resumeHint(); !hint.empty() && c->oracle->hasServer()) c->oracle->hint(hint);
  return c;
}

ExecutionRun::Checkpoint ExecutionRun::snapshot(core::AnyMachine& machine) {
  Checkpoint cp;
  cp.witness = machine.witness();  // Merkleizes what changed since the last checkpoint
  cp.hash = core::hashWitness(machine.isa(), cp.witness);
  cp.step = machine.step();
  cp.machine = machine.clone();
  return cp;
}

void ExecutionRun::build(const std::atomic<bool>* shutdown) {
  const auto start = std::chrono::steady_clock::now();
  Deadline deadline(settings_.limits.maxExecutionTime);
  std::string failure;
  std::unique_ptr<Cursor> c;
  try {
    // Step 0 is the prestate itself (shared, never copied).
    Checkpoint zero;
    zero.machine = prestate_->machine;
    zero.step = prestate_->machine->step();
    zero.hash = prestate_->hash;
    zero.witness = prestate_->witness;
    std::vector<Checkpoint> checkpoints{zero};
    c = makeCursor(*prestate_->machine);
    core::AnyMachine& m = *c->machine;
    const RunContext ctx{deadline, settings_.limits.memoryLimit, &cancel_, shutdown, &prestate_->symbols};
    uint64_t spacing = settings_.initialSteps;
    uint64_t next = (m.step() / spacing + 1) * spacing;
    for (;;) {
      advanceOrThrow(m, next, ctx);
      if (m.exited()) break;
      checkpoints.push_back(snapshot(m));
      if (checkpoints.size() > settings_.cachedMachines) {
        // Full: keep every machine at a multiple of twice the spacing (step 0 always stays).
        const uint64_t wider = spacing > ~uint64_t(0) / 2 ? spacing : spacing * 2;
        std::vector<Checkpoint> kept;
        for (auto& cp : checkpoints)
          if (cp.step == zero.step || cp.step % wider == 0) kept.push_back(std::move(cp));
        checkpoints = std::move(kept);
        spacing = wider;
      }
      const uint64_t after = (m.step() / spacing + 1);
      next = after > ~uint64_t(0) / spacing ? ~uint64_t(0) : after * spacing;
    }
    Checkpoint fin;
    fin.witness = m.witness();
    fin.hash = core::hashWitness(m.isa(), fin.witness);
    fin.step = m.step();
    m.setPageLimit(0);
    m.setOracle(nullptr);  // the cursor's oracle goes; an exited machine's step reads nothing
    std::unique_ptr<core::AnyMachine> finalMachine = std::move(c->machine);
    c.reset();
    std::lock_guard<std::mutex> q(queryMutex_);
    checkpoints_ = std::move(checkpoints);
    final_ = std::move(fin);
    finalMachine_ = std::move(finalMachine);
  } catch (const rpc::RpcError& e) {
    failure = "execution run failed during its build: " + std::string(e.what());
  } catch (const std::exception& e) {
    failure = "execution run failed during its build: " + std::string(e.what());
  }
  buildSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (failure.empty()) {
      phase_ = Phase::Ready;
    } else {
      phase_ = Phase::Failed;
      failure_ = failure;
    }
    waiting.swap(waiting_);
  }
  for (auto& fn : waiting) fn();
}

void ExecutionRun::abandon(const std::string& reason) {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (phase_ != Phase::Building) return;
    phase_ = Phase::Failed;
    failure_ = reason;
    waiting.swap(waiting_);
  }
  for (auto& fn : waiting) fn();
}

void ExecutionRun::whenBuilt(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (phase_ == Phase::Building) {
      waiting_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

bool ExecutionRun::built() const {
  std::lock_guard<std::mutex> lock(stateMutex_);
  return phase_ != Phase::Building;
}

void ExecutionRun::checkUsable() const {
  std::lock_guard<std::mutex> lock(stateMutex_);
  if (phase_ == Phase::Failed) throw rpc::RpcError(rpc::kRunFailed, failure_);
  if (cancel_.load()) throw rpc::RpcError(rpc::kCancelled, "execution run was closed");
}

void ExecutionRun::cancel() { cancel_.store(true); }

void ExecutionRun::requireReady() const {
  std::lock_guard<std::mutex> lock(stateMutex_);
  if (phase_ == Phase::Failed) throw rpc::RpcError(rpc::kRunFailed, failure_);
  if (phase_ == Phase::Building)
    throw rpc::RpcError(rpc::kInternalError, "internal error: execution run queried before its build ended");
  if (cancel_.load()) throw rpc::RpcError(rpc::kCancelled, "execution run was closed");
}

std::vector<uint64_t> ExecutionRun::checkpointSteps() const {
  std::lock_guard<std::mutex> q(queryMutex_);
  std::vector<uint64_t> out;
  for (const auto& cp : checkpoints_) out.push_back(cp.step);
  return out;
}

const ExecutionRun::Checkpoint& ExecutionRun::baseFor(uint64_t step) const {
  // checkpoints_ is ascending and starts at the prestate's step.
  auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), step,
                             [](uint64_t s, const Checkpoint& cp) { return s < cp.step; });
  return it == checkpoints_.begin() ? checkpoints_.front() : *(it - 1);
}

RunContext ExecutionRun::queryContext(const Deadline& deadline) {
  return RunContext{deadline, settings_.limits.memoryLimit, &cancel_, nullptr, &prestate_->symbols};
}

void ExecutionRun::advance(Cursor& c, uint64_t target, const Deadline& deadline, bool checkBudget) {
  core::AnyMachine& m = *c.machine;
  if (m.exited() || m.step() >= target) return;
  const uint64_t before = m.step();
  // Short distances on the reference interpreter: no engine warm-up, and its per-leaf dirty
  // marks keep the next Merkle root cheap.
  advanceOrThrow(m, target, queryContext(deadline),
                 target - m.step() <= kInterpreterDistance ? vm::Engine::Reference : vm::Engine::Fast, checkBudget);
  queryStepsExecuted_ += m.step() - before;
}

void ExecutionRun::place(std::unique_ptr<Cursor>& c, uint64_t step, const Deadline& deadline) {
  const Checkpoint& base = baseFor(step);
  if (!c || c->machine->broken() || c->machine->step() > step || c->machine->step() < base.step) c = makeCursor(*base.machine);
  advance(*c, step, deadline);
}

ExecutionRun::Cursor& ExecutionRun::seek(uint64_t step, const Deadline& deadline) {
  place(cursor_, step, deadline);
  return *cursor_;
}

StepInfo ExecutionRun::stepAt(uint64_t position) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  if (position >= final_.step) return StepInfo{final_.hash, final_.step, finalMachine_->status()};
  Deadline deadline(settings_.limits.maxExecutionTime);
  Cursor& c = seek(position, deadline);
  return StepInfo{c.machine->stateHash(), c.machine->step(), c.machine->status()};
}

void ExecutionRun::hashRange(std::unique_ptr<Cursor>& c, uint64_t from, uint64_t stepSize, uint64_t first, uint64_t end,
                             char* out, const Deadline& deadline) {
  place(c, from + first * stepSize, deadline);
  writeHash(out + first * kJsonBytesPerHash, c->machine->stateHash());
  if (stepSize == 1) {
    hashEveryStep(*c, first + 1, end, out, deadline,
                  [&] { return std::to_string(from + first) + ".." + std::to_string(from + end); });
    return;
  }
  // Small step sizes check the deadline and cancel flag every 4096 hashes, not on every one.
  const bool smallSteps = stepSize <= kInterpreterDistance;
  for (uint64_t i = first + 1; i < end; ++i) {
    advance(*c, from + i * stepSize, deadline, !smallSteps || (i & 0xFFF) == 0);  // < final step: no overflow
    writeHash(out + i * kJsonBytesPerHash, c->machine->stateHash());
  }
}

void ExecutionRun::hashEveryStep(Cursor& c, uint64_t first, uint64_t end, char* out, const Deadline& deadline,
                                 const std::function<std::string()>& range) {
  core::AnyMachine& m = *c.machine;
  const RunContext ctx = queryContext(deadline);
  core::Outcome outcome;
  try {
    outcome = m.hashEachStep(
        end - first,
        [&](uint64_t k, const Hash32* hashes, size_t n) {
          for (size_t j = 0; j < n; ++j) writeHash(out + (first + k + j) * kJsonBytesPerHash, hashes[j]);
          queryStepsExecuted_ += n;
        },
        ctx.budget());
  } catch (...) {
    rethrowRunFailure(ctx);
  }
  if (!outcome.completed()) throwIncomplete(outcome, m, ctx, false, "while hashing steps " + range());
}

std::string ExecutionRun::machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations, size_t reserveExtra) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  Deadline deadline(settings_.limits.maxExecutionTime);
  if (maxIterations == 0 || stepSize == 0) return "[]";
  // Hash i is at position from + i·stepSize; the first position at or past the end is the final
  // machine (whose hash no longer changes) and ends the answer.
  uint64_t live = 0;  // hashes at positions before the final step
  if (from < final_.step) live = (final_.step - from - 1) / stepSize + 1;
  const uint64_t count = std::min<uint64_t>(maxIterations, live + 1);
  // Fixed layout: '[' then count × ("0x…" 68 bytes + ',' or ']').
  std::string out;
  out.reserve(1 + count * kJsonBytesPerHash + reserveExtra);
  out.resize(1 + count * kJsonBytesPerHash, ',');
  out[0] = '[';
  out.back() = ']';
  char* slots = out.data() + 1;
  const uint64_t liveCount = std::min(count, live);
  if (count > live) writeHash(slots + live * kJsonBytesPerHash, final_.hash);
  if (liveCount == 0) return out;

  // Long per-step ranges are split over several machines, each started from the checkpoint
  // before its part and moved there with the fast engine.
  unsigned parts = 1;
  if (stepSize <= kInterpreterDistance && liveCount >= 2 * kMinHashesPerPart) {
    const unsigned threads = settings_.hashThreads ? settings_.hashThreads : std::max(1u, std::thread::hardware_concurrency());
    parts = static_cast<unsigned>(std::min<uint64_t>({threads, kMaxHashParts, liveCount / kMinHashesPerPart}));
  }
  if (parts <= 1) {
    hashRange(cursor_, from, stepSize, 0, liveCount, slots, deadline);
    return out;
  }
  std::vector<std::unique_ptr<Cursor>> cursors(parts);
  cursors[0] = std::move(cursor_);
  std::vector<std::exception_ptr> errors(parts);
  std::vector<std::thread> threads;
  for (unsigned p = 0; p < parts; ++p) {
    const uint64_t a = liveCount * p / parts, b = liveCount * (p + 1) / parts;
    auto work = [&, p, a, b] {
      try {
        hashRange(cursors[p], from, stepSize, a, b, slots, deadline);
      } catch (...) {
        errors[p] = std::current_exception();
      }
    };
    if (p + 1 == parts) work();  // the last part on this thread
    else threads.emplace_back(work);
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  cursor_ = std::move(cursors.back());  // furthest along: the next query likely continues there
  return out;
}

core::OneStepProof ExecutionRun::proofAt(uint64_t position) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  Deadline deadline(settings_.limits.maxExecutionTime);
  const RunContext ctx = queryContext(deadline);
  // Past the end: the final machine's own step, which changes nothing (RISC-V: no memory proof,
  // spec §3.3; MT64: Cannon's thread and instruction proofs, taken before the exit check).
  core::AnyMachine& m = position >= final_.step ? *finalMachine_ : *seek(position, deadline).machine;
  core::OneStepProof proof;
  core::Outcome outcome;
  try {
    outcome = m.proveStep(proof);
  } catch (...) {
    rethrowRunFailure(ctx);
  }
  if (!outcome.completed()) throwIncomplete(outcome, m, ctx, true);
  return proof;
}

Bytes ExecutionRun::segmentProof(uint64_t from, uint64_t to) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  if (from >= final_.step)
    throw rpc::RpcError(rpc::kInvalidParams, "from " + std::to_string(from) + " is not before the end of the trace (step " +
                                                 std::to_string(final_.step) + ")");
  to = std::min(to, final_.step);
  if (to <= from) throw rpc::RpcError(rpc::kInvalidParams, "to must be after from");
  if (to - from > kMaxSegmentProofSteps)
    throw rpc::RpcError(rpc::kInvalidParams, "a segment proof covers at most " + std::to_string(kMaxSegmentProofSteps) +
                                                 " steps, not " + std::to_string(to - from));
  Deadline deadline(settings_.limits.maxExecutionTime);
  Cursor& c = seek(from, deadline);
  const RunContext ctx = queryContext(deadline);
  try {
    return c.machine->proveSegment(to);
  } catch (const core::Unsupported& e) {
    throw rpc::RpcError(rpc::kInvalidParams, e.what());
  } catch (...) {
    rethrowRunFailure(ctx);
  }
}

void ExecutionRun::prepareRange(uint64_t start, uint64_t end) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  if (end > final_.step) end = final_.step;
  if (start >= end) return;  // nothing inside the trace to cache
  Deadline deadline(settings_.limits.maxExecutionTime);
  const uint64_t n = settings_.cachedMachines;
  const uint64_t span = end - start;
  const uint64_t spacing = std::max<uint64_t>(1, (span + n - 1) / n);
  std::vector<Checkpoint> fresh{checkpoints_.front()};
  for (uint64_t k = 0; k < n; ++k) {
    const uint64_t at = start + k * spacing;
    if (at >= end) break;
    if (at == fresh.front().step) continue;
    Cursor& c = seek(at, deadline);
    fresh.push_back(snapshot(*c.machine));
  }
  checkpoints_ = std::move(fresh);
  cursor_.reset();
}

}  // namespace fpvm::runs
