#pragma once
/// Byte layout of the 362-byte state witness (spec §1.2) and the status byte (§1.3).
#include <cstddef>
#include <cstdint>

namespace fpvm::vm {

inline constexpr size_t kOffMemRoot = 0;
inline constexpr size_t kOffPreimageKey = 32;
inline constexpr size_t kOffPreimageOffset = 64;
inline constexpr size_t kOffPc = 72;
inline constexpr size_t kOffExitCode = 80;
inline constexpr size_t kOffExited = 81;
inline constexpr size_t kOffStep = 82;
inline constexpr size_t kOffHeap = 90;
inline constexpr size_t kOffLoadReservation = 98;
inline constexpr size_t kOffRegisters = 106;
inline constexpr size_t kWitnessSize = kOffRegisters + 32 * 8;

static_assert(kOffPreimageOffset == kOffPreimageKey + 32);
static_assert(kOffPc == kOffPreimageOffset + 8);
static_assert(kOffExitCode == kOffPc + 8 && kOffExited == kOffExitCode + 1);
static_assert(kOffStep == kOffExited + 1 && kOffHeap == kOffStep + 8);
static_assert(kOffLoadReservation == kOffHeap + 8 && kOffRegisters == kOffLoadReservation + 8);
static_assert(kWitnessSize == 362);

/// The status byte that replaces byte 0 of the witness before hashing.
enum class VmStatus : uint8_t {
  Valid = 0,       ///< exited with code 0
  Invalid = 1,     ///< exited with code 1
  Panic = 2,       ///< exited with code >= 2
  Unfinished = 3,  ///< not exited
};

/// Status for an (exited, exitCode) pair as §1.3 defines it.
constexpr VmStatus statusOf(bool exited, uint8_t exitCode) {
  if (!exited) return VmStatus::Unfinished;
  if (exitCode == 0) return VmStatus::Valid;
  if (exitCode == 1) return VmStatus::Invalid;
  return VmStatus::Panic;
}

/// Lowercase name of a status: "valid", "invalid", "panic", "unfinished".
constexpr const char* statusName(VmStatus s) {
  switch (s) {
    case VmStatus::Valid: return "valid";
    case VmStatus::Invalid: return "invalid";
    case VmStatus::Panic: return "panic";
    case VmStatus::Unfinished: return "unfinished";
  }
  return "unknown";
}

}  // namespace fpvm::vm
