// State files (spec §7.3-§7.5): exact JSON/binary/gzip round trips, and every corrupt input is
// an fpvm::Error with a message — never a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"

namespace fpvm::image {
using namespace vm;

namespace {

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

/// A state with every field set: pages (including the highest page index), lastHint, witness.
VmState richState(uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  VmState st;
  for (uint64_t page : {0ull, 5ull, 0x80000ull, 0x1000000000000ull, (1ull << 52) - 1}) {
    uint8_t data[4096];
    for (auto& b : data) b = static_cast<uint8_t>(rng() % 3 == 0 ? rng() : 0);
    st.memory.setPage(page, data);
  }
  st.memory.allocatePage(0x777);  // an all-zero page is still listed
  for (auto& b : st.preimageKey.b) b = static_cast<uint8_t>(rng());
  st.preimageOffset = rng();
  st.pc = rng();
  st.exitCode = 0xC3;
  st.exited = true;
  st.step = ~uint64_t(0);  // full u64 precision, never through a double
  st.heap = 0x7F0000001000ULL;
  st.loadReservation = (uint64_t(1) << 53) + 1;
  for (unsigned i = 1; i < 32; ++i) st.registers[i] = rng();
  st.registers[31] = ~uint64_t(0);
  st.lastHint = {0, 0, 0, 9, 'a', 'b', '<', '&'};
  st.refreshStoredWitness();
  return st;
}

/// A small state: one page, short hint and witness — small enough to truncate at every length.
VmState smallState() {
  VmState st;
  st.memory.store(0x3000, 8, 0x0102030405060708ULL);
  st.pc = 0x3000;
  st.lastHint = {1, 2, 3};
  st.refreshStoredWitness();
  return st;
}

void expectSameState(VmState& a, VmState& b) {
  EXPECT_EQ(a.witness(), b.witness());
  EXPECT_EQ(a.memory.pageIndices(), b.memory.pageIndices());
  for (uint64_t idx : a.memory.pageIndices())
    EXPECT_EQ(0, std::memcmp(a.memory.findPage(idx)->data, b.memory.findPage(idx)->data, 4096)) << idx;
  EXPECT_EQ(a.lastHint, b.lastHint);
  EXPECT_EQ(a.storedWitness, b.storedWitness);
  EXPECT_EQ(a.storedStateHash, b.storedStateHash);
  EXPECT_EQ(a.registers, b.registers);
}

template <class F>
void expectError(F&& f, const std::string& needle, const std::string& context = "") {
  try {
    f();
    ADD_FAILURE() << "no error for " << context << "; expected \"" << needle << "\"";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(needle), std::string::npos) << context << ": message \"" << msg << "\"";
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "multi-line message: " << msg;
  }
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fpvm-unit-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// ---- round trips ----

TEST(StateFile, JsonRoundTripIsExact) {
  for (uint64_t seed : {1u, 2u}) {
    VmState st = richState(seed);
    std::string json = encodeStateJson(st);
    VmState back = decodeStateJson(view(json), "state.json");
    EXPECT_EQ(encodeStateJson(back), json);
    expectSameState(st, back);
  }
}

TEST(StateFile, BinaryRoundTripIsExact) {
  VmState st = richState(3);
  Bytes bin = encodeStateBinary(st);
  VmState back = decodeStateBinary(bin, "state.bin");
  EXPECT_EQ(encodeStateBinary(back), bin);
  expectSameState(st, back);
}

TEST(StateFile, EmptyStateRoundTrips) {
  VmState st;
  std::string json = encodeStateJson(st);
  VmState a = decodeStateJson(view(json), "x");
  EXPECT_EQ(encodeStateJson(a), json);
  Bytes bin = encodeStateBinary(st);
  VmState b = decodeStateBinary(bin, "x");
  EXPECT_EQ(encodeStateBinary(b), bin);
  EXPECT_EQ(a.witness(), st.witness());
  EXPECT_EQ(b.witness(), st.witness());
  // 8 (page count) + 32 + 8 + 8 + 1 + 1 + 3*8 + 32*8 + 4 + 4 + 32
  EXPECT_EQ(bin.size(), 8u + 32 + 8 + 8 + 1 + 1 + 24 + 256 + 4 + 4 + 32);
}

TEST(StateFile, JsonAndBinaryCrossConvert) {
  VmState st = richState(4);
  VmState viaJson = decodeStateJson(view(encodeStateJson(st)), "a.json");
  Bytes bin = encodeStateBinary(viaJson);
  VmState viaBin = decodeStateBinary(bin, "a.bin");
  EXPECT_EQ(encodeStateJson(viaBin), encodeStateJson(st));
  EXPECT_EQ(bin, encodeStateBinary(st));
}

TEST(StateFile, FilesByNameIncludingGzip) {
  TempDir dir;
  VmState st = richState(5);
  const std::string want = encodeStateJson(st);
  for (const char* name : {"s.json", "s.json.gz", "s.bin", "s.bin.gz", "state", "s.gz"}) {
    const std::string path = dir.file(name);
    writeStateFile(st, path);
    Bytes raw = readFile(path);
    StateFormat f = StateFormat::fromPath(path);
    if (f.gzip) {
      ASSERT_GE(raw.size(), 2u);
      EXPECT_EQ(raw[0], 0x1f) << name;
      EXPECT_EQ(raw[1], 0x8b) << name;
    } else if (!f.binary) {
      EXPECT_EQ(raw.front(), '{') << name;
    }
    VmState back = readStateFile(path);
    EXPECT_EQ(encodeStateJson(back), want) << name;
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::owner_exec,
              std::filesystem::perms::owner_exec)
        << "mode 0755";
  }
  writeStateFile(st, "");  // "" writes nothing
}

TEST(StateFile, FormatFromPath) {
  auto f = StateFormat::fromPath("a.bin.gz");
  EXPECT_TRUE(f.binary && f.gzip);
  f = StateFormat::fromPath("a.bin");
  EXPECT_TRUE(f.binary && !f.gzip);
  f = StateFormat::fromPath("a.json.gz");
  EXPECT_TRUE(!f.binary && f.gzip);
  f = StateFormat::fromPath("a.json");
  EXPECT_TRUE(!f.binary && !f.gzip);
  f = StateFormat::fromPath("a.binx");
  EXPECT_TRUE(!f.binary && !f.gzip);
  f = StateFormat::fromPath("bin");
  EXPECT_FALSE(f.binary);
}

TEST(StateFile, JsonShape) {
  VmState st;
  st.memory.store(0x2000, 1, 0xAB);
  st.registers[1] = ~uint64_t(0);
  std::string json = encodeStateJson(st);
  // Key order as emitted (§7.4), memory first, stateHash last; two trailing newlines.
  const char* keys[] = {"\"memory\"", "\"preimageKey\"", "\"preimageOffset\"", "\"pc\"",
                        "\"exit\"",   "\"exited\"",      "\"step\"",           "\"heap\"",
                        "\"loadReservation\"", "\"registers\"", "\"stateHash\""};
  size_t pos = 0;
  for (const char* k : keys) {
    size_t at = json.find(k, pos);
    ASSERT_NE(at, std::string::npos) << k;
    pos = at;
  }
  EXPECT_EQ(json.find("\"lastHint\""), std::string::npos);  // omitted when empty
  EXPECT_EQ(json.find("\"witness\""), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 3), "}\n\n");
  EXPECT_NE(json.find("\"index\": 2,"), std::string::npos);
  EXPECT_NE(json.find("\"data\": \"ab" + std::string(8190, '0') + "\""), std::string::npos);
  EXPECT_NE(json.find("18446744073709551615"), std::string::npos);
  EXPECT_NE(json.find("\n  \"pc\": 0,"), std::string::npos);  // two-space indentation
}

