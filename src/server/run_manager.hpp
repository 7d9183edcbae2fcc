#pragma once
/// Open execution runs by id. Runs are shared by (prestate, input): a second
/// createExecutionRun for the same pair gets a new id on the same machine cache, so a bisection
/// client that opens a run per query does not re-execute the trace each time. A run whose last id
/// was closed is kept (up to kept-closed-runs, least recently used first out) for such a client.
/// Ids idle longer than execution-run-timeout are closed by a pruner every timeout/5.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "runs/execution_run.hpp"
#include "server/metrics.hpp"
#include "server/worker_pool.hpp"

namespace fpvm::server {

class RunManager {
 public:
  using Clock = std::chrono::steady_clock;

  RunManager(runs::RunSettings settings, WorkerPool& buildPool, Metrics& metrics, std::chrono::milliseconds idleTimeout,
             unsigned keptClosedRuns, const std::atomic<bool>* shutdown);
  ~RunManager();

  /// A new run id for (prestate, input); the cache is built in the background (on buildPool) or
  /// shared with a live run for the same pair. Throws RpcError(kServerBusy) when the pool is full.
  uint64_t create(std::shared_ptr<const runs::Prestate> prestate, std::shared_ptr<const runs::ValidationInput> input);
  /// The run of `id`, refreshing its idle timer; throws RpcError(kRunNotFound).
  std::shared_ptr<runs::ExecutionRun> get(uint64_t id);
  /// Closes an id; false when unknown.
  bool close(uint64_t id);
  /// Closes ids idle since before `now - timeout` and drops kept runs as old; returns ids closed.
  size_t prune(Clock::time_point now);
  /// Starts the background pruner (every timeout/5).
  void startPruner();
  /// Stops the pruner and cancels every run. Idempotent.
  void stop();

  size_t openIds() const;
  /// Distinct runs in memory (open or kept).
  size_t activeRuns() const;

 private:
  struct Handle {
    std::shared_ptr<runs::ExecutionRun> run;
    Clock::time_point lastUsed;
  };
  struct Kept {
    std::shared_ptr<runs::ExecutionRun> run;
    Clock::time_point since;
  };
  /// Caller holds mutex_. Drops one id's reference; keeps or cancels the run when it was the last.
  void releaseLocked(const std::shared_ptr<runs::ExecutionRun>& run);

  runs::RunSettings settings_;
  WorkerPool& pool_;
  Metrics& metrics_;
  std::chrono::milliseconds timeout_;
  unsigned keptClosed_;
  const std::atomic<bool>* shutdown_;

  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, Handle> handles_;
  std::unordered_map<Hash32, std::weak_ptr<runs::ExecutionRun>, runs::Hash32Hasher> byKey_;
  std::list<Kept> kept_;  ///< most recently closed first
  std::mt19937_64 rng_;

  std::mutex prunerMutex_;
  std::condition_variable prunerWake_;
  bool stopping_ = false;
  std::thread pruner_;
};

}  // namespace fpvm::server
