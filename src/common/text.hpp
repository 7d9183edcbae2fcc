#pragma once
/// Small text formatting shared by the human and machine reports (`fpvm test`, `fpvm profile`).
#include <cstdint>
#include <string>
#include <string_view>

namespace fpvm {

/// 3790040 → "3,790,040".
std::string withCommas(uint64_t v);
/// `text` escaped for XML character data and attribute values (& < > " '); control characters
/// XML 1.0 does not allow (all below 0x20 but tab, line feed, carriage return) become '?'.
std::string xmlEscape(std::string_view text);

}  // namespace fpvm
