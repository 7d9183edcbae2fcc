// Many-input Keccak-256 (src/common/keccak_multi.hpp): every path this machine can run must give
// the scalar keccak256() digests exactly, for 64-byte inputs and for messages of every length
// class (empty, shorter than a block, block boundaries, the 362-byte witness), and for every count
// (full groups and leftovers). Paths this CPU or build lacks are reported as skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <vector>

#include "common/keccak256.hpp"
#include "common/keccak_multi.hpp"

namespace fpvm {
namespace {

std::vector<uint8_t> randomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

class KeccakPathTest : public ::testing::TestWithParam<KeccakPath> {
 protected:
  void SetUp() override {
    if (!keccakPathAvailable(GetParam()))
      GTEST_SKIP() << "keccak path " << keccakPathName(GetParam()) << " is not available on this machine/build";
  }
};

TEST_P(KeccakPathTest, Of64ManyEqualsScalarForEveryCount) {
  std::mt19937_64 rng(11);
  for (size_t count : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(4), size_t(5), size_t(7), size_t(8), size_t(9),
                       size_t(15), size_t(16), size_t(17), size_t(63), size_t(200)}) {
    const auto in = randomBytes(rng, 64 * count);
    std::vector<uint8_t> out(32 * count + 32, 0xEE);  // one spare digest: nothing is written past the end
    keccak256Of64Many(in.data(), out.data(), count, GetParam());
    for (size_t i = 0; i < count; ++i) {
      uint8_t want[32];
      keccak256Of64(in.data() + 64 * i, want);
      ASSERT_EQ(std::memcmp(out.data() + 32 * i, want, 32), 0) << "count " << count << " input " << i;
    }
    for (size_t b = 32 * count; b < out.size(); ++b) ASSERT_EQ(out[b], 0xEE) << "count " << count;
  }
}

TEST_P(KeccakPathTest, ManyEqualsScalarForEveryLengthClass) {
  std::mt19937_64 rng(12);
  for (size_t len : {size_t(0), size_t(1), size_t(32), size_t(64), size_t(135), size_t(136), size_t(137), size_t(271),
                     size_t(272), size_t(362), size_t(1000)}) {
    for (size_t count : {size_t(1), size_t(2), size_t(5), size_t(8), size_t(11), size_t(24)}) {
      const size_t stride = len + 3;  // messages need not be aligned or adjacent
      const auto in = randomBytes(rng, stride * count);
      std::vector<uint8_t> out(32 * count);
      keccak256Many(in.data(), len, stride, out.data(), count, GetParam());
      for (size_t i = 0; i < count; ++i) {
        const Hash32 want = keccak256(ByteView(in.data() + stride * i, len));
        ASSERT_EQ(std::memcmp(out.data() + 32 * i, want.data(), 32), 0) << "len " << len << " count " << count << " msg " << i;
      }
    }
  }
}

TEST_P(KeccakPathTest, RandomBatchesEqualScalar) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 200; ++round) {
    const size_t count = rng() % 40;
    const auto in = randomBytes(rng, 64 * count);
    std::vector<uint8_t> out(32 * count);
    keccak256Of64Many(in.data(), out.data(), count, GetParam());
    for (size_t i = 0; i < count; ++i) {
      uint8_t want[32];
      keccak256Of64(in.data() + 64 * i, want);
      ASSERT_EQ(std::memcmp(out.data() + 32 * i, want, 32), 0) << "round " << round << " input " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, KeccakPathTest, ::testing::ValuesIn(kAllKeccakPaths),
                         [](const ::testing::TestParamInfo<KeccakPath>& i) { return std::string(keccakPathName(i.param)); });

TEST(KeccakPaths, DefaultPathIsAvailableAndTheWidest) {
  const KeccakPath d = keccakDefaultPath();
  EXPECT_TRUE(keccakPathAvailable(d));
  EXPECT_TRUE(keccakPathAvailable(KeccakPath::Scalar));
  std::string skipped;
  for (KeccakPath p : kAllKeccakPaths)
    if (!keccakPathAvailable(p)) skipped += std::string(" ") + keccakPathName(p);
  std::cout << "[ keccak ] default path " << keccakPathName(d) << "; unavailable here:" << (skipped.empty() ? " none" : skipped)
            << std::endl;
  if (std::getenv("FPVM_KECCAK") == nullptr) {
    for (KeccakPath p : kAllKeccakPaths) {
      if (keccakPathAvailable(p)) {
        EXPECT_GE(keccakPathLanes(d), keccakPathLanes(p)) << keccakPathName(p);
      }
    }
  }
}

TEST(KeccakPaths, UnavailablePathIsRefused) {
  bool all = true;
  for (KeccakPath p : kAllKeccakPaths) all = all && keccakPathAvailable(p);
  if (all) GTEST_SKIP() << "every keccak path is available here";
  for (KeccakPath p : kAllKeccakPaths) {
    if (keccakPathAvailable(p)) continue;
    uint8_t in[64] = {}, out[32];
    EXPECT_THROW(keccak256Of64Many(in, out, 1, p), std::exception) << keccakPathName(p);
  }
}

}  // namespace
}  // namespace fpvm
