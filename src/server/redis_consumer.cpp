#include "server/redis_consumer.hpp"

#include <unistd.h>

#include <future>
#include <random>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_segment_jobs.hpp"
#include "rpc/rpc_error.hpp"
#include "server/rpc_service.hpp"
#include "server/worker_pool.hpp"

namespace fpvm::server {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

std::string ms(milliseconds d) { return std::to_string(d.count()); }

/// The `msg` field of an entry's field list, or nullopt.
std::optional<std::string> msgField(const redis::RedisReply& fields) {
  if (fields.type != redis::RedisReply::Type::Array) return std::nullopt;
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    if (fields.elements[i].str == "msg") return fields.elements[i + 1].str;
  return std::nullopt;
}

std::string uniqueConsumerBase() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + suffix;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Consumer

RedisConsumer::RedisConsumer(const ServerConfig& config, RpcService& rpc, WorkerPool& workers, Metrics& metrics,
                             const std::atomic<bool>& shutdown)
    : config_(config), rpc_(rpc), workers_(workers), metrics_(metrics), shutdown_(shutdown), consumerBase_(uniqueConsumerBase()) {
  for (const auto& h : rpc_.prestates().hashes()) {
    prestates_.push_back(h);
    streams_.push_back(redis::streamName(config_.streamPrefix, h));
  }
  if (config_.segmentJobs) streams_.push_back(redis::segmentStreamName(config_.streamPrefix));
}

RedisConsumer::~RedisConsumer() { stop(); }

void RedisConsumer::start() {
  if (streams_.empty()) {
    logWarn("redis consumer not started: no prestates loaded and segment-jobs is off");
    return;
  }
  {
    redis::RedisClient redis(config_.redisUrl, limits());
    for (const auto& s : streams_) redis::ensureGroup(redis, s);
  }
  const unsigned n = config_.redisConsumers ? config_.redisConsumers : config_.effectiveWorkers();
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this, i] { consume(i); });
  heartbeat_ = std::thread([this] { heartbeat(); });
  logInfo("redis consumer started", {{"url", config_.redisUrl},
                                     {"streams", std::to_string(streams_.size())},
                                     {"consumers", std::to_string(n)},
                                     {"name", consumerBase_}});
}

