// Hex and base64 codecs (used by JSON state files §7.4, proofs §3.5 and the witness command §8.3).
#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"

namespace fpvm {
namespace {

Bytes randomBytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

/// Expects `f` to throw fpvm::Error whose message contains `needle`.
template <class F>
void expectError(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error thrown; expected one containing \"" << needle << "\"";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what();
  }
}

TEST(Hex, EncodesLowercaseWithAndWithoutPrefix) {
  const Bytes b = {0x00, 0x01, 0xab, 0xCD, 0xff};
  EXPECT_EQ(toHex(b), "0x0001abcdff");
  EXPECT_EQ(toHex(b, false), "0001abcdff");
  EXPECT_EQ(toHex(Bytes{}), "0x");
  EXPECT_EQ(toHex(Bytes{}, false), "");
  Hash32 h;
  h[31] = 0x5a;
  EXPECT_EQ(toHex(h), "0x" + std::string(62, '0') + "5a");
}

TEST(Hex, Hex64IsSixteenDigitsWithPrefix) {
  EXPECT_EQ(hex64(0), "0x0000000000000000");
  EXPECT_EQ(hex64(0x10040), "0x0000000000010040");
  EXPECT_EQ(hex64(0xfedcba9876543210ULL), "0xfedcba9876543210");
  EXPECT_EQ(hex64(~uint64_t(0)), "0xffffffffffffffff");
}

TEST(Hex, RoundTripsRandomData) {
  std::mt19937_64 rng(10);
  for (size_t n = 0; n < 200; ++n) {
    Bytes b = randomBytes(rng, n);
    ASSERT_EQ(fromHex(toHex(b)), b);
    ASSERT_EQ(fromHex(toHex(b, false)), b);
  }
}

TEST(Hex, AcceptsUppercaseDigitsAndPrefix) {
  EXPECT_EQ(fromHex("0XABcd"), (Bytes{0xab, 0xcd}));
  EXPECT_EQ(fromHex("abCD"), (Bytes{0xab, 0xcd}));
  EXPECT_EQ(fromHex("0x"), Bytes{});
  EXPECT_EQ(fromHex(""), Bytes{});
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  expectError([] { fromHex("abc", "the key"); }, "the key: odd number of hex digits");
  expectError([] { fromHex("0x1", "k"); }, "odd number of hex digits");
  expectError([] { fromHex("zz", "k"); }, "invalid hex digit");
  expectError([] { fromHex("0g", "k"); }, "invalid hex digit");
  expectError([] { fromHex("0x 1", "k"); }, "invalid hex digit");
  expectError([] { fromHex("x012", "k"); }, "invalid hex digit");
  expectError([] { fromHex("0x0x00", "k"); }, "invalid hex digit");
  expectError([] { fromHex(std::string("a\0", 2), "k"); }, "invalid hex digit");
}

TEST(Hex, Hash32RequiresExactly32Bytes) {
  const std::string h = "0x" + std::string(64, 'a');
  Hash32 v = hash32FromHex(h);
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(v[i], 0xaa);
  expectError([&] { hash32FromHex(h + "00", "preimageKey"); }, "preimageKey: expected 32 bytes, got 33");
  expectError([] { hash32FromHex("0x00", "stateHash"); }, "expected 32 bytes, got 1");
  expectError([] { hash32FromHex("", "stateHash"); }, "expected 32 bytes, got 0");
}

TEST(Base64, KnownVectors) {
  auto s = [](const char* t) { return Bytes(t, t + std::strlen(t)); };
  EXPECT_EQ(toBase64(s("")), "");
  EXPECT_EQ(toBase64(s("f")), "Zg==");
  EXPECT_EQ(toBase64(s("fo")), "Zm8=");
  EXPECT_EQ(toBase64(s("foo")), "Zm9v");
  EXPECT_EQ(toBase64(s("foob")), "Zm9vYg==");
  EXPECT_EQ(toBase64(s("fooba")), "Zm9vYmE=");
  EXPECT_EQ(toBase64(s("foobar")), "Zm9vYmFy");
  EXPECT_EQ(toBase64(Bytes{0xfb, 0xff}), "+/8=");
  EXPECT_EQ(fromBase64("Zm9vYmE="), s("fooba"));
  EXPECT_EQ(fromBase64("+/8="), (Bytes{0xfb, 0xff}));
}

TEST(Base64, RoundTripsRandomData) {
  std::mt19937_64 rng(11);
  for (size_t n = 0; n < 400; ++n) {
    Bytes b = randomBytes(rng, n);
    std::string t = toBase64(b);
    ASSERT_EQ(t.size() % 4, 0u);
    ASSERT_EQ(fromBase64(t), b) << n;
  }
}

TEST(Base64, RejectsBadLengthCharactersAndPadding) {
  expectError([] { fromBase64("Zm9", "witness"); }, "witness: base64 length is not a multiple of 4");
  expectError([] { fromBase64("Zg", "w"); }, "not a multiple of 4");
  expectError([] { fromBase64("Zm9v!A==", "w"); }, "invalid base64 character");
  expectError([] { fromBase64("Zm-_", "w"); }, "invalid base64 character");  // URL alphabet is not accepted
  expectError([] { fromBase64("Z===", "w"); }, "invalid base64 character");
  expectError([] { fromBase64("====", "w"); }, "invalid base64 character");
  expectError([] { fromBase64("Zg=A", "w"); }, "misplaced base64 padding");
  expectError([] { fromBase64("Zg==Zm9v", "w"); }, "invalid base64 character");  // padding only at the end
  expectError([] { fromBase64("Zm9v\nZm9v", "w"); }, "not a multiple of 4");
}

TEST(Gzip, RoundTripAndCorruption) {
  std::mt19937_64 rng(12);
  for (size_t n : {0u, 1u, 100u, 70000u}) {
    Bytes b = randomBytes(rng, n);
    Bytes z = gzipCompress(b);
    ASSERT_GE(z.size(), 18u);
    EXPECT_EQ(z[0], 0x1f);
    EXPECT_EQ(z[1], 0x8b);
    EXPECT_EQ(gzipDecompress(z, "x.gz"), b);
  }
  Bytes z = gzipCompress(Bytes(5000, 7));
  expectError([&] { gzipDecompress(ByteView(z.data(), z.size() / 2), "state.json.gz"); }, "state.json.gz");
  Bytes bad = z;
  bad[0] = 0;
  expectError([&] { gzipDecompress(bad, "state.bin.gz"); }, "state.bin.gz");
  expectError([] { gzipDecompress(Bytes{}, "empty.gz"); }, "empty.gz");
  expectError([&] { gzipDecompress(z, "big.gz", 100); }, "big.gz");
}

}  // namespace
}  // namespace fpvm
