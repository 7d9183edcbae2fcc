// Keccak-256 (spec §0) against Crypto++'s Keccak_256 reference, and the zero-hash table of §2.
#include <cryptopp/keccak.h>
#include <gtest/gtest.h>

#include <random>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "merkle/zero_hashes.hpp"

namespace fpvm {
namespace {

Hash32 reference(ByteView data) {
  CryptoPP::Keccak_256 k;
  k.Update(data.data(), data.size());
  Hash32 out;
  k.Final(out.data());
  return out;
}

Bytes randomBytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

TEST(Keccak256, EmptyInputIsEthereumKeccak) {
  EXPECT_EQ(toHex(keccak256({})), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak256({}), reference({}));
  Keccak256 k;
  EXPECT_EQ(toHex(k.finish()), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(Keccak256, KnownAsciiVector) {
  const std::string abc = "abc";  // Keccak-256, not SHA3-256 (which would be 3a985da7…)
  EXPECT_EQ(toHex(keccak256(ByteView(reinterpret_cast<const uint8_t*>(abc.data()), abc.size()))),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256, MatchesCryptoppForEveryLengthUpTo300) {
  std::mt19937_64 rng(1);
  for (size_t len = 0; len <= 300; ++len) {
    for (int rep = 0; rep < 3; ++rep) {
      Bytes in = randomBytes(rng, len);
      ASSERT_EQ(keccak256(in), reference(in)) << "length " << len;
    }
  }
}

TEST(Keccak256, RateBoundaryLengthsAndFills) {
  // 135/136/137 straddle the 136-byte rate where the padding bytes 0x01 and 0x80 coincide or split.
  for (size_t len : {135u, 136u, 137u, 271u, 272u, 273u, 1000u, 4096u}) {
    for (uint8_t fill : {uint8_t(0x00), uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
      Bytes in(len, fill);
      EXPECT_EQ(keccak256(in), reference(in)) << "length " << len << " fill " << int(fill);
    }
  }
}

TEST(Keccak256, SixtyFourByteFastPaths) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 2000; ++i) {
    Bytes in = randomBytes(rng, 64);
    Hash32 ref = reference(in);
    uint8_t out[32];
    keccak256Of64(in.data(), out);
    ASSERT_EQ(0, std::memcmp(out, ref.data(), 32)) << "iteration " << i;
    Hash32 l, r;
    std::memcpy(l.data(), in.data(), 32);
    std::memcpy(r.data(), in.data() + 32, 32);
    ASSERT_EQ(keccak256Pair(l, r), ref);
    // `out` may alias `in`.
    Bytes alias = in;
    keccak256Of64(alias.data(), alias.data());
    ASSERT_EQ(0, std::memcmp(alias.data(), ref.data(), 32));
  }
  // Pair order matters.
  Hash32 a, b;
  a[0] = 1;
  EXPECT_NE(keccak256Pair(a, b), keccak256Pair(b, a));
}

TEST(Keccak256, IncrementalInRandomChunkings) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 400; ++i) {
    size_t len = rng() % 700;
    Bytes in = randomBytes(rng, len);
    Keccak256 k;
    size_t pos = 0;
    while (pos < len) {
      size_t chunk = std::min<size_t>(len - pos, rng() % 3 == 0 ? 0 : rng() % 200);
      k.update(ByteView(in.data() + pos, chunk));
      pos += chunk;
    }
    k.update({});  // empty updates are harmless
    ASSERT_EQ(k.finish(), reference(in)) << "length " << len;
  }
}

// Found by this suite under UBSan: update() with an empty view (null data pointer) while bytes were
// buffered passed a null pointer to memcpy.
TEST(Keccak256, EmptyUpdatesWhileBuffered) {
  const Bytes in = {1, 2, 3};
  Keccak256 k;
  k.update(ByteView());
  k.update(in);
  k.update(ByteView());
  k.update(ByteView(static_cast<const uint8_t*>(nullptr), 0));
  EXPECT_EQ(k.finish(), reference(in));
}

TEST(Keccak256, IncrementalByteAtATime) {
  std::mt19937_64 rng(4);
  Bytes in = randomBytes(rng, 500);
  Keccak256 k;
  for (uint8_t b : in) k.update(ByteView(&b, 1));
  EXPECT_EQ(k.finish(), reference(in));
}

TEST(ZeroHashes, MatchSpecTable) {
  using merkle::zeroHash;
  EXPECT_EQ(zeroHash(0), Hash32{});
  const std::pair<unsigned, const char*> table[] = {
      {1, "ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"},
      {2, "b4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"},
      {3, "21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85"},
      {4, "e58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344"},
      {5, "0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d"},
      {6, "887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968"},
      {7, "ffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83"},
      {8, "9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af"},
      {58, "40bbe913c226c34c9fbe4389dd728984257a816892b3cae3e43191dd291f0eb5"},
      {59, "14af5385bcbb1e4738bbae8106046e6e2fca42875aa5c000c582587742bcc748"},
  };
  for (const auto& [i, hex] : table) EXPECT_EQ(toHex(zeroHash(i)), std::string("0x") + hex) << "Z[" << i << "]";
  // Every level is the Crypto++ hash of the level below doubled.
  for (unsigned i = 1; i <= 59; ++i) {
    Bytes two(64, 0);
    std::memcpy(two.data(), zeroHash(i - 1).data(), 32);
    std::memcpy(two.data() + 32, zeroHash(i - 1).data(), 32);
    ASSERT_EQ(zeroHash(i), reference(two)) << "Z[" << i << "]";
  }
}

}  // namespace
}  // namespace fpvm
