#pragma once
/// Stateless one-step verifier: recomputes the post-state hash of one step from the 362-byte
/// pre-state witness, the concatenated memory proofs and, for a preimage read, the oracle's part.
/// It holds no memory beyond the proof and mirrors the on-chain `step` (spec §3) section by
/// section; it shares no execution code with the interpreter on purpose, so that comparing the
/// two checks both.
#include <optional>

#include "common/bytes.hpp"
#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::proof {

/// One part of a preimage as the on-chain oracle returns it: 32 bytes (zero padded) and the
/// number of valid bytes.
struct PreimagePart {
  Hash32 data;
  uint64_t length = 0;
};

/// The preimage oracle contract as the verifier sees it.
class PartOracle {
 public:
  virtual ~PartOracle() = default;
  /// The part of `key` (as the contract passes it, i.e. after localisation) at `offset`, or
  /// nullopt when the oracle has not loaded it (the contract then reverts 0xbadf00d0).
  virtual std::optional<PreimagePart> readPart(const Hash32& key, uint64_t offset) = 0;
};

/// Serves one preimage: `prefixed` = BE u64 length ‖ data, loaded for every offset below its
/// length (as op-challenger loads it before calling `step`).
class SinglePreimageOracle final : public PartOracle {
 public:
  SinglePreimageOracle(const Hash32& key, Bytes prefixed) : key_(key), prefixed_(std::move(prefixed)) {}
  std::optional<PreimagePart> readPart(const Hash32& key, uint64_t offset) override;

 private:
  Hash32 key_;
  Bytes prefixed_;
};

/// How local keys are treated.
struct VerifyOptions {
  /// Localise type-1 keys as the contract does: H(key ‖ 12 zero bytes ‖ caller ‖ localContext)
  /// with byte 0 := 1. Off by default: the off-chain prover records raw keys.
  bool localizeLocalKeys = false;
  std::array<uint8_t, 20> caller{};
  Hash32 localContext;
  /// Reject proof data that is not exactly the proofs the step uses (1920 bytes per slot).
  /// The contract accepts trailing unused proofs; off-chain tools want the exact encoding.
  bool exactLength = false;
};

/// Result of verifying one step.
struct [[nodiscard]] VerifyResult {
  vm::RevertCode revert = vm::kOk;  ///< kOk or the on-chain revert code
  vm::Witness post{};               ///< post-state witness (valid when revert == kOk)
  Hash32 postHash;                  ///< post-state hash (valid when revert == kOk)
  unsigned proofsUsed = 0;          ///< highest proof slot read + 1
  bool ok() const { return revert == vm::kOk; }
};

/// Verifies one step. `stateData` must be 362 bytes (else fpvm::Error); malformed witnesses
/// (Exited not 0/1, x0 not 0) are rejected with fpvm::Error as well. `oracle` may be null when
/// the step reads no preimage (a read then reverts 0xbadf00d0).
VerifyResult verifyStep(ByteView stateData, ByteView proofData, PartOracle* oracle, const VerifyOptions& options = {});

}  // namespace fpvm::proof
