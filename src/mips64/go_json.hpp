#pragma once
/// JSON text as Cannon's Go tools write their files (op-service/jsonutil.WriteJSON): two-space
/// indent, no HTML escaping, a newline after the value and one more after it.
#include <nlohmann/json.hpp>
#include <string>

namespace fpvm::mips64 {

/// The file text of `doc`: 2-space indented, invalid UTF-8 replaced by U+FFFD (as Go does), "\n\n".
inline std::string goJsonText(const nlohmann::ordered_json& doc) {
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n\n";
}

/// go-ethereum hexutil.Uint64: "0x" and lowercase hex digits without leading zeros ("0x0").
std::string hexQuantity(uint64_t v);

}  // namespace fpvm::mips64
