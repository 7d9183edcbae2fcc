#include "segment/parallel_validation.hpp"

#include <time.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_verifier.hpp"
#include "segment/segment_prover.hpp"
#include "vm/machine.hpp"

namespace fpvm::segment {
namespace {

using Clock = std::chrono::steady_clock;
/// CPU time of the calling thread: per-segment costs stay meaningful on a busy machine.
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// Every preimage the fast engine was served, shared with the provers.
class PreimageStore {
 public:
  void put(const Hash32& key, const Bytes& data) {
    std::lock_guard<std::mutex> lock(m_);
    data_.try_emplace(key.b, data);
  }
  bool get(const Hash32& key, Bytes& out) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = data_.find(key.b);
    if (it == data_.end()) return false;
    out = it->second;
    return true;
  }

 private:
  std::mutex m_;
  std::map<std::array<uint8_t, 32>, Bytes> data_;
};

/// The fast engine's oracle: forwards to the host's and keeps a copy of every preimage.
class RecordingOracle final : public vm::PreimageOracle {
 public:
  RecordingOracle(vm::PreimageOracle* inner, PreimageStore& store) : inner_(inner), store_(store) {}
  void hint(ByteView h) override {
    if (inner_) inner_->hint(h);
  }
  Bytes getPreimage(const Hash32& key) override {
    if (!inner_) throw Error("no preimage oracle configured");
    Bytes d = inner_->getPreimage(key);
    store_.put(key, d);
    return d;
  }

 private:
  vm::PreimageOracle* inner_;
  PreimageStore& store_;
};

/// A prover's oracle: serves what the fast engine was served (it is always ahead).
class StoreOracle final : public vm::PreimageOracle {
 public:
  explicit StoreOracle(PreimageStore& store) : store_(store) {}
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    Bytes d;
    if (!store_.get(key, d)) throw Error("preimage for key " + toHex(key) + " was never served to the fast engine");
    return d;
  }

 private:
  PreimageStore& store_;
};

/// One segment to prove: the state at its first step and its end step.
struct Job {
  size_t index = 0;
  vm::VmState state;
  uint64_t to = 0;
};

/// Blocking queue with a capacity; close() ends consumers, abort() also releases producers.
class JobQueue {
 public:
  explicit JobQueue(size_t capacity) : cap_(capacity) {}
  /// False when aborted.
  bool push(Job&& j) {
    std::unique_lock<std::mutex> lock(m_);
    notFull_.wait(lock, [&] { return q_.size() < cap_ || aborted_; });
    if (aborted_) return false;
    q_.push_back(std::move(j));
    notEmpty_.notify_one();
    return true;
  }
  bool pop(Job& out) {
    std::unique_lock<std::mutex> lock(m_);
    notEmpty_.wait(lock, [&] { return !q_.empty() || closed_ || aborted_; });
    if (aborted_ || q_.empty()) return false;
    out = std::move(q_.front());
    q_.pop_front();
    notFull_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    notEmpty_.notify_all();
  }
  void abort() {
    std::lock_guard<std::mutex> lock(m_);
    aborted_ = true;
    notEmpty_.notify_all();
    notFull_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable notEmpty_, notFull_;
  std::deque<Job> q_;
  size_t cap_;
  bool closed_ = false, aborted_ = false;
};

/// First error by segment index, shared by worker threads.
class FirstError {
 public:
  void set(size_t index, const std::string& msg) {
    std::lock_guard<std::mutex> lock(m_);
    if (!has_ || index < index_) {
      has_ = true;
      index_ = index;
      msg_ = msg;
    }
    flag_ = true;
  }
  bool any() const { return flag_.load(std::memory_order_relaxed); }
  void rethrow() const {
    if (has_) throw Error(msg_);
  }

 private:
  std::mutex m_;
  std::atomic<bool> flag_{false};
  bool has_ = false;
  size_t index_ = 0;
  std::string msg_;
};

/// Runs `work(worker)` on `threads` threads, or on the calling thread when threads <= 1.
template <class Work>
void runWorkers(unsigned threads, Work&& work) {
  if (threads <= 1) {
    work(0u);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&work, t] { work(t); });
  for (auto& th : pool) th.join();
}

}  // namespace

