#pragma once
/// The one-step proof file of `run --proof-at` (spec §3.5).
#include <string>

#include "vm/proving_step.hpp"

namespace fpvm::proof {

/// JSON text of a proof: step, pre, post, state-data, proof-data, then oracle-key, oracle-value
/// and oracle-offset (the last omitted when 0) only for steps that read a preimage.
std::string encodeProofJson(const vm::StepProof& proof);
/// Parses a proof file; throws Error naming `what` and the bad field.
vm::StepProof decodeProofJson(const std::string& text, const std::string& what);

}  // namespace fpvm::proof
