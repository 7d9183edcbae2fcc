#pragma once
/// The complete VM state (spec §1.1), its witness encoding and state hash (§1.2, §1.3).
#include <array>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "merkle/paged_memory.hpp"
#include "vm/witness_layout.hpp"

namespace fpvm::vm {

/// The 362-byte witness.
using Witness = std::array<uint8_t, kWitnessSize>;

/// Every field of the machine. Off-chain-only fields (lastHint, stored witness/hash) are kept in
/// state files but are not part of the witness.
struct VmState {
  merkle::PagedMemory memory;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  uint64_t pc = 0;
  uint8_t exitCode = 0;
  bool exited = false;
  uint64_t step = 0;
  uint64_t heap = 0;
  uint64_t loadReservation = 0;
  std::array<uint64_t, 32> registers{};
  /// Hint bytes written to fd 4 that do not yet form a complete hint (spec §5.4).
  Bytes lastHint;
  /// The last complete hint sent to the host (off-chain, fpvm extension). Replayed to the host
  /// when a run resumes, so a host that prepares data only when hinted can serve the next read
  /// (docs/decisions/0002-hint-replay-on-resume.md).
  Bytes lastCompleteHint;
  /// Witness and state hash as last stored in a state file; may be stale (spec §8.2 step 4).
  Bytes storedWitness;
  std::optional<Hash32> storedStateHash;

  /// The witness of the current state (Merkleizes memory as needed).
  Witness witness();
  /// The witness of the current state with `memRoot` as its memory root (no Merkleization; for
  /// callers that computed the root themselves, e.g. batched per-step hashing).
  Witness witnessWith(const Hash32& memRoot) const;
  /// The state hash of the current state.
  Hash32 stateHash() { return hashWitness(witness()); }
  /// Status byte of the current state.
  VmStatus status() const { return statusOf(exited, exitCode); }
  /// Recomputes the witness and state hash and stores them in storedWitness/storedStateHash.
  void refreshStoredWitness();

  /// Keccak of the witness, with byte 0 of the digest replaced by the status (spec §1.3).
  static Hash32 hashWitness(const Witness& w);
};

/// Parses the status-relevant fields of a raw witness; throws Error on a wrong length.
Witness witnessFromBytes(ByteView bytes);

}  // namespace fpvm::vm