TEST(StateFile, JsonMissingKeysAreZeroAndUnknownKeysIgnored) {
  VmState st = decodeStateJson(view("{\"pc\": 4096, \"futureField\": [1, {\"x\": null}], \"heap\": null}"), "s");
  EXPECT_EQ(st.pc, 4096u);
  EXPECT_EQ(st.heap, 0u);
  EXPECT_EQ(st.step, 0u);
  EXPECT_EQ(st.memory.pageCount(), 0u);
  EXPECT_FALSE(st.storedStateHash.has_value());
  VmState empty = decodeStateJson(view("{}"), "s");
  EXPECT_EQ(empty.witness(), VmState{}.witness());
}

// ---- corrupt binary ----

TEST(StateFile, BinaryTruncatedAtEveryLengthIsAnError) {
  Bytes bin = encodeStateBinary(smallState());
  for (size_t len = 0; len < bin.size(); ++len) {
    expectError([&] { (void)decodeStateBinary(ByteView(bin.data(), len), "cut.bin"); }, "cut.bin: ",
                "length " + std::to_string(len));
  }
  expectError([&] { (void)decodeStateBinary(ByteView(bin.data(), 100), "cut.bin"); }, "truncated binary state");
}

TEST(StateFile, BinaryBadExitedFlag) {
  VmState st = smallState();
  Bytes bin = encodeStateBinary(st);
  const size_t exitedAt = 8 + (8 + 4096) + 32 + 8 + 8 + 1;
  ASSERT_EQ(bin[exitedAt], 0);
  bin[exitedAt] = 2;
  expectError([&] { (void)decodeStateBinary(bin, "s.bin"); }, "invalid exited flag 2");
  bin[exitedAt] = 1;
  EXPECT_TRUE(decodeStateBinary(bin, "s.bin").exited);
}

