#include "common/go_uint.hpp"

namespace fpvm {

bool parseGoUint(const std::string& text, uint64_t& out) {
  std::string s = text;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  if (s.empty()) return false;
  unsigned base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      s.erase(0, 2);
      prefixed = true;
    } else if (p == 'o') {
      base = 8;
      s.erase(0, 2);
      prefixed = true;
    } else if (p == 'b') {
      base = 2;
      s.erase(0, 2);
      prefixed = true;
    } else {
      base = 8;
      s.erase(0, 1);
      prefixed = true;
    }
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  bool lastUnderscore = prefixed;  // Go allows "0x_1f" but not "1__0" or a trailing '_'
  bool anyDigit = false;
  for (char c : s) {
    if (c == '_') {
      if (lastUnderscore && anyDigit) return false;
      lastUnderscore = true;
      continue;
    }
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = unsigned((c | 0x20) - 'a' + 10);
    else return false;
    if (d >= base) return false;
    if (v > (~uint64_t(0) - d) / base) return false;
    v = v * base + d;
    anyDigit = true;
    lastUnderscore = false;
  }
  if (!anyDigit || (lastUnderscore && s.back() == '_')) return false;
  out = v;
  return true;
}

}  // namespace fpvm
