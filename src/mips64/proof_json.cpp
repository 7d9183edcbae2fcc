#include "mips64/proof_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "mips64/go_json.hpp"

namespace fpvm::mips64 {

std::string encodeProofJson(const StepProof& p) {
  nlohmann::ordered_json doc;
  doc["step"] = p.step;
  doc["pre"] = toHex(p.pre);
  doc["post"] = toHex(p.post);
  doc["state-data"] = toHex(ByteView(p.stateData.data(), p.stateData.size()));
  doc["proof-data"] = toHex(p.proofData);
  if (p.oracleKey) {
    doc["oracle-key"] = toHex(*p.oracleKey);
    if (!p.oracleValue.empty()) doc["oracle-value"] = toHex(p.oracleValue);
    if (p.oracleOffset != 0) doc["oracle-offset"] = p.oracleOffset;
  }
  return goJsonText(doc);
}

StepProof decodeProofJson(const std::string& text, const std::string& what) {
  StepProof p;
  try {
    const auto doc = nlohmann::json::parse(text);
    if (!doc.is_object()) throw Error(what + ": proof is not a JSON object");
    auto hexField = [&](const char* key) -> Bytes {
      if (!doc.contains(key)) return {};
      if (!doc[key].is_string()) throw Error(what + ": field \"" + key + "\" must be a hex string");
      const std::string s = doc[key].get<std::string>();
      if (s.rfind("0x", 0) != 0) throw Error(what + ": field \"" + key + "\" lacks the 0x prefix");
      return fromHex(s, what + ": " + key);
    };
    p.step = doc.value("step", uint64_t(0));
    const Bytes pre = hexField("pre"), post = hexField("post"), state = hexField("state-data");
    if (pre.size() != 32 || post.size() != 32) throw Error(what + ": pre and post must be 32-byte hashes");
    std::copy(pre.begin(), pre.end(), p.pre.data());
    std::copy(post.begin(), post.end(), p.post.data());
    if (state.size() != kWitnessSize)
      throw Error(what + ": state-data has " + std::to_string(state.size()) + " bytes, expected 188");
    std::copy(state.begin(), state.end(), p.stateData.begin());
    p.proofData = hexField("proof-data");
    if (doc.contains("oracle-key")) {
      const Bytes key = hexField("oracle-key");
      if (key.size() != 32) throw Error(what + ": oracle-key must be 32 bytes");
      Hash32 k;
      std::copy(key.begin(), key.end(), k.data());
      p.oracleKey = k;
    }
    p.oracleValue = hexField("oracle-value");
    p.oracleOffset = doc.value("oracle-offset", uint64_t(0));
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": malformed proof file: " + e.what());
  }
  return p;
}

}  // namespace fpvm::mips64
