// read(fd 5) of every key type the pre-image oracle contract can load — local data, keccak256,
// sha256, blob and precompile keys formed as their producers form them — at every part offset,
// up to and past the end, into aligned and unaligned buffers. Each step is cross-checked against
// the stateless verifier, and (with FPVM_EVM_CASES) replayed against MIPS64.sol with the part
// loaded through PreimageOracle.sol's own load functions (tests/evm).
#include <gtest/gtest.h>

#include <cryptopp/sha.h>

#include <string>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "encoder.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

Hash32 sha256(ByteView data) {
  Hash32 out;
  CryptoPP::SHA256().CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

Bytes filled(size_t n, uint8_t first) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(first + 7 * i);
  return b;
}

Hash32 typed(Hash32 h, uint8_t type) {
  h[0] = type;
  return h;
}

/// A pre-image under its key, and how the EVM replay loads it when the key does not say.
struct KeyedPreimage {
  const char* name;
  Hash32 key;
  Bytes data;
  std::string source;  ///< JSON for MapOracle::sources, or empty
};

/// The key of a precompile call result: H(address ‖ BE u64 gas ‖ input), byte 0 := 6; the
/// pre-image is the status byte (1) ‖ the return data.
KeyedPreimage precompile(const char* name, uint8_t address, uint64_t gas, const Bytes& input, const Bytes& output) {
  Bytes keyInput(20 + 8, 0);
  keyInput[19] = address;
  putBE64(keyInput.data() + 20, gas);
  keyInput.insert(keyInput.end(), input.begin(), input.end());
  Bytes data{1};
  data.insert(data.end(), output.begin(), output.end());
  const std::string source = "{\"kind\":\"precompile\",\"address\":\"" + std::to_string(address) + "\",\"gas\":\"" +
                             std::to_string(gas) + "\",\"input\":\"" + toHex(input) + "\"}";
  return {name, typed(keccak256(keyInput), 6), data, source};
}

std::vector<KeyedPreimage> keyedPreimages() {
  std::vector<KeyedPreimage> out;
  Hash32 local;
  local[0] = 1;
  local[31] = 4;  // op-program's L2 block number
  out.push_back({"local, 8 bytes", local, filled(8, 0x10), ""});
  local[31] = 1;  // the L1 head hash
  out.push_back({"local, 32 bytes", local, filled(32, 0x20), ""});
  const Bytes k = filled(13, 0x30);
  out.push_back({"keccak256", typed(keccak256(k), 2), k, ""});
  const Bytes s = filled(41, 0x40);
  out.push_back({"sha256", typed(sha256(s), 4), s, ""});
  const Bytes in = filled(23, 0x50);
  out.push_back(precompile("precompile identity", 0x04, 100, in, in));
  const Hash32 digest = sha256(in);
  out.push_back(precompile("precompile sha256", 0x02, 200, in, Bytes(digest.data(), digest.data() + 32)));
  // A blob field element: key H(commitment ‖ z), byte 0 := 5, pre-image y = p(z). The blob's
  // first four field elements are 1, 2, 3, 4, the rest zero; commitment, y and the proof were
  // computed with micro-eth-signer 0.20.1's KZG over the Ethereum ceremony's setup, and the replay
  // loads the part through loadBlobPreimagePart, which checks them with the point evaluation.
  const Bytes commitment =
      fromHex("a56dfe1c1080ef007d1cbda81211954d059254ce981bea0679e16d7cccb51349305b5b4f20e634876f550b27c7291007");
  const Bytes z = fromHex("0000000000000000000000000000000000000000000000000000000000000003");
  const Bytes y = fromHex("68c0ce180d3103a05fd40b3f4186a1cd32548e66a5a9436561b6aafe3228fa84");
  const std::string proof = "0xa586b2c335d78987a9a5c66e822caba46aba48b724cd2c1b2ddfc9a51f625b600b08743ba0adb07e437d1cf9a66fa1a5";
  Bytes commitmentAndZ = commitment;
  commitmentAndZ.insert(commitmentAndZ.end(), z.begin(), z.end());
  out.push_back({"blob", typed(keccak256(commitmentAndZ), 5), y,
                 "{\"kind\":\"blob\",\"commitment\":\"" + toHex(commitment) + "\",\"z\":\"" + toHex(z) + "\",\"y\":\"" +
                     toHex(y) + "\",\"proof\":\"" + proof + "\"}"});
  return out;
}

TEST(Mips64OracleParts, EveryKeyTypeAtEveryOffset) {
  int steps = 0;
  for (const KeyedPreimage& p : keyedPreimages()) {
    const uint64_t end = p.data.size() + 8;  // parts exist for offsets below len + 8
    for (uint64_t offset = 0; offset <= end; ++offset) {
      // Aligned 8-byte reads, and 3-byte reads into a buffer 5 bytes into its doubleword.
      for (const auto& [addr, count] : {std::pair<uint64_t, uint64_t>{0x8000, 8}, {0x8015, 3}}) {
        SCOPED_TRACE(testing::Message() << p.name << " offset " << offset << " count " << count);
        TestVm vm;
        vm.program({syscall()});
        vm.reg(kRegV0) = sys::kRead;
        vm.reg(kRegA0) = kFdPreimageRead;
        vm.reg(kRegA1) = addr;
        vm.reg(kRegA2) = count;
        vm.poke(addr & ~uint64_t{7}, 0xEEEE'EEEE'EEEE'EEEE);
        vm.state.preimageKey = p.key;
        vm.state.preimageOffset = offset;
        vm.oracle.preimages[p.key] = p.data;
        if (!p.source.empty()) vm.oracle.sources[p.key] = p.source;
        ++steps;
        if (offset == end) {
          vm.expectRevert(Revert::PreimageMustExist);
          continue;
        }
        const StepOutcome o = vm.step();
        ASSERT_TRUE(o.ok()) << revertName(o.revert);
        const uint64_t avail = std::min<uint64_t>(32, end - offset);
        const uint64_t expect = std::min({count, 8 - (addr & 7), avail});
        EXPECT_EQ(vm.reg(kRegV0), expect);
        EXPECT_EQ(vm.state.preimageOffset, offset + expect);
      }
    }
  }
  EXPECT_GT(steps, 400);
}

}  // namespace
}  // namespace fpvm::mips64::test
