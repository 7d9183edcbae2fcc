#pragma once
/// Preimage key types (spec §6.1), key formation, and the check that a value belongs to its key.
#include <cstdint>
#include <string>

#include "common/bytes.hpp"

namespace fpvm::preimage {

/// Byte 0 of a key.
enum class KeyType : uint8_t {
  Invalid = 0,
  Local = 1,
  Keccak256 = 2,
  GlobalGeneric = 3,
  Sha256 = 4,
  Blob = 5,
  Precompile = 6,
};

/// Local key for boot value `index`: byte 0 = 1, bytes 24..32 = BE index.
Hash32 localKey(uint64_t index);
/// keccak256(data) with byte 0 := 2.
Hash32 keccak256Key(ByteView data);
/// sha256(data) with byte 0 := 4.
Hash32 sha256Key(ByteView data);
/// SHA-256 digest.
Hash32 sha256(ByteView data);

/// Throws Error when `value` does not hash to `key` for keccak256- and sha256-typed keys; other
/// types are not checkable from the value alone and pass.
void checkPreimage(const Hash32& key, ByteView value);

/// Short type name for messages ("keccak256", "local", …).
std::string keyTypeName(uint8_t type);

}  // namespace fpvm::preimage
