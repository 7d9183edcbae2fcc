#include "profile/straight_line_cache.hpp"

namespace fpvm::profile {

StraightLineCache::Frame StraightLineCache::frameOf(const core::AnyMachine& machine, size_t maxFrames) {
  const core::ThreadRegisters r = machine.registers();
  // RISC-V: sp x2, s0/fp x8, ra x1, Go's g x27. MIPS64: sp r29, fp r30 (Go's g), ra r31.
  const bool riscv = machine.isa() == core::Isa::Riscv64;
  Frame f;
  f.step = machine.step();
  f.threadId = r.threadId;
  f.pc = r.pc;
  f.nextPc = r.nextPc;
  f.sp = r.gpr[riscv ? 2 : 29];
  f.fp = r.gpr[riscv ? 8 : 30];
  f.ra = r.gpr[riscv ? 1 : 31];
  f.g = riscv ? r.gpr[27] : 0;
  f.maxFrames = maxFrames;
  return f;
}

std::vector<uint64_t> StraightLineCache::callStack(const core::AnyMachine& machine, size_t maxFrames) {
  const Frame now = frameOf(machine, maxFrames);
  const bool straight = have_ && now.step == last_.step + 1 && now.threadId == last_.threadId && now.pc == last_.pc + 4 &&
                        last_.nextPc == now.pc && now.nextPc == now.pc + 4 && now.sp == last_.sp && now.fp == last_.fp &&
                        now.ra == last_.ra && now.g == last_.g && now.maxFrames == last_.maxFrames && !stack_.empty() &&
                        inner_.functionAt(now.pc).data() == inner_.functionAt(last_.pc).data();
  if (straight) {
    stack_[0] = now.pc;
    ++hits_;
  } else {
    stack_ = inner_.callStack(machine, maxFrames);
  }
  last_ = now;
  have_ = true;
  return stack_;
}

}  // namespace fpvm::profile
