#pragma once
/// A synchronous JSON-RPC client for the validation server over HTTP (keep-alive) or WebSocket,
/// signing each request with a fresh JWT when given the secret. Used by tests, benchmarks and
/// tools (a bisection driver can call execution runs through it).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::rpc {

struct RpcClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8549;
  bool websocket = false;
  Bytes jwtSecret;  ///< empty = send no Authorization header
  std::chrono::seconds timeout{600};
  uint64_t maxResponseBytes = uint64_t(4) << 30;
};

class RpcClient {
 public:
  explicit RpcClient(RpcClientOptions options);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  /// Calls `method`; returns the result or throws RpcError (error answer) or Error (transport).
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::array());
  /// Like call() but returns the response text unparsed (large answers).
  std::string callText(const std::string& method, const nlohmann::json& params = nlohmann::json::array());

  /// HTTP status and body of a raw POST / (HTTP clients only). `authorization`: the header value
  /// to send ("" = none, nullptr-like default = a fresh valid token when a secret is set).
  struct HttpAnswer {
    int status = 0;
    std::string body;
  };
  HttpAnswer post(const std::string& body, const std::string* authorization = nullptr);
  /// GET a path (HTTP clients only).
  HttpAnswer get(const std::string& path);
  /// Sends one WebSocket text message and returns the next message (WebSocket clients only).
  std::string exchange(const std::string& message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RpcClientOptions options_;
  uint64_t nextId_ = 1;
};

/// Opens a WebSocket with the given Authorization header value ("" = none) and reports whether
/// the upgrade was accepted; on refusal `status` holds the HTTP status and `body` the answer.
bool tryWebSocketUpgrade(const std::string& host, uint16_t port, const std::string& authorization, int& status,
                         std::string& body);

}  // namespace fpvm::rpc
