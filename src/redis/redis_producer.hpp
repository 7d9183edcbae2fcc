#pragma once
/// The producer side of scale-out over Redis Streams (spec/validation-server.md): submits
/// validation or segment jobs to streams and waits for their results (the consumers are
/// server/redis_consumer.hpp).
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "redis/redis_client.hpp"

namespace fpvm::redis {

/// RedisProducer::wait() stopped because the cancel flag was set.
class ProducerInterrupted : public Error {
 public:
  using Error::Error;
};

/// The result stored for an entry is not a JSON object (a broken or hostile consumer wrote it).
class UnreadableResult : public Error {
 public:
  using Error::Error;
};

/// The producer side: submits requests and waits for their results. The prestate methods are
/// for validation jobs; the stream methods serve any job kind (segment jobs use them).
class RedisProducer {
 public:
  /// Connects; throws Error naming the URL when Redis cannot be reached or the URL is bad.
  /// `limits` bound every command and reply (RedisClient).
  RedisProducer(const std::string& url, std::string prefix, const RedisLimits& limits = {});
  ~RedisProducer();

  /// XADDs `input` (a validation input object) to the prestate's stream, creating the stream and
  /// its group when missing; returns the entry id.
  std::string submit(const Hash32& prestate, const nlohmann::json& input);

  struct [[nodiscard]] Outcome {
    bool ok = false;
    nlohmann::json result;  ///< when ok
    int code = 0;           ///< when !ok
    std::string message;
  };
  /// The stored outcome of an entry, if any.
  std::optional<Outcome> poll(const Hash32& prestate, const std::string& id);
  /// Polls until an outcome appears, riding out Redis connection failures (each poll reconnects).
  /// After `timeout` the entry is removed from the stream and its group (so nobody runs it later)
  /// and fpvm::Error is thrown.
  Outcome wait(const Hash32& prestate, const std::string& id, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(20));

  /// When set and true, wait() withdraws its request and throws ProducerInterrupted within
  /// ~50 ms, and a command in flight fails.
  void setCancel(const std::atomic<bool>* cancel);

  /// Creates `stream` and its group (named like the stream) unless they exist.
  void ensureStream(const std::string& stream);
  /// XADDs `msg` as the entry's `msg` field to `stream` (which must exist); returns the entry id.
  std::string add(const std::string& stream, const nlohmann::json& msg);
  /// The stored outcome of entry `id` of `stream`, if any. Throws UnreadableResult when the
  /// stored result is not a JSON object.
  std::optional<Outcome> pollStream(const std::string& stream, const std::string& id);
  /// Removes an entry from `stream` and its group's pending list (XACK + XDEL), so nobody starts
  /// it later. `timeout` (when > 0) bounds each of the two commands instead of the client's.
  void remove(const std::string& stream, const std::string& id, std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

 private:
  std::unique_ptr<RedisClient> redis_;
  std::string prefix_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace fpvm::redis
