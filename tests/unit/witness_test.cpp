// The 362-byte witness (spec §1.2) and the state hash with its status byte (§1.3).
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {
namespace {

TEST(Witness, LayoutIsBigEndianAtSpecOffsets) {
  VmState st;
  st.memory.store(0x1000, 8, 0x1234);
  for (unsigned i = 0; i < 32; ++i) st.preimageKey[i] = static_cast<uint8_t>(0xA0 + i);
  st.preimageOffset = 0x0102030405060708ULL;
  st.pc = 0x1112131415161718ULL;
  st.exitCode = 0x2A;
  st.exited = true;
  st.step = 0x2122232425262728ULL;
  st.heap = 0x3132333435363738ULL;
  st.loadReservation = 0x4142434445464748ULL;
  for (unsigned i = 1; i < 32; ++i) st.registers[i] = 0x5000000000000000ULL + i;
  Witness w = st.witness();
  ASSERT_EQ(w.size(), 362u);
  Hash32 root = st.memory.merkleRoot();
  EXPECT_EQ(0, std::memcmp(w.data(), root.data(), 32));
  EXPECT_EQ(0, std::memcmp(w.data() + 32, st.preimageKey.data(), 32));
  EXPECT_EQ(toHex(ByteView(w.data() + 64, 8)), "0x0102030405060708");
  EXPECT_EQ(toHex(ByteView(w.data() + 72, 8)), "0x1112131415161718");
  EXPECT_EQ(w[80], 0x2A);
  EXPECT_EQ(w[81], 1);
  EXPECT_EQ(toHex(ByteView(w.data() + 82, 8)), "0x2122232425262728");
  EXPECT_EQ(toHex(ByteView(w.data() + 90, 8)), "0x3132333435363738");
  EXPECT_EQ(toHex(ByteView(w.data() + 98, 8)), "0x4142434445464748");
  EXPECT_EQ(getBE64(w.data() + 106), 0u);  // x0
  for (unsigned i = 1; i < 32; ++i) EXPECT_EQ(getBE64(w.data() + 106 + 8 * i), 0x5000000000000000ULL + i);
  st.exited = false;
  EXPECT_EQ(st.witness()[81], 0);
}

TEST(Witness, StateHashIsKeccakWithStatusByte) {
  VmState st;
  struct Case {
    bool exited;
    uint8_t code;
    uint8_t status;
  };
  for (auto c : {Case{false, 0, 3}, Case{false, 7, 3}, Case{true, 0, 0}, Case{true, 1, 1}, Case{true, 2, 2},
                 Case{true, 255, 2}}) {
    st.exited = c.exited;
    st.exitCode = c.code;
    Witness w = st.witness();
    Hash32 expected = keccak256(ByteView(w));
    expected[0] = c.status;
    EXPECT_EQ(st.stateHash(), expected);
    EXPECT_EQ(static_cast<uint8_t>(st.status()), c.status);
    EXPECT_EQ(VmState::hashWitness(w), expected);
  }
}

TEST(Witness, EmptyStateHashIsStable) {
  VmState st;
  Witness w = st.witness();
  EXPECT_EQ(toHex(ByteView(w.data(), 32)), "0x14af5385bcbb1e4738bbae8106046e6e2fca42875aa5c000c582587742bcc748");
  for (size_t i = 32; i < w.size(); ++i) EXPECT_EQ(w[i], 0) << i;
  EXPECT_EQ(st.stateHash()[0], 3);
}

TEST(Witness, RefreshStoredWitness) {
  VmState st;
  st.pc = 0x80000000;
  EXPECT_TRUE(st.storedWitness.empty());
  EXPECT_FALSE(st.storedStateHash.has_value());
  st.refreshStoredWitness();
  Witness w = st.witness();
  EXPECT_EQ(st.storedWitness, Bytes(w.begin(), w.end()));
  ASSERT_TRUE(st.storedStateHash.has_value());
  EXPECT_EQ(*st.storedStateHash, st.stateHash());
}

TEST(Witness, FromBytesChecksLength) {
  Bytes ok(362, 0x11);
  Witness w = witnessFromBytes(ok);
  EXPECT_EQ(w[361], 0x11);
  for (size_t n : {0u, 1u, 361u, 363u, 724u}) {
    try {
      (void)witnessFromBytes(Bytes(n, 0));
      ADD_FAILURE() << "length " << n << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("invalid witness length"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace fpvm::vm
