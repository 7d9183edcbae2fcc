#include "server/worker_pool.hpp"

namespace fpvm::server {

WorkerPool::WorkerPool(std::string name, size_t threads, size_t queueCapacity)
    : name_(std::move(name)), capacity_(queueCapacity) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::tryPost(Job job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_ || !hasRoom()) return false;
  queue_.push_back(std::move(job));
  work_.notify_one();
  return true;
}

bool WorkerPool::postWait(Job job) {
  std::unique_lock<std::mutex> lock(mutex_);
  room_.wait(lock, [&] { return stopping_ || hasRoom(); });
  if (stopping_) return false;
  queue_.push_back(std::move(job));
  work_.notify_one();
  return true;
}

void WorkerPool::stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
  }
  work_.notify_all();
  room_.notify_all();
  for (auto& j : dropped)
    if (j.cancel) j.cancel();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard<std::mutex> lock(mutex_);
  threads_.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

size_t WorkerPool::active() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return active_;
}

void WorkerPool::loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
    }
    job.run();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --active_;
    }
    room_.notify_one();
  }
}

}  // namespace fpvm::server
