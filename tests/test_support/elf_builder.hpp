#pragma once
/// Builds small ELF64 little-endian RISC-V executables in memory for tests and fuzz seeds:
/// program headers with their bytes, and optionally a symbol table (SHT_SYMTAB + SHT_STRTAB).
/// Layout: ELF header | program headers | segment bytes | .strtab | .symtab | section headers.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::test {

class ElfBuilder {
 public:
  struct Segment {
    uint32_t type = 1;  // PT_LOAD
    uint64_t vaddr = 0;
    Bytes data;
    uint64_t memsz = 0;  // < data.size() means "same as data.size()"
  };

  uint64_t entry = 0x10000;
  uint16_t machine = 243;  // EM_RISCV
  std::vector<Segment> segments;
  std::vector<std::pair<std::string, uint64_t>> symbols;  // name, value (size 0)
  bool withSymbolTable = true;

  ElfBuilder& segment(uint64_t vaddr, Bytes data, uint64_t memsz = 0, uint32_t type = 1) {
    segments.push_back(Segment{type, vaddr, std::move(data), memsz});
    return *this;
  }
  ElfBuilder& symbol(std::string name, uint64_t value) {
    symbols.emplace_back(std::move(name), value);
    return *this;
  }

  /// Offset of program header `i` in the built file (for tests that corrupt fields).
  static constexpr size_t phdrOffset(size_t i) { return 64 + 56 * i; }

  Bytes build() const {
    Bytes out(64 + 56 * segments.size(), 0);
    // e_ident
    out[0] = 0x7f;
    out[1] = 'E';
    out[2] = 'L';
    out[3] = 'F';
    out[4] = 2;  // ELFCLASS64
    out[5] = 1;  // ELFDATA2LSB
    out[6] = 1;  // EV_CURRENT
    put16(out, 16, 2);  // ET_EXEC
    put16(out, 18, machine);
    put32(out, 20, 1);
    put64(out, 24, entry);
    put64(out, 32, 64);  // e_phoff
    put16(out, 52, 64);  // e_ehsize
    put16(out, 54, 56);  // e_phentsize
    put16(out, 56, static_cast<uint16_t>(segments.size()));
    put16(out, 58, 64);  // e_shentsize
    for (size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = segments[i];
      const size_t ph = phdrOffset(i);
      const uint64_t off = out.size();
      out.insert(out.end(), s.data.begin(), s.data.end());
      put32(out, ph, s.type);
      put32(out, ph + 4, 7);  // RWX
      put64(out, ph + 8, s.data.empty() ? 0 : off);
      put64(out, ph + 16, s.vaddr);
      put64(out, ph + 24, s.vaddr);
      put64(out, ph + 32, s.data.size());
      put64(out, ph + 40, s.memsz < s.data.size() ? s.data.size() : s.memsz);
      put64(out, ph + 48, 0x1000);
    }
    if (withSymbolTable) {
      Bytes strtab(1, 0);
      Bytes symtab(24, 0);  // the null symbol
      for (const auto& [name, value] : symbols) {
        Bytes sym(24, 0);
        put32(sym, 0, static_cast<uint32_t>(strtab.size()));
        sym[4] = 0x10;  // STB_GLOBAL, STT_NOTYPE
        put16(sym, 6, 1);
        put64(sym, 8, value);
        symtab.insert(symtab.end(), sym.begin(), sym.end());
        strtab.insert(strtab.end(), name.begin(), name.end());
        strtab.push_back(0);
      }
      const uint64_t strOff = out.size();
      out.insert(out.end(), strtab.begin(), strtab.end());
      while (out.size() % 8) out.push_back(0);
      const uint64_t symOff = out.size();
      out.insert(out.end(), symtab.begin(), symtab.end());
      const uint64_t shOff = out.size();
      out.resize(out.size() + 3 * 64, 0);
      // [1] .symtab: type 2, link 2 (the string table), entsize 24
      put32(out, shOff + 64 + 4, 2);
      put64(out, shOff + 64 + 24, symOff);
      put64(out, shOff + 64 + 32, symtab.size());
      put32(out, shOff + 64 + 40, 2);
      put32(out, shOff + 64 + 44, 1);
      put64(out, shOff + 64 + 56, 24);
      // [2] .strtab: type 3
      put32(out, shOff + 128 + 4, 3);
      put64(out, shOff + 128 + 24, strOff);
      put64(out, shOff + 128 + 32, strtab.size());
      put64(out, 40, shOff);  // e_shoff
      put16(out, 60, 3);      // e_shnum
    }
    return out;
  }

  static void put16(Bytes& b, size_t at, uint16_t v) { putLE(b.data() + at, v, 2); }
  static void put32(Bytes& b, size_t at, uint32_t v) { putLE(b.data() + at, v, 4); }
  static void put64(Bytes& b, size_t at, uint64_t v) { putLE(b.data() + at, v, 8); }
};

}  // namespace fpvm::test