void RedisConsumer::stop() {
  if (stopping_.exchange(true)) return;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  heartbeatWake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void RedisConsumer::consume(unsigned index) {
  const std::string consumer = consumerBase_ + "-" + std::to_string(index);
  const milliseconds block = streams_.size() > 1 ? milliseconds(100) : milliseconds(1000);
  std::unique_ptr<redis::RedisClient> redis;
  size_t next = index;
  while (!stopping_.load()) {
    const size_t s = next++ % streams_.size();
    const std::string& stream = streams_[s];
    try {
      if (!redis) redis = std::make_unique<redis::RedisClient>(config_.redisUrl, limits());
      // The two commands that look for work may be cut short by stop(); the ones that store a
      // result may not (a finished job's result would be lost and the job run again).
      redis->setCancel(&stopping_);
      // 1. Entries whose consumer stopped refreshing them.
      redis::RedisReply claimed =
          redis->command({"XAUTOCLAIM", stream, stream, consumer, ms(config_.idletimeToAutoclaim), "0-0", "COUNT", "1"});
      redis->setCancel(nullptr);
      const redis::RedisReply& claimedEntries = claimed.at(1);
      if (!claimedEntries.elements.empty()) {
        const redis::RedisReply& e = claimedEntries.at(0);
        const std::string id = e.at(0).str;
        auto msg = e.elements.size() > 1 ? msgField(e.at(1)) : std::nullopt;
        if (!msg) {  // deleted meanwhile (Redis < 7 reports it like this): just drop it
          redis->command({"XACK", stream, stream, id});
          continue;
        }
        process(*redis, consumer, stream, s, id, *msg, true);
        continue;
      }
      // 2. New entries.
      redis::RedisReply r =
          redis->command({"XREADGROUP", "GROUP", stream, consumer, "COUNT", "1", "BLOCK", ms(block), "STREAMS", stream, ">"},
                         block + config_.redisTimeout);
      redis->setCancel(nullptr);
      if (r.isNil() || r.elements.empty()) continue;
      const redis::RedisReply& entries = r.at(0).at(1);
      if (entries.elements.empty()) continue;
      const redis::RedisReply& e = entries.at(0);
      const std::string id = e.at(0).str;
      auto msg = e.elements.size() > 1 ? msgField(e.at(1)) : std::nullopt;
      process(*redis, consumer, stream, s, id, msg.value_or(""), false);
    } catch (const redis::RedisReplyError& e) {
      metrics_.inc("fpvm_redis_errors_total");
      if (std::string(e.what()).rfind("NOGROUP", 0) == 0) {
        try {
          redis::ensureGroup(*redis, stream);
        } catch (const std::exception&) {
        }
        continue;
      }
      logWarn("redis command failed", {{"stream", stream}, {"error", e.what()}});
      std::this_thread::sleep_for(milliseconds(200));
    } catch (const std::exception& e) {
      if (stopping_.load()) break;  // stop() cut the command short
      metrics_.inc("fpvm_redis_errors_total");
      logWarn("redis connection failed; retrying", {{"error", e.what()}});
      redis.reset();
      for (int i = 0; i < 10 && !stopping_.load(); ++i) std::this_thread::sleep_for(milliseconds(50));
    }
  }
}

void RedisConsumer::process(redis::RedisClient& redis, const std::string& consumer, const std::string& stream, size_t streamIndex,
                            const std::string& id, const std::string& msg, bool claimed) {
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&](bool ok, const std::string& value, const std::string& outcome) {
    const std::string key =
        ok ? redis::resultKey(config_.streamPrefix, stream, id) : redis::errorKey(config_.streamPrefix, stream, id);
    redis::RedisReply set = redis.command({"SET", key, value, "NX", "PX", ms(config_.responseEntryTimeout)});
    redis.command({"XACK", stream, stream, id});
    redis.command({"XDEL", stream, id});
    metrics_.inc("fpvm_redis_jobs_total", "outcome=\"" + outcome + "\"");
    logInfo(
        "redis job",
        {{"stream", stream},
         {"entry", id},
         {"consumer", consumer},
         {"outcome", outcome},
         {"stored", set.isNil() ? "no (a result existed)" : "yes"},
         {"duration", std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) + "s"}});
  };
  auto errorValue = [](int code, const std::string& message) { return Json{{"code", code}, {"message", message}}.dump(); };

  if (claimed) {
    metrics_.inc("fpvm_redis_claims_total");
    redis::RedisReply pending = redis.command({"XPENDING", stream, stream, id, id, "1"});
    long long deliveries = pending.elements.empty() ? 1 : pending.at(0).at(3).integer;
    if (deliveries > 1) metrics_.inc("fpvm_redis_retries_total");
    logInfo("redis entry taken over",
            {{"stream", stream}, {"entry", id}, {"consumer", consumer}, {"deliveries", std::to_string(deliveries)}});
    if (deliveries > static_cast<long long>(config_.maxRetryCount)) {
      finish(
          false,
          errorValue(rpc::kExecutionFailed, "gave up after " + std::to_string(deliveries) + " deliveries (max-retry-count is " +
                                                std::to_string(config_.maxRetryCount) + "): the consumers running it stopped"),
          "retries_exceeded");
      return;
    }
  }
  logInfo("redis job started", {{"stream", stream}, {"entry", id}, {"consumer", consumer}});
  {
    std::lock_guard<std::mutex> lock(activeMutex_);
    active_[stream + "|" + id] = Active{stream, consumer};
  }
  CallResult r = isSegmentStream(streamIndex) ? runSegment(msg, consumer) : runValidation(streamIndex, msg);
  {
    std::lock_guard<std::mutex> lock(activeMutex_);
    active_.erase(stream + "|" + id);
  }
  if (r.code == rpc::kShuttingDown) {
    // Not this entry's fault: leave it pending for another consumer.
    logInfo("redis job left for another consumer", {{"stream", stream}, {"entry", id}, {"reason", "server shutting down"}});
    return;
  }
  if (r.code == 0) finish(true, r.json, "result");
  else finish(false, errorValue(r.code, r.message), "error");
}

