#include "image/elf_file.hpp"

#include <cstring>

#include "common/error.hpp"

namespace fpvm::image {
namespace {

struct Reader {
  const Bytes& b;
  const std::string& what;
  uint16_t u16(uint64_t off) const {
    need(off, 2);
    return static_cast<uint16_t>(getLE(b.data() + off, 2));
  }
  uint32_t u32(uint64_t off) const {
    need(off, 4);
    return static_cast<uint32_t>(getLE(b.data() + off, 4));
  }
  uint64_t u64(uint64_t off) const {
    need(off, 8);
    return getLE(b.data() + off, 8);
  }
  void need(uint64_t off, uint64_t len) const {
    if (off > b.size() || len > b.size() - off)
      throw Error(what + ": truncated ELF file (need bytes up to offset " + std::to_string(off + len) + ", file has " +
                  std::to_string(b.size()) + ")");
  }
};

constexpr uint32_t kShtSymtab = 2;
constexpr size_t kEhdrSize = 64, kPhdrSize = 56, kShdrSize = 64, kSymSize = 24;
constexpr size_t kMaxNameLength = 1 << 16;

}  // namespace

ElfFile parseElf(Bytes image, const std::string& what) {
  ElfFile elf;
  elf.image = std::move(image);
  const Bytes& b = elf.image;
  Reader r{b, what};
  if (b.size() < 4 || std::memcmp(b.data(),
                                  "\x7f"
                                  "ELF",
                                  4) != 0)
    throw Error(what + ": not an ELF file (bad magic)");
  if (b.size() < kEhdrSize) throw Error(what + ": truncated ELF header");
  if (b[4] != 2) throw Error(what + ": not a 64-bit ELF file (EI_CLASS=" + std::to_string(b[4]) + ")");
  if (b[5] != 1) throw Error(what + ": not a little-endian ELF file");
  uint16_t machine = r.u16(18);
  if (machine != kEmRiscv)
    throw Error(what + ": not a RISC-V ELF file (e_machine=" + std::to_string(machine) + ", expected 243)");
  elf.entry = r.u64(24);
  uint64_t phoff = r.u64(32), shoff = r.u64(40);
  uint16_t phentsize = r.u16(54), phnum = r.u16(56), shentsize = r.u16(58), shnum = r.u16(60);
  if (phnum > 0 && phentsize != kPhdrSize) throw Error(what + ": unexpected program header size " + std::to_string(phentsize));
  r.need(phoff, uint64_t(phnum) * kPhdrSize);
  for (unsigned i = 0; i < phnum; ++i) {
    uint64_t p = phoff + uint64_t(i) * kPhdrSize;
    ElfSegment s;
    s.type = r.u32(p);
    s.offset = r.u64(p + 8);
    s.vaddr = r.u64(p + 16);
    s.filesz = r.u64(p + 32);
    s.memsz = r.u64(p + 40);
    if (s.type != kPtRiscvAttributes && s.filesz > 0 && (s.offset > b.size() || s.filesz > b.size() - s.offset))
      throw Error(what + ": program segment " + std::to_string(i) + " extends past the end of the file");
    elf.segments.push_back(s);
  }
  // Sections: only the symbol table and its string table are read.
  if (shnum > 0) {
    if (shentsize != kShdrSize) throw Error(what + ": unexpected section header size " + std::to_string(shentsize));
    r.need(shoff, uint64_t(shnum) * kShdrSize);
    for (unsigned i = 0; i < shnum; ++i) {
      uint64_t sh = shoff + uint64_t(i) * kShdrSize;
      if (r.u32(sh + 4) != kShtSymtab) continue;
      elf.hasSymbolTable = true;
      uint64_t symOff = r.u64(sh + 24), symSize = r.u64(sh + 32);
      uint32_t link = r.u32(sh + 40);
      if (link >= shnum) throw Error(what + ": symbol table links to a missing string table");
      uint64_t strSh = shoff + uint64_t(link) * kShdrSize;
      uint64_t strOff = r.u64(strSh + 24), strSize = r.u64(strSh + 32);
      r.need(symOff, symSize);
      r.need(strOff, strSize);
      for (uint64_t k = 1; k < symSize / kSymSize; ++k) {  // entry 0 is the null symbol
        uint64_t e = symOff + k * kSymSize;
        uint32_t nameOff = r.u32(e);
        ElfSymbol sym;
        sym.value = r.u64(e + 8);
        sym.size = r.u64(e + 16);
        if (nameOff >= strSize) throw Error(what + ": symbol " + std::to_string(k) + " has a name outside the string table");
        const char* start = reinterpret_cast<const char*>(b.data() + strOff + nameOff);
        size_t maxLen = static_cast<size_t>(std::min<uint64_t>(strSize - nameOff, kMaxNameLength));
        size_t len = strnlen(start, maxLen);
        if (len == maxLen) throw Error(what + ": symbol " + std::to_string(k) + " has an unterminated name");
        sym.name.assign(start, len);
        elf.symbols.push_back(std::move(sym));
      }
      break;
    }
  }
  return elf;
}

}  // namespace fpvm::image