Bytes twoPageBinary(uint64_t idx1, uint64_t idx2) {
  VmState st;
  st.memory.store(0x1000, 1, 1);
  st.memory.store(0x2000, 1, 2);
  Bytes bin = encodeStateBinary(st);
  putBE64(bin.data() + 8, idx1);
  putBE64(bin.data() + 8 + 4104, idx2);
  return bin;
}

TEST(StateFile, BinaryDuplicatePage) {
  EXPECT_NO_THROW((void)decodeStateBinary(twoPageBinary(2, 1), "s.bin"));  // any order is fine
  expectError([] { (void)decodeStateBinary(twoPageBinary(1, 1), "s.bin"); }, "duplicate page index 1");
}

TEST(StateFile, BinaryPageIndexOutOfRange) {
  EXPECT_NO_THROW((void)decodeStateBinary(twoPageBinary(1, (1ull << 52) - 1), "s.bin"));
  expectError([] { (void)decodeStateBinary(twoPageBinary(1, 1ull << 52), "s.bin"); }, "page index 4503599627370496 out of range");
  expectError([] { (void)decodeStateBinary(twoPageBinary(~0ull, 1), "s.bin"); }, "out of range");
}

TEST(StateFile, BinaryTrailingBytes) {
  Bytes bin = encodeStateBinary(smallState());
  bin.push_back(0);
  expectError([&] { (void)decodeStateBinary(bin, "s.bin"); }, "1 unexpected trailing bytes");
}

TEST(StateFile, BinaryHugeCountsAreRejectedWithoutAllocating) {
  Bytes bin = encodeStateBinary(smallState());
  Bytes huge = bin;
  putBE64(huge.data(), ~uint64_t(0));
  expectError([&] { (void)decodeStateBinary(huge, "s.bin"); }, "page count");
  // lastHint length 0xFFFFFFFF
  VmState st;
  Bytes empty = encodeStateBinary(st);
  const size_t hintLenAt = 8 + 32 + 8 + 8 + 1 + 1 + 24 + 256;
  putBE32(empty.data() + hintLenAt, 0xFFFFFFFF);
  expectError([&] { (void)decodeStateBinary(empty, "s.bin"); }, "lastHint");
  Bytes w = encodeStateBinary(st);
  putBE32(w.data() + hintLenAt + 4, 0xFFFFFFFF);
  expectError([&] { (void)decodeStateBinary(w, "s.bin"); }, "witness");
}

TEST(StateFile, BinaryNonZeroX0) {
  VmState st;
  Bytes bin = encodeStateBinary(st);
  const size_t x0At = 8 + 32 + 8 + 8 + 1 + 1 + 24;
  bin[x0At + 7] = 1;
  expectError([&] { (void)decodeStateBinary(bin, "s.bin"); }, "x0");
}

