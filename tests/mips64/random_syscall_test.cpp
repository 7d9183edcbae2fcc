// Random system calls: every syscall number the machine knows and some it does not, with
// arguments drawn from fds, flags, addresses near the data area, extremes and random bits, on
// states with random memory, LL reservations, pre-image positions, step counters and heaps. Each
// step is cross-checked against the stateless verifier, and (with FPVM_EVM_CASES) replayed
// against MIPS64.sol (tests/evm).
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "common/error.hpp"
#include "common/keccak256.hpp"
#include "encoder.hpp"
#include "random_scale.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

constexpr std::array<uint64_t, 53> kNumbers = {sys::kRead,
                                               sys::kWrite,
                                               sys::kOpen,
                                               sys::kClose,
                                               sys::kStat,
                                               sys::kFstat,
                                               sys::kLseek,
                                               sys::kMmap,
                                               sys::kMprotect,
                                               sys::kMunmap,
                                               sys::kBrk,
                                               sys::kRtSigaction,
                                               sys::kRtSigprocmask,
                                               sys::kIoctl,
                                               sys::kPread64,
                                               sys::kSchedYield,
                                               sys::kMincore,
                                               sys::kMadvise,
                                               sys::kNanosleep,
                                               sys::kSetitimer,
                                               sys::kGetpid,
                                               sys::kClone,
                                               sys::kExit,
                                               sys::kUname,
                                               sys::kFcntl,
                                               sys::kReadlink,
                                               sys::kGetrlimit,
                                               sys::kGetuid,
                                               sys::kGetgid,
                                               sys::kSigaltstack,
                                               sys::kGettid,
                                               sys::kFutex,
                                               sys::kSchedGetaffinity,
                                               sys::kExitGroup,
                                               sys::kEpollCtl,
                                               sys::kTimerCreate,
                                               sys::kTimerSettime,
                                               sys::kTimerDelete,
                                               sys::kClockGettime,
                                               sys::kTgkill,
                                               sys::kOpenat,
                                               sys::kReadlinkat,
                                               sys::kEpollPwait,
                                               sys::kEventfd2,
                                               sys::kEpollCreate1,
                                               sys::kPipe2,
                                               sys::kPrlimit64,
                                               sys::kGetrandom,
                                               5006,
                                               5999,
                                               4001,
                                               6001,
                                               0};

/// An argument: an fd, a flag or command, an address near the data area, an extreme or random bits.
uint64_t randomArg(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return std::array<uint64_t, 9>{0, 1, 2, 3, 4, 5, 6, 7, kFdEventfd}[rng() % 9];
    case 1:
      return std::array<uint64_t, 9>{kEfdNonblock, kValidCloneFlags, kFutexWaitPrivate, kFutexWakePrivate, 1, 3, 8,
                                     4096,         0x1'0000}[rng() % 9];
    case 2:
    case 3: return 0x20'0000 + (rng() % 0x100);
    case 4: return std::array<uint64_t, 5>{~uint64_t(0), 0x8000'0000, 0x7FFF'FFFF, 0x8000'0000'0000'0000, 0xFFF}[rng() % 5];
    default: return rng();
  }
}

TEST(Mips64RandomSyscalls, AgreeWithTheVerifier) {
  std::mt19937_64 rng(0x5ca11);
  int executed = 0, reverted = 0, hostFailures = 0;
  for (int i = 0, n = randomIterations(2000); i < n; ++i) {
    TestVm vm(0x10'0000 + 4 * (rng() % 1024));
    vm.program({syscall()});
    vm.reg(kRegV0) = kNumbers[rng() % kNumbers.size()];
    for (unsigned r = 4; r <= 9; ++r) vm.reg(r) = randomArg(rng);
    if (rng() % 3 == 0) {  // a third are reads and writes on the fds that do something
      vm.reg(kRegV0) = rng() % 2 ? sys::kRead : sys::kWrite;
      vm.reg(kRegA0) = rng() % 8;
      vm.reg(kRegA2) = rng() % 4 ? rng() % 12 : randomArg(rng);
    }
    vm.reg(kRegA3) = rng();
    for (uint64_t a = 0x1F'FF00; a < 0x20'0200; a += 8) vm.poke(a, rng());
    if (rng() % 4 == 0) {
      vm.state.llReservationStatus = static_cast<uint8_t>(1 + rng() % 2);
      vm.state.llAddress = 0x20'0000 + (rng() % 0x100);
      vm.state.llOwnerThread = rng() % 2;
    }
    // A pre-image the oracle holds, read from a random position (up to past its end).
    const Bytes data(rng() % 41, static_cast<uint8_t>(rng()));
    Hash32 key = keccak256(ByteView(data.data(), data.size()));
    key[0] = 2;
    vm.oracle.preimages[key] = data;
    vm.state.preimageKey = key;
    vm.state.preimageOffset = rng() % (data.size() + 10);
    vm.state.step = rng() % 4 == 0 ? rng() : rng() % 1'000'000;
    if (rng() % 4 == 0) vm.state.heap = 0x4000'0000 + (rng() % 0x10'0000) * 8;
    if (rng() % 8 == 0) vm.thread().nextPC = 0x30'0000;  // in a delay slot
    try {
      const StepOutcome o = vm.step();  // cross-checked
      (o.ok() ? executed : reverted) += 1;
    } catch (const Error&) {
      ++hostFailures;  // e.g. a stdout write of more than 1 GiB: no step, nothing to check
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "syscall " << vm.reg(kRegV0) << " at iteration " << i;
      break;
    }
  }
  EXPECT_GT(executed, 1500);
  EXPECT_GT(reverted, 50);
  std::printf("random syscalls: %d executed, %d reverted, %d host failures\n", executed, reverted, hostFailures);
}

}  // namespace
}  // namespace fpvm::mips64::test
