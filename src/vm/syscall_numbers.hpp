#pragma once
/// The syscall ABI the VM emulates (spec §5.1): Linux riscv64 syscall numbers, argument registers,
/// guest file descriptors, fcntl commands, error values and the fixed results of emulated calls.
/// The reference interpreter and the stateless verifier both take every such number from here.
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

/// Registers of the syscall ABI: a7 holds the number, a0..a5 the arguments; results go to a0
/// (value) and a1 (error).
inline constexpr unsigned kRegA0 = 10, kRegA1 = 11, kRegA2 = 12, kRegA3 = 13, kRegA4 = 14, kRegA7 = 17;

/// Guest file descriptors of the oracle channels.
inline constexpr uint64_t kFdStdin = 0, kFdStdout = 1, kFdStderr = 2, kFdHintRead = 3, kFdHintWrite = 4, kFdPreimageRead = 5,
                          kFdPreimageWrite = 6;

/// fcntl commands (a1) the VM answers; F_GETFL reports these access modes.
inline constexpr uint64_t kFGetfd = 1, kFGetfl = 3;
inline constexpr uint64_t kORdonly = 0, kOWronly = 1;

/// Error values written to a1 (spec §5.1; 0x4d is Asterisc's "EBADF").
inline constexpr uint64_t kEBADF = 0x4d, kEINVAL = 0x16, kEACCES = 0xd;
inline constexpr uint64_t kMinus1 = ~uint64_t(0);

/// Fixed results of emulated calls.
inline constexpr uint64_t kBrkAddress = 0x40000000;  // brk always reports 1 GiB
inline constexpr uint64_t kClockSeconds = 1337, kClockNanos = 42;
inline constexpr uint64_t kRlimitNofile = 7, kNofileLimit = 1024;
inline constexpr uint64_t kMapAnonymous = 0x20;
inline constexpr uint64_t kMmapPageSize = 4096;  // anonymous mmap lengths round up to this
inline constexpr uint64_t kCloneResult = 1;      // clone "succeeds" as the parent of thread 1
inline constexpr uint64_t kExitCodeMask = 0xFF;

/// Name of a syscall number for error messages ("nanosleep"), or nullptr.
const char* syscallName(uint64_t number);

}  // namespace fpvm::vm::sys
