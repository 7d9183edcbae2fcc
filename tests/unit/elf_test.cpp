// ELF parsing and load-elf (spec §7.1): a shipped riscv-test mutated into every kind of bad
// input (each an fpvm::Error naming the problem), plus synthetic ELFs for the load rules.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "test_support/elf_builder.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"

namespace fpvm::image {
using namespace vm;

namespace {

using test::ElfBuilder;

template <class F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

/// Parses and loads `image`; returns the error message, or "" when it loaded.
std::string loadError(const Bytes& image, LoadOptions opt = {}) {
  return errorOf([&] { (void)loadElf(parseElf(image, "prog.elf"), opt); });
}

#define EXPECT_ERROR_CONTAINS(msg, needle)                                        \
  do {                                                                            \
    const std::string m_ = (msg);                                                 \
    EXPECT_FALSE(m_.empty()) << "no error; expected \"" << (needle) << "\"";       \
    EXPECT_NE(m_.find(needle), std::string::npos) << "message: \"" << m_ << "\""; \
    EXPECT_EQ(m_.find('\n'), std::string::npos) << "multi-line message";         \
  } while (0)

class ShippedElf : public ::testing::Test {
 protected:
  Bytes base;
  void SetUp() override {
    const std::string path = test::riscvTestPath("ui", "simple");
    if (path.empty()) GTEST_SKIP() << test::kSharedMissing;
    base = readFile(path);
    ASSERT_EQ(base.size(), 9384u) << "unexpected rv64ui-p-simple";
  }
  uint64_t u64(size_t at) const { return getLE(base.data() + at, 8); }
  static void put64(Bytes& b, size_t at, uint64_t v) { putLE(b.data() + at, v, 8); }
  static void put32(Bytes& b, size_t at, uint32_t v) { putLE(b.data() + at, v, 4); }
  /// Offset of program header i (phoff = 64, phentsize = 56).
  static size_t ph(size_t i) { return 64 + 56 * i; }
  /// Offset of section header i (shoff = 8936).
  static size_t sh(size_t i) { return 8936 + 64 * i; }
};

TEST_F(ShippedElf, ParsesAndLoads) {
  ElfFile elf = parseElf(base, "simple");
  EXPECT_EQ(elf.entry, 0x80000000u);
  ASSERT_EQ(elf.segments.size(), 3u);
  EXPECT_EQ(elf.segments[0].type, kPtRiscvAttributes);
  EXPECT_EQ(elf.segments[1].vaddr, 0x80000000u);
  EXPECT_EQ(elf.segments[1].filesz, 0x1bcu);
  EXPECT_TRUE(elf.hasSymbolTable);
  EXPECT_EQ(elf.symbols.size(), 16u);
  bool sawStart = false;
  for (const auto& s : elf.symbols) sawStart |= s.name == "_start" && s.value == 0x80000000u;
  EXPECT_TRUE(sawStart);
  VmState st = loadElf(elf, LoadOptions{.patchAndStack = false});
  EXPECT_EQ(st.pc, 0x80000000u);
  EXPECT_EQ(st.heap, kInitialHeap);
  EXPECT_EQ(st.registers[2], 0u);
  Bytes text(0x1bc);
  st.memory.readBytes(0x80000000, text.data(), text.size());
  EXPECT_EQ(text, Bytes(base.begin() + 0x1000, base.begin() + 0x1000 + 0x1bc));
  EXPECT_EQ(st.memory.pageIndices(), (std::vector<uint64_t>{0x80000, 0x80001}));
  EXPECT_EQ(st.storedWitness.size(), kWitnessSize);  // load-elf stores witness and hash
  ASSERT_TRUE(st.storedStateHash.has_value());
  EXPECT_EQ(*st.storedStateHash, st.stateHash());
}

TEST_F(ShippedElf, TruncatedAtEveryLengthIsAnError) {
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 512; ++n) lengths.push_back(n);
  for (size_t n = 513; n < base.size(); n += 61) lengths.push_back(n);
  for (size_t n : {0x1000u, 0x1000u + 0x1bbu, 0x1000u + 0x1bcu, 0x2047u, 0x2048u, 8935u, 8936u, 9383u}) lengths.push_back(n);
  for (size_t n : lengths) {
    for (bool patch : {true, false}) {
      const std::string msg = loadError(Bytes(base.begin(), base.begin() + n), LoadOptions{.patchAndStack = patch});
      ASSERT_FALSE(msg.empty()) << "truncated to " << n << " bytes loaded";
      EXPECT_NE(msg.find("prog.elf"), std::string::npos) << msg;
      EXPECT_TRUE(msg.find("truncated") != std::string::npos || msg.find("past the end") != std::string::npos ||
                  msg.find("bad magic") != std::string::npos)
          << "length " << n << ": " << msg;
    }
  }
}

TEST_F(ShippedElf, WrongMachineClassEndiannessMagic) {
  Bytes b = base;
  b[18] = 62;  // EM_X86_64
  b[19] = 0;
  EXPECT_ERROR_CONTAINS(loadError(b), "not a RISC-V ELF file (e_machine=62");
  b = base;
  b[4] = 1;  // ELFCLASS32
  EXPECT_ERROR_CONTAINS(loadError(b), "not a 64-bit ELF file");
  b = base;
  b[5] = 2;  // ELFDATA2MSB
  EXPECT_ERROR_CONTAINS(loadError(b), "not a little-endian ELF file");
  b = base;
  b[1] = 'X';
  EXPECT_ERROR_CONTAINS(loadError(b), "not an ELF file (bad magic)");
  EXPECT_ERROR_CONTAINS(loadError(Bytes{'#', '!', '/', 'b', 'i', 'n'}), "bad magic");
}

TEST_F(ShippedElf, OverlappingLoadSegments) {
  Bytes b = base;
  put64(b, ph(2) + 16, 0x80000100);  // second PT_LOAD inside the first
  EXPECT_ERROR_CONTAINS(loadError(b), "program segment 2 overlaps an earlier PT_LOAD segment");
  b = base;
  put64(b, ph(2) + 16, 0x80000000 - 0x40);  // ends inside the first
  EXPECT_ERROR_CONTAINS(loadError(b), "overlaps");
  b = base;
  put64(b, ph(2) + 16, 0x800001bc);  // adjacent: fine
  EXPECT_EQ(loadError(b), "");
}

TEST_F(ShippedElf, AbsurdMemorySize) {
  Bytes b = base;
  put64(b, ph(2) + 40, (uint64_t(4) << 30) + 1);  // memsz just over 4 GiB
  EXPECT_ERROR_CONTAINS(loadError(b), "program segment 2 is too large");
  b = base;
  put64(b, ph(2) + 40, ~uint64_t(0));
  EXPECT_ERROR_CONTAINS(loadError(b), "too large");
  // The limit is a total over segments.
  EXPECT_ERROR_CONTAINS(loadError(base, LoadOptions{.patchAndStack = false, .maxLoadBytes = 0x1bc + 0x47}), "too large");
  EXPECT_EQ(loadError(base, LoadOptions{.patchAndStack = false, .maxLoadBytes = 0x1bc + 0x48}), "");
}

TEST_F(ShippedElf, SegmentPastEndOfFile) {
  Bytes b = base;
  put64(b, ph(1) + 8, 0x10000);  // offset beyond the file
  EXPECT_ERROR_CONTAINS(loadError(b), "program segment 1 extends past the end of the file");
  b = base;
  put64(b, ph(2) + 32, 0x10000);  // filesz beyond the file (memsz too)
  put64(b, ph(2) + 40, 0x10000);
  EXPECT_ERROR_CONTAINS(loadError(b), "past the end");
  b = base;
  put64(b, ph(1) + 8, ~uint64_t(0) - 4);  // offset + filesz wraps
  EXPECT_ERROR_CONTAINS(loadError(b), "past the end");
}

TEST_F(ShippedElf, WrappingSegment) {
  Bytes b = base;
  put64(b, ph(2) + 16, 0xFFFFFFFFFFFFF000ULL);
  put64(b, ph(2) + 40, 0x2000);
  EXPECT_ERROR_CONTAINS(loadError(b), "program segment 2 wraps around the end of the address space");
}

TEST_F(ShippedElf, FileSizeLargerThanMemorySize) {
  Bytes b = base;
  put64(b, ph(2) + 40, 0x10);
  EXPECT_ERROR_CONTAINS(loadError(b), "file size 72 > memory size 16");
}

TEST_F(ShippedElf, NonLoadSegmentWithFillIsRejected) {
  Bytes b = base;
  put32(b, ph(2), 4);  // PT_NOTE
  put64(b, ph(2) + 40, 0x100);
  EXPECT_ERROR_CONTAINS(loadError(b), "filling is only supported for PT_LOAD segments");
}

TEST_F(ShippedElf, MissingSymbolTableWithPatching) {
  Bytes b = base;
  put32(b, sh(4) + 4, 1);  // .symtab becomes PROGBITS
  EXPECT_ERROR_CONTAINS(loadError(b), "no symbol table");
  EXPECT_EQ(loadError(b, LoadOptions{.patchAndStack = false}), "");  // the harness path does not need it
  b = base;
  b[60] = 0;  // e_shnum = 0: no sections at all
  b[61] = 0;
  EXPECT_ERROR_CONTAINS(loadError(b), "no symbol table");
}

TEST_F(ShippedElf, BrokenSectionAndSymbolTables) {
  Bytes b = base;
  put32(b, sh(4) + 40, 99);  // sh_link out of range
  EXPECT_ERROR_CONTAINS(loadError(b), "symbol table links to a missing string table");
  b = base;
  put64(b, sh(4) + 24, 0x100000);  // symtab offset past EOF
  EXPECT_ERROR_CONTAINS(loadError(b), "truncated");
  b = base;
  put32(b, 0x2080 + 24 * 3, 0x10000);  // a symbol name offset outside the string table
  EXPECT_ERROR_CONTAINS(loadError(b), "symbol 3 has a name outside the string table");
  b = base;
  b[58] = 40;  // e_shentsize
  EXPECT_ERROR_CONTAINS(loadError(b), "unexpected section header size 40");
  b = base;
  b[54] = 32;  // e_phentsize
  EXPECT_ERROR_CONTAINS(loadError(b), "unexpected program header size 32");
  b = base;
  put64(b, 32, ~uint64_t(0) - 8);  // e_phoff wraps
  EXPECT_ERROR_CONTAINS(loadError(b), "truncated");
  b = base;
  // The string table ends without a terminator: cut its size to the middle of the last name.
  put64(b, sh(5) + 32, 0x88);
  EXPECT_ERROR_CONTAINS(loadError(b), "unterminated name");
}

TEST_F(ShippedElf, RiscvAttributesSegmentIsSkipped) {
  Bytes b = base;
  put64(b, ph(0) + 8, 0xFFFFFFFFFFFF0000ULL);  // garbage in the skipped header is tolerated
  put64(b, ph(0) + 32, 0x123456789);
  EXPECT_EQ(loadError(b), "");
}

// ---- synthetic ELFs: load rules of §7.1 ----

TEST(ElfLoad, PatchesGoRuntimeSymbolsAndWritesStack) {
  ElfBuilder e;
  e.segment(0x10000, Bytes(0x200, 0x11));
  e.symbol("runtime.gcenable", 0x10000)
      .symbol("runtime.check", 0x10010)
      .symbol("flag.init", 0x10020)
      .symbol("github.com/prometheus/client_model/go.init.1", 0x10030)
      .symbol("runtime.MemProfileRate", 0x10100)
      .symbol("runtime.main", 0x10040)      // not in the list
      .symbol("runtime.init.6", 0x10050);  // not in the list
  VmState st = loadElf(parseElf(e.build(), "go.elf"));
  for (uint64_t a : {0x10000u, 0x10010u, 0x10020u, 0x10030u}) {
    EXPECT_EQ(st.memory.load(a, 4), 0x00008067u) << std::hex << a;  // jalr x0, 0(ra)
    EXPECT_EQ(st.memory.load(a + 4, 1), 0x11u);
  }
  EXPECT_EQ(st.memory.load(0x10040, 4), 0x11111111u);
  EXPECT_EQ(st.memory.load(0x10050, 4), 0x11111111u);
  EXPECT_EQ(st.memory.load(0x10100, 8), 0u);
  EXPECT_EQ(st.memory.load(0x10108, 1), 0x11u);
  // Stack (spec §7.1 step 5).
  const uint64_t sp = 0x1000000000000000ULL;
  EXPECT_EQ(st.registers[2], sp);
  const uint64_t expected[] = {0, 0x42, 0x35, 0, 6, 4096, 25, sp + 72, 0, 0x6f727020646e6172ULL, 0x6164626d616c6f74ULL};
  for (size_t i = 0; i < std::size(expected); ++i) EXPECT_EQ(st.memory.load(sp + 8 * i, 8), expected[i]) << "sp+" << 8 * i;
  Bytes rnd(16);
  st.memory.readBytes(sp + 72, rnd.data(), 16);
  EXPECT_EQ(std::string(rnd.begin(), rnd.end()), "rand protolambda");
  for (unsigned i = 0; i < 32; ++i)
    if (i != 2) {
      EXPECT_EQ(st.registers[i], 0u);
    }
  EXPECT_EQ(st.heap, 0x7F0000000000ULL);
  EXPECT_EQ(st.pc, 0x10000u);
}

TEST(ElfLoad, ZeroFillAndLaterSegmentsOverwrite) {
  ElfBuilder e;
  e.segment(0x20000, Bytes(16, 0xAA), 64);  // 48 bytes of zero fill
  e.segment(0x20008, Bytes(4, 0xBB), 0, 4);  // PT_NOTE is copied too, over the first
  VmState st = loadElf(parseElf(e.build(), "a.elf"), LoadOptions{.patchAndStack = false});
  EXPECT_EQ(st.memory.load(0x20000, 8), 0xAAAAAAAAAAAAAAAAULL);
  EXPECT_EQ(st.memory.load(0x20008, 4), 0xBBBBBBBBu);
  EXPECT_EQ(st.memory.load(0x2000C, 4), 0xAAAAAAAAu);
  EXPECT_EQ(st.memory.load(0x20010, 8), 0u);
  // A zero fill overwrites what an earlier non-LOAD segment put there.
  ElfBuilder f;
  f.segment(0x30000, Bytes(8, 0xCC), 0, 4);
  f.segment(0x2FFF0, Bytes(4, 0xDD), 0x20);
  VmState s2 = loadElf(parseElf(f.build(), "b.elf"), LoadOptions{.patchAndStack = false});
  EXPECT_EQ(s2.memory.load(0x30000, 8), 0u);
}

TEST(ElfLoad, PageAllocationRules) {
  ElfBuilder e;
  e.segment(0x40000, Bytes(0x1000, 1));   // ends exactly on a page boundary: 0x41 allocated too
  e.segment(0x50000, Bytes{}, 0);         // empty segment: its page is allocated
  e.segment(0x60FF0, Bytes(0x20, 2));     // crosses into the next page
  VmState st = loadElf(parseElf(e.build(), "p.elf"), LoadOptions{.patchAndStack = false});
  EXPECT_EQ(st.memory.pageIndices(), (std::vector<uint64_t>{0x40, 0x41, 0x50, 0x60, 0x61}));
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch());
}

