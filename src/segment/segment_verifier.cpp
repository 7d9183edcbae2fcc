#include "segment/segment_verifier.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "preimage/keys.hpp"
#include "segment/leaf_set.hpp"
#include "segment/segment_checks.hpp"
#include "vm/interpreter.hpp"

namespace fpvm::segment {
namespace {

/// Lets the interpreter touch only the proof's leaves, and marks which ones it uses.
struct CheckingTracker {
  LeafSet& allowed;
  uint64_t accesses = 0;
  void access(merkle::PagedMemory&, uint64_t leafAddr, unsigned /*slot*/) {
    ++accesses;
    if (!allowed.markUsed(leafAddr)) throw Error("leaf " + hex64(leafAddr) + " not in segment proof");
  }
};

using ProofOracle = detail::ProofOracle<vm::PreimageOracle>;

Hash32 memRootOf(const vm::Witness& w) {
  Hash32 h;
  std::memcpy(h.data(), w.data() + vm::kOffMemRoot, 32);
  return h;
}

}  // namespace

vm::Witness witnessWithRoot(const vm::VmState& st, const Hash32& memRoot) {
  vm::Witness w{};
  std::memcpy(w.data() + vm::kOffMemRoot, memRoot.data(), 32);
  std::memcpy(w.data() + vm::kOffPreimageKey, st.preimageKey.data(), 32);
  putBE64(w.data() + vm::kOffPreimageOffset, st.preimageOffset);
  putBE64(w.data() + vm::kOffPc, st.pc);
  w[vm::kOffExitCode] = st.exitCode;
  w[vm::kOffExited] = st.exited ? 1 : 0;
  putBE64(w.data() + vm::kOffStep, st.step);
  putBE64(w.data() + vm::kOffHeap, st.heap);
  putBE64(w.data() + vm::kOffLoadReservation, st.loadReservation);
  for (size_t i = 0; i < 32; ++i) putBE64(w.data() + vm::kOffRegisters + 8 * i, st.registers[i]);
  return w;
}

void loadWitnessFields(vm::VmState& st, const vm::Witness& w) {
  std::memcpy(st.preimageKey.data(), w.data() + vm::kOffPreimageKey, 32);
  st.preimageOffset = getBE64(w.data() + vm::kOffPreimageOffset);
  st.pc = getBE64(w.data() + vm::kOffPc);
  st.exitCode = w[vm::kOffExitCode];
  st.exited = w[vm::kOffExited] != 0;
  st.step = getBE64(w.data() + vm::kOffStep);
  st.heap = getBE64(w.data() + vm::kOffHeap);
  st.loadReservation = getBE64(w.data() + vm::kOffLoadReservation);
  for (size_t i = 0; i < 32; ++i) st.registers[i] = getBE64(w.data() + vm::kOffRegisters + 8 * i);
}

SegmentVerifyResult verifySegment(const SegmentProof& proof, const SegmentVerifyOptions& options) {
  const vm::Witness& w = proof.preWitness;
  // Section 1: the pre-state (docs/decisions/0001: reject witnesses the VM cannot reach).
  if (w[vm::kOffExited] > 1)
    throw Error("malformed pre-state witness: exited flag is " + std::to_string(w[vm::kOffExited]) + ", expected 0 or 1");
  if (getBE64(w.data() + vm::kOffRegisters) != 0) throw Error("malformed pre-state witness: register x0 is not zero");
  SegmentVerifyResult r;
  r.preHash = vm::VmState::hashWitness(w);
  if (!(r.preHash == proof.preHash))
    throw Error("pre-state hash mismatch: proof claims " + toHex(proof.preHash) + ", its witness hashes to " + toHex(r.preHash));
  r.fromStep = proof.fromStep();
  if (proof.toStep < r.fromStep)
    throw Error("segment end step " + std::to_string(proof.toStep) + " is before its first step " + std::to_string(r.fromStep));
  if (proof.toStep - r.fromStep > options.maxSteps)
    throw Error("segment of " + std::to_string(proof.toStep - r.fromStep) + " steps exceeds the limit of " +
                std::to_string(options.maxSteps) + " steps");

  // Section 2: the multiproof against the witness MemRoot.
  const Hash32 preRoot = memRootOf(w);
  if (proof.leaves.empty()) {
    if (!proof.siblings.empty())
      throw Error("multiproof has " + std::to_string(proof.siblings.size()) + " siblings but no leaves");
  } else {
    const Hash32 root = multiproofRoot(proof.leaves, proof.siblings);
    if (!(root == preRoot))
      throw Error("multiproof does not match the pre-state: leaves and siblings give root " + toHex(root) +
                  ", the witness MemRoot is " + toHex(preRoot));
  }

  // Section 3: preimages. Keccak256 and sha256 data must hash to their key; other types are
  // trusted as the on-chain oracle trusts them (a changed byte still changes the post-state).
  for (size_t i = 0; i < proof.preimages.size(); ++i) {
    const Preimage& p = proof.preimages[i];
    if (i && !keyLess(proof.preimages[i - 1].key, p.key)) throw Error("segment proof preimage keys not strictly ascending");
    try {
      preimage::checkPreimage(p.key, p.data);
    } catch (const Error& e) {
      throw Error(std::string("segment proof preimage: ") + e.what());
    }
  }

  // Section 4: re-execution over a memory holding only the proof's leaves.
  vm::VmState st;
  loadWitnessFields(st, w);
  LeafSet allowed;
  for (const Leaf& l : proof.leaves) {
    allowed.insert(l.addr);
    if (!(l.value == Hash32{})) st.memory.writeBytes(l.addr, l.value.data(), 32);
  }
  ProofOracle oracle(proof.preimages);
  vm::HostContext host;
  host.oracle = &oracle;
  CheckingTracker tracker{allowed};
  vm::Interpreter<CheckingTracker> interp(st, host, tracker);
  uint64_t at = st.step, pc = st.pc;
  try {
    while (!st.exited && st.step < proof.toStep) {
      at = st.step;
      pc = st.pc;
      const vm::RevertCode rc = interp.step();
      if (rc != vm::kOk) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%x", rc);
        throw Error(std::string("reverts with ") + buf + " (" + vm::revertName(rc) + ")");
      }
      // Hint bytes are off-witness and read from memory the proof does not hold; keeping none
      // bounds the verifier's memory (the prover's 1 GiB check per write still applies).
      st.lastHint.clear();
      if ((st.step & 0xFFFF) == 0 && options.cancel && options.cancel->load(std::memory_order_relaxed))
        throw Error("interrupted");
    }
  } catch (const Error&) {
    detail::rethrowAtStep(at, pc);
  }
  r.memoryAccesses = tracker.accesses;
  detail::requireEndReached(st.step, proof.toStep);

  // Section 5: unused data, then the post-state root from the multiproof and updated leaves.
  detail::requireEverythingUsed(allowed, proof.leaves, oracle.firstUnused(), proof.preimages);
  const Hash32 postRoot =
      detail::postSegmentRoot(preRoot, proof.leaves, proof.siblings, [&](uint64_t addr) { return st.memory.readLeaf(addr); });
  r.postWitness = witnessWithRoot(st, postRoot);
  r.postHash = vm::VmState::hashWitness(r.postWitness);
  r.endStep = st.step;
  r.exited = st.exited;
  if (!(r.postHash == proof.postHash))
    throw Error("post-state mismatch: proof claims " + toHex(proof.postHash) + ", re-execution gives " + toHex(r.postHash));
  return r;
}

}  // namespace fpvm::segment
