// The example rollup's fault-proof program (examples/rollup/guest) built for both machines and
// run against the same real preimage server (fpvm-rollup-host serve, a subprocess speaking
// op-program's protocol on fds 3-6): the MIPS64 build on the Cannon MT64 machine must give the
// same verdict (exit code) and the same output as the RISC-V build on the Asterisc machine, for
// a valid claim, a wrong claim and malformed boot values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "common/file_io.hpp"
#include "image/elf_file.hpp"
#include "image/elf_loader.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"
#include "preimage/host_oracle.hpp"
#include "vm/machine.hpp"

namespace fpvm::mips64::test {
namespace {

/// The host's oracle seen through the MT64 machine's interface.
class OracleAdapter final : public PreimageOracle {
 public:
  explicit OracleAdapter(vm::PreimageOracle& oracle) : oracle_(oracle) {}
  void hint(ByteView h) override { oracle_.hint(h); }
  Bytes getPreimage(const Hash32& key) override { return oracle_.getPreimage(key); }

 private:
  vm::PreimageOracle& oracle_;
};

/// stdout of either machine.
class StdoutText final : public GuestOutput, public vm::GuestOutput {
 public:
  std::string text;
  void write(uint64_t fd, ByteView d) override {
    if (fd == 1) text.append(d.begin(), d.end());
  }
  void write(unsigned fd, ByteView d) override { write(uint64_t{fd}, d); }
};

struct Verdict {
  int exitCode = -1;
  std::string stdoutText;
  uint64_t steps = 0;
};

preimage::HostOracleConfig serverConfig(const std::string& chain, const std::string& boot) {
  preimage::HostOracleConfig c;
  c.serverCommand = {FPVM_ROLLUP_HOST, "serve", "--chain", chain, "--boot", boot};
  return c;
}

Verdict runMips64(const std::string& chain, const std::string& boot) {
  preimage::HostOracle host(serverConfig(chain, boot));
  OracleAdapter oracle(host);
  StdoutText out;
  State state = loadElf(readFile(FPVM_ROLLUP_GUEST_MIPS64));
  Interpreter reference(state, &oracle, &out);
  FastEngine fast(state, reference);
  const RunResult r = fast.run(~uint64_t(0));
  EXPECT_EQ(r.stop, RunStop::Exited) << revertName(r.outcome.revert);
  return {state.exitCode, out.text, state.step};
}

Verdict runRiscv(const std::string& chain, const std::string& boot) {
  preimage::HostOracle host(serverConfig(chain, boot));
  StdoutText out;
  vm::Machine m(image::loadElf(image::parseElf(readFile(FPVM_ROLLUP_GUEST_RISCV), FPVM_ROLLUP_GUEST_RISCV)));
  m.setOracle(&host);
  m.setOutput(&out);
  const vm::Outcome o = m.advance(~uint64_t(0));
  EXPECT_EQ(o.reason, vm::StopReason::Exited);
  return {m.exitCode(), out.text, m.step()};
}

class Mips64Rollup : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* path : {FPVM_ROLLUP_HOST, FPVM_ROLLUP_GUEST_MIPS64, FPVM_ROLLUP_GUEST_RISCV})
      if (!std::filesystem::exists(path)) missing_ = path;
    if (missing_) return;
    dir_ = new std::string(::testing::TempDir() + "/mips64-rollup-" + std::to_string(::getpid()));
    const std::string cmd = std::string(FPVM_ROLLUP_HOST) + " generate --out " + *dir_ +
                            " --blocks 6 --accounts 16 --txs-per-block 8 --seed 7 >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    // Malformed boot values: the claimed block number is 4 bytes instead of 8.
    const Bytes valid = readFile(*dir_ + "/boot-valid.json");
    std::string text(valid.begin(), valid.end());
    const size_t at = text.find("\"3\": \"0x");
    ASSERT_NE(at, std::string::npos);
    text.erase(at + 8, 8);
    writeFileAtomic(*dir_ + "/boot-malformed.json", ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  static void TearDownTestSuite() {
    if (!dir_) return;
    std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (missing_) GTEST_SKIP() << "SKIPPED: " << missing_ << " was not built (needs mips64-linux-gnuabi64-gcc and riscv64-unknown-elf-gcc)";
  }
  static std::string* dir_;
  static const char* missing_;

  void expectSameVerdict(const std::string& bootName, int expectedExit) {
    const std::string boot = *dir_ + "/" + bootName;
    const Verdict mips = runMips64(*dir_, boot);
    const Verdict riscv = runRiscv(*dir_, boot);
    std::printf("%s: exit %d; MIPS64 %llu steps, RISC-V %llu steps\n", bootName.c_str(), mips.exitCode,
                static_cast<unsigned long long>(mips.steps), static_cast<unsigned long long>(riscv.steps));
    EXPECT_EQ(mips.exitCode, expectedExit);
    EXPECT_EQ(mips.exitCode, riscv.exitCode);
    EXPECT_EQ(mips.stdoutText, riscv.stdoutText);
  }
};
std::string* Mips64Rollup::dir_ = nullptr;
const char* Mips64Rollup::missing_ = nullptr;

TEST_F(Mips64Rollup, ValidClaimSameVerdictAsRiscv) { expectSameVerdict("boot-valid.json", 0); }
TEST_F(Mips64Rollup, WrongClaimSameVerdictAsRiscv) { expectSameVerdict("boot-invalid.json", 1); }
TEST_F(Mips64Rollup, MalformedBootSameVerdictAsRiscv) { expectSameVerdict("boot-malformed.json", 2); }

}  // namespace
}  // namespace fpvm::mips64::test