TEST(ElfLoad, MissingSymbolTable) {
  ElfBuilder e;
  e.segment(0x10000, Bytes(8, 0x13));
  e.withSymbolTable = false;
  Bytes img = e.build();
  EXPECT_ERROR_CONTAINS(loadError(img), "failed to read symbols data, cannot patch program: no symbol table");
  EXPECT_EQ(loadError(img, LoadOptions{.patchAndStack = false}), "");
}

TEST(ElfLoad, SegmentEndingAtTopOfAddressSpace) {
  ElfBuilder e;
  e.segment(0xFFFFFFFFFFFFF000ULL, Bytes(0x1000, 7));  // ends exactly at 2^64: no wrap
  VmState st = loadElf(parseElf(e.build(), "top.elf"), LoadOptions{.patchAndStack = false});
  EXPECT_EQ(st.memory.load(~uint64_t(0), 1), 7u);
  EXPECT_EQ(st.memory.merkleRoot(), st.memory.computeRootFromScratch());
}

TEST(ElfLoad, OverlapWithSegmentEndingAtTopOfAddressSpace) {
  ElfBuilder e;
  e.segment(0xFFFFFFFFFFFFF000ULL, Bytes(0x1000, 7));
  e.segment(0xFFFFFFFFFFFFF800ULL, Bytes(0x10, 8));
  EXPECT_ERROR_CONTAINS(loadError(e.build(), LoadOptions{.patchAndStack = false}), "program segment 1 overlaps");
}

