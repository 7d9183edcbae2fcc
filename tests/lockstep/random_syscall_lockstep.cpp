// Randomised single-step cases (spec §10.4 style): preimage key writes and reads at random
// alignments, counts and offsets, clock_gettime/getrlimit writes across leaves, mmap, loads,
// stores and AMOs at leaf- and page-crossing addresses. Each step is proven and verified.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/keccak256.hpp"
#include "lockstep_check.hpp"

namespace fpvm {
namespace {

class MapOracle final : public vm::PreimageOracle {
 public:
  std::map<Hash32, Bytes, bool (*)(const Hash32&, const Hash32&)> data{
      [](const Hash32& a, const Hash32& b) { return a.b < b.b; }};
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override { return data.at(key); }
};

constexpr uint32_t kEcall = 0x00000073;

uint32_t encodeI(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return (uint32_t(imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
uint32_t encodeS(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  return (uint32_t((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (uint32_t(imm & 31) << 7) | 0x23;
}
uint32_t encodeAmo(uint32_t funct5, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return (funct5 << 27) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x2F;
}

struct Case {
  vm::VmState st;
  MapOracle oracle;
  vm::HostContext host;
};

void setup(Case& c, std::mt19937_64& rng, uint32_t instr) {
  c.st.pc = 0x10000 + (rng() % 512) * 4;
  uint8_t ib[4];
  putLE(ib, instr, 4);
  c.st.memory.writeBytes(c.st.pc, ib, 4);
  for (int i = 1; i < 32; ++i) c.st.registers[i] = rng();
  c.st.heap = 0x7F0000000000;
  // some random data near the addresses we touch
  for (int i = 0; i < 8; ++i) {
    uint64_t addr = 0x200000 + (rng() % 8192);
    c.st.memory.store(addr, 8, rng());
  }
  c.host.oracle = &c.oracle;
}

uint64_t nearAddr(std::mt19937_64& rng) {
  // Addresses around leaf (32) and page (4096) boundaries, sometimes near 2^64.
  uint64_t base = (rng() % 4 == 0) ? ~uint64_t(0) - 4096 * 2 : 0x200000 + (rng() % 4) * 4096;
  return base + (rng() % 3) * 4096 - (rng() % 40);
}

TEST(RandomSyscallLockstep, PreimageKeyWrites) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 300; ++i) {
    Case c;
    setup(c, rng, kEcall);
    c.st.registers[17] = 64;
    c.st.registers[10] = 6;
    c.st.registers[11] = nearAddr(rng);
    c.st.registers[12] = rng() % 48;
    for (auto& b : c.st.preimageKey.b) b = uint8_t(rng());
    c.st.preimageOffset = rng() % 100;
    ASSERT_TRUE(test::lockstepOnce(c.st, c.host, nullptr, nullptr)) << "case " << i;
  }
}

TEST(RandomSyscallLockstep, PreimageReads) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 300; ++i) {
    Case c;
    setup(c, rng, kEcall);
    Bytes value(rng() % 100);
    for (auto& b : value) b = uint8_t(rng());
    Hash32 key = keccak256(value);
    key[0] = 2;
    c.oracle.data[key] = value;
    c.st.preimageKey = key;
    c.st.preimageOffset = rng() % (value.size() + 8);
    c.st.registers[17] = 63;
    c.st.registers[10] = 5;
    c.st.registers[11] = nearAddr(rng);
    c.st.registers[12] = rng() % 48;
    ASSERT_TRUE(test::lockstepOnce(c.st, c.host, nullptr, nullptr)) << "case " << i;
  }
}

TEST(RandomSyscallLockstep, ClockGetrlimitMmapAndOthers) {
  std::mt19937_64 rng(3);
  const uint64_t numbers[] = {113, 163, 222, 214, 25, 56, 220, 63, 64, 98, 124, 93, 94};
  for (int i = 0; i < 400; ++i) {
    Case c;
    setup(c, rng, kEcall);
    uint64_t nr = numbers[rng() % std::size(numbers)];
    c.st.registers[17] = nr;
    c.st.registers[10] = rng() % 9;
    c.st.registers[11] = nr == 222 ? rng() % 100000 : nearAddr(rng);
    if (nr == 163) c.st.registers[10] = 7;
    if (nr == 222) {
      c.st.registers[10] = rng() % 2 ? 0 : rng();
      c.st.registers[13] = rng() % 2 ? 0x22 : 0x2;
      c.st.registers[14] = rng() % 4 ? ~uint64_t(0) : 3;
    }
    if (nr == 63 || nr == 64) c.st.registers[10] = rng() % 2 ? 1 : 3;  // fds that need no oracle data
    if (nr == 25) c.st.registers[11] = rng() % 4;
    ASSERT_TRUE(test::lockstepOnce(c.st, c.host, nullptr, nullptr)) << "case " << i << " syscall " << nr;
  }
}

TEST(RandomSyscallLockstep, LoadsStoresAndAmosAcrossLeaves) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 600; ++i) {
    Case c;
    uint32_t kind = rng() % 3, rd = 1 + rng() % 31, rs1 = 1 + rng() % 31, rs2 = 1 + rng() % 31;
    int32_t imm = int32_t(rng() % 4096) - 2048;
    uint32_t instr;
    if (kind == 0) instr = encodeI(0x03, rd, rng() % 7, rs1, imm);
    else if (kind == 1) instr = encodeS(rng() % 4, rs1, rs2, imm);
    else {
      const uint32_t ops[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C};
      instr = encodeAmo(ops[rng() % std::size(ops)], rng() % 2 ? 2 : 3, rd, rs1, rs2);
    }
    setup(c, rng, instr);
    uint64_t addr = nearAddr(rng);
    if (kind == 2) {
      addr &= ~uint64_t(7);
      c.st.registers[rs1] = addr;
      if (rng() % 2) c.st.loadReservation = addr;
    } else {
      c.st.registers[rs1] = addr - uint64_t(int64_t(imm));
    }
    ASSERT_TRUE(test::lockstepOnce(c.st, c.host, nullptr, nullptr)) << "case " << i << " instr " << std::hex << instr;
  }
}

}  // namespace
}  // namespace fpvm
