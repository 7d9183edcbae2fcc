#pragma once
/// The stateless verifier: MIPS64.sol's `step` (semver 1.10.0) mirrored section by section
/// (docs/spec/cannon-mt64.md §3, §4). It takes only the call's bytes — the 188-byte state witness,
/// the thread witness and the memory proofs — plus the pre-image oracle contract for read(fd 5)
/// steps, and returns the post-state hash or the revert reason named as the contract names it.
/// It shares no execution code with the interpreter, so that comparing the two checks both.
#include <cstdint>

#include "common/bytes.hpp"
#include "mips64/preimage_parts.hpp"
#include "mips64/revert.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// The result of one verified step.
struct [[nodiscard]] VerifyResult {
  Revert revert = Revert::None;  ///< None, or the contract's revert reason
  Hash32 postHash;               ///< the returned post-state hash (valid when revert == None)
  Witness postState{};           ///< the LOG0 data: the 188-byte post-state witness
  bool ok() const { return revert == Revert::None; }
};

/// Runs `step` on complete calldata (selector, ABI head and tails), checking the ABI encoding as
/// the contract does. `caller` is msg.sender (it localises local pre-image keys); `oracle` may be
/// null when the step reads no pre-image (a read then reverts "pre-image must exist").
VerifyResult verifyStepCalldata(ByteView calldata, PartOracle* oracle, const Address& caller = {});

/// Encodes step(stateData, proofData, localContext) canonically and runs it.
VerifyResult verifyStep(ByteView stateData, ByteView proofData, const Hash32& localContext, PartOracle* oracle,
                        const Address& caller = {});

}  // namespace fpvm::mips64
