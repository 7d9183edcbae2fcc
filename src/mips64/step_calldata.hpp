#pragma once
/// The one-step proof's calldata (docs/spec/cannon-mt64.md §4.1): the ABI encoding of
/// step(bytes _stateData, bytes _proof, bytes32 _localContext) and the sizes of its parts.
#include <array>
#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "mips64/memory.hpp"
#include "mips64/thread.hpp"

namespace fpvm::mips64 {

/// Selector of step(bytes,bytes,bytes32).
inline constexpr std::array<uint8_t, 4> kStepSelector = {0xe1, 0x4c, 0xed, 0x32};
/// Thread witness: the current thread's record ‖ the inner root of the active stack.
inline constexpr size_t kThreadWitnessSize = kThreadRecordSize + 32;
/// Memory proof slots in Cannon's proof data (fetch, data, clock_gettime's second word).
inline constexpr size_t kMemoryProofSlots = 3;
/// Cannon's proof data: thread witness ‖ three memory proofs = 6090 bytes.
inline constexpr size_t kProofDataSize = kThreadWitnessSize + kMemoryProofSlots * kMemoryProofSize;
/// Calldata offset of the proof data (= _proof.offset) when the state data is 188 bytes.
inline constexpr size_t kProofCalldataOffset = 356;

/// Canonical ABI calldata: selector ‖ offsets ‖ localContext ‖ len ‖ stateData (padded) ‖ len ‖
/// proofData (padded to 32 bytes).
Bytes encodeStepCalldata(ByteView stateData, ByteView proofData, const Hash32& localContext);

}  // namespace fpvm::mips64
