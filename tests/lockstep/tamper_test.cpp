// Tampering is rejected (issue 3 item 5): for proofs of representative steps (fetch only, load,
// store, leaf-crossing store, AMO, preimage key write and read), flipping any bit of any proof
// word, any bit of the state data, or the oracle data, truncating or extending the proof, never
// yields the honest post-state hash as an accepted result unless the bit is provably unused.
#include <gtest/gtest.h>

#include <map>

#include "common/keccak256.hpp"
#include "lockstep_check.hpp"

namespace fpvm {
namespace {

class OneOracle final : public vm::PreimageOracle {
 public:
  Hash32 key;
  Bytes value;
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& k) override {
    if (!(k == key)) throw Error("unknown key");
    return value;
  }
};

struct Honest {
  vm::StepProof proof;
};

Honest prove(vm::VmState st, vm::PreimageOracle* oracle) {
  vm::HostContext host;
  host.oracle = oracle;
  Honest h;
  EXPECT_EQ(vm::proveStep(st, host, h.proof), vm::kOk);
  return h;
}

/// Outcome of verifying possibly tampered inputs: accepted with a hash, or rejected.
std::optional<Hash32> verifyOutcome(ByteView state, ByteView proofs, proof::PartOracle* oracle) {
  try {
    proof::VerifyOptions opt;
    opt.exactLength = true;
    proof::VerifyResult r = proof::verifyStep(state, proofs, oracle, opt);
    if (!r.ok()) return std::nullopt;
    return r.postHash;
  } catch (const Error&) {
    return std::nullopt;
  }
}

vm::VmState machineWith(uint32_t instr) {
  vm::VmState st;
  st.pc = 0x10040;
  st.memory.store(st.pc, 4, instr);
  for (int i = 1; i < 32; ++i) st.registers[i] = 0x1111111111111111ull * (i % 15);
  st.memory.store(0x20000, 8, 0x0123456789abcdefull);
  st.memory.store(0x2001c, 8, 0xfedcba9876543210ull);
  st.memory.store(0x7ff000, 8, 42);
  return st;
}

/// Witness bytes [first, last) the step overwrites.
struct Range {
  size_t first, last;
};
Range reg(unsigned r) { return {vm::kOffRegisters + 8 * r, vm::kOffRegisters + 8 * r + 8}; }

/// `overwritten` lists the witness bytes the step overwrites (written registers, key bytes that
/// shift out): flipping them cannot change the post-state and is caught by the pre-state hash
/// commitment instead.
void checkAllTampering(const vm::StepProof& p, proof::PartOracle* oracle, const char* what,
                       std::initializer_list<Range> overwritten) {
  SCOPED_TRACE(what);
  // The honest proof verifies.
  auto honest = verifyOutcome(p.stateData, p.proofData, oracle);
  ASSERT_TRUE(honest.has_value());
  ASSERT_EQ(*honest, p.post);
  // Every bit of every proof word.
  Bytes proofs = p.proofData;
  size_t accepted = 0;
  for (size_t byte = 0; byte < proofs.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      proofs[byte] ^= uint8_t(1 << bit);
      auto r = verifyOutcome(p.stateData, proofs, oracle);
      if (r && *r == p.post) ++accepted;  // a forgery: honest post from tampered data
      proofs[byte] ^= uint8_t(1 << bit);
    }
  }
  EXPECT_EQ(accepted, 0u) << "tampered proof bits accepted with the honest post-state";
  // Every bit of the state data: the pre-state hash changes (the on-chain commitment check), and
  // the step is rejected or reaches a different post-state, except for registers it overwrites.
  vm::Witness state = p.stateData;
  for (size_t byte = 0; byte < state.size(); ++byte) {
    bool overwrittenByte = false;
    for (const Range& r : overwritten)
      if (byte >= r.first && byte < r.last) overwrittenByte = true;
    for (int bit = 0; bit < 8; ++bit) {
      state[byte] ^= uint8_t(1 << bit);
      EXPECT_NE(vm::VmState::hashWitness(state), p.pre);
      auto r = verifyOutcome(state, p.proofData, oracle);
      if (!overwrittenByte) {
        EXPECT_FALSE(r && *r == p.post) << "state byte " << byte << " bit " << bit;
      }
      state[byte] ^= uint8_t(1 << bit);
    }
  }
  // Truncated and extended proofs.
  for (size_t cut : {size_t(1), size_t(32), size_t(1920)}) {
    if (cut > p.proofData.size()) continue;
    Bytes shorter(p.proofData.begin(), p.proofData.end() - static_cast<ptrdiff_t>(cut));
    EXPECT_FALSE(verifyOutcome(p.stateData, shorter, oracle).has_value()) << "truncated by " << cut;
  }
  Bytes longer = p.proofData;
  longer.resize(longer.size() + 1920);
  EXPECT_FALSE(verifyOutcome(p.stateData, longer, oracle).has_value()) << "extended proof accepted";
}

