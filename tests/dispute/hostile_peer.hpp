#pragma once
/// A misbehaving peer on loopback for client hardening tests: it accepts TCP connections on
/// 127.0.0.1 (a free port) and answers every request in one chosen bad way. It runs on its own
/// thread, polls in 50 ms slices and stops by itself at destruction.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace fpvm::test::dispute {

/// How the peer misbehaves once a request has arrived.
enum class Misbehaviour {
  Hang,       ///< reads the request, never answers
  Trickle,    ///< an HTTP header, then the body one byte a second
  CloseMid,   ///< an HTTP header promising 1000 bytes, 10 of them, then closes
  Huge,       ///< an HTTP header promising 1 GiB and streams it as fast as the client reads
  Garbage,    ///< bytes that are not HTTP, then closes
  Status502,  ///< "502 Bad Gateway" with an HTML body
  ValidJson,  ///< 200 with the JSON body given to the constructor (a well-behaved answer)
  // Redis (RESP) peers: they answer once a command line has arrived.
  RedisTrickle,   ///< a bulk-string header promising 100000 bytes, then one byte a second
  RedisHuge,      ///< a bulk string of 1 GiB, streamed as fast as the client reads
  RedisCloseMid,  ///< a bulk-string header promising 1000 bytes, 10 of them, then closes
  /// A Redis that takes work and then stops answering: it parses each command and answers
  /// XGROUP/PING/SELECT/AUTH/CLIENT with +OK and XADD with a fresh entry id, then hangs at the
  /// first other command (the consumers' XAUTOCLAIM, the producers' GET) until the client leaves.
  RedisSetupThenHang,
  /// Like RedisSetupThenHang, but answers GET with a bulk string that is not JSON (a result
  /// written by a broken or hostile consumer).
  RedisGarbageResult,
};

class HostilePeer {
 public:
  explicit HostilePeer(Misbehaviour how, std::string body = "");
  ~HostilePeer();
  HostilePeer(const HostilePeer&) = delete;
  HostilePeer& operator=(const HostilePeer&) = delete;

  /// The port it listens on (127.0.0.1).
  uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// "redis://127.0.0.1:PORT".
  std::string redisUrl() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  /// Bytes written to clients so far.
  uint64_t bytesSent() const { return sent_.load(); }

 private:
  void serve();
  void handle(int fd);
  /// Sends `data` unless stopping; false when the client is gone.
  bool send(int fd, const std::string& data);
  /// RedisSetupThenHang / RedisGarbageResult: answers command by command.
  void serveRedisScript(int fd);
  /// Waits until the client closes the connection (or the peer stops).
  void hangUntilClosed(int fd);
  uint64_t nextEntryId_ = 1;

  Misbehaviour how_;
  std::string body_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace fpvm::test::dispute