// ---- corrupt JSON ----

struct BadJson {
  const char* name;
  std::string text;
  const char* needle;
};

TEST(StateFile, JsonRejectsBadInput) {
  const std::string goodPage = std::string(8192, '0');
  // A register array of `n` entries, entry `at` replaced by `value`.
  auto regs = [](int n, int at, const std::string& value) {
    std::string s = "[";
    for (int i = 0; i < n; ++i) s += std::string(i ? "," : "") + (i == at ? value : "0");
    return s + "]";
  };
  const BadJson cases[] = {
      {"syntax", "{\"pc\": ", "malformed JSON"},
      {"not object", "[1,2]", "not an object"},
      {"empty", "", "malformed JSON"},
      {"pc string", R"({"pc": "12"})", "\"pc\" must be a non-negative integer"},
      {"pc negative", R"({"pc": -1})", "\"pc\" must be a non-negative integer"},
      {"step negative", R"({"step": -5})", "\"step\""},
      {"pc float", R"({"pc": 1.5})", "\"pc\""},
      {"pc too big", R"({"pc": 18446744073709551616})", "\"pc\""},
      {"exit negative", R"({"exit": -1})", "\"exit\""},
      {"exit too big", R"({"exit": 256})", "\"exit\" exceeds 255"},
      {"exited number", R"({"exited": 1})", "\"exited\" must be a boolean"},
      {"registers string", R"({"registers": "x"})", "\"registers\""},
      {"registers 31", "{\"registers\": " + regs(31, -1, "") + "}", "array of 32"},
      {"registers 33", "{\"registers\": " + regs(33, -1, "") + "}", "array of 32"},
      {"register float", "{\"registers\": " + regs(32, 4, "1.0") + "}", "register 4"},
      {"register string", "{\"registers\": " + regs(32, 9, "\"1\"") + "}", "register 9"},
      {"register negative", "{\"registers\": " + regs(32, 1, "-1") + "}", "register 1 must be a non-negative integer"},
      {"x0 nonzero", "{\"registers\": " + regs(32, 0, "7") + "}", "x0"},
      {"memory object", R"({"memory": {}})", "\"memory\" must be an array"},
      {"memory entry no index", "{\"memory\": [{\"data\": \"" + goodPage + "\"}]}", "\"index\""},
      {"memory index negative", "{\"memory\": [{\"index\": -1, \"data\": \"" + goodPage + "\"}]}", "\"index\""},
      {"memory index string", "{\"memory\": [{\"index\": \"1\", \"data\": \"" + goodPage + "\"}]}", "\"index\""},
      {"memory data number", R"({"memory": [{"index": 1, "data": 5}]})", "\"data\""},
      {"page short", "{\"memory\": [{\"index\": 1, \"data\": \"" + std::string(8190, '0') + "\"}]}", "has 4095 bytes"},
      {"page long", "{\"memory\": [{\"index\": 1, \"data\": \"" + std::string(8194, '0') + "\"}]}", "has 4097 bytes"},
      {"page odd hex", "{\"memory\": [{\"index\": 1, \"data\": \"" + std::string(8191, '0') + "\"}]}", "odd number"},
      {"page bad hex", "{\"memory\": [{\"index\": 1, \"data\": \"zz" + std::string(8190, '0') + "\"}]}", "invalid hex digit"},
      {"page index big", "{\"memory\": [{\"index\": 4503599627370496, \"data\": \"" + goodPage + "\"}]}", "out of range"},
      {"duplicate page", "{\"memory\": [{\"index\": 3, \"data\": \"" + goodPage + "\"}, {\"index\": 3, \"data\": \"" + goodPage + "\"}]}", "duplicate page index 3"},
      {"key short", R"({"preimageKey": "0x1234"})", "preimageKey"},
      {"key bad hex", "{\"preimageKey\": \"0x" + std::string(63, '0') + "g\"}", "invalid hex digit"},
      {"key number", R"({"preimageKey": 5})", "\"preimageKey\" must be a string"},
      {"stateHash bad", R"({"stateHash": "0xzz"})", "stateHash"},
      {"witness bad base64", R"({"witness": "@@@@"})", "invalid base64"},
      {"witness bad padding", R"({"witness": "AAA=AAAA"})", "witness"},
      {"lastHint odd", R"({"lastHint": "0x123"})", "lastHint"},
      {"lastHint array", R"({"lastHint": [1]})", "\"lastHint\" must be a string"},
  };
  for (const auto& c : cases) {
    expectError([&] { (void)decodeStateJson(view(c.text), "bad.json"); }, c.needle, c.name);
    expectError([&] { (void)decodeStateJson(view(c.text), "bad.json"); }, "bad.json: ", c.name);
  }
}

