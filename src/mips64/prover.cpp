#include "mips64/prover.hpp"

#include <algorithm>

#include "mips64/step_calldata.hpp"

namespace fpvm::mips64 {

namespace {

/// Writes the proof of each accessed slot, taken just before the access, into the proof data.
class ProofRecorder final : public AccessObserver {
 public:
  explicit ProofRecorder(Bytes& proofData) : proofData_(proofData) {}
  void beforeAccess(unsigned slot, uint64_t addr, Memory& memory) override {
    const MemoryProof p = memory.proof(addr);
    std::copy(p.begin(), p.end(), proofData_.begin() + static_cast<std::ptrdiff_t>(kThreadWitnessSize + slot * kMemoryProofSize));
  }

 private:
  Bytes& proofData_;
};

}  // namespace

StepOutcome proveStep(Interpreter& interpreter, StepProof& out) {
  State& s = interpreter.state();
  out = StepProof{};
  out.step = s.step;
  out.stateData = s.witness();
  out.pre = State::hashWitness(out.stateData);
  out.proofData.assign(kProofDataSize, 0);
  // Thread witness and the proof of the pc's leaf come from the pre-state, whatever the step does
  // (as Cannon emits them; the contract ignores what it does not use).
  if (!s.activeStack().empty()) {
    const ThreadRecord record = encodeThread(s.currentThread());
    std::copy(record.begin(), record.end(), out.proofData.begin());
    const Hash32 inner = s.activeStack().innerRoot();
    std::copy(inner.b.begin(), inner.b.end(), out.proofData.begin() + kThreadRecordSize);
    const MemoryProof pcProof = s.memory.proof(s.currentThread().pc & ~uint64_t(7));
    std::copy(pcProof.begin(), pcProof.end(), out.proofData.begin() + kThreadWitnessSize);
  }
  ProofRecorder recorder(out.proofData);
  StepOutcome o = interpreter.step(&recorder);
  if (!o.ok()) return o;
  out.post = s.hash();
  if (o.preimageRead && !(o.preimageRead->key == Hash32{})) {
    out.oracleKey = o.preimageRead->key;
    out.oracleValue = *o.preimageRead->value;
    out.oracleOffset = o.preimageRead->offset;
  }
  return o;
}

}  // namespace fpvm::mips64
