#pragma once
/// A bounds-checked reader for 64-bit little-endian RISC-V ELF files: program headers and the
/// symbol table, nothing else. Every malformed input is an Error naming the problem.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::image {

/// One program header.
struct ElfSegment {
  uint32_t type = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
};

/// One symbol-table entry (index 0, the null symbol, is not included).
struct ElfSymbol {
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
};

/// A parsed ELF file. The raw bytes are kept for segment contents.
struct ElfFile {
  Bytes image;
  uint64_t entry = 0;
  std::vector<ElfSegment> segments;
  /// True when the file has a SHT_SYMTAB section.
  bool hasSymbolTable = false;
  std::vector<ElfSymbol> symbols;

  /// The file bytes of a segment (filesz bytes from offset). An empty segment's offset is not
  /// checked by the parser, so it is never added to the image pointer.
  ByteView segmentBytes(const ElfSegment& s) const {
    return s.filesz == 0 ? ByteView() : ByteView(image.data() + s.offset, s.filesz);
  }
};

inline constexpr uint16_t kEmRiscv = 243;
inline constexpr uint32_t kPtLoad = 1;
inline constexpr uint32_t kPtRiscvAttributes = 0x70000003;

/// Parses `image`; `what` names the file in error messages. Rejects anything but ELF64 LE RISC-V.
ElfFile parseElf(Bytes image, const std::string& what);

}  // namespace fpvm::image
