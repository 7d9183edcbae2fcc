#pragma once
/// A whole file mapped read-only into memory: a large state file is read without copying it into a
/// buffer first (the mapping shares the kernel's page cache and is populated in one call).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.hpp"

namespace fpvm {

/// The bytes of a file, mapped for reading while the object lives (a pipe or device is read).
/// The file must not shrink while it is mapped (fpvm replaces files by renaming, never by
/// truncating them in place).
class MappedFile {
 public:
  /// Maps the file at `path`; throws Error naming the path when it cannot be opened, is a
  /// directory or cannot be mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  ByteView bytes() const { return ByteView(data_, size_); }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;
  Bytes owned_;  ///< the contents of a file that is not a regular one (a pipe), read instead
};

}  // namespace fpvm
