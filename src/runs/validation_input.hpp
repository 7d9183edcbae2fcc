#pragma once
/// The input of a validation or an execution run (spec/validation-server.md "Input"):
///   {"id": u64,
///    "localKeys": {"<index>": "<0x-hex or base64 bytes>", …},
///    "preimages": {"<key type>": {"<base64 32-byte key>": "<base64 value>", …}, …}}
/// Keys of a type group may be given typed (byte 0 = type) or as the plain hash (Nitro's form):
/// byte 0 is set to the group's type either way. Every keccak256 and sha256 preimage is checked
/// against its key while parsing.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"

namespace fpvm::runs {

/// Hash32 as an unordered_map key (the bytes are already uniformly distributed).
struct Hash32Hasher {
  size_t operator()(const Hash32& h) const {
    uint64_t v;
    std::memcpy(&v, h.data() + 8, 8);
    return static_cast<size_t>(v);
  }
};

using PreimageTable = std::unordered_map<Hash32, Bytes, Hash32Hasher>;

/// A parsed, checked input. Immutable once built; shared by the runs that use it.
struct ValidationInput {
  uint64_t id = 0;                   ///< chosen by the caller, echoed in logs
  std::map<uint64_t, Bytes> locals;  ///< local boot values by index (type-1 keys)
  PreimageTable preimages;           ///< typed key → value
  uint64_t preimageBytes = 0;        ///< total size of the values
  /// Identity of (locals, preimages): equal digests = the same run (ids excluded).
  Hash32 digest;
};

/// Parses and checks an input; throws RpcError (kInvalidParams) whose message starts with
/// `where` (e.g. "invalid params for validation_validate: params[0] (input)") and names the field,
/// e.g. `preimages["2"]["AqI…="]: value does not match its keccak256 key`.
ValidationInput parseValidationInput(const nlohmann::json& j, const std::string& where);

/// The JSON form of an input (locals as 0x-hex, preimages as base64 grouped by type).
nlohmann::json encodeValidationInput(const ValidationInput& input);

/// Recomputes input.digest from its contents.
void computeInputDigest(ValidationInput& input);

}  // namespace fpvm::runs
