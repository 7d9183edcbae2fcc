#pragma once
/// A small synchronous Redis client over hiredis: one connection, commands as argument vectors,
/// replies as owned trees, reconnecting on the next command after a connection failure.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct redisContext;
struct redisReply;

namespace fpvm::redis {

/// redis://[[user]:password@]host[:port][/db]
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;
  static RedisUrl parse(const std::string& url);
};

/// An error reply from the server (the connection is fine).
class RedisReplyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An owned reply.
class RedisReply {
 public:
  enum class Type { Nil, String, Status, Integer, Array, Error };
  RedisReply() = default;
  explicit RedisReply(const redisReply* r);
  Type type = Type::Nil;
  std::string str;                   ///< String, Status, Error
  long long integer = 0;             ///< Integer
  std::vector<RedisReply> elements;  ///< Array
  bool isNil() const { return type == Type::Nil; }
  const RedisReply& at(size_t i) const;
};

/// What one connection may cost: how long a command may take and how large a reply may be.
struct RedisLimits {
  /// Bounds connecting and each whole command (sending and the complete reply).
  std::chrono::milliseconds commandTimeout{5000};
  /// Bounds one reply: the largest request body the server accepts (1 GiB) and room for the
  /// stream entry around it.
  uint64_t maxReplyBytes = (uint64_t(1) << 30) + (uint64_t(16) << 20);
};

class RedisClient {
 public:
  /// Connects; throws fpvm::Error naming the URL when it cannot. `timeout` bounds connecting and
  /// each whole command (sending and the complete reply, however slowly it arrives);
  /// `maxReplyBytes` bounds what one reply may take (a larger one fails and the connection is
  /// dropped, so a hostile or broken server cannot make the client allocate without bound).
  explicit RedisClient(const std::string& url, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                       uint64_t maxReplyBytes = kDefaultMaxReplyBytes);
  /// Default bound on one reply: the largest request body the server accepts (1 GiB) and room
  /// for the stream entry around it.
  static constexpr uint64_t kDefaultMaxReplyBytes = RedisLimits{}.maxReplyBytes;
  /// Connects with `limits` (see the constructor above).
  RedisClient(const std::string& url, const RedisLimits& limits)
      : RedisClient(url, limits.commandTimeout, limits.maxReplyBytes) {}
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Runs one command. Throws RedisReplyError for an error reply, fpvm::Error when the connection
  /// fails (the next call reconnects). `timeout` overrides the socket timeout for this command
  /// (blocking reads).
  RedisReply command(const std::vector<std::string>& args, std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// When set and true, a command waiting for its reply fails within ~50 ms ("interrupted").
  void setCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 private:
  void connect();
  void disconnect();
  std::string url_;
  RedisUrl parsed_;
  std::chrono::milliseconds timeout_;
  uint64_t maxReplyBytes_;
  const std::atomic<bool>* cancel_ = nullptr;
  redisContext* ctx_ = nullptr;
};

}  // namespace fpvm::redis
