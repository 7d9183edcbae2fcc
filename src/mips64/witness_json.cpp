#include "mips64/witness_json.hpp"

#include <nlohmann/json.hpp>

#include "common/hex.hpp"
#include "mips64/arch.hpp"
#include "mips64/go_json.hpp"

namespace fpvm::mips64 {

std::string encodeWitnessJson(State& state) {
  const Witness w = state.witness();
  nlohmann::ordered_json doc;
  doc["stateVersion"] = kStateVersion;
  doc["witnessHash"] = toHex(State::hashWitness(w));
  doc["witness"] = toHex(ByteView(w.data(), w.size()));
  doc["step"] = state.step;
  doc["exited"] = state.exited;
  doc["exitCode"] = state.exitCode;
  return goJsonText(doc);
}

}  // namespace fpvm::mips64
