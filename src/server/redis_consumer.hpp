#pragma once
/// The consumer side of scale-out over Redis Streams (spec/validation-server.md "Scale-out over
/// Redis Streams"; the producer side is redis/redis_producer.hpp):
/// one stream per prestate, `<prefix>stream:0x<prestate>`, with a consumer group of the same
/// name; each entry has one field `msg` holding the JSON validation input. Consumers run the job
/// on the worker pool, store the result with SET NX and a TTL at
/// `<prefix>result-key:<stream>.<entry id>` (errors at `<prefix>error-key:…`), then XACK and XDEL.
/// While a job runs its entry is re-claimed (XCLAIM … JUSTID) every idletime-to-autoclaim/2;
/// entries idle longer than that are taken over with XAUTOCLAIM, and an entry delivered more than
/// max-retry-count times gets an error result instead of another run. With segment-jobs on,
/// the consumers also take segment-verification jobs from `<prefix>stream:segments`
/// (redis_segment_jobs.hpp) under the same rules.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "redis/redis_keys.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"

namespace fpvm::server {

class RpcService;
class WorkerPool;
struct CallResult;

class RedisConsumer {
 public:
  /// Validation jobs go through `rpc` (its worker pool), segment jobs straight to `workers`.
  RedisConsumer(const ServerConfig& config, RpcService& rpc, WorkerPool& workers, Metrics& metrics,
                const std::atomic<bool>& shutdown);
  ~RedisConsumer();
  /// Creates the consumer groups and starts the consumer and heartbeat threads. Throws Error when
  /// Redis cannot be reached.
  void start();
  /// Stops taking new entries; waits for jobs in progress (they end fast once the server's
  /// shutdown flag is set; an unfinished entry stays pending for another consumer). Idempotent.
  void stop();

 private:
  struct Active {
    std::string stream;
    std::string consumer;
  };
  void consume(unsigned index);
  void heartbeat();
  /// The per-command limits of every connection (redis-timeout, redis-max-reply).
  redis::RedisLimits limits() const { return {config_.redisTimeout, config_.redisMaxReply}; }
  /// Runs one entry; returns after its result is stored and the entry acknowledged.
  void process(class redis::RedisClient& redis, const std::string& consumer, const std::string& stream, size_t streamIndex,
               const std::string& id, const std::string& msg, bool claimed);
  /// Runs a validation job on the worker pool and waits for it.
  CallResult runValidation(size_t streamIndex, const std::string& msg);
  /// Runs a segment-verification job on the worker pool and waits for it.
  CallResult runSegment(const std::string& msg, const std::string& consumer);
  /// Streams [0, prestates_.size()) hold validations; the one after them segment jobs.
  bool isSegmentStream(size_t streamIndex) const { return streamIndex >= prestates_.size(); }

  const ServerConfig& config_;
  RpcService& rpc_;
  WorkerPool& workers_;
  Metrics& metrics_;
  const std::atomic<bool>& shutdown_;
  std::vector<std::string> streams_;
  std::vector<Hash32> prestates_;
  std::string consumerBase_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::mutex activeMutex_;
  std::condition_variable heartbeatWake_;
  std::map<std::string, Active> active_;  ///< entry id → where it runs
};

}  // namespace fpvm::server
