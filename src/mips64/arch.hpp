#pragma once
/// Constants of Cannon's MT64 machine (state version 8) as the interpreter uses them: address-space
/// conventions, the scheduler, syscall numbers, file descriptors and errno values
/// (docs/spec/cannon-mt64.md §2.3, §3, §6). The stateless verifier keeps its own copies, as the
/// contract does, so that the two implementations check each other.
#include <cstdint>

namespace fpvm::mips64 {

/// The state version this machine implements (`multithreaded64-5`).
inline constexpr uint8_t kStateVersion = 8;

// --- address space (spec §2.3) ---------------------------------------------------------------------
inline constexpr uint64_t kAddressMask = ~uint64_t(7);               ///< aligns to a doubleword
inline constexpr uint64_t kHeapStart = 0x0000'1000'0000'0000;        ///< initial heap
inline constexpr uint64_t kProgramBreak = 0x0000'4000'0000'0000;     ///< what brk returns
inline constexpr uint64_t kHeapEnd = 0x0000'6000'0000'0000;          ///< anonymous mmap limit
inline constexpr uint64_t kHighMemoryStart = 0x0000'7FFF'FFFF'F000;  ///< initial sp
inline constexpr uint64_t kMmapPageSize = 4096;                      ///< mmap length rounding

// --- scheduler (spec §3) ---------------------------------------------------------------------------
inline constexpr uint64_t kSchedQuantum = 100'000;  ///< instructions before a forced preemption
inline constexpr uint64_t kHz = 10'000'000;         ///< monotonic clock ticks per second (one per step)

// --- LL/SC reservation status (spec §1.1) ---------------------------------------------------------
inline constexpr uint8_t kLLStatusNone = 0;
inline constexpr uint8_t kLLStatusActive32 = 1;
inline constexpr uint8_t kLLStatusActive64 = 2;

// --- registers (spec §6.1) -------------------------------------------------------------------------
inline constexpr unsigned kRegV0 = 2;   ///< syscall number, first result
inline constexpr unsigned kRegA0 = 4;   ///< first argument
inline constexpr unsigned kRegA1 = 5;   ///< second argument
inline constexpr unsigned kRegA2 = 6;   ///< third argument
inline constexpr unsigned kRegA3 = 7;   ///< error flag result
inline constexpr unsigned kRegSP = 29;  ///< stack pointer (set for a cloned thread)
inline constexpr unsigned kRegRA = 31;  ///< link register

/// Syscall numbers (n64 ABI) the machine knows (spec §6.2).
namespace sys {
inline constexpr uint64_t kRead = 5000;
inline constexpr uint64_t kWrite = 5001;
inline constexpr uint64_t kOpen = 5002;
inline constexpr uint64_t kClose = 5003;
inline constexpr uint64_t kStat = 5004;
inline constexpr uint64_t kFstat = 5005;
inline constexpr uint64_t kLseek = 5008;
inline constexpr uint64_t kMmap = 5009;
inline constexpr uint64_t kMprotect = 5010;
inline constexpr uint64_t kMunmap = 5011;
inline constexpr uint64_t kBrk = 5012;
inline constexpr uint64_t kRtSigaction = 5013;
inline constexpr uint64_t kRtSigprocmask = 5014;
inline constexpr uint64_t kIoctl = 5015;
inline constexpr uint64_t kPread64 = 5016;
inline constexpr uint64_t kSchedYield = 5023;
inline constexpr uint64_t kMincore = 5026;
inline constexpr uint64_t kMadvise = 5027;
inline constexpr uint64_t kNanosleep = 5034;
inline constexpr uint64_t kSetitimer = 5036;
inline constexpr uint64_t kGetpid = 5038;
inline constexpr uint64_t kClone = 5055;
inline constexpr uint64_t kExit = 5058;
inline constexpr uint64_t kUname = 5061;
inline constexpr uint64_t kFcntl = 5070;
inline constexpr uint64_t kReadlink = 5087;
inline constexpr uint64_t kGetrlimit = 5095;
inline constexpr uint64_t kGetuid = 5100;
inline constexpr uint64_t kGetgid = 5102;
inline constexpr uint64_t kSigaltstack = 5129;
inline constexpr uint64_t kGettid = 5178;
inline constexpr uint64_t kFutex = 5194;
inline constexpr uint64_t kSchedGetaffinity = 5196;
inline constexpr uint64_t kExitGroup = 5205;
inline constexpr uint64_t kEpollCtl = 5208;
inline constexpr uint64_t kTimerCreate = 5216;
inline constexpr uint64_t kTimerSettime = 5217;
inline constexpr uint64_t kTimerDelete = 5220;
inline constexpr uint64_t kClockGettime = 5222;
inline constexpr uint64_t kTgkill = 5225;
inline constexpr uint64_t kOpenat = 5247;
inline constexpr uint64_t kReadlinkat = 5257;
inline constexpr uint64_t kEpollPwait = 5272;
inline constexpr uint64_t kEventfd2 = 5284;
inline constexpr uint64_t kEpollCreate1 = 5285;
inline constexpr uint64_t kPipe2 = 5287;
inline constexpr uint64_t kPrlimit64 = 5297;
inline constexpr uint64_t kGetrandom = 5313;
}  // namespace sys

// --- file descriptors (spec §6.6) ------------------------------------------------------------------
inline constexpr uint64_t kFdStdin = 0;
inline constexpr uint64_t kFdStdout = 1;
inline constexpr uint64_t kFdStderr = 2;
inline constexpr uint64_t kFdHintRead = 3;
inline constexpr uint64_t kFdHintWrite = 4;
inline constexpr uint64_t kFdPreimageRead = 5;
inline constexpr uint64_t kFdPreimageWrite = 6;
inline constexpr uint64_t kFdEventfd = 100;

// --- syscall results (spec §6.1, §6.4, §6.5, §6.8) -------------------------------------------------
inline constexpr uint64_t kSysErrorSignal = ~uint64_t(0);  ///< r7 after a failed syscall
inline constexpr uint64_t kEBADF = 9;
inline constexpr uint64_t kEAGAIN = 0xB;
inline constexpr uint64_t kEINVAL = 0x16;
inline constexpr uint64_t kFutexWaitPrivate = 128;
inline constexpr uint64_t kFutexWakePrivate = 129;
/// CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD, exactly.
inline constexpr uint64_t kValidCloneFlags = 0x50F00;
inline constexpr uint64_t kEfdNonblock = 0x80;
inline constexpr uint64_t kClockRealtime = 0;
inline constexpr uint64_t kClockMonotonic = 1;
inline constexpr uint64_t kFGetfd = 1;
inline constexpr uint64_t kFGetfl = 3;
/// Exit code the VM gets when clone is called with flags other than kValidCloneFlags (VM panic).
inline constexpr uint8_t kExitCodePanic = 2;

}  // namespace fpvm::mips64
