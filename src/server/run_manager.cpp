#include "server/run_manager.hpp"

#include <unordered_set>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "common/logfmt.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::server {

RunManager::RunManager(runs::RunSettings settings, WorkerPool& buildPool, Metrics& metrics, std::chrono::milliseconds idleTimeout,
                       unsigned keptClosedRuns, const std::atomic<bool>* shutdown)
    : settings_(std::move(settings)),
      pool_(buildPool),
      metrics_(metrics),
      timeout_(idleTimeout),
      keptClosed_(keptClosedRuns),
      shutdown_(shutdown),
      rng_(std::random_device{}()) {}

RunManager::~RunManager() { stop(); }

uint64_t RunManager::create(std::shared_ptr<const runs::Prestate> prestate, std::shared_ptr<const runs::ValidationInput> input) {
  Keccak256 h;
  h.update(ByteView(prestate->hash.b));
  h.update(ByteView(input->digest.b));
  const Hash32 key = h.finish();

  std::shared_ptr<runs::ExecutionRun> run;
  bool reused = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = byKey_.find(key);
    if (it != byKey_.end()) {
      run = it->second.lock();
      if (run && run->cancelled()) run.reset();
      if (run) {
        bool failed = false;
        try {
          run->checkUsable();
        } catch (const rpc::RpcError&) {
          failed = true;
        }
        if (failed) run.reset();
      }
    }
    if (run) {
      reused = true;
      kept_.remove_if([&](const Kept& k) { return k.run == run; });
    } else {
      run = std::make_shared<runs::ExecutionRun>(prestate, input, settings_, key);
      const bool posted = pool_.tryPost(
          WorkerPool::Job{[run, shutdown = shutdown_, &metrics = metrics_] {
                            run->build(shutdown);
                            metrics.observe("fpvm_cache_build_seconds", "", run->buildSeconds());
                            bool ok = true;
                            try {
                              run->checkUsable();
                            } catch (const rpc::RpcError& e) {
                              ok = false;
                              logWarn("execution run build failed", {{"error", e.what()}});
                            }
                            if (ok) {
                              metrics.inc("fpvm_steps_total", "", double(run->finalStep()));
                              logInfo("execution run built", {{"steps", std::to_string(run->finalStep())},
                                                              {"seconds", std::to_string(run->buildSeconds())},
                                                              {"machines", std::to_string(run->checkpointSteps().size())}});
                            }
                          },
                          [run] { run->abandon("server shutting down before the execution run was built"); }});
      if (!posted) {
        metrics_.inc("fpvm_busy_refusals_total");
        throw rpc::RpcError(rpc::kServerBusy, "server busy: all " + std::to_string(pool_.threads()) +
                                                  " workers are running and " + std::to_string(pool_.capacity()) +
                                                  " runs are queued; retry later");
      }
      byKey_[key] = run;
    }
    uint64_t id;
    do {
      id = rng_();
    } while (handles_.count(id));
    handles_.emplace(id, Handle{run, Clock::now()});
    ++run->handles;
    metrics_.inc("fpvm_execution_runs_created_total", reused ? "reused=\"true\"" : "reused=\"false\"");
    logInfo("execution run opened", {{"run", std::to_string(id)},
                                     {"prestate", toHex(prestate->hash)},
                                     {"input", std::to_string(input->id)},
                                     {"reused", reused ? "true" : "false"}});
    return id;
  }
}

std::shared_ptr<runs::ExecutionRun> RunManager::get(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = handles_.find(id);
  if (it == handles_.end()) throw rpc::RpcError(rpc::kRunNotFound, "run not found: " + std::to_string(id));
  it->second.lastUsed = Clock::now();
  return it->second.run;
}

void RunManager::releaseLocked(const std::shared_ptr<runs::ExecutionRun>& run) {
  if (--run->handles > 0) return;
  bool usable = !run->cancelled();
  try {
    run->checkUsable();
  } catch (const rpc::RpcError&) {
    usable = false;
  }
  if (!usable || keptClosed_ == 0) {
    run->cancel();
    return;
  }
  kept_.push_front(Kept{run, Clock::now()});
  while (kept_.size() > keptClosed_) {
    kept_.back().run->cancel();
    kept_.pop_back();
  }
}

bool RunManager::close(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = handles_.find(id);
  if (it == handles_.end()) return false;
  auto run = std::move(it->second.run);
  handles_.erase(it);
  releaseLocked(run);
  return true;
}

size_t RunManager::prune(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t closed = 0;
  for (auto it = handles_.begin(); it != handles_.end();) {
    if (now - it->second.lastUsed > timeout_) {
      logInfo("execution run pruned", {{"run", std::to_string(it->first)}, {"reason", "idle longer than execution-run-timeout"}});
      auto run = std::move(it->second.run);
      it = handles_.erase(it);
      releaseLocked(run);
      ++closed;
    } else {
      ++it;
    }
  }
  kept_.remove_if([&](const Kept& k) {
    if (now - k.since <= timeout_) return false;
    k.run->cancel();
    return true;
  });
  for (auto it = byKey_.begin(); it != byKey_.end();) {
    if (it->second.expired()) it = byKey_.erase(it);
    else ++it;
  }
  if (closed) metrics_.inc("fpvm_execution_runs_pruned_total", "", double(closed));
  return closed;
}

void RunManager::startPruner() {
  std::lock_guard<std::mutex> lock(prunerMutex_);
  if (pruner_.joinable() || stopping_) return;
  pruner_ = std::thread([this] {
    const auto period = std::max(std::chrono::milliseconds(10), timeout_ / 5);
    std::unique_lock<std::mutex> lock(prunerMutex_);
    while (!stopping_) {
      prunerWake_.wait_for(lock, period, [&] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      prune(Clock::now());
      lock.lock();
    }
  });
}

void RunManager::stop() {
  {
    std::lock_guard<std::mutex> lock(prunerMutex_);
    stopping_ = true;
  }
  prunerWake_.notify_all();
  if (pruner_.joinable()) pruner_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, h] : handles_) h.run->cancel();
  for (auto& k : kept_) k.run->cancel();
  handles_.clear();
  kept_.clear();
  byKey_.clear();
}

size_t RunManager::openIds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return handles_.size();
}

size_t RunManager::activeRuns() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unordered_set<const runs::ExecutionRun*> runs;
  for (const auto& [id, h] : handles_) runs.insert(h.run.get());
  for (const auto& k : kept_) runs.insert(k.run.get());
  return runs.size();
}

}  // namespace fpvm::server
