#pragma once
/// The pre-image oracle contract as MIPS64.sol calls it (PreimageOracle.sol readPreimage and
/// PreimageKeyLib.localize, docs/spec/cannon-mt64.md §4.4, §7.2): what the stateless verifier
/// needs to check a read(fd 5) step.
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "common/bytes.hpp"

namespace fpvm::mips64 {

/// A 20-byte account address (msg.sender of the step call, which localises local keys).
using Address = std::array<uint8_t, 20>;

/// One part as readPreimage returns it: 32 bytes and the number of valid bytes.
struct PreimagePart {
  Hash32 data;
  uint64_t length = 0;
};

/// The oracle contract: readPreimage(key, offset).
class PartOracle {
 public:
  virtual ~PartOracle() = default;
  /// The part of `key` (as the contract passes it: local keys already localised) at `offset`,
  /// or nullopt when it was never loaded (the call reverts "pre-image must exist").
  virtual std::optional<PreimagePart> readPreimage(const Hash32& key, uint64_t offset) = 0;
};

/// PreimageKeyLib.localize: H(key ‖ bytes32(caller) ‖ localContext) with byte 0 set to 1.
Hash32 localizeKey(const Hash32& key, const Address& caller, const Hash32& localContext);

/// An oracle holding whole pre-images with every in-range part loaded (offsets below len + 8),
/// as op-challenger prepares it before calling step. Like the contract, it serves only what its
/// load functions can load: keys of type 1 (local, at most 32 bytes), 2, 4, 5 and 6.
class PreimagePartStore final : public PartOracle {
 public:
  /// Stores `data` under `key` exactly as given (global keys, or a key already localised).
  void add(const Hash32& key, ByteView data);
  /// Stores `data` under the key the contract will use for the raw `key` read by the VM: the
  /// localised key for a local (type 1) key, `key` itself otherwise.
  void addForStep(const Hash32& key, ByteView data, const Address& caller, const Hash32& localContext);

  std::optional<PreimagePart> readPreimage(const Hash32& key, uint64_t offset) override;

 private:
  std::map<std::array<uint8_t, 32>, Bytes> preimages_;
};

}  // namespace fpvm::mips64
