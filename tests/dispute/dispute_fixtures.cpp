#include "dispute_fixtures.hpp"

#include <cstring>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "preimage/keys.hpp"
#include "test_support/rv_asm.hpp"
#include "runs/validation_input.hpp"

namespace fpvm::test::dispute {
using namespace fpvm::test::rvasm;

namespace {

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x20000;

/// Appends "a7 = nr; a0 = fd; a1 = s0 + off; a2 = n; ecall" (5 steps).
void sys(std::vector<uint32_t>& c, uint32_t nr, uint32_t fd, int32_t off, int32_t n) {
  appendSyscall(c, nr, fd, s0, off, n);
}

std::string le64Hex(uint64_t v) {
  Bytes b(8);
  putLE(b.data(), v, 8);
  return toHex(b);
}

// Prologue: lui + local 1 (key write, length read, value read: 3 × 5) + ld = 17 steps.
constexpr uint64_t kPrologue = 17;

}  // namespace

vm::VmState lateReaderProgram() {
  std::vector<uint32_t> c;
  c.push_back(lui(s0, kData >> 12));
  sys(c, 64, 6, 0, 32);   // select local 1
  sys(c, 63, 5, 64, 8);   // its length prefix
  sys(c, 63, 5, 72, 8);   // its value
  c.push_back(ld(s1, s0, 72));
  // loop: beq s1, zero, done; addi s1, s1, -1; sd s1, 128(s0); jal loop
  c.push_back(beq(s1, zero, 16));
  c.push_back(addi(s1, s1, -1));
  c.push_back(sd(s1, s0, 128));
  c.push_back(jal(zero, -12));
  // done: read local 2 and exit with it
  sys(c, 64, 6, 32, 32);
  sys(c, 63, 5, 96, 8);
  sys(c, 63, 5, 104, 8);
  c.push_back(ld(s2, s0, 104));
  c.push_back(addi(a0, s2, 0));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st;
  for (size_t i = 0; i < c.size(); ++i) st.memory.store(kCode + 4 * i, 4, c[i]);
  st.pc = kCode;
  st.heap = 0x7F0000000000ULL;
  st.registers[2] = 0x1000000000000000ULL;
  for (uint64_t index : {1, 2}) {
    Hash32 k = preimage::localKey(index);
    st.memory.writeBytes(kData + 32 * (index - 1), k.data(), 32);
  }
  return st;
}

Json lateReaderInput(uint64_t count, uint64_t late) {
  return Json{{"id", 1}, {"localKeys", {{"1", le64Hex(count)}, {"2", le64Hex(late)}}}};
}

uint64_t lateReaderDivergence(uint64_t count) {
  // prologue, the loop (4 per iteration and the final beq), key write and length read (10), the
  // 4 set-up instructions of the value read: its ecall is the step that differs.
  return kPrologue + 4 * count + 1 + 10 + 4;
}

uint64_t lateReaderSteps(uint64_t count) { return kPrologue + 4 * count + 1 + 15 + 1 + 3; }

runs::RunSettings testRunSettings(uint64_t initialSteps) {
  runs::RunSettings s;
  s.initialSteps = initialSteps;
  s.cachedMachines = 4;
  s.limits.maxExecutionTime = std::chrono::minutes(10);
  return s;
}

std::unique_ptr<fpvm::dispute::LocalParty> localParty(const vm::VmState& program, const Json& input, const std::string& name,
                                                      uint64_t initialSteps) {
  return std::make_unique<fpvm::dispute::LocalParty>(core::machineFromState(program), runs::parseValidationInput(input, name + " input"),
                                                      testRunSettings(initialSteps), name);
}

LyingParty::LyingParty(std::unique_ptr<fpvm::dispute::Party> inner, uint64_t lieFrom, Lie mode)
    : inner_(std::move(inner)), lieFrom_(lieFrom), mode_(mode) {}

Hash32 LyingParty::fake(const Hash32& honest, uint64_t position) {
  uint8_t buf[40];
  std::memcpy(buf, honest.data(), 32);
  for (int i = 0; i < 8; ++i) buf[32 + i] = static_cast<uint8_t>(position >> (8 * i));
  return keccak256(ByteView(buf, sizeof buf));
}

std::vector<Hash32> LyingParty::machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) {
  std::vector<Hash32> h = inner_->machineHashes(from, stepSize, maxIterations);
  if (mode_ == Lie::OnlyFineLevels && stepSize != 1) return h;
  // A liar does not stop at the exit: its claimed hashes keep changing.
  if (from + (maxIterations - 1) * stepSize >= lieFrom_) h.resize(maxIterations, h.back());
  for (uint64_t i = 0; i < h.size(); ++i) {
    const uint64_t pos = from + i * stepSize;
    if (pos >= lieFrom_) h[i] = fake(h[i], pos);
  }
  return h;
}

fpvm::dispute::BisectOptions smallLevels(uint64_t topHashes) {
  fpvm::dispute::BisectOptions o;
  o.stepSizes = {uint64_t(1) << 12, uint64_t(1) << 6, 1};
  o.topHashes = topHashes;
  return o;
}

}  // namespace fpvm::test::dispute
