#include "runs/validation_input.hpp"

#include <algorithm>
#include <vector>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "preimage/keys.hpp"
#include "rpc/params.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::runs {
namespace {

using Json = nlohmann::json;

std::string shorten(const std::string& s) { return s.size() > 48 ? s.substr(0, 45) + "..." : s; }

/// Bytes given as 0x-hex or standard base64.
Bytes decodeBytes(const std::string& s, const std::string& what) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return fromHex(s, what);
  return fromBase64(s, what);
}

bool isCheckable(uint8_t type) {
  return type == static_cast<uint8_t>(preimage::KeyType::Keccak256) || type == static_cast<uint8_t>(preimage::KeyType::Sha256);
}

uint64_t parseIndex(const std::string& s, const std::string& what) {
  uint64_t v = 0;
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  bool ok = !s.empty() && s.size() <= (hex ? 18u : 20u);
  for (size_t i = hex ? 2 : 0; ok && i < s.size(); ++i) {
    char c = s[i];
    int d = (c >= '0' && c <= '9')          ? c - '0'
            : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                            : -1;
    if (d < 0) ok = false;
    else if (v > (~uint64_t(0) - uint64_t(d)) / (hex ? 16 : 10)) ok = false;
    else v = v * (hex ? 16 : 10) + uint64_t(d);
  }
  if (!ok) throw rpc::RpcError(rpc::kInvalidParams, what + ": \"" + shorten(s) + "\" is not an unsigned integer index");
  return v;
}

}  // namespace

ValidationInput parseValidationInput(const Json& j, const std::string& where) {
  if (!j.is_object()) throw rpc::RpcError(rpc::kInvalidParams, where + ": expected an object {id, localKeys, preimages}");
  ValidationInput in;
  for (const auto& [name, value] : j.items()) {
    if (name == "id" || name == "Id") {
      in.id = rpc::jsonToU64(value, where + ".id");
    } else if (name == "localKeys" || name == "LocalKeys") {
      if (!value.is_object()) throw rpc::RpcError(rpc::kInvalidParams, where + ".localKeys: expected an object {index: bytes}");
      for (const auto& [idx, v] : value.items()) {
        const std::string field = where + ".localKeys[\"" + shorten(idx) + "\"]";
        uint64_t index = parseIndex(idx, field);
        if (!v.is_string()) throw rpc::RpcError(rpc::kInvalidParams, field + ": expected a 0x-hex or base64 string");
        try {
          in.locals[index] = decodeBytes(v.get_ref<const std::string&>(), "value");
        } catch (const Error& e) {
          throw rpc::RpcError(rpc::kInvalidParams, field + ": " + e.what());
        }
      }
    } else if (name == "preimages" || name == "Preimages") {
      if (!value.is_object())
        throw rpc::RpcError(rpc::kInvalidParams, where + ".preimages: expected an object {type: {key: value}}");
      for (const auto& [typeText, group] : value.items()) {
        const std::string gfield = where + ".preimages[\"" + shorten(typeText) + "\"]";
        uint64_t type = parseIndex(typeText, gfield);
        if (type == 0 || type > 255) throw rpc::RpcError(rpc::kInvalidParams, gfield + ": key type must be 1..255");
        if (!group.is_object())
          throw rpc::RpcError(rpc::kInvalidParams, gfield + ": expected an object {base64 key: base64 value}");
        in.preimages.reserve(in.preimages.size() + group.size());
        for (const auto& [keyText, v] : group.items()) {
          const std::string field = gfield + "[\"" + shorten(keyText) + "\"]";
          Hash32 key;
          try {
            Bytes k = fromBase64(keyText, "key");
            if (k.size() != 32) throw Error("key: expected 32 bytes, got " + std::to_string(k.size()));
            std::memcpy(key.data(), k.data(), 32);
          } catch (const Error& e) {
            throw rpc::RpcError(rpc::kInvalidParams, field + ": " + e.what());
          }
          key[0] = static_cast<uint8_t>(type);
          if (!v.is_string()) throw rpc::RpcError(rpc::kInvalidParams, field + ": expected a base64 string value");
          Bytes data;
          try {
            data = fromBase64(v.get_ref<const std::string&>(), "value");
          } catch (const Error& e) {
            throw rpc::RpcError(rpc::kInvalidParams, field + ": " + e.what());
          }
          if (isCheckable(static_cast<uint8_t>(type))) {
            try {
              preimage::checkPreimage(key, data);
            } catch (const Error& e) {
              throw rpc::RpcError(rpc::kInvalidParams, field + ": " + e.what());
            }
          }
          in.preimageBytes += data.size();
          in.preimages[key] = std::move(data);
        }
      }
    } else {
      throw rpc::RpcError(rpc::kInvalidParams,
                          where + ": unknown field \"" + shorten(name) + "\" (expected id, localKeys, preimages)");
    }
  }
  computeInputDigest(in);
  return in;
}

void computeInputDigest(ValidationInput& in) {
  Keccak256 h;
  uint8_t buf[8];
  static const char kTag[] = "fpvm-validation-input-v1";
  h.update(ByteView(reinterpret_cast<const uint8_t*>(kTag), sizeof kTag - 1));
  putBE64(buf, in.locals.size());
  h.update(ByteView(buf, 8));
  for (const auto& [index, value] : in.locals) {
    putBE64(buf, index);
    h.update(ByteView(buf, 8));
    putBE64(buf, value.size());
    h.update(ByteView(buf, 8));
    h.update(value);
  }
  std::vector<const std::pair<const Hash32, Bytes>*> sorted;
  sorted.reserve(in.preimages.size());
  for (const auto& e : in.preimages) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first.b < b->first.b; });
  putBE64(buf, sorted.size());
  h.update(ByteView(buf, 8));
  for (const auto* e : sorted) {
    h.update(ByteView(e->first.b));
    // A checked key determines its value; other types are identified by their bytes too.
    if (!isCheckable(e->first[0])) {
      putBE64(buf, e->second.size());
      h.update(ByteView(buf, 8));
      h.update(e->second);
    }
  }
  in.digest = h.finish();
}

Json encodeValidationInput(const ValidationInput& in) {
  Json out = Json::object();
  out["id"] = in.id;
  Json locals = Json::object();
  for (const auto& [index, value] : in.locals) locals[std::to_string(index)] = toHex(value);
  out["localKeys"] = std::move(locals);
  Json groups = Json::object();
  for (const auto& [key, value] : in.preimages) groups[std::to_string(key[0])][toBase64(ByteView(key.b))] = toBase64(value);
  out["preimages"] = std::move(groups);
  return out;
}

}  // namespace fpvm::runs
