#pragma once
/// Preimages from a directory in op-program's format: one file `0x<64 hex key>.txt` per key,
/// holding the value as hex.
#include <optional>
#include <string>

#include "common/bytes.hpp"

namespace fpvm::preimage {

/// Reads preimages from a directory (and writes them, for hosts that prepare data).
class DataDirSource {
 public:
  explicit DataDirSource(std::string dir);
  /// The value for `key`, or nullopt when its file does not exist. Throws Error on a corrupt file.
  std::optional<Bytes> get(const Hash32& key) const;
  /// Stores a value atomically.
  void put(const Hash32& key, ByteView value) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string pathOf(const Hash32& key) const;
  std::string dir_;
};

}  // namespace fpvm::preimage
