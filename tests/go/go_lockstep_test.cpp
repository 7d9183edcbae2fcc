// Go programs (spec §9) through the proving engine, step by step: every step of a small Go
// program, and windows in the middle of a goroutine-heavy one, are proven, the proof is checked
// by the stateless verifier (its post-state hash must equal the prover's), and a plain
// interpreter on a copy must agree. The fast engine then finishes each program and must reach
// the same final state as a fast run from the start.
//
// The Go ELFs come from tests/go/programs (built by the project when `go` is installed); the test
// is skipped when they are missing. FPVM_GO_GUEST_DIR in the environment overrides their folder.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../lockstep/lockstep_check.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "image/elf_loader.hpp"
#include "vm/fast_engine.hpp"

namespace fpvm {
namespace {

std::string guestPath(const std::string& name) {
  const char* env = std::getenv("FPVM_GO_GUEST_DIR");
  std::string dir = env && *env ? env : FPVM_GO_GUEST_DIR;
  return dir + "/" + name;
}

/// Collects what the guest writes to fd 1.
class CapturedOutput final : public vm::GuestOutput {
 public:
  void write(unsigned fd, ByteView data) override {
    if (fd == 1) stdoutText.append(data.begin(), data.end());
  }
  std::string stdoutText;
};

/// The prestate as `fpvm load-elf` makes it (Go runtime patches and initial stack on).
vm::VmState loadGo(const std::string& path) { return image::loadElf(image::parseElf(readFile(path), path)); }

/// Runs `st` to its end with the fast engine; returns false (with a failure) on a revert.
bool finishFast(vm::VmState& st, vm::HostContext& host, uint64_t maxSteps) {
  vm::FastEngine fast(st, host);
  vm::FastStop stop = fast.run(maxSteps);
  if (stop == vm::FastStop::Reverted) {
    ADD_FAILURE() << "fast engine reverted 0x" << std::hex << fast.revert() << " at step " << std::dec << st.step;
    return false;
  }
  return true;
}

/// Proves `count` steps from the current state (or until exit); returns the number proven.
uint64_t lockstepSteps(vm::VmState& st, vm::HostContext& host, uint64_t count) {
  vm::VmState plain = st;
  vm::HostContext plainHost;  // output of the plain copy is dropped
  uint64_t n = 0;
  while (!st.exited && n < count) {
    if (!test::lockstepOnce(st, host, &plain, &plainHost)) return n;
    ++n;
  }
  EXPECT_EQ(toHex(st.stateHash()), toHex(plain.stateHash()));
  return n;
}

// Under ASan/UBSan (FPVM_SANITIZE) a proven step costs about ten times more: prove fewer steps
// there and let the fast engine run the rest.
#ifdef FPVM_GO_LOCKSTEP_SHORT
constexpr uint64_t kTinySteps = 20'000;
constexpr uint64_t kWindow = 4'000;
#else
constexpr uint64_t kTinySteps = 2'000'000;  // more than the whole program
constexpr uint64_t kWindow = 40'000;
#endif

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(GoLockstep, EveryStepOfTinyProgram) {
  const std::string path = guestPath("tiny");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not built (is `go` installed?)";
  const auto t0 = std::chrono::steady_clock::now();

  vm::VmState st = loadGo(path);
  vm::VmState reference = st;
  CapturedOutput out;
  vm::HostContext host;
  host.output = &out;
  const uint64_t proven = lockstepSteps(st, host, kTinySteps);
  ASSERT_FALSE(HasFailure());
  if (!st.exited) {
    ASSERT_TRUE(finishFast(st, host, 10'000'000));
  }
  ASSERT_TRUE(st.exited);
  EXPECT_EQ(st.exitCode, 4);
  EXPECT_EQ(out.stdoutText, "tiny go program\n");

  // The fast engine from the same prestate ends in the same state.
  CapturedOutput refOut;
  vm::HostContext refHost;
  refHost.output = &refOut;
  ASSERT_TRUE(finishFast(reference, refHost, 10'000'000));
  EXPECT_TRUE(reference.exited);
  EXPECT_EQ(reference.step, st.step);
  EXPECT_EQ(toHex(reference.stateHash()), toHex(st.stateHash()));

  RecordProperty("steps", std::to_string(proven));
  std::cout << "tiny: proved and verified " << proven << " of " << st.step << " steps in " << secondsSince(t0) << " s\n";
}

TEST(GoLockstep, WindowsOfGoroutineProgram) {
  const std::string path = guestPath("goroutines");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not built (is `go` installed?)";
  const auto t0 = std::chrono::steady_clock::now();

  // Reference: the whole program with the fast engine.
  vm::VmState reference = loadGo(path);
  CapturedOutput refOut;
  vm::HostContext refHost;
  refHost.output = &refOut;
  ASSERT_TRUE(finishFast(reference, refHost, 1'000'000'000));
  ASSERT_TRUE(reference.exited);
  ASSERT_EQ(reference.exitCode, 5);
  const uint64_t total = reference.step;

  // Windows spread over the run (pipeline, worker pool, mutexes, select, goroutine chain); the
  // fast engine moves between them, so every window starts from a state it produced.
  vm::VmState st = loadGo(path);
  CapturedOutput out;
  vm::HostContext host;
  host.output = &out;
  uint64_t proven = 0;
  for (uint64_t at : {total / 10, total * 3 / 10, total / 2, total * 7 / 10, total * 9 / 10}) {
    ASSERT_LT(st.step, at);
    {
      vm::FastEngine fast(st, host);
      ASSERT_EQ(fast.run(at - st.step), vm::FastStop::StepLimit);
    }
    ASSERT_EQ(st.step, at);
    proven += lockstepSteps(st, host, kWindow);
    ASSERT_FALSE(HasFailure()) << "window at step " << at;
  }
  ASSERT_TRUE(finishFast(st, host, 1'000'000'000));
  ASSERT_TRUE(st.exited);
  EXPECT_EQ(st.step, total);
  EXPECT_EQ(toHex(st.stateHash()), toHex(reference.stateHash()));
  EXPECT_EQ(out.stdoutText, refOut.stdoutText);
  RecordProperty("steps", std::to_string(proven));
  std::cout << "goroutines: " << total << " steps, proved and verified " << proven << " of them in 5 windows, "
            << secondsSince(t0) << " s\n";
}

}  // namespace
}  // namespace fpvm