CallResult RedisConsumer::runValidation(size_t streamIndex, const std::string& msg) {
  Json input;
  try {
    input = Json::parse(msg);
  } catch (const std::exception& e) {
    return CallResult::error(rpc::kParseError, std::string("entry field msg is not a JSON validation input: ") + e.what());
  }
  auto prestate = rpc_.prestates().find(prestates_[streamIndex]);
  std::promise<CallResult> promise;
  auto future = promise.get_future();
  rpc_.validateQueued(std::move(input), prestate, [&promise](CallResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

CallResult RedisConsumer::runSegment(const std::string& msg, const std::string& consumer) {
  std::promise<CallResult> promise;
  auto future = promise.get_future();
  auto shuttingDown = [&promise] { promise.set_value(CallResult::error(rpc::kShuttingDown, "server shutting down")); };
  auto job = [this, &promise, &msg, &consumer] {
    segment::SegmentVerifyOptions options;
    options.maxSteps = config_.segmentMaxSteps;
    options.cancel = &shutdown_;
    try {
      Json result = redis::verifySegmentJob(msg, options, consumer);
      metrics_.inc("fpvm_segment_jobs_total", "outcome=\"verified\"");
      metrics_.inc("fpvm_segment_steps_total", "", double(result["step"].get<uint64_t>() - result["from"].get<uint64_t>()));
      promise.set_value(CallResult::ok(result.dump()));
    } catch (const rpc::RpcError& e) {
      if (shutdown_.load()) {  // interrupted by our own shutdown, not the proof's fault
        promise.set_value(CallResult::error(rpc::kShuttingDown, "server shutting down"));
        return;
      }
      metrics_.inc("fpvm_segment_jobs_total", "outcome=\"rejected\"");
      promise.set_value(CallResult::error(e.code(), e.what()));
    } catch (const std::exception& e) {
      logError("segment job failed unexpectedly", {{"error", e.what()}});
      promise.set_value(CallResult::error(rpc::kInternalError, std::string("internal error: ") + e.what()));
    }
  };
  if (!workers_.postWait(WorkerPool::Job{job, shuttingDown})) shuttingDown();
  return future.get();
}

void RedisConsumer::heartbeat() {
  const milliseconds period = std::max(milliseconds(1), config_.idletimeToAutoclaim / 2);
  std::unique_ptr<redis::RedisClient> redis;
  std::unique_lock<std::mutex> lock(activeMutex_);
  while (!stopping_.load()) {
    heartbeatWake_.wait_for(lock, period, [&] { return stopping_.load(); });
    if (stopping_.load()) break;
    std::vector<std::pair<std::string, Active>> entries;
    for (const auto& [key, a] : active_) entries.emplace_back(key.substr(key.find('|') + 1), a);
    lock.unlock();
    for (const auto& [id, a] : entries) {
      try {
        if (!redis) {
          redis = std::make_unique<redis::RedisClient>(config_.redisUrl, limits());
          redis->setCancel(&stopping_);
        }
        redis->command({"XCLAIM", a.stream, a.stream, a.consumer, "0", id, "JUSTID"});
        metrics_.inc("fpvm_redis_heartbeats_total");
      } catch (const std::exception& e) {
        metrics_.inc("fpvm_redis_errors_total");
        logWarn("redis heartbeat failed", {{"entry", id}, {"error", e.what()}});
        redis.reset();
      }
    }
    lock.lock();
  }
}

// ---------------------------------------------------------------------------------------------
}  // namespace fpvm::server
