#pragma once
/// Linux riscv64 syscall numbers the VM handles (spec §5.1).
#include <cstdint>

namespace fpvm::vm::sys {

inline constexpr uint64_t kFcntl = 25;
inline constexpr uint64_t kOpenat = 56;
inline constexpr uint64_t kRead = 63;
inline constexpr uint64_t kWrite = 64;
inline constexpr uint64_t kExit = 93;
inline constexpr uint64_t kExitGroup = 94;
inline constexpr uint64_t kNanosleep = 101;
inline constexpr uint64_t kClockGettime = 113;
inline constexpr uint64_t kGetrlimit = 163;
inline constexpr uint64_t kBrk = 214;
inline constexpr uint64_t kClone = 220;
inline constexpr uint64_t kMmap = 222;
inline constexpr uint64_t kPrlimit64 = 261;
inline constexpr uint64_t kFutexTime64 = 422;

/// Guest file descriptors of the oracle channels.
inline constexpr uint64_t kFdStdin = 0, kFdStdout = 1, kFdStderr = 2, kFdHintRead = 3, kFdHintWrite = 4,
                          kFdPreimageRead = 5, kFdPreimageWrite = 6;

/// Error values written to a1 (spec §5.1; 0x4d is Asterisc's "EBADF").
inline constexpr uint64_t kEBADF = 0x4d, kEINVAL = 0x16, kEACCES = 0xd;
inline constexpr uint64_t kMinus1 = ~uint64_t(0);

/// Fixed results of emulated calls.
inline constexpr uint64_t kBrkAddress = 0x40000000;  // brk always reports 1 GiB
inline constexpr uint64_t kClockSeconds = 1337, kClockNanos = 42;
inline constexpr uint64_t kRlimitNofile = 7, kNofileLimit = 1024;
inline constexpr uint64_t kMapAnonymous = 0x20;

/// Name of a syscall number for error messages ("nanosleep"), or nullptr.
const char* syscallName(uint64_t number);

}  // namespace fpvm::vm::sys
