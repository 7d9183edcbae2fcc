#pragma once
/// Symbol metadata (`meta.json`, spec §7.2) and address-to-symbol lookup for logs and errors.
#include <string>
#include <vector>

#include "image/elf_file.hpp"
#include "vm/revert_message.hpp"

namespace fpvm::image {

/// Symbols sorted by start address.
class SymbolTable final : public vm::Symbolizer {
 public:
  SymbolTable() = default;
  /// Takes the symbols of an ELF file (sorted stably by start).
  explicit SymbolTable(std::vector<ElfSymbol> symbols);
  /// Name of the symbol covering `addr`: the last symbol with start <= addr; "!start" when none,
  /// "!gap" when addr > start + size, "!unknown" when the table is empty.
  std::string lookup(uint64_t addr) const override;
  /// The meta.json document.
  std::string toJson() const;
  /// Parses meta.json; throws Error naming `what` on malformed content.
  static SymbolTable fromJson(const std::string& text, const std::string& what);
  bool empty() const override { return symbols_.empty(); }
  /// The symbols, sorted by start.
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }

 private:
  std::vector<ElfSymbol> symbols_;
};

}  // namespace fpvm::image
