#include "mips64/metadata.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "mips64/elf_reader.hpp"
#include "mips64/go_json.hpp"

namespace fpvm::mips64 {

namespace {

constexpr uint32_t kShtSymtab = 2;
constexpr size_t kMaxNameLength = 1 << 16;

/// Section header fields of ELF32/ELF64.
struct Section {
  uint32_t type = 0;
  uint64_t offset = 0, size = 0;
  uint32_t link = 0;
};

Section sectionAt(const ElfReader& r, uint64_t at) {
  Section s;
  s.type = static_cast<uint32_t>(r.u(at + 4, 4));
  if (r.is64()) {
    s.offset = r.u(at + 24, 8);
    s.size = r.u(at + 32, 8);
    s.link = static_cast<uint32_t>(r.u(at + 40, 4));
  } else {
    s.offset = r.u(at + 16, 4);
    s.size = r.u(at + 20, 4);
    s.link = static_cast<uint32_t>(r.u(at + 24, 4));
  }
  return s;
}

}  // namespace

Metadata::Metadata(std::vector<Symbol> symbols) : symbols_(std::move(symbols)) {
  std::stable_sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) { return a.start < b.start; });
}

Metadata Metadata::fromElf(ByteView elf) {
  const ElfReader r(elf);
  const uint64_t shoff = r.is64() ? r.u(40, 8) : r.u(32, 4);
  const uint64_t shentsize = r.is64() ? r.u(58, 2) : r.u(46, 2);
  const uint64_t shnum = r.is64() ? r.u(60, 2) : r.u(48, 2);
  const uint64_t minEntry = r.is64() ? 64 : 40;
  if (shnum > 0 && shentsize < minEntry) throw Error("ELF section header entries are too small");
  for (uint64_t i = 0; i < shnum; ++i) {
    const Section sym = sectionAt(r, shoff + i * shentsize);
    if (sym.type != kShtSymtab) continue;
    if (sym.link >= shnum) throw Error("failed to load symbols table: the symbol table links to a missing string table");
    const Section str = sectionAt(r, shoff + uint64_t(sym.link) * shentsize);
    const ByteView strings = r.bytes(str.offset, str.size);
    const uint64_t entSize = r.is64() ? 24 : 16;
    std::vector<Symbol> out;
    for (uint64_t k = 1; k < sym.size / entSize; ++k) {  // entry 0 is the null symbol
      const uint64_t e = sym.offset + k * entSize;
      const uint64_t nameOff = r.u(e, 4);
      Symbol s;
      s.start = r.is64() ? r.u(e + 8, 8) : r.u(e + 4, 4);
      s.size = r.is64() ? r.u(e + 16, 8) : r.u(e + 8, 4);
      if (nameOff > strings.size()) throw Error("failed to load symbols table: a symbol name is outside the string table");
      const char* name = reinterpret_cast<const char*>(strings.data() + nameOff);
      s.name.assign(name, strnlen(name, std::min<size_t>(strings.size() - nameOff, kMaxNameLength)));
      out.push_back(std::move(s));
    }
    return Metadata(std::move(out));
  }
  throw Error("failed to load symbols table: no symbol section");
}

Metadata Metadata::fromJson(const std::string& text, const std::string& what) {
  try {
    const auto doc = nlohmann::json::parse(text);
    std::vector<Symbol> out;
    if (!doc.is_object()) throw Error(what + ": metadata is not a JSON object");
    if (doc.contains("symbols") && !doc["symbols"].is_null()) {
      for (const auto& e : doc.at("symbols")) {
        Symbol s;
        s.name = e.value("name", std::string());
        s.start = e.value("start", uint64_t(0));
        s.size = e.value("size", uint64_t(0));
        out.push_back(std::move(s));
      }
    }
    return Metadata(std::move(out));
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": malformed metadata file: " + e.what());
  }
}

std::string Metadata::toJson() const {
  nlohmann::ordered_json symbols = nlohmann::ordered_json::array();
  for (const Symbol& s : symbols_) symbols.push_back({{"name", s.name}, {"start", s.start}, {"size", s.size}});
  nlohmann::ordered_json doc;
  doc["symbols"] = std::move(symbols);
  return goJsonText(doc);
}

std::string Metadata::lookup(uint64_t addr) const {
  if (symbols_.empty()) return "!unknown";
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr, [](uint64_t a, const Symbol& s) { return a < s.start; });
  if (it == symbols_.begin()) return "!start";
  const Symbol& s = *(it - 1);
  if (s.start + s.size < addr) return "!gap";
  return s.name;
}

}  // namespace fpvm::mips64
