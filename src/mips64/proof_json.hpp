#pragma once
/// The proof file of `run --proof-at` (docs/spec/cannon-mt64.md §4.5): Cannon's JSON with the
/// keys step, pre, post, state-data, proof-data and, for a pre-image read, oracle-key,
/// oracle-value and oracle-offset (omitted when 0), hex as go-ethereum's hexutil writes it.
#include <string>

#include "mips64/prover.hpp"

namespace fpvm::mips64 {

/// The file text (2-space indent, two trailing newlines).
std::string encodeProofJson(const StepProof& proof);
/// Parses a proof file (as op-challenger reads one, plus step and pre). Throws Error naming
/// `what` on malformed content or a state-data that is not 188 bytes.
StepProof decodeProofJson(const std::string& text, const std::string& what);

}  // namespace fpvm::mips64
