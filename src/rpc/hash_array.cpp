#include "rpc/hash_array.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::rpc {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skipSpace(std::string_view t, size_t i) {
  while (i < t.size() && isSpace(t[i])) ++i;
  return i;
}

/// Parses the array starting at t[i] == '['; returns the offset just past its ']'.
size_t parseArrayAt(std::string_view t, size_t i, const std::string& what, std::vector<Hash32>& out) {
  if (i >= t.size() || t[i] != '[') throw Error(what + ": expected a JSON array of hashes at offset " + std::to_string(i));
  i = skipSpace(t, i + 1);
  if (i < t.size() && t[i] == ']') return i + 1;
  // Entries in the server's layout are 69 bytes apart; reserving from that avoids regrowth.
  out.reserve(out.size() + (t.size() - i) / 69 + 1);
  for (;;) {
    const size_t index = out.size();
    if (i + 68 > t.size() || t[i] != '"' || t[i + 1] != '0' || (t[i + 2] != 'x' && t[i + 2] != 'X') || t[i + 67] != '"')
      throw Error(what + ": entry " + std::to_string(index) + " (offset " + std::to_string(i) +
                  ") is not a quoted 0x-prefixed 32-byte hex hash");
    Hash32 h;
    for (int k = 0; k < 32; ++k) {
      const int hi = hexDigitValue(t[i + 3 + 2 * k]), lo = hexDigitValue(t[i + 4 + 2 * k]);
      if (hi < 0 || lo < 0) throw Error(what + ": entry " + std::to_string(index) + " has a non-hex character");
      h[k] = static_cast<uint8_t>(hi << 4 | lo);
    }
    out.push_back(h);
    i = skipSpace(t, i + 68);
    if (i < t.size() && t[i] == ',') {
      i = skipSpace(t, i + 1);
      continue;
    }
    if (i < t.size() && t[i] == ']') return i + 1;
    throw Error(what + ": expected ',' or ']' after entry " + std::to_string(index) + " (offset " + std::to_string(i) + ")");
  }
}

}  // namespace

std::vector<Hash32> parseHashArray(std::string_view text, const std::string& what) {
  std::vector<Hash32> out;
  size_t end = parseArrayAt(text, skipSpace(text, 0), what, out);
  if (skipSpace(text, end) != text.size())
    throw Error(what + ": unexpected text after the array (offset " + std::to_string(end) + ")");
  return out;
}

std::vector<Hash32> parseHashArrayResponse(std::string_view text, const std::string& what) {
  // A result array holds only hex strings, so "result" can only occur as the envelope's key.
  const size_t key = text.find("\"result\"");
  if (key == std::string_view::npos) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
      throw Error(what + ": malformed JSON-RPC answer: " + e.what());
    }
    if (j.is_object() && j.contains("error")) throw rpc::RpcError::fromAnswer(j["error"]);
    throw Error(what + ": JSON-RPC answer without result");
  }
  size_t i = skipSpace(text, key + 8);
  if (i >= text.size() || text[i] != ':') throw Error(what + ": malformed JSON-RPC answer (no ':' after \"result\")");
  i = skipSpace(text, i + 1);
  std::vector<Hash32> out;
  i = skipSpace(text, parseArrayAt(text, i, what, out));
  if (i >= text.size() || (text[i] != ',' && text[i] != '}')) throw Error(what + ": malformed JSON-RPC answer after the result");
  return out;
}

}  // namespace fpvm::rpc
