#include "proof/proof_json.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace fpvm::proof {

std::string encodeProofJson(const vm::StepProof& p) {
  nlohmann::ordered_json j;
  j["step"] = p.step;
  j["pre"] = toHex(p.pre);
  j["post"] = toHex(p.post);
  j["state-data"] = toHex(ByteView(p.stateData));
  j["proof-data"] = toHex(ByteView(p.proofData));
  if (p.oracleKey) {
    j["oracle-key"] = toHex(*p.oracleKey);
    j["oracle-value"] = toHex(ByteView(p.oracleValue));
    if (p.oracleOffset != 0) j["oracle-offset"] = p.oracleOffset;
  }
  return j.dump(2) + "\n";
}

vm::StepProof decodeProofJson(const std::string& text, const std::string& what) {
  vm::StepProof p;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(what + ": malformed proof JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(what + ": proof is not a JSON object");
  auto str = [&](const char* key, bool required) -> std::string {
    if (!j.contains(key)) {
      if (required) throw Error(what + ": missing field \"" + std::string(key) + "\"");
      return {};
    }
    if (!j[key].is_string()) throw Error(what + ": field \"" + std::string(key) + "\" must be a string");
    return j[key].get<std::string>();
  };
  auto num = [&](const char* key) -> uint64_t {
    if (!j.contains(key)) return 0;
    if (!j[key].is_number_unsigned()) throw Error(what + ": field \"" + std::string(key) + "\" must be a non-negative integer");
    return j[key].get<uint64_t>();
  };
  p.step = num("step");
  std::string pre = str("pre", false), post = str("post", false);
  if (!pre.empty()) p.pre = hash32FromHex(pre, what + ": pre");
  if (!post.empty()) p.post = hash32FromHex(post, what + ": post");
  p.stateData = vm::witnessFromBytes(fromHex(str("state-data", true), what + ": state-data"));
  p.proofData = fromHex(str("proof-data", true), what + ": proof-data");
  std::string key = str("oracle-key", false);
  if (!key.empty()) {
    p.oracleKey = hash32FromHex(key, what + ": oracle-key");
    p.oracleValue = fromHex(str("oracle-value", true), what + ": oracle-value");
    p.oracleOffset = num("oracle-offset");
  }
  return p;
}

}  // namespace fpvm::proof
