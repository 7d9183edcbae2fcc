#include "core/proof_json.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "core/machine_adapters.hpp"
#include "mips64/proof_json.hpp"
#include "proof/proof_json.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::core {
namespace {

/// The machine's own StepProof type filled from `p` (the state data must have its size).
template <class StepProof>
StepProof toMachineProof(const OneStepProof& p) {
  StepProof out;
  if (p.stateData.size() != out.stateData.size())
    throw Error(std::string("a ") + isaName(p.isa) + " proof's state data has " + std::to_string(p.stateData.size()) +
                " bytes, not " + std::to_string(out.stateData.size()));
  out.step = p.step;
  out.pre = p.pre;
  out.post = p.post;
  std::copy(p.stateData.begin(), p.stateData.end(), out.stateData.begin());
  out.proofData = p.proofData;
  out.oracleKey = p.oracleKey;
  out.oracleValue = p.oracleValue;
  out.oracleOffset = p.oracleOffset;
  return out;
}

}  // namespace

std::string encodeProofJson(const OneStepProof& proof) {
  if (proof.isa == Isa::Mips64) return mips64::encodeProofJson(toMachineProof<mips64::StepProof>(proof));
  return proof::encodeProofJson(toMachineProof<vm::StepProof>(proof));
}

OneStepProof decodeProofJson(const std::string& text, const std::string& what) {
  // Only the witness's length is looked at here; each machine's decoder checks the rest.
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(what + ": malformed proof JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(what + ": proof is not a JSON object");
  const auto it = doc.find("state-data");
  if (it == doc.end() || !it->is_string()) throw Error(what + ": missing field \"state-data\" (a hex string)");
  const std::string& hex = it->get_ref<const std::string&>();
  const size_t digits = hex.size() - (hex.rfind("0x", 0) == 0 ? 2 : 0);
  const std::optional<Isa> isa = digits % 2 == 0 ? isaOfWitnessSize(digits / 2) : std::nullopt;
  if (!isa) throw Error(what + ": state-data is neither a RISC-V witness (362 bytes) nor a MIPS64 one (188 bytes)");
  if (*isa == Isa::Mips64) return toOneStepProof(Isa::Mips64, mips64::decodeProofJson(text, what));
  return toOneStepProof(Isa::Riscv64, proof::decodeProofJson(text, what));
}

}  // namespace fpvm::core
