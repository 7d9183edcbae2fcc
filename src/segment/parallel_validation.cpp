#include "segment/parallel_validation.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <time.h>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/segment_prover.hpp"
#include "vm/fast_engine.hpp"
#include "vm/runner.hpp"

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
  SegmentProof p = decodeSegmentProof(proof, what);
  SegmentVerifyResult r = verifySegment(p, options);
  SegmentRecord rec;
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

ValidateReport buildSegmentProofs(vm::VmState& st, vm::HostContext& host, const ValidateOptions& opt, const ProofSink& sink) {
  if (opt.every == 0) throw Error("the checkpoint interval must be positive");
  const unsigned threads = std::max(opt.threads, 1u);
  const auto t0 = Clock::now();
  ValidateReport rep;

  PreimageStore store;
  if (host.preimage.valid)
    store.put(host.preimage.key, Bytes(host.preimage.prefixed.begin() + 8, host.preimage.prefixed.end()));
  RecordingOracle recording(host.oracle, store);
  vm::PreimageOracle* const savedOracle = host.oracle;
  host.oracle = &recording;
  struct Restore {
    vm::HostContext& h;
    vm::PreimageOracle* o;
    ~Restore() { h.oracle = o; }
  } restore{host, savedOracle};

  rep.startStep = st.step;
  const uint64_t limit = opt.maxSteps > ~uint64_t(0) - st.step ? ~uint64_t(0) : st.step + opt.maxSteps;
  double runSeconds = 0, runCpu = 0;
  auto tRun = Clock::now();
  double cRun = threadCpuSeconds();
  rep.checkpoints.push_back(st.stateHash());
  vm::VmState snapshot = st;
  runSeconds += secondsSince(tRun);
  runCpu += threadCpuSeconds() - cRun;

  // Phase 1: the fast engine hands a state copy per segment to the provers.
  std::mutex resultMutex;
  std::vector<std::pair<SegmentRecord, Bytes>> built;
  FirstError error;
  auto prove = [&](Job& job, vm::HostContext& proverHost) {
    const double ts = threadCpuSeconds();
    try {
      ProveStats stats;
      ProveOptions po;
      po.selfCheck = false;  // phase 2 verifies every proof
      SegmentProof p = proveSegment(job.state, proverHost, job.to, &stats, po);
      SegmentRecord rec;
      rec.from = p.fromStep();
      rec.to = job.state.step;
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
        vm::HostContext h;
        h.oracle = &oracle;
        Job job;
        while (queue.pop(job)) prove(job, h);
      });
  }
  StoreOracle inlineOracle(store);
  vm::HostContext inlineHost;
  inlineHost.oracle = &inlineOracle;
  try {
    vm::FastEngine fast(st, host);
    for (size_t index = 0; !st.exited && st.step < limit && !error.any(); ++index) {
      tRun = Clock::now();
      cRun = threadCpuSeconds();
      const uint64_t from = st.step;
      const uint64_t target = limit - from <= opt.every ? limit : from + opt.every;
      while (!st.exited && st.step < target) {
        const uint64_t before = st.step;
        vm::FastStop stop;
        try {
          stop = fast.run(target - st.step, opt.cancel);
        } catch (const Error& e) {  // a host failure inside a step: Step was incremented, pc not moved
          throw Error("fast engine failed at step " + std::to_string(st.step ? st.step - 1 : 0) + ": " + e.what());
        }
        if (stop == vm::FastStop::Reverted)
          throw Error(vm::describeRevert(st, st.step - 1, st.pc, fast.revert(), fast.lastSyscall(), nullptr, false));
        if (stop == vm::FastStop::Cancelled) {
          rep.interrupted = true;
          break;
        }
        if (st.step == before && !st.exited) throw Error("internal error: the fast engine made no progress");
      }
      if (rep.interrupted) break;
      rep.checkpoints.push_back(st.stateHash());
      // NOLINTNEXTLINE(bugprone-use-after-move): snapshot is assigned again below whenever the loop goes on
      Job job{index, std::move(snapshot), target};
      const bool more = !st.exited && st.step < limit;
      if (more) snapshot = st;
      runSeconds += secondsSince(tRun);
      runCpu += threadCpuSeconds() - cRun;
      if (threads > 1) {
        if (!queue.push(std::move(job))) break;
      } else {
        prove(job, inlineHost);
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
  rep.endStep = st.step;
  if (rep.interrupted) return rep;
  rep.exited = st.exited;
  rep.runSeconds = runSeconds;
  rep.runCpuSeconds = runCpu;
  rep.buildWallSeconds = secondsSince(t0);
  if (built.empty()) throw Error("nothing to validate: the machine is at step " + std::to_string(st.step) +
                                 (st.exited ? " and has exited" : " and the step limit is reached"));

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

ValidateReport validateSegments(vm::VmState& st, vm::HostContext& host, const ValidateOptions& opt) {
  const auto t0 = Clock::now();
  ValidateReport rep = buildSegmentProofs(st, host, opt);
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
