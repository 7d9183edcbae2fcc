// The program symbols the unwinder names frames with, from an ELF file or a meta.json file.
#include "common/error.hpp"
#include "debuginfo/unwinder.hpp"
#include "image/elf_file.hpp"
#include "image/symbols.hpp"
#include "mips64/metadata.hpp"

namespace fpvm::debuginfo {

namespace {

constexpr size_t kElfMachineOffset = 18;
constexpr uint16_t kEmMips = 8;

}  // namespace

std::vector<CodeSymbol> symbolsOf(const mips64::Metadata& meta) {
  std::vector<CodeSymbol> out;
  out.reserve(meta.symbols().size());
  for (const mips64::Symbol& s : meta.symbols()) out.push_back(CodeSymbol{s.name, s.start, s.size});
  return out;
}

std::vector<CodeSymbol> symbolsOf(const image::SymbolTable& symbols) {
  std::vector<CodeSymbol> out;
  out.reserve(symbols.symbols().size());
  for (const image::ElfSymbol& s : symbols.symbols()) out.push_back(CodeSymbol{s.name, s.value, s.size});
  return out;
}

std::vector<CodeSymbol> symbolsOfElf(ByteView elf, const std::string& what) {
  if (elf.size() > kElfMachineOffset + 1 && elf[5] == 2 && getBE32(elf.data() + kElfMachineOffset) >> 16 == kEmMips) {
    try {
      return symbolsOf(mips64::Metadata::fromElf(elf));
    } catch (const Error& e) {
      throw Error(what + ": " + e.what());
    }
  }
  const image::ElfFile file = image::parseElf(Bytes(elf.begin(), elf.end()), what);
  std::vector<CodeSymbol> out;
  out.reserve(file.symbols.size());
  for (const image::ElfSymbol& s : file.symbols) out.push_back(CodeSymbol{s.name, s.value, s.size});
  return out;
}

std::vector<CodeSymbol> symbolsOfMetaJson(const std::string& text, const std::string& what) {
  return symbolsOf(mips64::Metadata::fromJson(text, what));  // both machines' meta.json list name, start, size
}

}  // namespace fpvm::debuginfo