uint32_t iType(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return (uint32_t(imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
uint32_t sType(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  return (uint32_t((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (uint32_t(imm & 31) << 7) | 0x23;
}

TEST(Tamper, AluStepFetchOnly) {
  auto h = prove(machineWith(iType(0x13, 5, 0, 6, 7)), nullptr);  // addi x5, x6, 7
  EXPECT_EQ(h.proof.proofData.size(), 1920u);
  checkAllTampering(h.proof, nullptr, "addi", {reg(5)});
}

TEST(Tamper, LoadAndLeafCrossingStore) {
  vm::VmState ld = machineWith(iType(0x03, 5, 3, 7, 0));  // ld x5, 0(x7)
  ld.registers[7] = 0x20000;
  auto h1 = prove(ld, nullptr);
  EXPECT_EQ(h1.proof.proofData.size(), 3840u);
  checkAllTampering(h1.proof, nullptr, "ld", {reg(5)});
  vm::VmState sd = machineWith(sType(3, 7, 8, 0));  // sd x8, 0(x7) across a leaf boundary
  sd.registers[7] = 0x2001c;
  auto h2 = prove(sd, nullptr);
  EXPECT_EQ(h2.proof.proofData.size(), 5760u);
  checkAllTampering(h2.proof, nullptr, "sd crossing", {});
}

TEST(Tamper, AmoAndPreimageSyscalls) {
  vm::VmState amo = machineWith((0x00u << 27) | (9u << 20) | (7u << 15) | (3u << 12) | (5u << 7) | 0x2F);  // amoadd.d
  amo.registers[7] = 0x20000;
  auto h1 = prove(amo, nullptr);
  EXPECT_EQ(h1.proof.proofData.size(), 3840u);
  checkAllTampering(h1.proof, nullptr, "amoadd.d", {reg(5)});

  vm::VmState keyWrite = machineWith(0x00000073);  // write(6, buf, 20)
  keyWrite.registers[17] = 64;
  keyWrite.registers[10] = 6;
  keyWrite.registers[11] = 0x2000c;
  keyWrite.registers[12] = 20;
  auto h2 = prove(keyWrite, nullptr);
  checkAllTampering(h2.proof, nullptr, "key write", {reg(10), reg(11), {vm::kOffPreimageKey, vm::kOffPreimageKey + 20},
                                                {vm::kOffPreimageOffset, vm::kOffPreimageOffset + 8}});

  OneOracle oracle;
  oracle.value = Bytes(100, 0x5a);
  oracle.key = keccak256(oracle.value);
  oracle.key[0] = 2;
  vm::VmState read = machineWith(0x00000073);  // read(5, buf, 32) at offset 13
  read.registers[17] = 63;
  read.registers[10] = 5;
  read.registers[11] = 0x7ff004;
  read.registers[12] = 32;
  read.preimageKey = oracle.key;
  read.preimageOffset = 13;
  auto h3 = prove(read, &oracle);
  ASSERT_TRUE(h3.proof.oracleKey.has_value());
  proof::SinglePreimageOracle part(*h3.proof.oracleKey, h3.proof.oracleValue);
  checkAllTampering(h3.proof, &part, "preimage read", {reg(10), reg(11)});
  // A tampered preimage value gives a different post-state or is refused.
  Bytes badValue = h3.proof.oracleValue;
  badValue[8 + 13 + 2] ^= 1;
  proof::SinglePreimageOracle badPart(*h3.proof.oracleKey, badValue);
  auto r = verifyOutcome(h3.proof.stateData, h3.proof.proofData, &badPart);
  EXPECT_FALSE(r && *r == h3.proof.post);
  // A different key is refused by the oracle (revert 0xbadf00d0).
  Hash32 otherKey = *h3.proof.oracleKey;
  otherKey[5] ^= 1;
  proof::SinglePreimageOracle wrongKey(otherKey, h3.proof.oracleValue);
  proof::VerifyResult wr = proof::verifyStep(h3.proof.stateData, h3.proof.proofData, &wrongKey);
  EXPECT_EQ(wr.revert, vm::kOracleReadFailed);
}

}  // namespace
}  // namespace fpvm
