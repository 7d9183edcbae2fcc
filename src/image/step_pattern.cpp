#include "image/step_pattern.hpp"

#include "common/error.hpp"
#include "common/go_uint.hpp"

namespace fpvm::image {

StepPattern StepPattern::parse(const std::string& text, const std::string& flag) {
  StepPattern p;
  if (text.empty() || text == "never") return p;
  if (text == "always") {
    p.kind_ = Kind::Always;
    return p;
  }
  if (text[0] == '=' || text[0] == '%') {
    uint64_t n;
    if (!parseGoUint(text.substr(1), n)) throw Error("invalid step pattern for " + flag + ": \"" + text + "\" (bad number)");
    if (text[0] == '%' && n == 0) throw Error("invalid step pattern for " + flag + ": \"%0\" (modulus must be positive)");
    p.kind_ = text[0] == '=' ? Kind::Equal : Kind::Every;
    p.n_ = n;
    return p;
  }
  throw Error("invalid step pattern for " + flag + ": \"" + text + "\" (expected never, always, =N or %N)");
}

std::string formatStepPath(const std::string& pattern, uint64_t step) {
  std::string out;
  bool used = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 'd') {
        out += std::to_string(step);
        used = true;
        ++i;
        continue;
      }
      if (pattern[i + 1] == '%') {
        out += '%';
        ++i;
        continue;
      }
    }
    out += pattern[i];
  }
  if (!used) out += "%!(EXTRA uint64=" + std::to_string(step) + ")";
  return out;
}

}  // namespace fpvm::image
