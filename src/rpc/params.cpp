#include "rpc/params.hpp"

#include "common/error.hpp"
#include "common/hex.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::rpc {
namespace {

std::string typeName(const Json& v) {
  if (v.is_number_float()) return "a floating-point number";
  if (v.is_number_integer() && !v.is_number_unsigned()) return "a negative number";
  if (v.is_string()) return "a string";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

}  // namespace

uint64_t jsonToU64(const Json& v, const std::string& what) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i >= 0) return static_cast<uint64_t>(i);
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    bool ok = !s.empty() && s.size() <= (hex ? 18 : 20);
    uint64_t out = 0;
    for (size_t i = hex ? 2 : 0; ok && i < s.size(); ++i) {
      char c = s[i];
      int d = (c >= '0' && c <= '9')          ? c - '0'
              : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                              : -1;
      if (d < 0) {
        ok = false;
        break;
      }
      const uint64_t base = hex ? 16 : 10;
      if (out > (~uint64_t(0) - uint64_t(d)) / base) {
        ok = false;
        break;
      }
      out = out * base + uint64_t(d);
    }
    if (ok) return out;
    throw RpcError(kInvalidParams,
                   what + ": \"" + (s.size() > 40 ? s.substr(0, 40) + "…" : s) + "\" is not an unsigned 64-bit integer");
  }
  throw RpcError(kInvalidParams, what + ": expected an unsigned 64-bit integer, got " + typeName(v));
}

Params::Params(const std::string& method, const Json* params) : method_(method), params_(params) {
  if (params_ && !params_->is_null() && !params_->is_array())
    throw RpcError(kInvalidParams,
                   "invalid params for " + method_ + ": params must be an array (positional), got " + typeName(*params_));
}

size_t Params::size() const { return params_ && params_->is_array() ? params_->size() : 0; }

void Params::expectCount(size_t n, const char* names) const {
  if (size() != n)
    throw RpcError(kInvalidParams, "wrong number of params for " + method_ + ": got " + std::to_string(size()) + ", expected " +
                                       std::to_string(n) + " " + names);
}

const Json& Params::at(size_t i) const { return (*params_)[i]; }

std::string Params::where(size_t i, const char* name) const {
  return "invalid params for " + method_ + ": params[" + std::to_string(i) + "] (" + name + ")";
}

uint64_t Params::u64(size_t i, const char* name) const { return jsonToU64(at(i), where(i, name)); }

Hash32 Params::hash(size_t i, const char* name) const {
  const Json& v = at(i);
  if (!v.is_string())
    throw RpcError(kInvalidParams, where(i, name) + ": expected a 0x-prefixed 32-byte hex string, got " + typeName(v));
  try {
    return hash32FromHex(v.get_ref<const std::string&>(), name);
  } catch (const Error& e) {
    throw RpcError(kInvalidParams, where(i, name) + ": " + e.what());
  }
}

std::string Params::string(size_t i, const char* name) const {
  const Json& v = at(i);
  if (!v.is_string()) throw RpcError(kInvalidParams, where(i, name) + ": expected a string, got " + typeName(v));
  return v.get<std::string>();
}

}  // namespace fpvm::rpc