// Fuzzer find (fuzz_state_json, regress-number-overflow): a number too large even for a double
// made the JSON library throw out_of_range, which escaped decodeStateJson as a non-fpvm error.
TEST(StateFile, JsonNumberOverflowIsAnError) {
  for (const char* text : {"{\"pc\": 1e999}", "{\"registers\": [0, -1e400]}", "[1e999]",
                           "{\"memory\": [{\"index\": 1e999999, \"data\": \"\"}]}"}) {
    expectError([&] { (void)decodeStateJson(view(text), "big.json"); }, "big.json: malformed JSON state", text);
  }
}

TEST(StateFile, JsonTruncatedAtEveryLengthIsAnError) {
  const std::string json = encodeStateJson(smallState());
  // Every prefix that cuts the document must fail cleanly (sampled inside the long page hex).
  for (size_t len = 0; len + 3 < json.size(); len += (len > 200 && len < json.size() - 2000) ? 97 : 1) {
    expectError([&] { (void)decodeStateJson(ByteView(view(json).data(), len), "cut.json"); }, "cut.json: ",
                "length " + std::to_string(len));
  }
}

// ---- gzip ----

TEST(StateFile, CorruptAndTruncatedGzip) {
  TempDir dir;
  VmState st = smallState();
  writeStateFile(st, dir.file("ok.json.gz"));
  Bytes z = readFile(dir.file("ok.json.gz"));
  for (size_t len : {size_t(0), size_t(5), size_t(10), z.size() / 2, z.size() - 4, z.size() - 1}) {
    writeFileAtomic(dir.file("cut.json.gz"), ByteView(z.data(), len));
    expectError([&] { (void)readStateFile(dir.file("cut.json.gz")); }, "cut.json.gz", "length " + std::to_string(len));
  }
  Bytes bad = z;
  bad[z.size() / 2] ^= 0xFF;
  bad[z.size() / 2 + 1] ^= 0x55;
  writeFileAtomic(dir.file("bad.bin.gz"), bad);
  expectError([&] { (void)readStateFile(dir.file("bad.bin.gz")); }, "bad.bin.gz");
  // Plain JSON under a .gz name is not gzip.
  std::string json = encodeStateJson(st);
  writeFileAtomic(dir.file("plain.json.gz"), view(json));
  expectError([&] { (void)readStateFile(dir.file("plain.json.gz")); }, "plain.json.gz");
  // gzip content that decodes to a bad binary state.
  Bytes zz = gzipCompress(Bytes{1, 2, 3});
  writeFileAtomic(dir.file("short.bin.gz"), zz);
  expectError([&] { (void)readStateFile(dir.file("short.bin.gz")); }, "truncated binary state");
}

TEST(StateFile, MissingFileAndWrongFormatByName) {
  TempDir dir;
  expectError([&] { (void)readStateFile(dir.file("nope.json")); }, "nope.json");
  VmState st = smallState();
  writeFileAtomic(dir.file("wrong.json"), encodeStateBinary(st));  // binary under a JSON name
  expectError([&] { (void)readStateFile(dir.file("wrong.json")); }, "wrong.json");
  std::string json = encodeStateJson(st);
  writeFileAtomic(dir.file("wrong.bin"), view(json));  // JSON under a binary name
  expectError([&] { (void)readStateFile(dir.file("wrong.bin")); }, "wrong.bin");
  expectError([&] { (void)readStateFile(dir.file("")); }, "is a directory");
}

}  // namespace
}  // namespace fpvm::image
