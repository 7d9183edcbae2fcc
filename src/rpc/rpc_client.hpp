#pragma once
/// A synchronous JSON-RPC client for the validation server over HTTP (keep-alive) or WebSocket,
/// signing each request with a fresh JWT when given the secret. Used by tests, benchmarks and
/// tools (a bisection driver can call execution runs through it).
///
/// Every request is bounded: it fails when it has not completed within `timeout` (connect, send
/// and the whole answer, so a peer trickling bytes is caught too) or by `deadline`, when the
/// answer grows past the byte bound of the call, and promptly when `*cancel` becomes true (a
/// signal handler's flag). The socket work runs asynchronously in short slices, because Beast
/// enforces its timeouts only on asynchronous operations.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
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
  /// Longest one request may take (connect + send + the whole answer).
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  /// An absolute time no request may run past (an overall deadline); none when unset.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Largest answer read when a call names no bound of its own.
  uint64_t maxResponseBytes = uint64_t(1) << 30;
  /// When set and true, a request in flight stops within ~50 ms with RpcInterrupted.
  const std::atomic<bool>* cancel = nullptr;
};

/// A request stopped because `RpcClientOptions::cancel` was set.
class RpcInterrupted : public Error {
 public:
  using Error::Error;
};

/// A request ran past its timeout or the deadline.
class RpcTimeout : public Error {
 public:
  using Error::Error;
};

class RpcClient {
 public:
  explicit RpcClient(RpcClientOptions options);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  /// Calls `method`; returns the result or throws RpcError (error answer) or Error (transport,
  /// an HTTP error status without a JSON-RPC body, timeout, interruption, an answer over
  /// `maxBytes`; 0 = options' maxResponseBytes).
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::array(), uint64_t maxBytes = 0);
  /// Like call() but returns the response text unparsed (large answers).
  std::string callText(const std::string& method, const nlohmann::json& params = nlohmann::json::array(), uint64_t maxBytes = 0);

  /// HTTP status and body of a raw POST / (HTTP clients only). `authorization`: the header value
  /// to send ("" = none, nullptr-like default = a fresh valid token when a secret is set).
  struct HttpAnswer {
    int status = 0;
    std::string body;
  };
  HttpAnswer post(const std::string& body, const std::string* authorization = nullptr, uint64_t maxBytes = 0);
  /// GET a path (HTTP clients only).
  HttpAnswer get(const std::string& path);
  /// Sends one WebSocket text message and returns the next message (WebSocket clients only).
  std::string exchange(const std::string& message, uint64_t maxBytes = 0);

 private:
  /// Runs the asynchronous operation `start` (given a completion handler) to completion under
  /// the request's time bound and the cancel flag; returns its error code.
  template <class Start>
  boost::system::error_code await(Start&& start, std::chrono::steady_clock::time_point until, const char* what);
  std::chrono::steady_clock::time_point requestEnd() const;
  /// Reads one HTTP answer into `parser`, failing with http::error::body_limit past `limit` bytes.
  boost::system::error_code readBounded(boost::beast::http::response_parser<boost::beast::http::string_body>& parser,
                                        uint64_t limit, std::chrono::steady_clock::time_point until);
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
