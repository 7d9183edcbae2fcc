#include "image/symbols.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace fpvm::image {

SymbolTable::SymbolTable(std::vector<ElfSymbol> symbols) : symbols_(std::move(symbols)) {
  std::stable_sort(symbols_.begin(), symbols_.end(), [](const ElfSymbol& a, const ElfSymbol& b) { return a.value < b.value; });
}

std::string SymbolTable::lookup(uint64_t addr) const {
  if (symbols_.empty()) return "!unknown";
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr, [](uint64_t a, const ElfSymbol& s) { return a < s.value; });
  if (it == symbols_.begin()) return "!start";
  const ElfSymbol& s = *(it - 1);
  if (s.value + s.size < addr) return "!gap";
  return s.name;
}

std::string SymbolTable::toJson() const {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const ElfSymbol& s : symbols_) arr.push_back({{"name", s.name}, {"start", s.value}, {"size", s.size}});
  nlohmann::ordered_json doc;
  doc["symbols"] = std::move(arr);
  return doc.dump() + "\n";
}

SymbolTable SymbolTable::fromJson(const std::string& text, const std::string& what) {
  try {
    auto doc = nlohmann::json::parse(text);
    std::vector<ElfSymbol> out;
    if (doc.contains("symbols") && !doc["symbols"].is_null()) {
      for (const auto& e : doc.at("symbols")) {
        ElfSymbol s;
        s.name = e.value("name", std::string());
        s.value = e.value("start", uint64_t(0));
        s.size = e.value("size", uint64_t(0));
        out.push_back(std::move(s));
      }
    }
    return SymbolTable(std::move(out));
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": malformed metadata file: " + e.what());
  }
}

}  // namespace fpvm::image
