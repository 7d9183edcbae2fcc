// load-elf path vectors (spec §10.3: patch + stack) and the state.json vector of §10.2.
#include <gtest/gtest.h>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_loader.hpp"
#include "image/state_file.hpp"

namespace fpvm {
namespace {

struct LoadVector {
  const char* suite;
  const char* test;
  const char* hash;
};

TEST(LoadElfVectors, PatchedPrestatesMatchSpec) {
  const LoadVector vectors[] = {
      {"ui", "simple", "033d9c747fe4db318402c29c0899f3996c11f5408797ed5e9b15e4fd51822a91"},
      {"ui", "add", "03a5d513480d8495c4f230881346083b8af2dfe576f2fbbf38eb337dc109d265"},
      {"um", "div", "03e07cbc2bc771f4ec1c19f85edce06e448bd7a4772a867117b41d675fb919d0"},
      {"ua", "lrsc", "03bd0129123fe2c6540fc5453a28d200403cd8adbe7051c2bfc8c5bc0574ddcd"},
  };
  for (const auto& v : vectors) {
    std::string path = test::riscvTestPath(v.suite, v.test);
    if (path.empty()) GTEST_SKIP() << test::kSharedMissing;
    vm::VmState st = image::loadElf(image::parseElf(readFile(path), path));
    EXPECT_EQ(toHex(st.stateHash()), std::string("0x") + v.hash) << v.test;
    // Pages: the program's pages plus the stack page (spec §10.3).
    auto pages = st.memory.pageIndices();
    ASSERT_GE(pages.size(), 3u);
    EXPECT_EQ(pages.front(), 0x80000u);
    EXPECT_EQ(pages.back(), 0x1000000000000ull);
    EXPECT_EQ(st.registers[2], image::kInitialStackPointer);
  }
}

// rvgo/cmd/test_data/state.json (spec §10.2): a witness-only file whose JSON pc is 0 while the
// witness says 0x81820; H(witness) with byte 0 := 3 must equal the stored stateHash.
TEST(LoadElfVectors, AsteriscStateJsonVector) {
  const std::string json = R"({
  "pc": 0,
  "exited": false,
  "step": 0,
  "witness": "wOSi8Cm62dDmKt1OGwxlLrSznk6zE4ghp7evP1rfrXYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIGCAAAAAAAAAAAAAAAAB/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  "stateHash": "0x03216fdc4a7bfd4c7160fa946d1bfe451d13ff32da496609fe18355282b910c6"
})";
  vm::VmState st = image::decodeStateJson(ByteView(reinterpret_cast<const uint8_t*>(json.data()), json.size()), "state.json");
  EXPECT_EQ(st.pc, 0u);
  ASSERT_EQ(st.storedWitness.size(), vm::kWitnessSize);
  vm::Witness w = vm::witnessFromBytes(st.storedWitness);
  EXPECT_EQ(toHex(vm::VmState::hashWitness(w)), "0x03216fdc4a7bfd4c7160fa946d1bfe451d13ff32da496609fe18355282b910c6");
  ASSERT_TRUE(st.storedStateHash.has_value());
  EXPECT_EQ(*st.storedStateHash, vm::VmState::hashWitness(w));
  EXPECT_EQ(toHex(ByteView(w.data(), 4)), "0xc0e4a2f0");            // MemRoot prefix
  EXPECT_EQ(getBE64(w.data() + vm::kOffPc), 0x81820u);               // witness PC
  EXPECT_EQ(getBE64(w.data() + vm::kOffHeap), 0x7F0000000000u);      // Heap
  EXPECT_EQ(getBE64(w.data() + vm::kOffRegisters + 16), 0x1000000000000000u);  // sp
}

}  // namespace
}  // namespace fpvm
