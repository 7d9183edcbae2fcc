#pragma once
/// A fixed set of threads with a bounded queue: the server's "workers" (how many runs execute at
/// once) and "queue-size" (how many wait before requests are refused as busy).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fpvm::server {

class WorkerPool {
 public:
  /// A job: `run` executes on a worker; `cancel` is called instead when the pool stops first.
  /// Neither may throw.
  struct Job {
    std::function<void()> run;
    std::function<void()> cancel;
  };

  WorkerPool(std::string name, size_t threads, size_t queueCapacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job` unless all workers are busy and the queue is full (or the pool stopped):
  /// returns false then and the job is dropped uncalled.
  bool tryPost(Job job);
  /// Queues `job`, waiting for a free queue slot; false when the pool stopped.
  bool postWait(Job job);
  /// Stops accepting jobs, cancels queued ones, waits for running ones. Idempotent.
  void stop();

  size_t threads() const { return threads_.size(); }
  size_t capacity() const { return capacity_; }
  /// Jobs waiting for a worker.
  size_t queued() const;
  /// Jobs executing now.
  size_t active() const;

 private:
  void loop();
  bool hasRoom() const { return queue_.size() + active_ < threads_.size() + capacity_; }

  std::string name_;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable work_, room_;
  std::deque<Job> queue_;
  size_t active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fpvm::server
