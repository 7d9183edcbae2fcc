#include "mips64/go_json.hpp"

namespace fpvm::mips64 {

std::string hexQuantity(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

}  // namespace fpvm::mips64
