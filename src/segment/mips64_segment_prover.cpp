#include "segment/mips64_segment_prover.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include "common/hex.hpp"
#include "mips64/step_calldata.hpp"
#include "segment/leaf_set.hpp"
#include "segment/segment_checks.hpp"

namespace fpvm::segment {
namespace {

/// Records each touched leaf once, with its value at first access.
class LeafRecorder final : public mips64::AccessObserver {
 public:
  LeafSet seen;
  std::vector<Leaf> leaves;
  uint64_t accesses = 0;

  void beforeAccess(unsigned /*slot*/, uint64_t addr, mips64::Memory& memory) override {
    ++accesses;
    const uint64_t leaf = addr & ~(mips64::kLeafSize - 1);
    if (seen.insert(leaf)) leaves.push_back(Leaf{leaf, memory.leaf(leaf)});
  }
};

Hash32 memRootOf(const mips64::Witness& w) {
  Hash32 h;
  std::memcpy(h.data(), w.data() + mips64::witness_offset::kMemRoot, 32);
  return h;
}

uint64_t currentPc(const mips64::State& s) { return s.activeStack().empty() ? 0 : s.currentThread().pc; }
uint64_t currentThreadId(const mips64::State& s) { return s.activeStack().empty() ? ~uint64_t(0) : s.currentThread().threadId; }

std::vector<mips64::Thread> threadsOf(const mips64::ThreadStack& stack) {
  std::vector<mips64::Thread> out;
  out.reserve(stack.size());
  for (size_t i = 0; i < stack.size(); ++i) out.push_back(stack.at(i));
  return out;
}

std::string failedAt(uint64_t step, uint64_t pc) {
  return "failed at proof-gen step " + std::to_string(step) + " (PC: " + hex64(pc) + "): ";
}

}  // namespace

uint64_t Mips64ProveStats::singleStepBytes() const {
  static const size_t perStep =
      mips64::encodeStepCalldata(ByteView(mips64::Witness{}), Bytes(mips64::kProofDataSize), Hash32{}).size();
  return steps * perStep;
}

Mips64SegmentProof proveMips64Segment(mips64::Interpreter& interp, uint64_t toStep, Mips64ProveStats* stats,
                                      const ProveOptions& options) {
  mips64::State& s = interp.state();
  if (toStep < s.step)
    throw Error("segment end step " + std::to_string(toStep) + " is before the state's step " + std::to_string(s.step));
  Mips64SegmentProof proof;
  proof.preWitness = s.witness();
  proof.preHash = mips64::State::hashWitness(proof.preWitness);
  // Every thread: the verifier rebuilds both stack roots from them (decision 0017).
  proof.leftThreads = threadsOf(s.leftThreadStack);
  proof.rightThreads = threadsOf(s.rightThreadStack);

  LeafRecorder recorder;
  Mips64ProveStats local;
  std::map<std::array<uint8_t, 32>, Bytes> preimages;
  while (!s.exited && s.step < toStep) {
    const uint64_t at = s.step, pc = currentPc(s), thread = currentThreadId(s);
    mips64::StepOutcome o;
    try {
      o = interp.step(&recorder);
    } catch (const Error& e) {
      throw Error(failedAt(at, pc) + e.what());
    }
    if (!o.ok()) throw Mips64SegmentRevert(at, pc, o, failedAt(at, pc) + mips64::revertName(o.revert));
    ++local.steps;
    if (currentThreadId(s) != thread) ++local.threadSwitches;
    if (o.syscall) ++local.syscalls;
    if (o.preimageRead) {
      const Bytes& prefixed = *o.preimageRead->value;
      local.oracleBytes += 32 + prefixed.size();
      auto [it, inserted] = preimages.try_emplace(o.preimageRead->key.b);
      if (inserted) it->second.assign(prefixed.begin() + 8, prefixed.end());
    }
  }
  local.memoryAccesses = recorder.accesses;

  proof.toStep = s.step;  // canonical: the post-state's Step, also when the machine exited earlier
  const mips64::Witness post = s.witness();
  proof.postHash = mips64::State::hashWitness(post);
  proof.leaves = std::move(recorder.leaves);
  std::sort(proof.leaves.begin(), proof.leaves.end(), [](const Leaf& a, const Leaf& b) { return a.addr < b.addr; });
  std::vector<uint64_t> addrs(proof.leaves.size());
  for (size_t i = 0; i < addrs.size(); ++i) addrs[i] = proof.leaves[i].addr;
  // Siblings are roots of subtrees without a touched leaf: the segment never writes them, so the
  // post-state tree has the same ones as the pre-state tree.
  proof.siblings = buildMultiproof(addrs, [&s](uint64_t addr, std::span<Hash32, merkle::kTreeDepth> out) {
    const mips64::MemoryProof p = s.memory.proof(addr);
    for (unsigned h = 0; h < merkle::kTreeDepth; ++h) std::memcpy(out[h].data(), p.data() + 32 * (h + 1), 32);
  });
  proof.preimages = detail::preimageList(std::move(preimages));
  if (options.selfCheck)
    detail::checkProverRoots(
        proof.leaves, proof.siblings, memRootOf(proof.preWitness), memRootOf(post),
        [&](uint64_t addr) { return s.memory.leaf(addr); }, "MT64");
  if (stats) *stats = local;
  return proof;
}

}  // namespace fpvm::segment
