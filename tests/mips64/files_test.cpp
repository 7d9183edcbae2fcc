// Cannon's files for state version 8 (docs/spec/cannon-mt64.md §8, §4.5): binary state files
// (golden bytes, round trips through .bin and .bin.gz, every kind of bad input), meta.json from
// an ELF, the proof, --debug-info and witness JSON in Cannon's exact shape.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "mips64/debug_info.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/metadata.hpp"
#include "mips64/proof_json.hpp"
#include "mips64/state_file.hpp"
#include "mips64/witness_json.hpp"

namespace fpvm::mips64 {
namespace {

/// A state whose every field has a distinct non-default value.
State sampleState() {
  State s;
  s.memory.storeWord(0x10000, 0x0102030405060708);
  s.preimageKey[0] = 2;
  s.preimageKey[31] = 0xab;
  s.preimageOffset = 0x10;
  s.heap = 0x1000'0000'0000;
  s.llReservationStatus = 1;
  s.llAddress = 0x10008;
  s.llOwnerThread = 3;
  s.step = 0x1234;
  s.stepsSinceLastContextSwitch = 7;
  s.traverseRight = true;
  s.nextThreadId = 4;
  Thread a;
  a.threadId = 1;
  a.pc = 0x1000;
  a.nextPC = 0x1004;
  a.registers[29] = 0x7fff0000;
  s.leftThreadStack.push(a);
  Thread b;
  b.threadId = 3;
  b.exitCode = 5;
  b.exited = true;
  b.pc = 0x2000;
  b.nextPC = 0x2008;
  b.lo = 1;
  b.hi = 2;
  s.rightThreadStack.push(b);
  s.lastHint = {0, 0, 0, 5, 'h', 'e', 'l'};
  return s;
}

// Written independently of the encoder, from the table of spec §8.1 (Python struct.pack).
const char* kGoldenHead = "0800000000000000010000000000000010";
const char* kGoldenTail =
    "02000000000000000000000000000000000000000000000000000000000000ab00000000000000100000100000000000"
    "010000000000010008000000000000000300000000000000001234000000000000000701000000000000000400000000"
    "000000010000000000000001000000000000000010000000000000001004000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000007fff00000000"
    "000000000000000000000000000000000000000000010000000000000003050100000000000020000000000000002008"
    "000000000000000100000000000000020000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000070000000568656c";

Bytes golden() {
  Bytes out = fromHex(kGoldenHead);
  Bytes page(4096, 0);
  for (int i = 0; i < 8; ++i) page[i] = static_cast<uint8_t>(i + 1);
  out.insert(out.end(), page.begin(), page.end());
  const Bytes tail = fromHex(kGoldenTail);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

void expectSameState(State& a, State& b) {
  EXPECT_EQ(a.witness(), b.witness());
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.memory.pageIndices(), b.memory.pageIndices());
  EXPECT_EQ(a.lastHint, b.lastHint);
  ASSERT_EQ(a.leftThreadStack.size(), b.leftThreadStack.size());
  ASSERT_EQ(a.rightThreadStack.size(), b.rightThreadStack.size());
  for (size_t i = 0; i < a.leftThreadStack.size(); ++i) EXPECT_EQ(a.leftThreadStack.at(i), b.leftThreadStack.at(i));
  for (size_t i = 0; i < a.rightThreadStack.size(); ++i) EXPECT_EQ(a.rightThreadStack.at(i), b.rightThreadStack.at(i));
}

/// A scratch folder removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/fpvm-mips64-files-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string errorOf(ByteView data) {
  try {
    (void)decodeState(data, "t.bin");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Mips64StateFile, GoldenBytes) {
  State s = sampleState();
  EXPECT_EQ(toHex(encodeState(s)), toHex(golden()));
  State back = decodeState(golden(), "golden.bin");
  expectSameState(s, back);
  EXPECT_EQ(encodeState(back), golden());
}

TEST(Mips64StateFile, EmptyStateIsCreateEmptyState) {
  // CreateEmptyState: no pages, one empty thread on the left, nextThreadID 1 (spec §1.6).
  State s = State::createEmpty();
  const Bytes b = encodeState(s);
  EXPECT_EQ(b.size(), 1 + 8 + 32 + 8 + 8 + 1 + 8 + 8 + 1 + 1 + 8 + 8 + 1 + 8 + 8 + 298 + 8 + 4u);
  State back = decodeState(b, "empty.bin");
  EXPECT_EQ(toHex(back.hash()), "0x035b096e17d7b97f6bbaa13d179958e729b70813e931dc90dbf4193372f3dc71");
}

TEST(Mips64StateFile, RoundTripThroughFiles) {
  TempDir dir;
  State s = sampleState();
  // An all-zero page is part of the file too (allocated, never written with data).
  s.memory.allocatePage(0x7ffff);
  for (const char* name : {"/s.bin", "/s.bin.gz"}) {
    const std::string path = dir.path + name;
    writeStateFile(s, path);
    State back = readStateFile(path);
    expectSameState(s, back);
    EXPECT_EQ(encodeState(back), encodeState(s));
    EXPECT_EQ(detectStateVersion(path), 8);
  }
  // .gz is gzip; .bin is the raw encoding.
  EXPECT_EQ(gzipDecompress(readFile(dir.path + "/s.bin.gz"), "gz"), readFile(dir.path + "/s.bin"));
}

TEST(Mips64StateFile, LoadedElfRoundTrips) {
  // A minimal big-endian ELF64 MIPS file with one PT_LOAD segment of 8 bytes.
  Bytes elf(64 + 56 + 8, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 2, 1};
  std::copy(std::begin(ident), std::end(ident), elf.begin());
  auto be = [&](size_t off, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) elf[off + i] = static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
  };
  be(16, 2, 2), be(18, 8, 2), be(24, 0x10000, 8), be(32, 64, 8), be(54, 56, 2), be(56, 1, 2);
  be(64, 1, 4), be(64 + 8, 120, 8), be(64 + 16, 0x10000, 8), be(64 + 32, 8, 8), be(64 + 40, 8, 8);
  be(120, 0x24020fa1'0000000c, 8);
  State s = loadElf(elf);
  State back = decodeState(encodeState(s), "elf.bin");
  expectSameState(s, back);
  EXPECT_EQ(back.memory.pageCount(), 1u + 5u);  // the segment's page and the five stack pages
}

TEST(Mips64StateFile, BadInput) {
  const Bytes good = golden();
  EXPECT_NE(errorOf({}).find("truncated state file (reading state version)"), std::string::npos);
  Bytes v = good;
  v[0] = 7;
  EXPECT_NE(errorOf(v).find("unsupported state version 7 (multithreaded64-4)"), std::string::npos) << errorOf(v);
  v[0] = 200;
  EXPECT_NE(errorOf(v).find("unsupported state version 200 (unknown)"), std::string::npos);
  // Truncated anywhere: always an error naming a field.
  for (size_t n : {size_t(5), size_t(17), size_t(100), size_t(4096 + 17 + 40), good.size() - 300, good.size() - 1}) {
    const std::string e = errorOf(ByteView(good.data(), n));
    EXPECT_NE(e.find("truncated state file"), std::string::npos) << n << ": " << e;
  }
  Bytes big = good;
  big[1] = 0x10;  // page count 2^60
  EXPECT_NE(errorOf(big).find("page count"), std::string::npos);
  Bytes badIndex = good;
  badIndex[9] = 0x10;  // page index 2^60 + 16
  EXPECT_NE(errorOf(badIndex).find("beyond the 64-bit address space"), std::string::npos) << errorOf(badIndex);
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_NE(errorOf(trailing).find("1 unexpected bytes after the state"), std::string::npos);
  // exited (offset after key, offset, heap, ll fields, exitCode) and traverseRight must be 0/1.
  const size_t tail = 17 + 4096, exited = tail + 32 + 8 + 8 + 1 + 8 + 8 + 1, traverse = exited + 1 + 8 + 8;
  Bytes badBool = good;
  badBool[exited] = 2;
  EXPECT_NE(errorOf(badBool).find("invalid boolean value 2 for exited"), std::string::npos) << errorOf(badBool);
  badBool = good;
  badBool[traverse] = 7;
  EXPECT_NE(errorOf(badBool).find("for traverseRight"), std::string::npos) << errorOf(badBool);
  Bytes stacks = good;
  stacks[traverse + 1 + 8 + 7] = 200;  // left stack count 200
  EXPECT_NE(errorOf(stacks).find("left thread stack size 200 exceeds the file size"), std::string::npos) << errorOf(stacks);
  // Two copies of one page.
  Bytes dup = fromHex("08" "0000000000000002");
  for (int i = 0; i < 2; ++i) {
    const Bytes idx = fromHex("0000000000000010");
    dup.insert(dup.end(), idx.begin(), idx.end());
    dup.insert(dup.end(), 4096, 0);
  }
  dup.insert(dup.end(), good.begin() + 17 + 4096, good.end());
  EXPECT_NE(errorOf(dup).find("duplicate page index 16"), std::string::npos) << errorOf(dup);
}

TEST(Mips64StateFile, FileNames) {
  TempDir dir;
  State s = State::createEmpty();
  EXPECT_TRUE(isBinaryStateName("a.bin"));
  EXPECT_TRUE(isBinaryStateName("a.bin.gz"));
  EXPECT_FALSE(isBinaryStateName("a.json"));
  EXPECT_FALSE(isBinaryStateName("a.gz"));
  EXPECT_THROW(writeStateFile(s, dir.path + "/s.json"), Error);
  EXPECT_FALSE(fileExists(dir.path + "/s.json"));
  writeStateFile(s, "");  // nothing
  EXPECT_EQ(detectStateVersion(dir.path + "/s.json"), 0);  // non-binary names: version 0
  writeFileAtomic(dir.path + "/bad.bin.gz", fromHex("0102"));
  EXPECT_THROW(readStateFile(dir.path + "/bad.bin.gz"), Error);  // not gzip
  EXPECT_THROW(readStateFile(dir.path + "/missing.bin"), Error);
}

TEST(Mips64Metadata, JsonShapeAndLookup) {
  Metadata m({{"b", 0x2000, 0x10}, {"a", 0x1000, 0x20}});
  EXPECT_EQ(m.toJson(),
            "{\n  \"symbols\": [\n    {\n      \"name\": \"a\",\n      \"start\": 4096,\n      \"size\": 32\n    },\n"
            "    {\n      \"name\": \"b\",\n      \"start\": 8192,\n      \"size\": 16\n    }\n  ]\n}\n\n");
  EXPECT_EQ(Metadata().toJson(), "{\n  \"symbols\": []\n}\n\n");
  EXPECT_EQ(m.lookup(0xfff), "!start");
  EXPECT_EQ(m.lookup(0x1010), "a");
  EXPECT_EQ(m.lookup(0x1020), "a");  // start + size is still inside (Cannon's check is <)
  EXPECT_EQ(m.lookup(0x1021), "!gap");
  EXPECT_EQ(Metadata().lookup(0), "!unknown");
  const Metadata back = Metadata::fromJson(m.toJson(), "meta.json");
  EXPECT_EQ(back.symbols(), m.symbols());
  EXPECT_THROW(Metadata::fromJson("{", "meta.json"), Error);
}

TEST(Mips64Metadata, ElfWithoutSymbolTableFails) {
  Bytes elf(64, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 2, 1};
  std::copy(std::begin(ident), std::end(ident), elf.begin());
  elf[19] = 8;
  try {
    (void)Metadata::fromElf(elf);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "failed to load symbols table: no symbol section");
  }
}

TEST(Mips64ProofJson, CannonShape) {
  StepProof p;
  p.step = 12;
  p.pre[0] = 3;
  p.post[31] = 1;
  p.stateData[0] = 0xaa;
  p.proofData = {1, 2};
  std::string text = encodeProofJson(p);
  const std::string zeros62(62, '0');
  EXPECT_EQ(text, "{\n  \"step\": 12,\n  \"pre\": \"0x03" + zeros62 + "\",\n  \"post\": \"0x" + zeros62 +
                      "01\",\n  \"state-data\": \"0xaa" + std::string(374, '0') +
                      "\",\n  \"proof-data\": \"0x0102\"\n}\n\n");
  // With a pre-image read; oracle-offset omitted when 0, present otherwise.
  Hash32 key;
  key[0] = 1;
  p.oracleKey = key;
  p.oracleValue = {0, 0, 0, 0, 0, 0, 0, 1, 0x42};
  text = encodeProofJson(p);
  EXPECT_NE(text.find("\"oracle-key\": \"0x01"), std::string::npos);
  EXPECT_NE(text.find("\"oracle-value\": \"0x000000000000000142\"\n}"), std::string::npos);
  EXPECT_EQ(text.find("oracle-offset"), std::string::npos);
  p.oracleOffset = 8;
  text = encodeProofJson(p);
  EXPECT_NE(text.find("\"oracle-value\": \"0x000000000000000142\",\n  \"oracle-offset\": 8\n}\n\n"), std::string::npos);
  const StepProof back = decodeProofJson(text, "p.json");
  EXPECT_EQ(back.step, 12u);
  EXPECT_EQ(back.pre, p.pre);
  EXPECT_EQ(back.post, p.post);
  EXPECT_EQ(back.stateData, p.stateData);
  EXPECT_EQ(back.proofData, p.proofData);
  EXPECT_EQ(back.oracleKey, p.oracleKey);
  EXPECT_EQ(back.oracleValue, p.oracleValue);
  EXPECT_EQ(back.oracleOffset, 8u);
}

TEST(Mips64DebugInfo, CannonShape) {
  DebugInfo d;
  d.pages = 3;
  d.memoryUsed = 3 * 4096;
  d.totalSteps = 99;
  EXPECT_EQ(encodeDebugInfoJson(d),
            "{\n  \"pages\": 3,\n  \"memory_used\": \"0x3000\",\n  \"num_preimage_requests\": 0,\n"
            "  \"total_preimage_size\": 0,\n  \"total_steps\": 99,\n  \"instruction_cache_miss_count\": 0,\n"
            "  \"highest_icache_miss_pc\": \"0x0\",\n  \"rmw_success_count\": 0,\n  \"rmw_fail_count\": 0,\n"
            "  \"max_steps_between_ll_and_sc\": 0,\n  \"reservation_invalidation_count\": 0,\n"
            "  \"forced_preemption_count\": 0,\n  \"idle_step_count_thread_0\": 0\n}\n\n");
}

TEST(Mips64WitnessJson, CannonShape) {
  State s = State::createEmpty();
  const std::string text = encodeWitnessJson(s);
  EXPECT_EQ(text.rfind("{\n  \"stateVersion\": 8,\n  \"witnessHash\": "
                       "\"0x035b096e17d7b97f6bbaa13d179958e729b70813e931dc90dbf4193372f3dc71\",\n  \"witness\": \"0x",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("\",\n  \"step\": 0,\n  \"exited\": false,\n  \"exitCode\": 0\n}\n\n"), std::string::npos);
}

}  // namespace
}  // namespace fpvm::mips64
