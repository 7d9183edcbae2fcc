#include "mips64/preimage_parts.hpp"

#include <cstring>

#include "common/keccak256.hpp"

namespace fpvm::mips64 {

Hash32 localizeKey(const Hash32& key, const Address& caller, const Hash32& localContext) {
  uint8_t buf[96] = {};
  std::memcpy(buf, key.data(), 32);
  std::memcpy(buf + 32 + 12, caller.data(), 20);  // mstore(0x20, caller()): left-padded
  std::memcpy(buf + 64, localContext.data(), 32);
  Hash32 out = keccak256(ByteView(buf, sizeof buf));
  out[0] = 1;
  return out;
}

void PreimagePartStore::add(const Hash32& key, ByteView data) { preimages_[key.b] = Bytes(data.begin(), data.end()); }

void PreimagePartStore::addForStep(const Hash32& key, ByteView data, const Address& caller, const Hash32& localContext) {
  add(key[0] == 1 ? localizeKey(key, caller, localContext) : key, data);
}

std::optional<PreimagePart> PreimagePartStore::readPreimage(const Hash32& key, uint64_t offset) {
  auto it = preimages_.find(key.b);
  if (it == preimages_.end()) return std::nullopt;
  const Bytes& data = it->second;
  const uint64_t length = data.size();
  // Only the oracle's load functions create parts: local data (type 1, at most 32 bytes),
  // keccak256 (2), sha256 (4), blob (5) and precompile (6) keys.
  const uint8_t type = key[0];
  if (type != 1 && type != 2 && type != 4 && type != 5 && type != 6) return std::nullopt;
  if (type == 1 && length > 32) return std::nullopt;
  // Parts can only be loaded for partOffset < size + 8 (PartOffsetOOB otherwise).
  if (offset >= length + 8) return std::nullopt;
  // datLen = 32, or length + 8 - offset when the part reaches the end.
  PreimagePart part;
  part.length = 32;
  if (offset + 32 >= length + 8) part.length = length + 8 - offset;
  // The part: BE u64 length ‖ data, from offset, zero padded.
  for (uint64_t i = 0; i < 32; ++i) {
    const uint64_t pos = offset + i;
    if (pos < 8) part.data[i] = static_cast<uint8_t>(length >> (8 * (7 - pos)));
    else if (pos < length + 8) part.data[i] = data[pos - 8];
  }
  return part;
}

}  // namespace fpvm::mips64