SegmentRecord verifyEncodedSegment(const Bytes& proof, const std::string& what, const SegmentVerifyOptions& options) {
  const double ts = threadCpuSeconds();
  SegmentRecord rec;
  if (segmentProofVersion(proof) == kMips64SegmentFormatVersion) {
    const Mips64SegmentProof p = decodeMips64SegmentProof(proof, what);
    const Mips64SegmentVerifyResult r = verifyMips64Segment(p, options);
    rec.from = r.fromStep;
    rec.to = r.endStep;
    rec.pre = r.preHash;
    rec.post = r.postHash;
    rec.exited = r.exited;
    rec.bytes = proof.size();
    rec.leaves = p.leaves.size();
    rec.siblings = p.siblings.size();
    rec.preimages = p.preimages.size();
    rec.memoryProofs = r.memoryAccesses;
    rec.verifySeconds = threadCpuSeconds() - ts;
    return rec;
  }
  SegmentProof p = decodeSegmentProof(proof, what);
  SegmentVerifyResult r = verifySegment(p, options);
  rec.from = r.fromStep;
  rec.to = r.endStep;
  rec.pre = r.preHash;
  rec.post = r.postHash;
  rec.exited = r.exited;
  rec.bytes = proof.size();
  rec.leaves = p.leaves.size();
  rec.siblings = p.siblings.size();
  rec.preimages = p.preimages.size();
  rec.memoryProofs = r.memoryAccesses;
  rec.verifySeconds = threadCpuSeconds() - ts;
  return rec;
}

ChainReport verifySegmentChain(const std::vector<Bytes>& proofs, unsigned threads, const std::optional<Hash32>& start,
                               const std::optional<Hash32>& end, const std::vector<Hash32>& checkpoints,
                               const SegmentVerifyOptions& options) {
  const auto t0 = Clock::now();
  ChainReport rep;
  const size_t n = proofs.size();
  if (n == 0) throw Error("no segment proofs to verify");
  rep.segments.resize(n);
  std::atomic<size_t> next{0};
  FirstError error;
  runWorkers(std::min<unsigned>(std::max(threads, 1u), static_cast<unsigned>(n)), [&](unsigned) {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= n || error.any()) return;
      try {
        rep.segments[i] = verifyEncodedSegment(proofs[i], "#" + std::to_string(i), options);
      } catch (const std::exception& e) {  // Error, or bad_alloc on a hostile proof
        error.set(i, "segment " + std::to_string(i) + " does not verify: " + e.what());
      }
    }
  });
  error.rethrow();
  checkSegmentChain(rep, start, end, checkpoints);
  rep.wallSeconds = secondsSince(t0);
  return rep;
}

void checkSegmentChain(ChainReport& rep, const std::optional<Hash32>& start, const std::optional<Hash32>& end,
                       const std::vector<Hash32>& checkpoints) {
  const size_t n = rep.segments.size();
  if (n == 0) throw Error("no segments to chain");
  if (!checkpoints.empty() && checkpoints.size() != n + 1)
    throw Error("internal error: " + std::to_string(checkpoints.size()) + " checkpoints for " + std::to_string(n) + " segments");
  rep.cpuSeconds = 0;
  for (size_t i = 0; i < n; ++i) {
    const SegmentRecord& s = rep.segments[i];
    rep.cpuSeconds += s.verifySeconds;
    if (i == 0 && start && !(s.pre == *start))
      throw Error("chain does not start at " + toHex(*start) + ": segment 0 starts at " + toHex(s.pre));
    if (i > 0 && !(s.pre == rep.segments[i - 1].post))
      throw Error("chain broken between segments " + std::to_string(i - 1) + " and " + std::to_string(i) + ": " +
                  toHex(rep.segments[i - 1].post) + " (step " + std::to_string(rep.segments[i - 1].to) + ") then " +
                  toHex(s.pre) + " (step " + std::to_string(s.from) + ")");
    if (!checkpoints.empty() && !(s.pre == checkpoints[i]))
      throw Error("segment " + std::to_string(i) + " starts at " + toHex(s.pre) + ", the commitment at step " +
                  std::to_string(s.from) + " is " + toHex(checkpoints[i]));
    if (!checkpoints.empty() && !(s.post == checkpoints[i + 1]))
      throw Error("segment " + std::to_string(i) + " ends at " + toHex(s.post) + ", the commitment at step " +
                  std::to_string(s.to) + " is " + toHex(checkpoints[i + 1]));
  }
  rep.startHash = rep.segments.front().pre;
  rep.endHash = rep.segments.back().post;
  rep.startStep = rep.segments.front().from;
  rep.endStep = rep.segments.back().to;
  rep.exited = rep.segments.back().exited;
  if (end && !(rep.endHash == *end))
    throw Error("chain ends at " + toHex(rep.endHash) + " (step " + std::to_string(rep.endStep) + "), the claimed end is " +
                toHex(*end));
}

