#pragma once
/// JSON-RPC error codes of the validation server. The codes and the start of each message are
/// stable (clients match on them); the rest of a message names the bad field or the limit.
#include <stdexcept>
#include <string>

namespace fpvm::server {

/// Stable error codes (JSON-RPC 2.0 reserves -32768..-32000; server errors use -32000..-32099).
enum RpcCode : int {
  kParseError = -32700,      ///< the body is not JSON
  kInvalidRequest = -32600,  ///< not a JSON-RPC 2.0 request object
  kMethodNotFound = -32601,  ///< method outside the allow-list
  kInvalidParams = -32602,   ///< wrong param count or type; message names params[i] and the field
  kInternalError = -32603,   ///< a server bug; logged
  kServerBusy = -32000,      ///< "server busy: …" every worker and queue slot is taken
  kUnknownPrestate = -32001, ///< "unknown prestate 0x…"
  kRunNotFound = -32002,     ///< "run not found: <id>"
  kTimeLimit = -32003,       ///< "max-execution-time exceeded: …"
  kMemoryLimit = -32004,     ///< "memory limit exceeded: …"
  kExecutionFailed = -32005, ///< the guest reverted or the host failed (missing preimage, …)
  kRunFailed = -32006,       ///< an execution run whose build failed; the message says why
  kUnauthorized = -32007,    ///< missing or bad JWT (HTTP 401)
  kRequestTooLarge = -32008, ///< body over request-size-limit (HTTP 413)
  kShuttingDown = -32009,    ///< the server is stopping
  kCancelled = -32010,       ///< the run was closed while it was being built or queried
};

/// An error answered to the caller as a JSON-RPC error object.
class RpcError : public std::runtime_error {
 public:
  RpcError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace fpvm::server