// Fuzzer find (fuzz_elf under UBSan, regress-empty-segment-huge-offset): an empty segment's
// unchecked p_offset was added to the image pointer (pointer overflow).
TEST(ElfLoad, EmptySegmentWithHugeOffset) {
  ElfBuilder e;
  e.segment(0x40000, Bytes{});
  e.symbol("x", 1);
  Bytes img = e.build();
  ElfBuilder::put64(img, ElfBuilder::phdrOffset(0) + 8, 0xFFFFFFFFFFFFFF00ULL);
  ElfFile elf = parseElf(img, "empty.elf");
  EXPECT_TRUE(elf.segmentBytes(elf.segments[0]).empty());
  VmState st = loadElf(elf);
  EXPECT_EQ(st.memory.pageIndices().front(), 0x40u);  // the empty segment's page is still allocated
}

TEST(ElfLoad, ElfWithoutSegmentsLoadsEmptyMemory) {
  ElfBuilder e;
  e.entry = 0x1234;
  VmState st = loadElf(parseElf(e.build(), "none.elf"), LoadOptions{.patchAndStack = false});
  EXPECT_EQ(st.pc, 0x1234u);
  EXPECT_EQ(st.memory.pageCount(), 0u);
}

}  // namespace
}  // namespace fpvm::image
