#include "preimage/keys.hpp"

#include <cryptopp/sha.h>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"

namespace fpvm::preimage {

Hash32 localKey(uint64_t index) {
  Hash32 k;
  k[0] = static_cast<uint8_t>(KeyType::Local);
  putBE64(k.data() + 24, index);
  return k;
}

Hash32 keccak256Key(ByteView data) {
  Hash32 k = keccak256(data);
  k[0] = static_cast<uint8_t>(KeyType::Keccak256);
  return k;
}

Hash32 sha256(ByteView data) {
  Hash32 out;
  CryptoPP::SHA256 h;
  h.CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

Hash32 sha256Key(ByteView data) {
  Hash32 k = sha256(data);
  k[0] = static_cast<uint8_t>(KeyType::Sha256);
  return k;
}

void checkPreimage(const Hash32& key, ByteView value) {
  Hash32 expect;
  switch (static_cast<KeyType>(key[0])) {
    case KeyType::Keccak256: expect = keccak256Key(value); break;
    case KeyType::Sha256: expect = sha256Key(value); break;
    default: return;
  }
  if (!(expect == key))
    throw Error("preimage for key " + toHex(key) + " does not match its " + keyTypeName(key[0]) + " hash (value hashes to " +
                toHex(expect) + ")");
}

std::string keyTypeName(uint8_t type) {
  switch (static_cast<KeyType>(type)) {
    case KeyType::Invalid: return "invalid";
    case KeyType::Local: return "local";
    case KeyType::Keccak256: return "keccak256";
    case KeyType::GlobalGeneric: return "global-generic";
    case KeyType::Sha256: return "sha256";
    case KeyType::Blob: return "blob";
    case KeyType::Precompile: return "precompile";
  }
  return "type-" + std::to_string(type);
}

}  // namespace fpvm::preimage
