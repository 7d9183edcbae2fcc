#include "server/execution_run.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <thread>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "server/config.hpp"
#include "server/rpc_error.hpp"
#include "server/step_hasher.hpp"
#include "vm/interpreter.hpp"
#include "vm/runner.hpp"

namespace fpvm::server {
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

/// A machine used for lookups, with its own oracle, host context and engine.
struct ExecutionRun::Cursor {
  std::unique_ptr<vm::VmState> state;
  std::unique_ptr<InputOracle> oracle;
  vm::HostContext host;
  std::unique_ptr<vm::FastEngine> engine;
  /// Memory was written outside the engine since it last ran (its caches must be dropped).
  bool engineStale = false;
  /// A step failed half-way: the machine must not be reused.
  bool broken = false;
};

ExecutionRun::ExecutionRun(std::shared_ptr<const Prestate> prestate, std::shared_ptr<const ValidationInput> input,
                           RunSettings settings, Hash32 key)
    : prestate_(std::move(prestate)), input_(std::move(input)), settings_(std::move(settings)), key_(key) {}

ExecutionRun::~ExecutionRun() = default;

std::unique_ptr<ExecutionRun::Cursor> ExecutionRun::makeCursor(const vm::VmState& from) {
  auto c = std::make_unique<Cursor>();
  c->state = std::make_unique<vm::VmState>(from);
  c->state->memory.setPageLimit(pageLimitFor(settings_.limits.memoryLimit));
  c->oracle = std::make_unique<InputOracle>(input_, settings_.limits.preimageServer, settings_.limits.serverLimits);
  c->host.oracle = c->oracle.get();
  if (!c->state->lastCompleteHint.empty() && c->oracle->hasServer()) c->oracle->hint(c->state->lastCompleteHint);
  c->engine = std::make_unique<vm::FastEngine>(*c->state, c->host);
  return c;
}

ExecutionRun::Checkpoint ExecutionRun::snapshot(vm::VmState& state) {
  Checkpoint cp;
  cp.witness = state.witness();  // Merkleizes what changed since the last checkpoint
  cp.hash = vm::VmState::hashWitness(cp.witness);
  cp.step = state.step;
  cp.state = std::make_shared<const vm::VmState>(state);
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
    zero.state = std::shared_ptr<const vm::VmState>(prestate_, &prestate_->state);
    zero.step = prestate_->state.step;
    zero.hash = prestate_->hash;
    {
      vm::VmState tmp = prestate_->state;  // witness() is not const; the prestate is Merkleized
      zero.witness = tmp.witness();
    }
    std::vector<Checkpoint> checkpoints{zero};
    c = makeCursor(prestate_->state);
    vm::VmState& st = *c->state;
    uint64_t spacing = settings_.initialSteps;
    uint64_t next = (st.step / spacing + 1) * spacing;
    for (;;) {
      try {
        advanceFast(st, *c->engine, next, deadline, &cancel_, shutdown, &prestate_->symbols);
      } catch (...) {
        rethrowRunFailure(st, deadline, settings_.limits.memoryLimit);
      }
      if (st.exited) break;
      checkpoints.push_back(snapshot(st));
      if (checkpoints.size() > settings_.cachedMachines) {
        // Full: keep every machine at a multiple of twice the spacing (step 0 always stays).
        const uint64_t wider = spacing > ~uint64_t(0) / 2 ? spacing : spacing * 2;
        std::vector<Checkpoint> kept;
        for (auto& cp : checkpoints)
          if (cp.step == zero.step || cp.step % wider == 0) kept.push_back(std::move(cp));
        checkpoints = std::move(kept);
        spacing = wider;
      }
      const uint64_t after = (st.step / spacing + 1);
      next = after > ~uint64_t(0) / spacing ? ~uint64_t(0) : after * spacing;
    }
    Checkpoint fin;
    fin.witness = st.witness();
    fin.hash = vm::VmState::hashWitness(fin.witness);
    fin.step = st.step;
    st.memory.setPageLimit(0);
    fin.state = std::make_shared<const vm::VmState>(std::move(st));
    c.reset();  // its state was moved out
    std::lock_guard<std::mutex> q(queryMutex_);
    checkpoints_ = std::move(checkpoints);
    final_ = std::move(fin);
  } catch (const RpcError& e) {
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
  if (phase_ == Phase::Failed) throw RpcError(kRunFailed, failure_);
  if (cancel_.load()) throw RpcError(kCancelled, "execution run was closed");
}

void ExecutionRun::cancel() { cancel_.store(true); }

void ExecutionRun::requireReady() const {
  std::lock_guard<std::mutex> lock(stateMutex_);
  if (phase_ == Phase::Failed) throw RpcError(kRunFailed, failure_);
  if (phase_ == Phase::Building) throw RpcError(kInternalError, "internal error: execution run queried before its build ended");
  if (cancel_.load()) throw RpcError(kCancelled, "execution run was closed");
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

void ExecutionRun::advance(Cursor& c, uint64_t target, const Deadline& deadline) {
  vm::VmState& st = *c.state;
  if (st.exited || st.step >= target) return;
  const uint64_t before = st.step;
  try {
    if (target - st.step <= kInterpreterDistance) {
      vm::NoTracker tracker;
      vm::Interpreter<vm::NoTracker> interp(st, c.host, tracker);
      while (!st.exited && st.step < target) {
        const uint64_t at = st.step, pc = st.pc;
        vm::RevertCode rc = interp.step();
        if (rc != vm::kOk)
          throw RpcError(kExecutionFailed, "execution failed: " + vm::describeRevert(st, at, pc, rc, interp.lastSyscall(),
                                                                                      &prestate_->symbols, false));
      }
      c.engineStale = true;
    } else {
      if (c.engineStale) c.engine->invalidateCaches();
      c.engineStale = false;
      advanceFast(st, *c.engine, target, deadline, &cancel_, nullptr, &prestate_->symbols);
    }
  } catch (...) {
    c.broken = true;  // the machine is in an unknown state now
    rethrowRunFailure(st, deadline, settings_.limits.memoryLimit);
  }
  queryStepsExecuted_ += st.step - before;
}

void ExecutionRun::place(std::unique_ptr<Cursor>& c, uint64_t step, const Deadline& deadline) {
  const Checkpoint& base = baseFor(step);
  if (!c || c->broken || c->state->step > step || c->state->step < base.step) c = makeCursor(*base.state);
  advance(*c, step, deadline);
}

ExecutionRun::Cursor& ExecutionRun::seek(uint64_t step, const Deadline& deadline) {
  place(cursor_, step, deadline);
  return *cursor_;
}

StepInfo ExecutionRun::stepAt(uint64_t position) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  if (position >= final_.step) return StepInfo{final_.hash, final_.step, final_.state->status()};
  Deadline deadline(settings_.limits.maxExecutionTime);
  Cursor& c = seek(position, deadline);
  return StepInfo{c.state->stateHash(), c.state->step, c.state->status()};
}

void ExecutionRun::hashRange(std::unique_ptr<Cursor>& c, uint64_t from, uint64_t stepSize, uint64_t first, uint64_t end,
                             char* out, const Deadline& deadline) {
  place(c, from + first * stepSize, deadline);
  writeHash(out + first * kJsonBytesPerHash, c->state->stateHash());
  if (stepSize == 1) {
    hashEveryStep(*c, first + 1, end, out, deadline, [&] {
      return std::to_string(from + first) + ".." + std::to_string(from + end);
    });
    return;
  }
  const bool perStep = stepSize <= kInterpreterDistance;
  vm::NoTracker tracker;
  for (uint64_t i = first + 1; i < end; ++i) {
    const uint64_t target = from + i * stepSize;  // < final step: no overflow
    if (perStep) {
      // Inline interpreter loop: the bottom-level query (step size 1).
      vm::VmState& st = *c->state;
      vm::Interpreter<vm::NoTracker> interp(st, c->host, tracker);
      try {
        while (st.step < target) {
          const uint64_t s = st.step, pc = st.pc;
          vm::RevertCode rc = interp.step();
          if (rc != vm::kOk)
            throw RpcError(kExecutionFailed, "execution failed: " + vm::describeRevert(st, s, pc, rc, interp.lastSyscall(),
                                                                                        &prestate_->symbols, false));
        }
      } catch (...) {
        c->broken = true;
        rethrowRunFailure(st, deadline, settings_.limits.memoryLimit);
      }
      c->engineStale = true;
      queryStepsExecuted_ += stepSize;
      if ((i & 0xFFF) == 0) {
        if (cancel_.load()) throw RpcError(kCancelled, "execution run was closed during the query");
        if (deadline.passed())
          throw RpcError(kTimeLimit, "max-execution-time exceeded while hashing steps " + std::to_string(from + first * stepSize) +
                                         ".." + std::to_string(from + end * stepSize) + " (max-execution-time is " +
                                         formatDuration(deadline.limit()) + ")");
      }
    } else {
      advance(*c, target, deadline);
    }
    writeHash(out + i * kJsonBytesPerHash, c->state->stateHash());
  }
}

void ExecutionRun::hashEveryStep(Cursor& c, uint64_t first, uint64_t end, char* out, const Deadline& deadline,
                                 const std::function<std::string()>& range) {
  // Chunks between cancel/deadline checks; each is hashed in batches by the StepHasher.
  constexpr uint64_t kChunk = 4096;
  std::vector<Hash32> hashes(std::min<uint64_t>(kChunk, end - first));
  vm::VmState& st = *c.state;
  StepHasher hasher(st, c.host);
  c.engineStale = true;
  for (uint64_t i = first; i < end;) {
    const uint64_t n = std::min<uint64_t>(kChunk, end - i);
    std::optional<StepHasher::Revert> revert;
    try {
      revert = hasher.run(n, hashes.data());
    } catch (...) {
      c.broken = true;
      rethrowRunFailure(st, deadline, settings_.limits.memoryLimit);
    }
    if (revert) {
      c.broken = true;
      throw RpcError(kExecutionFailed, "execution failed: " + vm::describeRevert(st, revert->step, revert->pc, revert->code,
                                                                                  revert->syscall, &prestate_->symbols, false));
    }
    for (uint64_t k = 0; k < n; ++k) writeHash(out + (i + k) * kJsonBytesPerHash, hashes[k]);
    queryStepsExecuted_ += n;
    i += n;
    if (cancel_.load()) throw RpcError(kCancelled, "execution run was closed during the query");
    if (deadline.passed())
      throw RpcError(kTimeLimit, "max-execution-time exceeded while hashing steps " + range() + " (max-execution-time is " +
                                     formatDuration(deadline.limit()) + ")");
  }
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

vm::StepProof ExecutionRun::proofAt(uint64_t position) {
  requireReady();
  std::lock_guard<std::mutex> q(queryMutex_);
  vm::StepProof proof;
  if (position >= final_.step) {
    // An exited machine's step changes nothing and needs no memory proof (spec §3.3).
    proof.step = final_.step;
    proof.stateData = final_.witness;
    proof.pre = final_.hash;
    proof.post = final_.hash;
    return proof;
  }
  Deadline deadline(settings_.limits.maxExecutionTime);
  Cursor& c = seek(position, deadline);
  vm::VmState& st = *c.state;
  const uint64_t pc = st.pc;
  uint64_t syscall = ~uint64_t(0);
  vm::RevertCode rc;
  try {
    rc = vm::proveStep(st, c.host, proof, &syscall);
  } catch (...) {
    c.broken = true;
    rethrowRunFailure(st, deadline, settings_.limits.memoryLimit);
  }
  c.engineStale = true;
  if (rc != vm::kOk) {
    c.broken = true;
    throw RpcError(kExecutionFailed, "execution failed: " + vm::describeRevert(st, position, pc, rc, syscall, &prestate_->symbols, true));
  }
  return proof;
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
    fresh.push_back(snapshot(*c.state));
  }
  checkpoints_ = std::move(fresh);
  cursor_.reset();
}

}  // namespace fpvm::server
