#pragma once
/// The referee's end of a dispute: checks each party's one-step proof for the disputed step with
/// the stateless verifier (the on-chain `step`) and decides whose claim about the next state hash
/// holds. Preimage data in a proof is checked the way the chain can check it: keccak256 and
/// sha256 parts against their key, local boot values and other types against the data the game
/// holds (TrustedData), when it is given.
#include <map>
#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "core/any_machine.hpp"
#include "runs/validation_input.hpp"

namespace fpvm::dispute {

/// What the chain knows independently of the parties: the game's local boot values and the
/// preimages loaded into the oracle contract.
struct TrustedData {
  std::map<uint64_t, Bytes> locals;
  runs::PreimageTable preimages;
};

/// The outcome of checking one party's proof.
struct [[nodiscard]] ProofCheck {
  bool valid = false;
  std::string problem;              ///< why it is not valid (empty when valid)
  Hash32 post;                      ///< the verifier's post-state hash (when valid)
  std::optional<Hash32> oracleKey;  ///< the preimage key the step reads, if any
  /// The preimage data was checked (against its key's hash or the trusted data); false when the
  /// step reads data nobody but the parties vouches for.
  bool oracleDataChecked = false;
};

/// Verifies `proof` as the proof of the step after the agreed state `agreedPre`.
ProofCheck checkStepProof(const core::OneStepProof& proof, const Hash32& agreedPre, const TrustedData* trusted);

/// Whose claim about the state after the disputed step holds.
enum class [[nodiscard]] Verdict{ClaimAHolds, ClaimBHolds, NeitherHolds, Undecided};

/// The referee's decision.
struct [[nodiscard]] Judgement {
  Verdict verdict = Verdict::Undecided;
  std::optional<Hash32> truth;  ///< the verified post-state hash, when one is established
  std::string reason;
};

/// Decides from both proof checks and both claims (the parties' hashes after the step).
Judgement judgeStep(const ProofCheck& a, const ProofCheck& b, const Hash32& claimA, const Hash32& claimB);

/// "claim-a-holds", "claim-b-holds", "neither-claim-holds", "undecided".
const char* verdictName(Verdict v);

}  // namespace fpvm::dispute
