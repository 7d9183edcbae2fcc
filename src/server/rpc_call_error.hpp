#pragma once
/// The client side of a JSON-RPC error answer, apart from the network client (rpc_client.hpp)
/// so that parsers of answers can use it without Boost.Beast.
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace fpvm::server {

/// A JSON-RPC error answer.
class RpcCallError : public Error {
 public:
  RpcCallError(int code, const std::string& message) : Error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

/// The RpcCallError for a JSON-RPC error object, whatever its shape: a code that is not an integer
/// becomes 0 and a message that is not a string is shown as JSON (answers come from the network).
RpcCallError rpcCallErrorFrom(const nlohmann::json& error);

}  // namespace fpvm::server
