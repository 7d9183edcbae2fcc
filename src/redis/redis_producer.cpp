#include "redis/redis_producer.hpp"

#include <algorithm>
#include <thread>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_keys.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::redis {

using Json = nlohmann::json;
using std::chrono::milliseconds;

RedisProducer::RedisProducer(const std::string& url, std::string prefix, const RedisLimits& limits)
    : redis_(std::make_unique<RedisClient>(url, limits)), prefix_(std::move(prefix)) {}

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
    o.result = Json::parse(res.str, nullptr, false);
    if (o.result.is_discarded() || !o.result.is_object())
      throw UnreadableResult("the result stored for " + stream + " entry " + id +
                             " is not a JSON object: " + res.str.substr(0, 200));
    return o;
  }
  RedisReply err = redis_->command({"GET", errorKey(prefix_, stream, id)});
  if (!err.isNil()) {
    Outcome o;
    const Json e = Json::parse(err.str, nullptr, false);
    if (e.is_discarded()) {
      o.message = "unreadable error entry: " + err.str.substr(0, 200);
    } else {
      const rpc::RpcError c = rpc::RpcError::fromAnswer(e);
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

void RedisProducer::setCancel(const std::atomic<bool>* cancel) {
  cancel_ = cancel;
  redis_->setCancel(cancel);
}

void RedisProducer::remove(const std::string& stream, const std::string& id, milliseconds timeout) {
  redis_->command({"XACK", stream, stream, id}, timeout);
  redis_->command({"XDEL", stream, id}, timeout);
}

RedisProducer::Outcome RedisProducer::wait(const Hash32& prestate, const std::string& id, milliseconds timeout,
                                           milliseconds interval) {
  const std::string stream = streamName(prefix_, prestate);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string lastConnectionError;
  for (;;) {
    // A connection failure (Redis restarting, a network blip) is not the end of the wait: the
    // entry and its result survive in Redis, and the next command reconnects.
    try {
      if (auto o = pollStream(stream, id)) return *o;
    } catch (const ProducerInterrupted&) {
      throw;
    } catch (const UnreadableResult&) {
      throw;
    } catch (const Error& e) {
      if (cancel_ && cancel_->load()) throw ProducerInterrupted(std::string("interrupted: ") + e.what());
      lastConnectionError = e.what();
    } catch (const RedisReplyError& e) {
      // A restarting redis-server answers LOADING until its data is back: wait for it.
      if (std::string(e.what()).rfind("LOADING", 0) != 0) throw;
      lastConnectionError = e.what();
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    if (cancel_ && cancel_->load()) {
      // Withdraw the request on the way out (bounded by the client's timeout; the cancel flag is
      // lifted from the client for it).
      redis_->setCancel(nullptr);
      try {
        remove(stream, id);
      } catch (const std::exception&) {
      }
      throw ProducerInterrupted("interrupted while waiting for " + stream + " entry " + id + "; the request was removed");
    }
    // Sleep in short slices so that a signal is seen promptly.
    const auto wake = std::chrono::steady_clock::now() + interval;
    while (std::chrono::steady_clock::now() < wake && !(cancel_ && cancel_->load()))
      std::this_thread::sleep_for(std::min<milliseconds>(interval, milliseconds(20)));
  }
  try {
    remove(stream, id);  // nobody should start the request any more
  } catch (const Error& e) {
    throw Error("no result for " + stream + " entry " + id + " within " + formatDuration(timeout) +
                " and it could not be removed from the stream: " + e.what());
  }
  throw Error("no result for " + stream + " entry " + id + " within " + formatDuration(timeout) +
              "; the request was removed from the stream" +
              (lastConnectionError.empty() ? std::string() : " (last Redis error: " + lastConnectionError + ")"));
}

}  // namespace fpvm::redis
