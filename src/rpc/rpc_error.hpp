#pragma once
/// JSON-RPC errors, one family for both sides: a method that fails throws RpcError with one of
/// the stable codes below (the server answers it as a JSON-RPC error object), and a client that
/// receives an error object throws the same type (RpcError::fromAnswer). The codes and the start
/// of each message are stable (clients match on them); the rest of a message names the bad field
/// or the limit.
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace fpvm::rpc {

/// Stable error codes (JSON-RPC 2.0 reserves -32768..-32000; server errors use -32000..-32099).
enum RpcCode : int {
  kParseError = -32700,       ///< the body is not JSON
  kInvalidRequest = -32600,   ///< not a JSON-RPC 2.0 request object
  kMethodNotFound = -32601,   ///< method outside the allow-list
  kInvalidParams = -32602,    ///< wrong param count or type; message names params[i] and the field
  kInternalError = -32603,    ///< a server bug; logged
  kServerBusy = -32000,       ///< "server busy: …" every worker and queue slot is taken
  kUnknownPrestate = -32001,  ///< "unknown prestate 0x…"
  kRunNotFound = -32002,      ///< "run not found: <id>"
  kTimeLimit = -32003,        ///< "max-execution-time exceeded: …"
  kMemoryLimit = -32004,      ///< "memory limit exceeded: …"
  kExecutionFailed = -32005,  ///< the guest reverted or the host failed (missing preimage, …)
  kRunFailed = -32006,        ///< an execution run whose build failed; the message says why
  kUnauthorized = -32007,     ///< missing or bad JWT (HTTP 401)
  kRequestTooLarge = -32008,  ///< body over request-size-limit (HTTP 413)
  kShuttingDown = -32009,     ///< the server is stopping
  kCancelled = -32010,        ///< the run was closed while it was being built or queried
};

/// A JSON-RPC error: thrown by a method to be answered to its caller, or by a client for an error
/// object it received (`received()` tells which).
class RpcError : public Error {
 public:
  RpcError(int code, const std::string& message, bool received = false) : Error(message), code_(code), received_(received) {}
  /// The JSON-RPC error code (0 when a received answer had none).
  int code() const { return code_; }
  /// True for an error object received from another server.
  bool received() const { return received_; }

  /// The error for a received JSON-RPC error object, whatever its shape: a code that is not an
  /// integer becomes 0 and a message that is not a string is shown as JSON (answers come from the
  /// network).
  static RpcError fromAnswer(const nlohmann::json& error);

 private:
  int code_;
  bool received_;
};

}  // namespace fpvm::rpc
