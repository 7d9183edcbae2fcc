#pragma once
// Helpers of the MT64 segment proof tests: a machine (state, oracle, interpreter) that stays put
// in memory, proving a segment with every check the tests share, and scanning a run for the steps
// where the scheduler, syscalls or the pre-image oracle act.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "mips64/arch.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/state.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_prover.hpp"
#include "segment/mips64_segment_verifier.hpp"

namespace fpvm::mips64::test {

/// Serves pre-images from a map; hints are dropped.
class SegmentOracle final : public PreimageOracle {
 public:
  std::map<std::array<uint8_t, 32>, Bytes> preimages;
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    auto it = preimages.find(key.b);
    if (it == preimages.end()) throw Error("missing pre-image");
    return it->second;
  }
};

/// A state with its oracle and interpreter (not movable: the interpreter refers to the state).
struct SegmentMachine {
  State state;
  SegmentOracle oracle;
  Interpreter interp{state, &oracle, nullptr};
  explicit SegmentMachine(State s) : state(std::move(s)) {}
  SegmentMachine(const SegmentMachine&) = delete;
  SegmentMachine& operator=(const SegmentMachine&) = delete;
  /// An independent copy with the same oracle contents.
  std::unique_ptr<SegmentMachine> copy() const {
    auto c = std::make_unique<SegmentMachine>(state);
    c->oracle.preimages = oracle.preimages;
    return c;
  }
  /// Steps the reference interpreter to `step` (or the exit); every step must succeed.
  void runTo(uint64_t step) {
    while (!state.exited && state.step < step) {
      const StepOutcome o = interp.step();
      ASSERT_TRUE(o.ok()) << "step " << state.step << ": " << revertName(o.revert);
    }
  }
};

/// Proves [step, to) of `m`, checks the encoding round trip and verifies the proof: its pre hash
/// is the state's before, its post hash and witness the state's after. Returns the encoding.
inline Bytes proveChecked(SegmentMachine& m, uint64_t to, segment::Mips64ProveStats* stats = nullptr) {
  const Hash32 pre = m.state.hash();
  const segment::Mips64SegmentProof p = segment::proveMips64Segment(m.interp, to, stats);
  EXPECT_EQ(toHex(p.preHash), toHex(pre));
  const Bytes bytes = segment::encodeMips64SegmentProof(p);
  const segment::Mips64SegmentProof d = segment::decodeMips64SegmentProof(bytes, "test proof");
  EXPECT_EQ(segment::encodeMips64SegmentProof(d), bytes) << "encoding round trip";
  const segment::Mips64SegmentVerifyResult r = segment::verifyMips64Segment(d);
  EXPECT_EQ(toHex(r.postHash), toHex(m.state.hash()));
  EXPECT_EQ(r.endStep, m.state.step);
  EXPECT_EQ(r.exited, m.state.exited);
  EXPECT_TRUE(r.postWitness == m.state.witness());
  return bytes;
}

/// Steps at which something of interest happens in a run.
struct RunEvents {
  std::vector<uint64_t> switches;   ///< another thread is current after the step
  std::vector<uint64_t> clones;     ///< SYSCALL clone
  std::vector<uint64_t> futexes;    ///< SYSCALL futex
  std::vector<uint64_t> yields;     ///< SYSCALL sched_yield
  std::vector<uint64_t> preimages;  ///< a read of fd 5
  uint64_t exitStep = 0;            ///< Step of the exited state
};

/// Runs a copy of `m` to its exit (at most `maxSteps`) and records the events.
inline RunEvents scanEvents(const SegmentMachine& m, uint64_t maxSteps) {
  auto c = m.copy();
  RunEvents e;
  while (!c->state.exited && c->state.step < maxSteps) {
    const uint64_t at = c->state.step;
    const uint64_t thread = c->state.activeStack().empty() ? ~uint64_t(0) : c->state.currentThread().threadId;
    const StepOutcome o = c->interp.step();
    if (!o.ok()) throw Error("scan: step " + std::to_string(at) + " reverts");
    if ((c->state.activeStack().empty() ? ~uint64_t(0) : c->state.currentThread().threadId) != thread) e.switches.push_back(at);
    if (o.syscall == sys::kClone) e.clones.push_back(at);
    if (o.syscall == sys::kFutex) e.futexes.push_back(at);
    if (o.syscall == sys::kSchedYield) e.yields.push_back(at);
    if (o.preimageRead) e.preimages.push_back(at);
  }
  e.exitStep = c->state.step;
  return e;
}

}  // namespace fpvm::mips64::test
