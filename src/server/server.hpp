#pragma once
/// The validation server assembled from its parts: prestates, worker and query pools, execution
/// runs with their pruner, the JSON-RPC service over HTTP/WebSocket, metrics, and the Redis
/// Streams consumer when redis-url is set. `fpvm serve` is a thin wrapper around this class; tests
/// and benchmarks start it in-process.
#include <atomic>
#include <memory>
#include <string>

#include "runs/prestate_store.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"

namespace fpvm::server {

class HttpServer;
class RedisConsumer;
class RpcService;
class RunManager;
class WorkerPool;

class Server {
 public:
  /// Loads prestates from config.prestates (when set) and the JWT secret (when auth is on).
  explicit Server(ServerConfig config);
  /// With prestates supplied by the caller (tests); config.prestates is ignored.
  Server(ServerConfig config, runs::PrestateStore prestates);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts listening (and consuming from Redis); throws Error when it cannot.
  void start();
  /// Stops everything: running validations end with "server shutting down". Idempotent.
  void stop();

  /// The bound port (after start).
  uint16_t port() const;
  const ServerConfig& config() const { return config_; }
  const Bytes& jwtSecret() const { return jwtSecret_; }
  Metrics& metrics() { return metrics_; }
  const runs::PrestateStore& prestates() const { return prestates_; }
  RunManager& runs();
  /// The /health document.
  std::string health() const;

 private:
  void init();

  ServerConfig config_;
  runs::PrestateStore prestates_;
  Bytes jwtSecret_;
  Metrics metrics_;
  std::atomic<bool> shutdown_{false};
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<WorkerPool> queries_;
  std::unique_ptr<RunManager> runs_;
  std::unique_ptr<RpcService> rpc_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<RedisConsumer> redis_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace fpvm::server
