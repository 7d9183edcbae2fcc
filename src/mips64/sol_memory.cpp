#include "mips64/sol_memory.hpp"

#include "common/keccak256.hpp"

namespace fpvm::mips64::sol::memory {

namespace {

constexpr uint64_t U64_MASK = 0xFFFFFFFFFFFFFFFF;

/// The loop shared by readMemUnchecked and writeMem: fold `leaf` with the 59 siblings after it.
Hash32 foldProof(const Calldata& cd, Hash32 node, uint64_t addr, uint64_t proofOffset) {
  const uint64_t path = addr >> 5;
  const uint64_t end = MEM_PROOF_LEAF_COUNT - 1;
  for (uint64_t i = 0; i < end; ++i) {
    const Hash32 sibling = cd.load(proofOffset);
    proofOffset += 32;
    if (((path >> i) & 1) == 0) node = keccak256Pair(node, sibling);
    else node = keccak256Pair(sibling, node);
  }
  return node;
}

}  // namespace

uint64_t readMem(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset) {
  const auto [out, valid] = readMemUnchecked(cd, memRoot, addr, proofOffset);
  if (!valid) revertWith(Revert::InvalidMemoryProof);
  return out;
}

std::pair<uint64_t, bool> readMemUnchecked(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset) {
  validateMemoryProofAvailability(cd, proofOffset);
  // Validate the address alignment.
  if (addr & EXT_MASK) revertWith(Revert::InvalidAddress);
  // Load the leaf value, then work back up by combining with siblings.
  const Hash32 leaf = cd.load(proofOffset);
  proofOffset += 32;
  const Hash32 node = foldProof(cd, leaf, addr, proofOffset);
  // Verify the root matches.
  const bool valid = node == memRoot;
  uint64_t out = 0;
  if (valid) {
    // Bits to shift = (32 - 8 - (addr % 32)) * 8
    const uint64_t shamt = (32 - 8 - (addr & 31)) << 3;
    out = (U256::fromBytes(leaf).shr(shamt) & U256::fromU64(U64_MASK)).low64();
  }
  return {out, valid};
}

Hash32 writeMem(const Calldata& cd, uint64_t addr, uint64_t proofOffset, uint64_t val) {
  validateMemoryProofAvailability(cd, proofOffset);
  if (addr & EXT_MASK) revertWith(Revert::InvalidAddress);
  // Load the leaf value; mask out 8 bytes, and OR in the value.
  U256 leaf = U256::fromBytes(cd.load(proofOffset));
  const uint64_t shamt = (32 - 8 - (addr & 31)) << 3;
  leaf = (leaf & ~U256::fromU64(U64_MASK).shl(shamt)) | U256::fromU64(val).shl(shamt);
  proofOffset += 32;
  return foldProof(cd, leaf.toBytes(), addr, proofOffset);
}

bool isValidProof(const Calldata& cd, const Hash32& memRoot, uint64_t addr, uint64_t proofOffset) {
  return readMemUnchecked(cd, memRoot, addr, proofOffset).second;
}

uint64_t memoryProofOffset(uint64_t proofDataOffset, uint8_t proofIndex) {
  // A proof of 64-bit memory, with 32-byte leaf values, is (64-5)=59 bytes32 entries, plus the leaf.
  return proofDataOffset + uint64_t(proofIndex) * (MEM_PROOF_LEAF_COUNT * 32);
}

void validateMemoryProofAvailability(const Calldata& cd, uint64_t proofStartOffset) {
  require(cd.size() >= proofStartOffset + MEM_PROOF_LEAF_COUNT * 32, Revert::InsufficientMemoryProofCalldata);
}

}  // namespace fpvm::mips64::sol::memory
