// core::AnyMachine on both machines, through small MT64 programs written as instruction words
// and a RISC-V one assembled by the test support: what runs/, server/ and dispute/ rely on.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "mips64/arch.hpp"
#include "mips64/state.hpp"
#include "mips64/encoder.hpp"
#include "vm/machine.hpp"

namespace fpvm::core::test {
namespace {

namespace enc = fpvm::mips64::test;

constexpr uint64_t kCode = 0x1000;
constexpr uint64_t kData = 0x2000;

/// An MT64 machine whose thread starts at kCode with `words` there and `data` at kData.
std::unique_ptr<AnyMachine> mips64Program(const std::vector<uint32_t>& words, const Bytes& data = {}) {
  mips64::State st = mips64::State::createInitial(kCode, 0x1000'0000);
  uint64_t at = kCode;
  for (const uint32_t w : words) {
    uint8_t b[4];
    putBE32(b, w);
    st.memory.writeBytes(at, b, 4);
    at += 4;
  }
  if (!data.empty()) st.memory.writeBytes(kData, data.data(), data.size());
  return machineFromState(std::move(st));
}

/// daddiu rt, $0, imm
uint32_t li(uint32_t rt, uint64_t imm) { return enc::daddiu(rt, 0, static_cast<int32_t>(imm)); }
/// exit_group(code), then nothing.
std::vector<uint32_t> exitWith(uint32_t code) { return {li(2, mips64::sys::kExitGroup), li(4, code), enc::syscall()}; }

std::vector<uint32_t> concat(std::vector<uint32_t> a, const std::vector<uint32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Serves nothing; counts hints.
struct NoPreimages final : vm::PreimageOracle {
  std::vector<Bytes> hints;
  void hint(ByteView h) override { hints.emplace_back(h.begin(), h.end()); }
  Bytes getPreimage(const Hash32&) override { throw Error("no such pre-image here"); }
};

TEST(AnyMachineMips64, PageLimitIsAHostFailureNamingTheLimit) {
  // lui $8, 0x1000 → 0x1000'0000, a page the state does not hold; sd $9, 0($8) allocates it.
  auto m = mips64Program(concat({enc::lui(8, 0x1000), enc::sd(9, 0, 8)}, exitWith(0)));
  m->setPageLimit(m->pageCount());
  try {
    (void)m->advance(~uint64_t(0), vm::Engine::Fast, {});
    ADD_FAILURE() << "the store past the page limit went through";
  } catch (const vm::HostFailure& f) {
    EXPECT_EQ(f.kind(), vm::HostFailureKind::MemoryLimit);
    EXPECT_NE(std::string(f.what()).find("memory limit exceeded"), std::string::npos) << f.what();
    EXPECT_EQ(f.step(), 1u);
  }
  EXPECT_TRUE(m->broken());
  EXPECT_THROW((void)m->advance(~uint64_t(0), vm::Engine::Reference, {}), Error);

  auto unlimited = mips64Program(concat({enc::lui(8, 0x1000), enc::sd(9, 0, 8)}, exitWith(0)));
  const size_t before = unlimited->pageCount();
  EXPECT_EQ(unlimited->advance(~uint64_t(0), vm::Engine::Reference, {}).stop, Stop::Exited);
  EXPECT_EQ(unlimited->pageCount(), before + 1);
}

TEST(AnyMachineMips64, MissingPreimageIsAnOracleHostFailure) {
  // Write a keccak key to fd 6 (pre-image key; 8 bytes per write, one aligned doubleword),
  // then read fd 5.
  Bytes key(32, 0x11);
  key[0] = 2;
  std::vector<uint32_t> code;
  for (uint32_t off = 0; off < 32; off += 8)
    code.insert(code.end(), {li(2, mips64::sys::kWrite), li(4, 6), li(5, kData + off), li(6, 8), enc::syscall()});
  code.insert(code.end(), {li(2, mips64::sys::kRead), li(4, 5), li(5, kData), li(6, 8), enc::syscall()});
  auto m = mips64Program(concat(code, exitWith(0)), key);
  NoPreimages oracle;
  m->setOracle(&oracle);
  try {
    const Outcome o = m->advance(~uint64_t(0), vm::Engine::Fast, {});
    ADD_FAILURE() << "a missing pre-image was not reported (stop " << int(o.stop) << " " << o.revert << ")";
  } catch (const vm::HostFailure& f) {
    EXPECT_EQ(f.kind(), vm::HostFailureKind::Oracle);
    EXPECT_NE(std::string(f.what()).find("no such pre-image"), std::string::npos) << f.what();
    EXPECT_EQ(f.step(), 24u);
  }
  EXPECT_TRUE(m->broken());
}

TEST(AnyMachineMips64, RevertIsDescribedWithStepPcInstructionAndReason) {
  auto m = mips64Program({enc::div(8, 0)});  // division by zero reverts on MT64
  const Outcome o = m->advance(10, vm::Engine::Fast, {});
  ASSERT_EQ(o.stop, Stop::Reverted);
  EXPECT_EQ(o.revertStep, 0u);
  EXPECT_EQ(o.revertPc, kCode);
  const std::string msg = m->describeRevert(nullptr, false);
  EXPECT_NE(msg.find("failed at step 0 (PC: 0x0000000000001000, insn: 0100001a): "), std::string::npos) << msg;
  EXPECT_NE(msg.find(o.revert), std::string::npos) << msg;
  EXPECT_NE(m->describeRevert(nullptr, true).find("failed at proof-gen step 0"), std::string::npos);
  EXPECT_TRUE(m->broken());
}

TEST(AnyMachineMips64, HashEachStepMatchesSteppingOneAtATimeAndKeepsTheFinalHash) {
  const std::vector<uint32_t> code = concat({li(8, 1), li(9, 2), enc::daddu(10, 8, 9), enc::sd(10, static_cast<int32_t>(kData), 0)}, exitWith(3));
  auto a = mips64Program(code);
  auto b = a->clone();
  std::vector<Hash32> want;
  for (int i = 0; i < 12; ++i) {
    (void)a->advance(a->step() + 1, vm::Engine::Reference, {});
    want.push_back(a->stateHash());
  }
  EXPECT_TRUE(a->exited());
  std::vector<Hash32> got;
  const Outcome o = b->hashEachStep(
      12, [&](uint64_t first, const Hash32* h, size_t n) {
        EXPECT_EQ(first, got.size());
        got.insert(got.end(), h, h + n);
      },
      {});
  EXPECT_EQ(o.stop, Stop::Exited);
  EXPECT_EQ(got, want);
  EXPECT_EQ(b->status(), vm::VmStatus::Panic);
  EXPECT_EQ(b->exitCode(), 3);
}

TEST(AnyMachineMips64, ClonesCarryTheLastCompleteHintStateFilesDoNot) {
  // A 4-byte length prefix and 3 bytes: one complete hint "abc", then 2 bytes of the next.
  const Bytes hint = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0};
  const std::vector<uint32_t> code = {li(2, mips64::sys::kWrite), li(4, 4), li(5, kData), li(6, 9), enc::syscall()};
  auto m = mips64Program(concat(code, exitWith(0)), hint);
  EXPECT_TRUE(m->resumeHint().empty());
  NoPreimages oracle;
  m->setOracle(&oracle);
  (void)m->advance(5, vm::Engine::Fast, {});
  ASSERT_EQ(oracle.hints.size(), 1u);
  EXPECT_EQ(oracle.hints[0], (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(m->resumeHint(), (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(m->clone()->resumeHint(), (Bytes{'a', 'b', 'c'}));
}

TEST(AnyMachine, StatusAndWitnessHashOfBothMachines) {
  auto mips = mips64Program(exitWith(1));
  EXPECT_EQ(mips->status(), vm::VmStatus::Unfinished);
  const Bytes w = mips->witness();
  EXPECT_EQ(w.size(), 188u);
  EXPECT_EQ(hashWitness(Isa::Mips64, w), mips->stateHash());
  EXPECT_EQ(isaOfWitnessSize(188), Isa::Mips64);
  EXPECT_EQ(isaOfWitnessSize(362), Isa::Riscv64);
  EXPECT_FALSE(isaOfWitnessSize(200));
  EXPECT_THROW(hashWitness(Isa::Riscv64, w), Error);
  (void)mips->advance(~uint64_t(0), vm::Engine::Fast, {});
  EXPECT_EQ(mips->status(), vm::VmStatus::Invalid);

  auto riscv = machineFromState(vm::VmState{});
  EXPECT_EQ(riscv->witness().size(), 362u);
  EXPECT_EQ(hashWitness(Isa::Riscv64, riscv->witness()), riscv->stateHash());
  EXPECT_EQ(riscv->status(), vm::VmStatus::Unfinished);
}

TEST(AnyMachine, RegistersThreadsAndMemoryAsADebuggerSeesThem) {
  auto mips = mips64Program(concat({li(8, 42), li(9, 7)}, exitWith(0)), Bytes{0xde, 0xad, 0xbe, 0xef});
  (void)mips->advance(2, vm::Engine::Reference, {});
  const Hash32 before = mips->stateHash();
  const ThreadRegisters r = mips->registers();
  EXPECT_EQ(r.gpr[8], 42u);
  EXPECT_EQ(r.gpr[9], 7u);
  EXPECT_EQ(r.pc, kCode + 8);
  EXPECT_EQ(r.nextPc, kCode + 12);
  ASSERT_EQ(mips->threads().size(), 1u);
  EXPECT_EQ(mips->threads()[0].gpr, r.gpr);
  uint8_t bytes[8];
  mips->readMemory(kData - 2, bytes, sizeof bytes);  // guest byte order; the page below is code
  EXPECT_EQ(toHex(ByteView(bytes, 8)), "0x0000deadbeef0000");
  mips->readMemory(0x7000'0000, bytes, sizeof bytes);  // never allocated
  EXPECT_EQ(toHex(ByteView(bytes, 8)), "0x0000000000000000");
  EXPECT_EQ(mips->stateHash(), before);
  EXPECT_EQ(mips->pageCount(), 2u) << "reading allocated nothing";

  vm::VmState st;
  st.pc = 0x4000;
  st.registers[2] = 0x8000;
  const uint8_t word[4] = {1, 2, 3, 4};
  st.memory.writeBytes(0x8000, word, 4);
  auto riscv = machineFromState(std::move(st));
  EXPECT_EQ(riscv->registers().pc, 0x4000u);
  EXPECT_EQ(riscv->registers().nextPc, 0x4004u);
  EXPECT_EQ(riscv->registers().gpr[2], 0x8000u);
  EXPECT_EQ(riscv->threads().size(), 1u);
  riscv->readMemory(0x8000, bytes, 4);
  EXPECT_EQ(toHex(ByteView(bytes, 4)), "0x01020304");
}

}  // namespace
}  // namespace fpvm::core::test
