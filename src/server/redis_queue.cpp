#include "server/redis_queue.hpp"

#include <unistd.h>

#include <future>
#include <random>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "server/redis_client.hpp"
#include "server/redis_segment_jobs.hpp"
#include "server/rpc_client.hpp"
#include "server/rpc_error.hpp"
#include "server/rpc_service.hpp"
#include "server/worker_pool.hpp"

namespace fpvm::server {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

std::string ms(milliseconds d) { return std::to_string(d.count()); }

/// Creates the stream and its group (named like the stream) unless they exist.
void ensureGroup(RedisClient& redis, const std::string& stream) {
  try {
    redis.command({"XGROUP", "CREATE", stream, stream, "0", "MKSTREAM"});
  } catch (const RedisReplyError& e) {
    if (std::string(e.what()).rfind("BUSYGROUP", 0) != 0) throw;
  }
}

/// The `msg` field of an entry's field list, or nullopt.
std::optional<std::string> msgField(const RedisReply& fields) {
  if (fields.type != RedisReply::Type::Array) return std::nullopt;
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

std::string streamName(const std::string& prefix, const Hash32& prestate) { return prefix + "stream:" + toHex(prestate); }

std::string resultKey(const std::string& prefix, const std::string& stream, const std::string& entryId) {
  return prefix + "result-key:" + stream + "." + entryId;
}

std::string errorKey(const std::string& prefix, const std::string& stream, const std::string& entryId) {
  return prefix + "error-key:" + stream + "." + entryId;
}

// ---------------------------------------------------------------------------------------------
// Consumer

RedisConsumer::RedisConsumer(const ServerConfig& config, RpcService& rpc, WorkerPool& workers, Metrics& metrics,
                             const std::atomic<bool>& shutdown)
    : config_(config), rpc_(rpc), workers_(workers), metrics_(metrics), shutdown_(shutdown), consumerBase_(uniqueConsumerBase()) {
  for (const auto& h : rpc_.prestates().hashes()) {
    prestates_.push_back(h);
    streams_.push_back(streamName(config_.streamPrefix, h));
  }
  if (config_.segmentJobs) streams_.push_back(segmentStreamName(config_.streamPrefix));
}

RedisConsumer::~RedisConsumer() { stop(); }

void RedisConsumer::start() {
  if (streams_.empty()) {
    logWarn("redis consumer not started: no prestates loaded and segment-jobs is off");
    return;
  }
  {
    RedisClient redis(config_.redisUrl);
    for (const auto& s : streams_) ensureGroup(redis, s);
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
  std::unique_ptr<RedisClient> redis;
  size_t next = index;
  while (!stopping_.load()) {
    const size_t s = next++ % streams_.size();
    const std::string& stream = streams_[s];
    try {
      if (!redis) redis = std::make_unique<RedisClient>(config_.redisUrl);
      // 1. Entries whose consumer stopped refreshing them.
      RedisReply claimed =
          redis->command({"XAUTOCLAIM", stream, stream, consumer, ms(config_.idletimeToAutoclaim), "0-0", "COUNT", "1"});
      const RedisReply& claimedEntries = claimed.at(1);
      if (!claimedEntries.elements.empty()) {
        const RedisReply& e = claimedEntries.at(0);
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
      RedisReply r = redis->command({"XREADGROUP", "GROUP", stream, consumer, "COUNT", "1", "BLOCK", ms(block), "STREAMS", stream, ">"},
                                    block + milliseconds(5000));
      if (r.isNil() || r.elements.empty()) continue;
      const RedisReply& entries = r.at(0).at(1);
      if (entries.elements.empty()) continue;
      const RedisReply& e = entries.at(0);
      const std::string id = e.at(0).str;
      auto msg = e.elements.size() > 1 ? msgField(e.at(1)) : std::nullopt;
      process(*redis, consumer, stream, s, id, msg.value_or(""), false);
    } catch (const RedisReplyError& e) {
      metrics_.inc("fpvm_redis_errors_total");
      if (std::string(e.what()).rfind("NOGROUP", 0) == 0) {
        try {
          ensureGroup(*redis, stream);
        } catch (const std::exception&) {
        }
        continue;
      }
      logWarn("redis command failed", {{"stream", stream}, {"error", e.what()}});
      std::this_thread::sleep_for(milliseconds(200));
    } catch (const std::exception& e) {
      metrics_.inc("fpvm_redis_errors_total");
      logWarn("redis connection failed; retrying", {{"error", e.what()}});
      redis.reset();
      for (int i = 0; i < 10 && !stopping_.load(); ++i) std::this_thread::sleep_for(milliseconds(50));
    }
  }
}

void RedisConsumer::process(RedisClient& redis, const std::string& consumer, const std::string& stream, size_t streamIndex,
                            const std::string& id, const std::string& msg, bool claimed) {
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&](bool ok, const std::string& value, const std::string& outcome) {
    const std::string key = ok ? resultKey(config_.streamPrefix, stream, id) : errorKey(config_.streamPrefix, stream, id);
    RedisReply set = redis.command({"SET", key, value, "NX", "PX", ms(config_.responseEntryTimeout)});
    redis.command({"XACK", stream, stream, id});
    redis.command({"XDEL", stream, id});
    metrics_.inc("fpvm_redis_jobs_total", "outcome=\"" + outcome + "\"");
    logInfo("redis job", {{"stream", stream},
                          {"entry", id},
                          {"consumer", consumer},
                          {"outcome", outcome},
                          {"stored", set.isNil() ? "no (a result existed)" : "yes"},
                          {"duration", std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) + "s"}});
  };
  auto errorValue = [](int code, const std::string& message) { return Json{{"code", code}, {"message", message}}.dump(); };

  if (claimed) {
    metrics_.inc("fpvm_redis_claims_total");
    RedisReply pending = redis.command({"XPENDING", stream, stream, id, id, "1"});
    long long deliveries = pending.elements.empty() ? 1 : pending.at(0).at(3).integer;
    if (deliveries > 1) metrics_.inc("fpvm_redis_retries_total");
    logInfo("redis entry taken over", {{"stream", stream}, {"entry", id}, {"consumer", consumer}, {"deliveries", std::to_string(deliveries)}});
    if (deliveries > static_cast<long long>(config_.maxRetryCount)) {
      finish(false,
             errorValue(kExecutionFailed, "gave up after " + std::to_string(deliveries) + " deliveries (max-retry-count is " +
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
  if (r.code == kShuttingDown) {
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
    return CallResult::error(kParseError, std::string("entry field msg is not a JSON validation input: ") + e.what());
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
  auto shuttingDown = [&promise] { promise.set_value(CallResult::error(kShuttingDown, "server shutting down")); };
  auto job = [this, &promise, &msg, &consumer] {
    segment::SegmentVerifyOptions options;
    options.maxSteps = config_.segmentMaxSteps;
    options.cancel = &shutdown_;
    try {
      Json result = verifySegmentJob(msg, options, consumer);
      metrics_.inc("fpvm_segment_jobs_total", "outcome=\"verified\"");
      metrics_.inc("fpvm_segment_steps_total", "", double(result["step"].get<uint64_t>() - result["from"].get<uint64_t>()));
      promise.set_value(CallResult::ok(result.dump()));
    } catch (const RpcError& e) {
      if (shutdown_.load()) {  // interrupted by our own shutdown, not the proof's fault
        promise.set_value(CallResult::error(kShuttingDown, "server shutting down"));
        return;
      }
      metrics_.inc("fpvm_segment_jobs_total", "outcome=\"rejected\"");
      promise.set_value(CallResult::error(e.code(), e.what()));
    } catch (const std::exception& e) {
      logError("segment job failed unexpectedly", {{"error", e.what()}});
      promise.set_value(CallResult::error(kInternalError, std::string("internal error: ") + e.what()));
    }
  };
  if (!workers_.postWait(WorkerPool::Job{job, shuttingDown})) shuttingDown();
  return future.get();
}

void RedisConsumer::heartbeat() {
  const milliseconds period = std::max(milliseconds(1), config_.idletimeToAutoclaim / 2);
  std::unique_ptr<RedisClient> redis;
  std::unique_lock<std::mutex> lock(activeMutex_);
  while (!stopping_.load()) {
    heartbeatWake_.wait_for(lock, period, [&] { return stopping_.load(); });
    if (stopping_.load()) break;
    std::vector<std::pair<std::string, Active>> entries;
    for (const auto& [key, a] : active_) entries.emplace_back(key.substr(key.find('|') + 1), a);
    lock.unlock();
    for (const auto& [id, a] : entries) {
      try {
        if (!redis) redis = std::make_unique<RedisClient>(config_.redisUrl);
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
// Producer

RedisProducer::RedisProducer(const std::string& url, std::string prefix)
    : redis_(std::make_unique<RedisClient>(url)), prefix_(std::move(prefix)) {}

RedisProducer::~RedisProducer() = default;

void RedisProducer::ensureStream(const std::string& stream) { ensureGroup(*redis_, stream); }

std::string RedisProducer::add(const std::string& stream, const Json& msg) {
  return redis_->command({"XADD", stream, "*", "msg", msg.dump()}).str;
}

std::string RedisProducer::submit(const Hash32& prestate, const Json& input) {
  const std::string stream = streamName(prefix_, prestate);
  ensureStream(stream);
  return add(stream, input);
}

std::optional<RedisProducer::Outcome> RedisProducer::pollStream(const std::string& stream, const std::string& id) {
  RedisReply res = redis_->command({"GET", resultKey(prefix_, stream, id)});
  if (!res.isNil()) {
    Outcome o;
    o.ok = true;
    o.result = Json::parse(res.str);
    return o;
  }
  RedisReply err = redis_->command({"GET", errorKey(prefix_, stream, id)});
  if (!err.isNil()) {
    Outcome o;
    const Json e = Json::parse(err.str, nullptr, false);
    if (e.is_discarded()) {
      o.message = "unreadable error entry: " + err.str.substr(0, 200);
    } else {
      const RpcCallError c = rpcCallErrorFrom(e);
      o.code = c.code();
      o.message = c.what();
    }
    return o;
  }
  return std::nullopt;
}

std::optional<RedisProducer::Outcome> RedisProducer::poll(const Hash32& prestate, const std::string& id) {
  return pollStream(streamName(prefix_, prestate), id);
}

void RedisProducer::remove(const std::string& stream, const std::string& id) {
  redis_->command({"XACK", stream, stream, id});
  redis_->command({"XDEL", stream, id});
}

RedisProducer::Outcome RedisProducer::wait(const Hash32& prestate, const std::string& id, milliseconds timeout, milliseconds interval) {
  const std::string stream = streamName(prefix_, prestate);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto o = pollStream(stream, id)) return *o;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(interval);
  }
  remove(stream, id);  // nobody should start the request any more
  throw Error("no result for " + stream + " entry " + id + " within " + formatDuration(timeout) +
              "; the request was removed from the stream");
}

}  // namespace fpvm::server
