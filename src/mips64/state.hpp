#pragma once
/// The complete MT64 state (docs/spec/cannon-mt64.md §1.1), its 188-byte witness (§1.3) and the
/// state hash with the status byte (§1.5).
#include <array>
#include <cstdint>

#include "common/bytes.hpp"
#include "mips64/memory.hpp"
#include "mips64/thread_stack.hpp"

namespace fpvm::mips64 {

/// Size of the state witness.
inline constexpr size_t kWitnessSize = 188;

/// The 188-byte witness.
using Witness = std::array<uint8_t, kWitnessSize>;

/// Byte offsets of the witness fields (spec §1.3).
namespace witness_offset {
inline constexpr size_t kMemRoot = 0;
inline constexpr size_t kPreimageKey = 32;
inline constexpr size_t kPreimageOffset = 64;
inline constexpr size_t kHeap = 72;
inline constexpr size_t kLLReservationStatus = 80;
inline constexpr size_t kLLAddress = 81;
inline constexpr size_t kLLOwnerThread = 89;
inline constexpr size_t kExitCode = 97;
inline constexpr size_t kExited = 98;
inline constexpr size_t kStep = 99;
inline constexpr size_t kStepsSinceLastContextSwitch = 107;
inline constexpr size_t kTraverseRight = 115;
inline constexpr size_t kLeftThreadStack = 116;
inline constexpr size_t kRightThreadStack = 148;
inline constexpr size_t kNextThreadId = 180;
}  // namespace witness_offset

/// The status that replaces byte 0 of the state hash (spec §1.5).
enum class VmStatus : uint8_t { Valid = 0, Invalid = 1, Panic = 2, Unfinished = 3 };

/// Status of a state with these exit fields.
VmStatus statusOf(bool exited, uint8_t exitCode);

/// Every field of the machine. There is no top-level CPU: all CPU state lives in the threads,
/// and the current thread is the top of the active stack (right if traverseRight, else left).
struct State {
  Memory memory;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  uint64_t heap = 0;
  uint8_t llReservationStatus = 0;
  uint64_t llAddress = 0;
  uint64_t llOwnerThread = 0;
  uint8_t exitCode = 0;
  bool exited = false;
  uint64_t step = 0;
  uint64_t stepsSinceLastContextSwitch = 0;
  bool traverseRight = false;
  ThreadStack leftThreadStack;
  ThreadStack rightThreadStack;
  uint64_t nextThreadId = 1;
  /// Hint bytes written to fd 4 that do not yet form a complete hint (off-chain only, §6.7).
  Bytes lastHint;

  /// Cannon's CreateEmptyState: empty memory, heap 0, left = [thread 0 with pc 0, nextPC 4],
  /// right = [], nextThreadID 1.
  static State createEmpty();
  /// Cannon's CreateInitialState: as createEmpty with thread 0 at `pc` (nextPC = pc + 4) and `heap`.
  static State createInitial(uint64_t pc, uint64_t heap);

  /// The active stack.
  ThreadStack& activeStack() { return traverseRight ? rightThreadStack : leftThreadStack; }
  const ThreadStack& activeStack() const { return traverseRight ? rightThreadStack : leftThreadStack; }
  /// The inactive stack.
  ThreadStack& otherStack() { return traverseRight ? leftThreadStack : rightThreadStack; }
  const ThreadStack& otherStack() const { return traverseRight ? leftThreadStack : rightThreadStack; }
  /// The current thread (the active stack must not be empty).
  Thread& currentThread() { return activeStack().top(); }
  const Thread& currentThread() const { return activeStack().top(); }
  /// Number of threads on both stacks.
  size_t threadCount() const { return leftThreadStack.size() + rightThreadStack.size(); }

  /// The witness (Merkleizes memory as needed).
  Witness witness() { return witnessWithMemRoot(memory.root()); }
  /// The witness of every field but memory, with `memRoot` as MemRoot (memory is not hashed: for
  /// stateless verifiers whose memory holds only part of the tree).
  Witness witnessWithMemRoot(const Hash32& memRoot) const;
  /// The state hash.
  Hash32 hash() { return hashWitness(witness()); }
  /// Status of this state.
  VmStatus status() const { return statusOf(exited, exitCode); }

  /// Keccak of `w` with byte 0 replaced by the status derived from w's exited and exitCode bytes.
  static Hash32 hashWitness(const Witness& w);
};

}  // namespace fpvm::mips64
