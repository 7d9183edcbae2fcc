#pragma once
/// Bounds-checked reads of an ELF file's integers in its own class (32/64-bit) and byte order:
/// what the MT64 ELF loader and the symbol reader share (Cannon accepts any EM_MIPS ELF, spec §9.1).
#include <cstdint>
#include <cstring>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"

namespace fpvm::mips64 {

/// Reads integers of an ELF file in its class and byte order. Every read past the end throws
/// Error("ELF file is truncated").
class ElfReader {
 public:
  /// Checks the magic, the class and the data encoding.
  explicit ElfReader(ByteView data) : data_(data) {
    if (data.size() < 16 || std::memcmp(data.data(),
                                        "\x7f"
                                        "ELF",
                                        4) != 0)
      throw Error("not an ELF file");
    if (data[4] != 1 && data[4] != 2) throw Error("ELF class " + std::to_string(data[4]) + " is not supported");
    if (data[5] != 1 && data[5] != 2) throw Error("ELF data encoding " + std::to_string(data[5]) + " is not supported");
    is64_ = data[4] == 2;
    bigEndian_ = data[5] == 2;
  }
  /// True for ELFCLASS64.
  bool is64() const { return is64_; }
  /// The `size`-byte integer at `offset`.
  uint64_t u(uint64_t offset, unsigned size) const {
    if (offset > data_.size() || size > data_.size() - offset) throw Error("ELF file is truncated");
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
      const uint64_t b = data_[offset + i];
      v |= bigEndian_ ? b << (8 * (size - 1 - i)) : b << (8 * i);
    }
    return v;
  }
  /// A native-size field (4 bytes in ELF32, 8 in ELF64).
  uint64_t addr(uint64_t offset) const { return u(offset, is64_ ? 8 : 4); }
  /// `size` raw bytes at `offset`.
  ByteView bytes(uint64_t offset, uint64_t size) const {
    if (offset > data_.size() || size > data_.size() - offset) throw Error("ELF file is truncated");
    return data_.subspan(offset, size);
  }

 private:
  ByteView data_;
  bool is64_ = true;
  bool bigEndian_ = true;
};

}  // namespace fpvm::mips64
