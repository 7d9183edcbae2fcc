// The ELF loader and the initial stack (docs/spec/cannon-mt64.md §9.2, §9.3), on ELF files built
// here byte by byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "mips64/arch.hpp"
#include "mips64/elf_loader.hpp"

namespace fpvm::mips64 {
namespace {

struct Segment {
  uint32_t type;
  uint64_t vaddr;
  Bytes data;
  uint64_t memsz;
};

constexpr uint32_t kPtLoad = 1, kPtNote = 4, kPtMipsAbiflags = 0x70000003;

/// A minimal ELF file: header, program headers, then each segment's file bytes.
Bytes buildElf(uint64_t entry, const std::vector<Segment>& segs, bool is64 = true, bool bigEndian = true, uint16_t machine = 8) {
  const size_t ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32;
  Bytes out(ehsize + phentsize * segs.size(), 0);
  auto put = [&](size_t at, uint64_t v, unsigned size) {
    for (unsigned i = 0; i < size; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * (bigEndian ? size - 1 - i : i)));
  };
  out[0] = 0x7f, out[1] = 'E', out[2] = 'L', out[3] = 'F';
  out[4] = is64 ? 2 : 1;
  out[5] = bigEndian ? 2 : 1;
  out[6] = 1;
  put(16, 2, 2);  // ET_EXEC
  put(18, machine, 2);
  put(20, 1, 4);
  if (is64) {
    put(24, entry, 8);
    put(32, ehsize, 8);  // e_phoff
    put(52, ehsize, 2);
    put(54, phentsize, 2);
    put(56, segs.size(), 2);
  } else {
    put(24, entry, 4);
    put(28, ehsize, 4);
    put(40, ehsize, 2);
    put(42, phentsize, 2);
    put(44, segs.size(), 2);
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    const size_t ph = ehsize + phentsize * i;
    const uint64_t offset = out.size();
    out.insert(out.end(), segs[i].data.begin(), segs[i].data.end());
    put(ph, segs[i].type, 4);
    if (is64) {
      put(ph + 8, offset, 8);
      put(ph + 16, segs[i].vaddr, 8);
      put(ph + 24, segs[i].vaddr, 8);
      put(ph + 32, segs[i].data.size(), 8);
      put(ph + 40, segs[i].memsz, 8);
    } else {
      put(ph + 4, offset, 4);
      put(ph + 8, segs[i].vaddr, 4);
      put(ph + 12, segs[i].vaddr, 4);
      put(ph + 16, segs[i].data.size(), 4);
      put(ph + 20, segs[i].memsz, 4);
    }
  }
  return out;
}

Bytes filled(size_t n, uint8_t v) { return Bytes(n, v); }

uint8_t byteAt(State& s, uint64_t addr) {
  uint8_t b;
  s.memory.readBytes(addr, &b, 1);
  return b;
}

TEST(Mips64ElfLoader, SegmentsAndInitialThread) {
  const Bytes elf = buildElf(0x1'2000'0100, {
                                                {kPtMipsAbiflags, 0x5000, filled(24, 0xAB), 24},  // skipped
                                                {kPtLoad, 0x1'2000'0000, filled(0x1800, 0x11), 0x1800},
                                                {kPtLoad, 0x1'2001'0ff0, filled(0x20, 0x22), 0x3000},  // .bss
                                                {kPtNote, 0x1'2000'0010, filled(4, 0x33), 4},  // any type is copied
                                                {kPtLoad, 0x9000, {}, 0},                       // empty: skipped
                                            });
  State s = loadElfSegments(elf);
  EXPECT_EQ(s.currentThread().pc, 0x1'2000'0100u);
  EXPECT_EQ(s.currentThread().nextPC, 0x1'2000'0104u);
  EXPECT_EQ(s.heap, kHeapStart);
  EXPECT_EQ(s.nextThreadId, 1u);
  EXPECT_EQ(s.threadCount(), 1u);
  EXPECT_FALSE(s.memory.hasPage(5));  // ABIFLAGS
  EXPECT_FALSE(s.memory.hasPage(9));
  EXPECT_EQ(byteAt(s, 0x1'2000'0000), 0x11);
  EXPECT_EQ(byteAt(s, 0x1'2000'0010), 0x33);  // a later segment overwrites an earlier one
  EXPECT_EQ(byteAt(s, 0x1'2000'0014), 0x11);
  EXPECT_EQ(byteAt(s, 0x1'2001'0ff0), 0x22);
  EXPECT_EQ(byteAt(s, 0x1'2001'1010), 0x00);  // zero fill
  // Pages: two for the first segment, every page of [0x1_2001_0ff0, +0x3000) for the second.
  EXPECT_EQ(s.memory.pageIndices(),
            (std::vector<uint64_t>{0x120000, 0x120001, 0x120010, 0x120011, 0x120012, 0x120013}));
  EXPECT_EQ(s.memory.root(), s.memory.rootFromScratch());
}

TEST(Mips64ElfLoader, RejectsWhatCannonRejects) {
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {}, true, true, 62)), Error);  // x86-64
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtNote, 0x1000, filled(4, 1), 8}})), Error);  // non-PT_LOAD fill
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, 0x1000, filled(8, 1), 4}})), Error);  // filesz > memsz
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, kHeapStart - 4, filled(8, 1), 8}})), Error);  // into the heap
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, uint64_t(1) << 48, filled(8, 1), 8}})), Error);
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, ~uint64_t(3), filled(8, 1), 8}})), Error);  // wraps
  Bytes truncated = buildElf(0, {{kPtLoad, 0x1000, filled(64, 1), 64}});
  truncated.resize(truncated.size() - 1);
  EXPECT_THROW((void)loadElfSegments(truncated), Error);
  EXPECT_THROW((void)loadElfSegments(Bytes{1, 2, 3}), Error);
  // An empty segment is skipped before the range checks.
  EXPECT_NO_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, kHeapStart + 0x1000, {}, 0}})));
  // The last byte may sit just below HEAP_START.
  EXPECT_NO_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, kHeapStart - 8, filled(8, 1), 8}})));
}

