// The external vectors of spec §10.2 reproduce through the stateless verifier: op-challenger's
// step-0 proof gives its recorded post hash, and the RISCV.t.sol state with its two proofs
// verifies (both proofs check against MemRoot).
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "merkle/memory_proof.hpp"
#include "proof/step_verifier.hpp"

namespace fpvm {
namespace {
#include "external_vectors.inc"

TEST(ExternalVectors, OpChallengerProof0) {
  Bytes state = fromHex(vectors::kOcStateData);
  Bytes proofs = fromHex(vectors::kOcProofData);
  ASSERT_EQ(state.size(), 362u);
  ASSERT_EQ(proofs.size(), 2u * 1920u);
  vm::Witness w = vm::witnessFromBytes(state);
  EXPECT_EQ(toHex(vm::VmState::hashWitness(w)), vectors::kOcPre);
  EXPECT_EQ(getBE64(w.data() + vm::kOffPc), 0x80e08u);
  proof::VerifyResult r = proof::verifyStep(state, proofs, nullptr);
  ASSERT_TRUE(r.ok()) << std::hex << r.revert;
  EXPECT_EQ(toHex(r.postHash), vectors::kOcPost);
  // One bit flipped anywhere in the sibling words makes it fail with 0xbadf00d1.
  Bytes bad = proofs;
  bad[1920 + 32 * 10] ^= 0x01;
  EXPECT_EQ(proof::verifyStep(state, bad, nullptr).revert, vm::kBadMemoryProof);
}

TEST(ExternalVectors, RiscvTSolStepAbi) {
  vm::Witness w{};
  Hash32 root = hash32FromHex(vectors::kSolMemRoot);
  std::memcpy(w.data(), root.data(), 32);
  putBE64(w.data() + vm::kOffPc, 471932);
  putBE64(w.data() + vm::kOffStep, 1);
  putBE64(w.data() + vm::kOffHeap, 0x7f0000000000ULL);
  putBE64(w.data() + vm::kOffRegisters + 2 * 8, 0x1000000000000000ULL);
  Bytes proofs = fromHex(vectors::kSolProofData);
  ASSERT_EQ(proofs.size(), 2u * 1920u);
  // Both proofs verify against MemRoot: proof 0 for the leaf of PC, proof 1 for the stack leaf
  // (00…00 42…00 35…00 00…00 per the spec).
  merkle::MemoryProof p0, p1;
  std::memcpy(p0.words.data(), proofs.data(), 1920);
  std::memcpy(p1.words.data(), proofs.data() + 1920, 1920);
  EXPECT_EQ(merkle::rootFromProof(p0, 471932 & ~31ull, p0.leaf()), root);
  EXPECT_EQ(merkle::rootFromProof(p1, 0x1000000000000000ull, p1.leaf()), root);
  EXPECT_EQ(p1.leaf()[8], 0x42);
  EXPECT_EQ(p1.leaf()[16], 0x35);
  proof::VerifyResult r = proof::verifyStep(w, proofs, nullptr);
  ASSERT_TRUE(r.ok()) << std::hex << r.revert;
  EXPECT_NE(r.postHash, Hash32{});
  EXPECT_EQ(getBE64(r.post.data() + vm::kOffStep), 2u);
}

}  // namespace
}  // namespace fpvm
