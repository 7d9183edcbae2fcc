#pragma once
/// Mirror of MIPS64Memory.sol: memory proofs read from calldata, verified against and folded
/// into the memory root. Part of the stateless verifier (step_verifier.hpp).
#include <cstdint>
#include <utility>

#include "mips64/sol_calldata.hpp"

namespace fpvm::mips64::sol::memory {

inline constexpr uint64_t EXT_MASK = 0x7;
inline constexpr uint64_t MEM_PROOF_LEAF_COUNT = 60;

/// readMem: the doubleword at `addr` from the proof at `proofOffset`; reverts InvalidMemoryProof
/// when the proof does not lead to `memRoot`.
uint64_t readMem(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset);
/// readMemUnchecked: the doubleword (0 when invalid) and whether the proof is valid.
std::pair<uint64_t, bool> readMemUnchecked(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset);
/// writeMem: the root after writing `val` at `addr` into the proof's leaf (no verification).
Hash32 writeMem(const Calldata& cd, uint64_t addr, uint64_t proofOffset, uint64_t val);
/// isValidProof
bool isValidProof(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset);
/// memoryProofOffset: where proof `proofIndex` starts.
uint64_t memoryProofOffset(uint64_t proofDataOffset, uint8_t proofIndex);
/// validateMemoryProofAvailability: reverts unless the whole proof lies inside calldata.
void validateMemoryProofAvailability(const Calldata& cd, uint64_t proofStartOffset);

}  // namespace fpvm::mips64::sol::memory