TEST(Mips64ElfLoader, BssOnlySegmentWithAnOffsetPastTheFileLoads) {
  Bytes elf = buildElf(0x1000, {{kPtLoad, 0x1000, filled(8, 1), 8}, {kPtLoad, 0x8000, {}, 64}});
  const uint64_t offset = elf.size() + 0x10000;  // the second program header's p_offset, big-endian
  for (int i = 0; i < 8; ++i) elf[64 + 56 + 8 + i] = static_cast<uint8_t>(offset >> (56 - 8 * i));
  const State s = loadElfSegments(elf);
  EXPECT_EQ(s.memory.loadWord(0x8000), 0u);
  EXPECT_TRUE(s.memory.hasPage(0x8000 >> kPageBits));
  // With file bytes, the same offset is a truncated file.
  Bytes withData = buildElf(0x1000, {{kPtLoad, 0x1000, filled(8, 1), 8}, {kPtLoad, 0x8000, filled(8, 2), 64}});
  for (int i = 0; i < 8; ++i) withData[64 + 56 + 8 + i] = static_cast<uint8_t>(offset >> (56 - 8 * i));
  EXPECT_THROW((void)loadElfSegments(withData), Error);
}

TEST(Mips64ElfLoader, SegmentsOverFourGiBAreRefused) {
  // Decision A12: Cannon would allocate every page; fpvm refuses before allocating anything.
  try {
    (void)loadElfSegments(buildElf(0, {{kPtLoad, 0x1000, {}, uint64_t(3) << 30}, {kPtLoad, 0x1'0000'0000, {}, uint64_t(2) << 30}}));
    FAIL() << "a 5 GiB ELF was loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("more than 4 GiB"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("program segment 1"), std::string::npos) << e.what();
  }
  // A huge memsz that would wrap the running total is refused too.
  EXPECT_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, 0x1000, {}, ~uint64_t(0) - 4096}, {kPtLoad, 0x2000, {}, 8192}})),
               Error);
  // Up to the limit is fine (nothing is loaded here: memsz 0 segments are skipped).
  EXPECT_NO_THROW((void)loadElfSegments(buildElf(0, {{kPtLoad, 0x1000, filled(8, 1), 8}})));
}

TEST(Mips64ElfLoader, ClassAndByteOrderAreNotChecked) {
  // Spec decision A5: any EM_MIPS file loads, e.g. a 32-bit little-endian one.
  const Bytes elf = buildElf(0x400100, {{kPtLoad, 0x400000, filled(16, 0x44), 32}}, false, false);
  State s = loadElfSegments(elf);
  EXPECT_EQ(s.currentThread().pc, 0x400100u);
  EXPECT_EQ(byteAt(s, 0x400000), 0x44);
  EXPECT_EQ(byteAt(s, 0x400010), 0x00);
}

TEST(Mips64ElfLoader, InitialStackLayout) {
  State s = loadElf(buildElf(0x1000, {{kPtLoad, 0x1000, filled(4, 0), 4}}));
  const uint64_t sp = 0x7FFF'FFFF'F000;
  EXPECT_EQ(s.currentThread().registers[29], sp);
  for (unsigned r = 0; r < 32; ++r) {
    if (r != 29) {
      EXPECT_EQ(s.currentThread().registers[r], 0u) << r;
    }
  }
  for (uint64_t page = 0x7FFF'FFFF'B; page <= 0x7FFF'FFFF'F; ++page) EXPECT_TRUE(s.memory.hasPage(page)) << std::hex << page;
  EXPECT_EQ(s.memory.pageCount(), 1u + 5);
  const uint64_t expected[10] = {1, 0x7FFF'FFFF'F080, 0, 0x7FFF'FFFF'F060, 0, 6, 4096, 25, 0x7FFF'FFFF'F050, 0};
  for (unsigned i = 0; i < 10; ++i) EXPECT_EQ(s.memory.loadWord(sp + 8 * i), expected[i]) << i;
  auto text = [&](uint64_t addr, size_t n) {
    std::string out(n, '\0');
    s.memory.readBytes(addr, reinterpret_cast<uint8_t*>(out.data()), n);
    return out;
  };
  EXPECT_EQ(text(sp + 80, 16), "4;byfairdiceroll");
  EXPECT_EQ(text(sp + 96, 32), std::string("GODEBUG=memprofilerate=0") + std::string(8, '\0'));
  EXPECT_EQ(text(sp + 128, 16), std::string("op-program") + std::string(6, '\0'));
  EXPECT_EQ(text(sp + 144, 8), std::string(8, '\0'));
}

}  // namespace
}  // namespace fpvm::mips64
