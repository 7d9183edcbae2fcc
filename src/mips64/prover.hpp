#pragma once
/// One-step proof generation (docs/spec/cannon-mt64.md §4): the pre-state witness and the proof
/// data Cannon emits — thread witness ‖ proof of the pc's leaf ‖ data proof ‖ clock_gettime's second
/// proof, 6090 bytes, unused slots zero (decision A3) — plus the oracle data of a read(fd 5) step.
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// Everything a one-step proof file holds (spec §4.5).
struct StepProof {
  uint64_t step = 0;                ///< step of the pre-state
  Hash32 pre;                       ///< pre-state hash
  Hash32 post;                      ///< post-state hash (when the step did not revert)
  Witness stateData{};              ///< 188-byte pre-state witness
  Bytes proofData;                  ///< kProofDataSize bytes
  std::optional<Hash32> oracleKey;  ///< raw key, when the step read fd 5 with a non-zero key
  Bytes oracleValue;                ///< BE u64 length ‖ pre-image, with oracleKey
  uint64_t oracleOffset = 0;        ///< preimageOffset at which that read started
};

/// Executes one step of the interpreter's state and records its proof in `out`. On a revert the
/// state is unchanged, `out.post` is not set, and `out` still holds the pre-state witness and the
/// proofs the step had gathered (so the verifier can be shown to revert the same way).
StepOutcome proveStep(Interpreter& interpreter, StepProof& out);

}  // namespace fpvm::mips64
