#pragma once
/// HTTP and WebSocket on one port (Boost.Beast): POST / carries JSON-RPC (one request or a batch
/// per body), an Upgrade to WebSocket carries one JSON-RPC message per text frame, GET /metrics
/// serves Prometheus text and GET /health a JSON status. RPC requests and upgrades need a JWT
/// when auth is on; /metrics and /health do not.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "server/metrics.hpp"
#include "server/rpc_service.hpp"

namespace fpvm::server {

struct HttpOptions {
  std::string addr = "127.0.0.1";
  uint16_t port = 8549;
  unsigned threads = 2;
  uint64_t requestSizeLimit = uint64_t(1) << 30;
  bool auth = true;
  Bytes jwtSecret;  ///< 32 bytes when auth is on
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, RpcService& rpc, Metrics& metrics, std::function<std::string()> health);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts the I/O threads; throws Error when the address cannot be bound.
  void start();
  /// The bound port (the chosen one when configured as 0).
  uint16_t port() const;
  /// Stops accepting connections (existing ones keep being served until stop()).
  void stopAccepting();
  /// Stops the I/O threads and closes every connection. Idempotent.
  void stop();

  struct Impl;  ///< (public only so that the sessions in the .cpp can name it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fpvm::server