void adoptChain(ValidateReport& rep, ChainReport chain, double verifySeconds) {
  if (chain.segments.size() != rep.segments.size())
    throw Error("internal error: " + std::to_string(chain.segments.size()) + " verified segments for " +
                std::to_string(rep.segments.size()) + " built");
  rep.verifyWallSeconds = verifySeconds;
  rep.verifyCpuSeconds = chain.cpuSeconds;
  for (size_t i = 0; i < chain.segments.size(); ++i) {
    SegmentRecord& v = chain.segments[i];
    const SegmentRecord& b = rep.segments[i];
    v.proveSeconds = b.proveSeconds;
    if (v.bytes == 0) v.bytes = b.bytes;
    if (v.memoryProofs == 0) v.memoryProofs = b.memoryProofs;
  }
  rep.segments = std::move(chain.segments);
}

ValidateReport buildSegmentProofs(vm::Machine& machine, const ValidateOptions& opt, const ProofSink& sink) {
  if (opt.every == 0) throw Error("the checkpoint interval must be positive");
  const unsigned threads = std::max(opt.threads, 1u);
  const auto t0 = Clock::now();
  ValidateReport rep;

  PreimageStore store;
  const vm::PreimageCache& cache = machine.preimageCache();
  if (cache.valid) store.put(cache.key, Bytes(cache.prefixed.begin() + 8, cache.prefixed.end()));
  RecordingOracle recording(machine.oracle(), store);
  vm::PreimageOracle* const savedOracle = machine.oracle();
  machine.setOracle(&recording);
  struct Restore {
    vm::Machine& m;
    vm::PreimageOracle* o;
    ~Restore() { m.setOracle(o); }
  } restore{machine, savedOracle};

  rep.startStep = machine.step();
  const uint64_t limit = opt.maxSteps > ~uint64_t(0) - machine.step() ? ~uint64_t(0) : machine.step() + opt.maxSteps;
  double runSeconds = 0, runCpu = 0;
  auto tRun = Clock::now();
  double cRun = threadCpuSeconds();
  rep.checkpoints.push_back(machine.stateHash());
  vm::VmState snapshot = machine.state();
  runSeconds += secondsSince(tRun);
  runCpu += threadCpuSeconds() - cRun;

  // Phase 1: the fast engine hands a state copy per segment to the provers.
  std::mutex resultMutex;
  std::vector<std::pair<SegmentRecord, Bytes>> built;
  FirstError error;
  auto prove = [&](Job& job, vm::PreimageOracle& proverOracle) {
    const double ts = threadCpuSeconds();
    try {
      ProveStats stats;
      ProveOptions po;
      po.selfCheck = false;  // phase 2 verifies every proof
      vm::Machine prover(std::move(job.state));
      prover.setOracle(&proverOracle);
      SegmentProof p = proveSegment(prover, job.to, &stats, po);
      SegmentRecord rec;
      rec.from = p.fromStep();
      rec.to = prover.step();
      rec.pre = p.preHash;  // claimed by the proof; verification replaces them
      rec.post = p.postHash;
      rec.memoryProofs = stats.memoryProofs;
      Bytes bytes = encodeSegmentProof(p);
      rec.bytes = bytes.size();
      rec.proveSeconds = threadCpuSeconds() - ts;
      std::lock_guard<std::mutex> lock(resultMutex);
      if (sink) sink(job.index, rec, bytes);
      if (built.size() <= job.index) built.resize(job.index + 1);
      built[job.index] = {rec, std::move(bytes)};
    } catch (const std::exception& e) {
      error.set(job.index, "building segment " + std::to_string(job.index) + ": " + e.what());
    }
  };
  JobQueue queue(opt.maxQueued ? opt.maxQueued : 2 * size_t(threads));
  std::vector<std::thread> pool;
  if (threads > 1) {
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        StoreOracle oracle(store);
        Job job;
        while (queue.pop(job)) prove(job, oracle);
      });
  }
  StoreOracle inlineOracle(store);
  vm::AdvanceOptions advance;
  advance.engine = vm::Engine::Fast;
  advance.budget.cancel = opt.cancel;
  try {
    for (size_t index = 0; !machine.exited() && machine.step() < limit && !error.any(); ++index) {
      tRun = Clock::now();
      cRun = threadCpuSeconds();
      const uint64_t from = machine.step();
      const uint64_t target = limit - from <= opt.every ? limit : from + opt.every;
      vm::Outcome outcome;
      try {
        outcome = machine.advance(target, advance);
      } catch (const vm::HostFailure& f) {
        throw Error("fast engine failed at step " + std::to_string(f.step()) + ": " + f.what());
      }
      if (outcome.reason == vm::StopReason::Reverted) throw Error(machine.describe(outcome.revert, nullptr, false));
      if (!outcome.completed()) {
        rep.interrupted = true;
        break;
      }
      rep.checkpoints.push_back(machine.stateHash());
      // NOLINTNEXTLINE(bugprone-use-after-move): snapshot is assigned again below whenever the loop goes on
      Job job{index, std::move(snapshot), target};
      const bool more = !machine.exited() && machine.step() < limit;
      if (more) snapshot = machine.state();
      runSeconds += secondsSince(tRun);
      runCpu += threadCpuSeconds() - cRun;
      if (threads > 1) {
        if (!queue.push(std::move(job))) break;
      } else {
        prove(job, inlineOracle);
      }
    }
  } catch (...) {
    queue.abort();
    for (auto& th : pool) th.join();
    throw;
  }
  queue.close();
  for (auto& th : pool) th.join();
  error.rethrow();
  rep.endStep = machine.step();
  if (rep.interrupted) return rep;
  rep.exited = machine.exited();
  rep.runSeconds = runSeconds;
  rep.runCpuSeconds = runCpu;
  rep.buildWallSeconds = secondsSince(t0);
  if (built.empty())
    throw Error("nothing to validate: the machine is at step " + std::to_string(machine.step()) +
                (machine.exited() ? " and has exited" : " and the step limit is reached"));

  rep.proofs.reserve(built.size());
  for (auto& [rec, bytes] : built) {
    rep.proveCpuSeconds += rec.proveSeconds;
    rep.proofBytes += bytes.size();
    rep.singleStepBytes += (rec.to - rec.from) * 362 + rec.memoryProofs * 1920;
    rep.segments.push_back(rec);
    rep.proofs.push_back(std::move(bytes));
  }
  rep.wallSeconds = secondsSince(t0);
  return rep;
}

ValidateReport validateSegments(vm::Machine& machine, const ValidateOptions& opt) {
  const auto t0 = Clock::now();
  ValidateReport rep = buildSegmentProofs(machine, opt);
  if (rep.interrupted) return rep;
  // Phase 2: N verifiers, each segment from its proof alone; the commitments must chain.
  const auto tv = Clock::now();
  SegmentVerifyOptions vo;
  vo.cancel = opt.cancel;
  ChainReport chain =
      verifySegmentChain(rep.proofs, std::max(opt.threads, 1u), rep.checkpoints.front(), opt.claimedEnd, rep.checkpoints, vo);
  adoptChain(rep, std::move(chain), secondsSince(tv));
  if (!opt.keepProofs) rep.proofs.clear();
  rep.wallSeconds = secondsSince(t0);
  return rep;
}

}  // namespace fpvm::segment
