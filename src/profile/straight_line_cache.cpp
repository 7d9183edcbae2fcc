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

bool StraightLineCache::callOrReturn(const core::AnyMachine& machine, const Frame& now) const {
  uint8_t b[4];
  if (machine.isa() == core::Isa::Riscv64) {
    if (now.pc == last_.pc + 4) return false;  // fell through: no jump at all
    machine.readMemory(last_.pc, b, 4);        // the instruction the last step executed
    const uint32_t insn = b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
    const uint32_t opcode = insn & 0x7f, rd = (insn >> 7) & 0x1f;
    // JALR (returns, indirect calls and jumps) and a JAL that links: a call, even when it sets
    // ra to the value it had (a loop calling the function it is in).
    return opcode == 0x67 || (opcode == 0x6f && rd != 0);
  }
  // MIPS64: a jump takes effect after its delay slot, which the last step executed at pc.
  if (last_.nextPc == last_.pc + 4) return false;  // the last step was no delay slot
  machine.readMemory(last_.pc - 4, b, 4);          // big-endian
  const uint32_t insn = static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3];
  const uint32_t opcode = insn >> 26, funct = insn & 0x3f, rt = (insn >> 16) & 0x1f;
  if (opcode == 0) return funct == 8 || funct == 9;  // JR, JALR
  if (opcode == 3) return true;                      // JAL
  return opcode == 1 && rt >= 16 && rt <= 19;        // BLTZAL, BGEZAL, BLTZALL, BGEZALL
}

const char* StraightLineCache::functionOf(uint64_t pc) {
  auto it = functions_.find(pc);
  if (it == functions_.end()) it = functions_.emplace(pc, inner_.functionAt(pc).data()).first;
  return it->second;
}

std::vector<uint64_t> StraightLineCache::callStack(const core::AnyMachine& machine, size_t maxFrames) {
  Frame now = frameOf(machine, maxFrames);
  now.function = functionOf(now.pc);
  const bool straight = have_ && !stack_.empty() && now.step == last_.step + 1 && now.threadId == last_.threadId &&
                        (machine.isa() == core::Isa::Riscv64 || last_.nextPc == now.pc) && now.sp == last_.sp &&
                        now.fp == last_.fp && now.ra == last_.ra && now.g == last_.g && now.maxFrames == last_.maxFrames &&
                        now.function == last_.function && !callOrReturn(machine, now);
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
