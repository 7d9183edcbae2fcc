#pragma once
/// One thread of the MT64 machine and its 298-byte record (docs/spec/cannon-mt64.md §1.2): the
/// encoding used in thread witnesses, in the thread stacks' hash onions and in state files.
#include <array>
#include <cstdint>

#include "common/bytes.hpp"

namespace fpvm::mips64 {

/// Size of an encoded thread record.
inline constexpr size_t kThreadRecordSize = 298;

/// An encoded thread record.
using ThreadRecord = std::array<uint8_t, kThreadRecordSize>;

/// A thread: identity, exit status and CPU state. `nextPC != pc + 4` means the thread is about to
/// execute a branch delay slot.
struct Thread {
  uint64_t threadId = 0;
  uint8_t exitCode = 0;
  bool exited = false;
  uint64_t pc = 0;
  uint64_t nextPC = 4;
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::array<uint64_t, 32> registers{};

  friend bool operator==(const Thread&, const Thread&) = default;
};

/// The record: threadID (8) ‖ exitCode (1) ‖ exited (1) ‖ pc ‖ nextPC ‖ lo ‖ hi ‖ r0..r31 (8 each),
/// integers big-endian, exited as 0/1.
ThreadRecord encodeThread(const Thread& t);
/// Parses a record. The exited byte is read as "non-zero = exited" (spec §1.5, decision A1).
/// `record` must hold at least kThreadRecordSize bytes (throws Error otherwise).
Thread decodeThread(ByteView record);
/// Keccak-256 of the record.
Hash32 threadHash(const Thread& t);

}  // namespace fpvm::mips64
