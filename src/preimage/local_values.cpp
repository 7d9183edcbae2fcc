#include "preimage/local_values.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/go_uint.hpp"
#include "common/hex.hpp"

namespace fpvm::preimage {

void addLocalArgument(LocalValues& out, const std::string& arg) {
  size_t eq = arg.find('=');
  uint64_t index;
  if (eq == std::string::npos || !parseGoUint(arg.substr(0, eq), index))
    throw Error("invalid local value \"" + arg + "\" (expected INDEX=HEX)");
  out[index] = fromHex(arg.substr(eq + 1), "local value " + arg.substr(0, eq));
}

void addLocalJson(LocalValues& out, const std::string& text, const std::string& what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(what + ": malformed JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(what + ": local values must be a JSON object of index -> value");
  for (auto it = j.begin(); it != j.end(); ++it) {
    uint64_t index;
    if (!parseGoUint(it.key(), index)) throw Error(what + ": invalid local index \"" + it.key() + "\"");
    if (it->is_string()) {
      out[index] = fromHex(it->get<std::string>(), what + ": local " + it.key());
    } else if (it->is_number_unsigned()) {
      Bytes b(8);
      putBE64(b.data(), it->get<uint64_t>());
      out[index] = b;
    } else {
      throw Error(what + ": local " + it.key() + " must be a hex string or a non-negative number");
    }
  }
}

}  // namespace fpvm::preimage
