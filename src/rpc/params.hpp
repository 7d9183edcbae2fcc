#pragma once
/// Positional-parameter access for JSON-RPC handlers: every failure is an RpcError
/// (kInvalidParams) whose message names the method, the position and the parameter.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"

namespace fpvm::rpc {

using Json = nlohmann::json;

/// Reads a u64 from a JSON number (exact up to 2^64-1), a decimal string or a 0x-hex string;
/// throws RpcError naming `what` for negatives, fractions, floats and out-of-range values.
uint64_t jsonToU64(const Json& v, const std::string& what);

/// The params of one call.
class Params {
 public:
  /// `params` may be null/absent (= no params), an array, or anything else (an error).
  Params(const std::string& method, const Json* params);
  /// Requires exactly `n` params; `names` lists them for the message ("[id, position]").
  void expectCount(size_t n, const char* names) const;
  size_t size() const;
  const Json& at(size_t i) const;
  uint64_t u64(size_t i, const char* name) const;
  /// 32 bytes as 0x-hex.
  Hash32 hash(size_t i, const char* name) const;
  std::string string(size_t i, const char* name) const;
  /// "params[i] (name)" for messages.
  std::string where(size_t i, const char* name) const;

 private:
  std::string method_;
  const Json* params_;
};

}  // namespace fpvm::rpc
