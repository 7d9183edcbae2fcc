// MT64 segment proofs through core::AnyMachine (proveSegment, verifySegmentProof dispatching on
// the format version) and through `fpvm prove-segment` / `fpvm verify-segment` on a Cannon state.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "guest_path.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/state_file.hpp"
#include "segment/mips64_segment_proof.hpp"

namespace fpvm::mips64::test {
namespace {

TEST(Mips64SegmentCore, AnyMachineProvesAndVerifies) {
  REQUIRE_GUESTS();
  std::unique_ptr<core::AnyMachine> m = core::machineFromElf(readFile(guestPath("threads")), "threads");
  ASSERT_EQ(m->isa(), core::Isa::Mips64);
  Hash32 prev = m->stateHash();
  for (uint64_t to : {uint64_t(1000), uint64_t(1001), uint64_t(50'000), ~uint64_t(0)}) {
    const uint64_t from = m->step();
    const Bytes proof = m->proveSegment(to);
    const core::SegmentOutcome o = core::verifySegmentProof(proof, ~uint64_t(0));
    EXPECT_EQ(toHex(o.preHash), toHex(prev));
    EXPECT_EQ(toHex(o.postHash), toHex(m->stateHash()));
    EXPECT_EQ(o.fromStep, from);
    EXPECT_EQ(o.endStep, m->step());
    EXPECT_EQ(o.exited, m->exited());
    prev = o.postHash;
  }
  EXPECT_TRUE(m->exited());
  std::unique_ptr<core::AnyMachine> again = core::machineFromElf(readFile(guestPath("threads")), "threads");
  const Bytes hundred = again->proveSegment(100);
  EXPECT_THROW((void)core::verifySegmentProof(hundred, 99), Error) << "more steps than the limit";
  EXPECT_EQ(core::verifySegmentProof(hundred, 100).endStep, 100u);
}

TEST(Mips64SegmentCore, RevertIsAnErrorAndBreaksTheMachine) {
  REQUIRE_GUESTS();
  State s = loadElf(readFile(guestPath("hello")));
  s.currentThread().pc = 0x1002;  // misaligned: the first step reverts
  std::unique_ptr<core::AnyMachine> m = core::machineFromState(std::move(s));
  try {
    (void)m->proveSegment(10);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("failed at proof-gen step 0"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(m->broken());
}

/// Runs the fpvm binary with `args`; returns the exit status and fills `out` with its stdout.
int runFpvm(const std::string& args, std::string* out = nullptr) {
  const std::string cmd = std::string(FPVM_TEST_FPVM) + " " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return -1;
  std::string text;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  const int status = pclose(f);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Mips64SegmentCore, CommandLine) {
  REQUIRE_GUESTS();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("fpvm-mt64-seg-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string state = (dir / "state.bin.gz").string(), proof = (dir / "p.seg").string();
  State s = loadElf(readFile(guestPath("threads")));
  writeStateFile(s, state);
  // The expected post-state: the machine's own hash at step 1900.
  std::unique_ptr<core::AnyMachine> m = core::machineFromState(std::move(s));
  ASSERT_TRUE(m->advance(1900, vm::Engine::Reference, {}).completed());
  const std::string post = toHex(m->stateHash());
  std::string out;
  ASSERT_EQ(runFpvm("prove-segment --input " + state + " --from 1000 --to 1900 --output " + proof, &out), 0) << out;
  EXPECT_NE(out.find("\"isa\":\"mips64\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"post\":\"" + post + "\""), std::string::npos) << out;
  ASSERT_EQ(runFpvm("verify-segment --proof " + proof + " --expect-post " + post, &out), 0) << out;
  EXPECT_NE(out.find("\"steps\":900"), std::string::npos) << out;
  // A flipped byte in the last leaf value or sibling: rejected with a message, exit status 1.
  Bytes bad = readFile(proof);
  bad[bad.size() - 40] ^= 1;
  writeFileAtomic(proof, bad);
  EXPECT_NE(runFpvm("verify-segment --proof " + proof, &out), 0) << out;
  EXPECT_NE(out.find("multiproof does not match the pre-state"), std::string::npos) << out;
  // The whole run validated by segments of 500 steps, verified on two threads, to the exit.
  std::unique_ptr<core::AnyMachine> end = core::machineFromStateFile(state);
  ASSERT_TRUE(end->advance(~uint64_t(0), vm::Engine::Fast, {}).completed());
  ASSERT_TRUE(end->exited());
  const std::string proofs = (dir / "proofs").string();
  std::filesystem::create_directories(proofs);
  ASSERT_EQ(runFpvm("validate-segments --input " + state + " --every 500 --threads 2 --proof-dir " + proofs +
                        " --claimed-end " + toHex(end->stateHash()),
                    &out),
            0)
      << out;
  const uint64_t segments = (end->step() + 499) / 500;
  EXPECT_NE(out.find("\"segments\":" + std::to_string(segments) + ","), std::string::npos) << out;
  EXPECT_NE(out.find("\"exited\":true"), std::string::npos) << out;
  ASSERT_EQ(runFpvm("verify-segment --proof " + proofs + "/segment-1.fpsg", &out), 0) << out;
  EXPECT_NE(out.find("\"from\":500,"), std::string::npos) << out;
  // The segments merged into one proof of the whole run.
  std::string all;
  for (uint64_t i = 0; i < segments; ++i) all += " --proof " + proofs + "/segment-" + std::to_string(i) + ".fpsg";
  const std::string merged = (dir / "merged.fpsg").string();
  ASSERT_EQ(runFpvm("merge-segments" + all + " --output " + merged, &out), 0) << out;
  ASSERT_EQ(runFpvm("verify-segment --proof " + merged + " --expect-post " + toHex(end->stateHash()), &out), 0) << out;
  EXPECT_NE(out.find("\"from\":0,\"to\":" + std::to_string(end->step()) + ","), std::string::npos) << out;
  // Another claimed end is refused.
  EXPECT_NE(runFpvm("validate-segments --input " + state + " --every 500 --claimed-end 0x" + std::string(64, '1'), &out), 0)
      << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fpvm::mips64::test
