#include "segment/mips64_segment_verifier.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "mips64/interpreter.hpp"
#include "preimage/keys.hpp"
#include "segment/leaf_set.hpp"
#include "segment/segment_checks.hpp"

namespace fpvm::segment {
namespace {

namespace wo = mips64::witness_offset;

/// Lets the interpreter touch only the proof's leaves, and marks which ones it uses.
class CheckingObserver final : public mips64::AccessObserver {
 public:
  explicit CheckingObserver(LeafSet& allowed) : allowed_(allowed) {}
  uint64_t accesses = 0;
  void beforeAccess(unsigned /*slot*/, uint64_t addr, mips64::Memory& /*memory*/) override {
    ++accesses;
    const uint64_t leaf = addr & ~(mips64::kLeafSize - 1);
    if (!allowed_.markUsed(leaf)) throw Error("leaf " + hex64(leaf) + " not in segment proof");
  }

 private:
  LeafSet& allowed_;
};

using ProofOracle = detail::ProofOracle<mips64::PreimageOracle>;

Hash32 hashAt(const mips64::Witness& w, size_t offset) {
  Hash32 h;
  std::memcpy(h.data(), w.data() + offset, 32);
  return h;
}

/// Sets every field of `st` the witness holds except memory and the thread stacks.
void loadScalars(mips64::State& st, const mips64::Witness& w) {
  st.preimageKey = hashAt(w, wo::kPreimageKey);
  st.preimageOffset = getBE64(w.data() + wo::kPreimageOffset);
  st.heap = getBE64(w.data() + wo::kHeap);
  st.llReservationStatus = w[wo::kLLReservationStatus];
  st.llAddress = getBE64(w.data() + wo::kLLAddress);
  st.llOwnerThread = getBE64(w.data() + wo::kLLOwnerThread);
  st.exitCode = w[wo::kExitCode];
  st.exited = w[wo::kExited] != 0;
  st.step = getBE64(w.data() + wo::kStep);
  st.stepsSinceLastContextSwitch = getBE64(w.data() + wo::kStepsSinceLastContextSwitch);
  st.traverseRight = w[wo::kTraverseRight] != 0;
  st.nextThreadId = getBE64(w.data() + wo::kNextThreadId);
}

/// Pushes `threads` (bottom first) and checks the stack's root against the witness's.
void loadStack(mips64::ThreadStack& stack, const std::vector<mips64::Thread>& threads, const Hash32& expected, const char* name) {
  for (const mips64::Thread& t : threads) stack.push(t);
  const Hash32 root = stack.root();
  if (!(root == expected))
    throw Error(std::string("thread stacks do not match the pre-state: the proof's ") + std::to_string(threads.size()) +
                " threads of the " + name + " stack hash to " + toHex(root) + ", the witness has " + toHex(expected));
}

}  // namespace

Mips64SegmentVerifyResult verifyMips64Segment(const Mips64SegmentProof& proof, const SegmentVerifyOptions& options) {
  const mips64::Witness& w = proof.preWitness;
  // Section 1: the pre-state witness and the threads it commits to.
  Mips64SegmentVerifyResult r;
  r.preHash = mips64::State::hashWitness(w);
  if (!(r.preHash == proof.preHash))
    throw Error("pre-state hash mismatch: proof claims " + toHex(proof.preHash) + ", its witness hashes to " + toHex(r.preHash));
  r.fromStep = proof.fromStep();
  if (proof.toStep < r.fromStep)
    throw Error("segment end step " + std::to_string(proof.toStep) + " is before its first step " + std::to_string(r.fromStep));
  if (proof.toStep - r.fromStep > options.maxSteps)
    throw Error("segment of " + std::to_string(proof.toStep - r.fromStep) + " steps exceeds the limit of " +
                std::to_string(options.maxSteps) + " steps");
  mips64::State st;
  loadScalars(st, w);
  loadStack(st.leftThreadStack, proof.leftThreads, hashAt(w, wo::kLeftThreadStack), "left");
  loadStack(st.rightThreadStack, proof.rightThreads, hashAt(w, wo::kRightThreadStack), "right");
  const Hash32 preRoot = hashAt(w, wo::kMemRoot);
  // Only witnesses the machine can produce (docs/decisions/0001): booleans are 0 or 1.
  const mips64::Witness canonical = st.witnessWithMemRoot(preRoot);
  for (size_t i = 0; i < w.size(); ++i)
    if (w[i] != canonical[i])
      throw Error("malformed pre-state witness: byte " + std::to_string(i) + " is " + std::to_string(w[i]) + ", expected 0 or 1");

  // Section 2: the multiproof against the witness MemRoot.
  if (proof.leaves.empty()) {
    if (!proof.siblings.empty())
      throw Error("multiproof has " + std::to_string(proof.siblings.size()) + " siblings but no leaves");
  } else {
    const Hash32 root = multiproofRoot(proof.leaves, proof.siblings);
    if (!(root == preRoot))
      throw Error("multiproof does not match the pre-state: leaves and siblings give root " + toHex(root) +
                  ", the witness MemRoot is " + toHex(preRoot));
  }

  // Section 3: preimages. Keccak256 and sha256 data must hash to their key; local, blob and
  // precompile data is trusted as the on-chain oracle trusts it (a changed byte still changes
  // the post-state).
  for (size_t i = 0; i < proof.preimages.size(); ++i) {
    const Preimage& p = proof.preimages[i];
    if (i && !keyLess(proof.preimages[i - 1].key, p.key)) throw Error("segment proof preimage keys not strictly ascending");
    try {
      preimage::checkPreimage(p.key, p.data);
    } catch (const Error& e) {
      throw Error(std::string("segment proof preimage: ") + e.what());
    }
  }

  // Section 4: re-execution over a memory holding only the proof's leaves. Reads of other memory
  // that do not go through a proof slot (hint and output bytes) see zeros and change no state.
  LeafSet allowed;
  for (const Leaf& l : proof.leaves) {
    allowed.insert(l.addr);
    if (!(l.value == Hash32{})) st.memory.writeBytes(l.addr, l.value.data(), 32);
  }
  ProofOracle oracle(proof.preimages);
  mips64::Interpreter interp(st, &oracle, nullptr);
  CheckingObserver observer(allowed);
  uint64_t at = st.step, pc = 0;
  try {
    while (!st.exited && st.step < proof.toStep) {
      at = st.step;
      pc = st.activeStack().empty() ? 0 : st.currentThread().pc;
      const mips64::StepOutcome o = interp.step(&observer);
      if (!o.ok()) throw Error(std::string("reverts (") + mips64::revertName(o.revert) + ")");
      // Hint bytes are off-witness: keeping none bounds the verifier's memory.
      st.lastHint.clear();
      if ((st.step & 0xFFFF) == 0 && options.cancel && options.cancel->load(std::memory_order_relaxed))
        throw Error("interrupted");
    }
  } catch (const Error&) {
    detail::rethrowAtStep(at, pc);
  }
  r.memoryAccesses = observer.accesses;
  detail::requireEndReached(st.step, proof.toStep);

  // Section 5: unused data, then the post-state root from the multiproof and updated leaves.
  detail::requireEverythingUsed(allowed, proof.leaves, oracle.firstUnused(), proof.preimages);
  const Hash32 postRoot =
      detail::postSegmentRoot(preRoot, proof.leaves, proof.siblings, [&](uint64_t addr) { return st.memory.leaf(addr); });
  r.postWitness = st.witnessWithMemRoot(postRoot);
  r.postHash = mips64::State::hashWitness(r.postWitness);
  r.endStep = st.step;
  r.exited = st.exited;
  if (!(r.postHash == proof.postHash))
    throw Error("post-state mismatch: proof claims " + toHex(proof.postHash) + ", re-execution gives " + toHex(r.postHash));
  return r;
}

}  // namespace fpvm::segment
