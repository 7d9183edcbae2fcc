#pragma once
/// Program metadata (docs/spec/cannon-mt64.md §8.2, Cannon's program/metadata.go): the ELF symbol
/// table as `meta.json`, and address-to-symbol lookup for progress lines and tracebacks.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::mips64 {

/// One symbol of meta.json.
struct Symbol {
  std::string name;
  uint64_t start = 0;
  uint64_t size = 0;
  friend bool operator==(const Symbol&, const Symbol&) = default;
};

/// Symbols sorted by start address.
class Metadata {
 public:
  Metadata() = default;
  /// Takes `symbols` and sorts them by start (stable; Go's unstable sort leaves equal starts in
  /// an unspecified order, so any order of those is Cannon-compatible).
  explicit Metadata(std::vector<Symbol> symbols);

  /// MakeMetadata: the symbols of the ELF's symbol table (SHT_SYMTAB, without the null entry).
  /// Throws Error "failed to load symbols table: no symbol section" when the ELF has none.
  static Metadata fromElf(ByteView elf);
  /// Parses meta.json; throws Error naming `what` when malformed.
  static Metadata fromJson(const std::string& text, const std::string& what);
  /// The meta.json text, as Cannon writes it (jsonutil: indented, two trailing newlines).
  std::string toJson() const;

  /// LookupSymbol: "!unknown" without symbols, "!start" before the first one, "!gap" after the end
  /// of the covering symbol, else its name.
  std::string lookup(uint64_t addr) const;
  const std::vector<Symbol>& symbols() const { return symbols_; }
  bool empty() const { return symbols_.empty(); }

 private:
  std::vector<Symbol> symbols_;
};

}  // namespace fpvm::mips64
