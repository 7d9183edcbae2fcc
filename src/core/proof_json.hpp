#pragma once
/// One-step proof files and JSON-RPC answers of either machine: the RISC-V proof JSON
/// (proof/proof_json.hpp, Asterisc's) and the MT64 one (mips64/proof_json.hpp, Cannon's) have the
/// same fields; the state witness's size (362 or 188 bytes) says which machine a proof is for.
#include <string>

#include "core/any_machine.hpp"

namespace fpvm::core {

/// The machine's own proof JSON for `proof`.
std::string encodeProofJson(const OneStepProof& proof);
/// Decodes a proof JSON of either machine. Throws Error naming `what` and the problem (malformed
/// JSON, a missing or malformed field, a state witness of neither size).
OneStepProof decodeProofJson(const std::string& text, const std::string& what);

}  // namespace fpvm::core
