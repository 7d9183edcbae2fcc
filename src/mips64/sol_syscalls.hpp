#pragma once
/// Mirror of MIPS64Syscalls.sol: syscall numbers and constants, argument fetch, mmap, read/write
/// on the file descriptors (incl. the pre-image oracle), fcntl and the syscall epilogue. Part of
/// the stateless verifier (step_verifier.hpp).
#include <cstdint>
#include <utility>

#include "mips64/preimage_parts.hpp"
#include "mips64/sol_calldata.hpp"
#include "mips64/sol_instructions.hpp"

namespace fpvm::mips64::sol::sys {

inline constexpr uint64_t U64_MASK = 0xFFffFFffFFffFFff;
inline constexpr uint64_t PAGE_ADDR_MASK = 4095;
inline constexpr uint64_t PAGE_SIZE = 4096;

inline constexpr uint32_t SYS_MMAP = 5009;
inline constexpr uint32_t SYS_MPROTECT = 5010;
inline constexpr uint32_t SYS_BRK = 5012;
inline constexpr uint32_t SYS_CLONE = 5055;
inline constexpr uint32_t SYS_EXIT_GROUP = 5205;
inline constexpr uint32_t SYS_READ = 5000;
inline constexpr uint32_t SYS_WRITE = 5001;
inline constexpr uint32_t SYS_FCNTL = 5070;
inline constexpr uint32_t SYS_EXIT = 5058;
inline constexpr uint32_t SYS_SCHED_YIELD = 5023;
inline constexpr uint32_t SYS_GETTID = 5178;
inline constexpr uint32_t SYS_FUTEX = 5194;
inline constexpr uint32_t SYS_OPEN = 5002;
inline constexpr uint32_t SYS_NANOSLEEP = 5034;
inline constexpr uint32_t SYS_CLOCKGETTIME = 5222;
inline constexpr uint32_t SYS_GETPID = 5038;
inline constexpr uint32_t SYS_GETRANDOM = 5313;
// no-op syscalls
inline constexpr uint32_t SYS_MUNMAP = 5011;
inline constexpr uint32_t SYS_GETAFFINITY = 5196;
inline constexpr uint32_t SYS_MADVISE = 5027;
inline constexpr uint32_t SYS_RTSIGPROCMASK = 5014;
inline constexpr uint32_t SYS_SIGALTSTACK = 5129;
inline constexpr uint32_t SYS_RTSIGACTION = 5013;
inline constexpr uint32_t SYS_PRLIMIT64 = 5297;
inline constexpr uint32_t SYS_CLOSE = 5003;
inline constexpr uint32_t SYS_PREAD64 = 5016;
inline constexpr uint32_t SYS_STAT = 5004;
inline constexpr uint32_t SYS_FSTAT = 5005;
inline constexpr uint32_t SYS_OPENAT = 5247;
inline constexpr uint32_t SYS_READLINK = 5087;
inline constexpr uint32_t SYS_READLINKAT = 5257;
inline constexpr uint32_t SYS_IOCTL = 5015;
inline constexpr uint32_t SYS_EPOLLCREATE1 = 5285;
inline constexpr uint32_t SYS_PIPE2 = 5287;
inline constexpr uint32_t SYS_EPOLLCTL = 5208;
inline constexpr uint32_t SYS_EPOLLPWAIT = 5272;
inline constexpr uint32_t SYS_UNAME = 5061;
inline constexpr uint32_t SYS_GETUID = 5100;
inline constexpr uint32_t SYS_GETGID = 5102;
inline constexpr uint32_t SYS_MINCORE = 5026;
inline constexpr uint32_t SYS_TGKILL = 5225;
inline constexpr uint32_t SYS_GETRLIMIT = 5095;
inline constexpr uint32_t SYS_LSEEK = 5008;
inline constexpr uint32_t SYS_EVENTFD2 = 5284;
// profiling-related syscalls - ignored
inline constexpr uint32_t SYS_SETITIMER = 5036;
inline constexpr uint32_t SYS_TIMERCREATE = 5216;
inline constexpr uint32_t SYS_TIMERSETTIME = 5217;
inline constexpr uint32_t SYS_TIMERDELETE = 5220;

inline constexpr uint32_t FD_STDIN = 0;
inline constexpr uint32_t FD_STDOUT = 1;
inline constexpr uint32_t FD_STDERR = 2;
inline constexpr uint32_t FD_HINT_READ = 3;
inline constexpr uint32_t FD_HINT_WRITE = 4;
inline constexpr uint32_t FD_PREIMAGE_READ = 5;
inline constexpr uint32_t FD_PREIMAGE_WRITE = 6;
inline constexpr uint64_t FD_EVENTFD = 100;

inline constexpr uint64_t SYS_ERROR_SIGNAL = U64_MASK;
// EBADF, EINVAL, EAGAIN (renamed: the C library defines them as macros).
inline constexpr uint64_t MIPS_EBADF = 0x9;
inline constexpr uint64_t MIPS_EINVAL = 0x16;
inline constexpr uint64_t MIPS_EAGAIN = 0xb;

inline constexpr uint64_t FUTEX_WAIT_PRIVATE = 128;
inline constexpr uint64_t FUTEX_WAKE_PRIVATE = 129;

inline constexpr uint64_t SCHED_QUANTUM = 100'000;
inline constexpr uint64_t HZ = 10'000'000;
inline constexpr uint64_t CLOCK_GETTIME_REALTIME_FLAG = 0;
inline constexpr uint64_t CLOCK_GETTIME_MONOTONIC_FLAG = 1;
inline constexpr uint64_t PROGRAM_BREAK = 0x00'00'40'00'00'00'00'00;
inline constexpr uint64_t HEAP_END = 0x00'00'60'00'00'00'00'00;

// CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD (the C library
// defines the CLONE_* names as macros).
inline constexpr uint64_t VALID_SYS_CLONE_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x40000 | 0x10000;

inline constexpr uint64_t EFD_NONBLOCK = 0x80;

inline constexpr uint32_t REG_V0 = 2;
inline constexpr uint32_t REG_A0 = 4;
inline constexpr uint32_t REG_A1 = 5;
inline constexpr uint32_t REG_A2 = 6;
inline constexpr uint32_t REG_A3 = 7;
inline constexpr uint32_t REG_SYSCALL_NUM = REG_V0;
inline constexpr uint32_t REG_SYSCALL_ERRNO = REG_A3;
inline constexpr uint32_t REG_SYSCALL_RET1 = REG_V0;
inline constexpr uint32_t REG_SYSCALL_PARAM1 = REG_A0;
inline constexpr uint32_t REG_SYSCALL_PARAM2 = REG_A1;
inline constexpr uint32_t REG_SYSCALL_PARAM3 = REG_A2;

inline constexpr uint64_t WORD_SIZE_BYTES = 8;
inline constexpr uint64_t EXT_MASK = 0x7;

/// SysReadParams (plus the caller, which the contract takes from msg.sender).
struct SysReadParams {
  uint64_t a0 = 0, a1 = 0, a2 = 0;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  Hash32 localContext;
  PartOracle* oracle = nullptr;
  Address caller{};
  uint64_t proofOffset = 0;
  Hash32 memRoot;
};

/// SysWriteParams.
struct SysWriteParams {
  uint64_t a0 = 0, a1 = 0, a2 = 0;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  uint64_t proofOffset = 0;
  Hash32 memRoot;
};

/// getSyscallArgs's results.
struct SyscallArgs {
  uint64_t sysCallNum, a0, a1, a2;
};
/// handleSysMmap's results.
struct MmapResult {
  uint64_t v0, v1, newHeap;
};
/// handleSysRead's results.
struct SysReadResult {
  uint64_t v0 = 0, v1 = 0, newPreimageOffset = 0;
  Hash32 newMemRoot;
  bool memUpdated = false;
  uint64_t memAddr = 0;
};
/// handleSysWrite's results.
struct SysWriteResult {
  uint64_t v0 = 0, v1 = 0;
  Hash32 newPreimageKey;
  uint64_t newPreimageOffset = 0;
};

/// getSyscallArgs.
SyscallArgs getSyscallArgs(const ins::Registers& registers);
/// handleSysMmap.
MmapResult handleSysMmap(uint64_t a0, uint64_t a1, uint64_t heap);
/// handleSysRead.
SysReadResult handleSysRead(const Calldata& cd, SysReadParams args);
/// handleSysWrite.
SysWriteResult handleSysWrite(const Calldata& cd, const SysWriteParams& args);
/// handleSysFcntl: (v0, v1).
std::pair<uint64_t, uint64_t> handleSysFcntl(uint64_t a0, uint64_t a1);
/// handleSyscallUpdates.
void handleSyscallUpdates(ins::CpuScalars& cpu, ins::Registers& registers, uint64_t v0, uint64_t v1);

}  // namespace fpvm::mips64::sol::sys
