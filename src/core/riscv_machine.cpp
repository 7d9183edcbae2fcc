// AnyMachine over the RISC-V vm::Machine.
#include <memory>
#include <optional>

#include "common/error.hpp"
#include "core/any_machine.hpp"
#include "core/machine_adapters.hpp"
#include "image/state_file.hpp"
#include "segment/segment_proof.hpp"
#include "segment/segment_prover.hpp"
#include "vm/revert_codes.hpp"

namespace fpvm::core {

namespace {

class RiscvMachine final : public AnyMachine {
 public:
  explicit RiscvMachine(vm::VmState state) : m_(std::move(state)) {}

  Isa isa() const override { return Isa::Riscv64; }
  void setOracle(vm::PreimageOracle* oracle) override { m_.setOracle(oracle); }
  void setOutput(vm::GuestOutput* output) override { m_.setOutput(output); }

  Outcome advance(uint64_t target, vm::Engine engine, const vm::Budget& budget) override {
    vm::AdvanceOptions options;
    options.budget = budget;
    options.engine = engine;
    return convert(m_.advance(target, options));
  }

  Outcome proveStep(OneStepProof& out) override {
    vm::StepProof p;
    const vm::Outcome o = m_.proveStep(p);
    out = toOneStepProof(Isa::Riscv64, std::move(p));
    return convert(o);
  }
  Outcome hashEachStep(uint64_t count, const vm::Machine::HashSink& sink, const vm::Budget& budget) override {
    return convert(m_.hashEachStep(count, sink, budget));
  }
  std::string describeRevert(const vm::Symbolizer* symbols, bool proofGen) const override {
    if (!lastRevert_) return "no step reverted";
    return m_.describe(*lastRevert_, symbols, proofGen);
  }

  void setPageLimit(size_t pages) override { m_.setPageLimit(pages); }
  size_t pageCount() const override { return m_.state().memory.pageCount(); }
  Bytes resumeHint() const override { return m_.state().lastCompleteHint; }

  ThreadRegisters registers() const override {
    const vm::VmState& st = m_.state();
    ThreadRegisters r;
    r.gpr = st.registers;
    r.pc = st.pc;
    r.nextPc = st.pc + 4;
    return r;
  }
  std::vector<ThreadRegisters> threads() const override { return {registers()}; }
  void readMemory(uint64_t addr, uint8_t* out, size_t n) const override { m_.state().memory.readBytes(addr, out, n); }

  uint64_t step() const override { return m_.step(); }
  uint64_t pc() const override { return m_.pc(); }
  bool exited() const override { return m_.exited(); }
  uint8_t exitCode() const override { return m_.exitCode(); }
  bool broken() const override { return m_.broken(); }
  Bytes witness() override {
    const vm::Witness w = m_.witness();
    return Bytes(w.begin(), w.end());
  }
  Hash32 stateHash() override { return m_.stateHash(); }
  void writeState(const std::string& path) override {
    vm::VmState& state = m_.mutableState();
    state.refreshStoredWitness();  // the JSON format carries the witness and hash
    image::writeStateFile(state, path);
  }
  std::unique_ptr<AnyMachine> clone() const override { return std::make_unique<RiscvMachine>(m_.state()); }
  Bytes proveSegment(uint64_t toStep) override { return segment::encodeSegmentProof(segment::proveSegment(m_, toStep)); }

 private:
  Outcome convert(const vm::Outcome& o) {
    Outcome out;
    switch (o.reason) {
      case vm::StopReason::Reached: out.stop = Stop::Reached; break;
      case vm::StopReason::Exited: out.stop = Stop::Exited; break;
      case vm::StopReason::Reverted:
        out.stop = Stop::Reverted;
        out.revertStep = o.revert.step;
        out.revertPc = o.revert.pc;
        out.revert = vm::revertName(o.revert.code);
        lastRevert_ = o.revert;
        break;
      case vm::StopReason::PreimageRead: out.stop = Stop::Reached; break;  // never asked for here
      case vm::StopReason::Cancelled: out.stop = Stop::Cancelled; break;
      case vm::StopReason::ShuttingDown: out.stop = Stop::ShuttingDown; break;
      case vm::StopReason::DeadlinePassed: out.stop = Stop::DeadlinePassed; break;
    }
    return out;
  }

  vm::Machine m_;
  std::optional<vm::Revert> lastRevert_;
};

}  // namespace

std::unique_ptr<AnyMachine> machineFromState(vm::VmState state) { return std::make_unique<RiscvMachine>(std::move(state)); }

}  // namespace fpvm::core
