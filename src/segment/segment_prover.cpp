#include "segment/segment_prover.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "segment/leaf_set.hpp"
#include "segment/segment_checks.hpp"
#include "vm/machine.hpp"

namespace fpvm::segment {
namespace {

/// Records each touched leaf once, with its value at first access. Every write of the
/// interpreter is preceded by the access of its leaf (spec §3.3), so that value is the leaf's
/// value before the segment. Also collects the preimages the steps read.
class SegmentRecorder final : public vm::StepObserver {
 public:
  LeafSet seen;
  std::vector<Leaf> leaves;
  std::map<std::array<uint8_t, 32>, Bytes> preimages;
  ProveStats stats;

  void leafAccess(merkle::PagedMemory& mem, uint64_t leafAddr, unsigned /*slot*/) override {
    ++stats.memoryProofs;
    if (seen.insert(leafAddr)) leaves.push_back(Leaf{leafAddr, mem.readLeaf(leafAddr)});
  }
  void stepDone(const vm::VmState& state, std::optional<uint64_t> preimageRead, const Bytes& prefixed) override {
    ++stats.steps;
    if (!preimageRead) return;
    stats.oracleBytes += 32 + prefixed.size();
    auto [it, inserted] = preimages.try_emplace(state.preimageKey.b);
    if (inserted) it->second.assign(prefixed.begin() + 8, prefixed.end());
  }
};

Hash32 memRootOf(const vm::Witness& w) {
  Hash32 h;
  std::copy(w.begin() + vm::kOffMemRoot, w.begin() + vm::kOffMemRoot + 32, h.b.begin());
  return h;
}

}  // namespace

SegmentProof proveSegment(vm::Machine& machine, uint64_t toStep, ProveStats* stats, const ProveOptions& options) {
  if (toStep < machine.step())
    throw Error("segment end step " + std::to_string(toStep) + " is before the state's step " + std::to_string(machine.step()));
  SegmentProof proof;
  proof.preWitness = machine.witness();
  proof.preHash = vm::VmState::hashWitness(proof.preWitness);

  SegmentRecorder recorder;
  vm::Outcome outcome;
  try {
    outcome = machine.advanceObserved(toStep, recorder);
  } catch (const vm::HostFailure& f) {
    char head[96];
    std::snprintf(head, sizeof head, "failed at proof-gen step %" PRIu64 " (PC: 0x%016" PRIx64 "): ", f.step(), f.pc());
    throw Error(head + std::string(f.what()));
  }
  if (outcome.reason == vm::StopReason::Reverted) throw Error(machine.describe(outcome.revert, nullptr, true));
  ProveStats& local = recorder.stats;
  auto& preimages = recorder.preimages;
  const vm::VmState& st = machine.state();

  proof.toStep = st.step;  // canonical: the post-state's Step, also when the machine exited earlier
  const vm::Witness post = machine.witness();
  proof.postHash = vm::VmState::hashWitness(post);
  proof.leaves = std::move(recorder.leaves);
  std::sort(proof.leaves.begin(), proof.leaves.end(), [](const Leaf& a, const Leaf& b) { return a.addr < b.addr; });
  const std::vector<uint64_t> addrs = proof.leafAddrs();
  // Siblings are roots of subtrees without a touched leaf; the segment never writes them, so
  // the post-state tree has the same ones as the pre-state tree.
  proof.siblings = buildMultiproof(machine.mutableState().memory, addrs);  // reads cached subtree roots
  proof.preimages = detail::preimageList(std::move(preimages));
  if (options.selfCheck)
    detail::checkProverRoots(
        proof.leaves, proof.siblings, memRootOf(proof.preWitness), memRootOf(post),
        [&](uint64_t addr) { return st.memory.readLeaf(addr); }, "RISC-V");
  if (stats) *stats = local;
  return proof;
}

}  // namespace fpvm::segment
