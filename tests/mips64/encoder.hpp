#pragma once
// A tiny MIPS64 assembler for tests: instruction words built field by field (big-endian when
// written to memory), named after the mnemonics the tests use.
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fpvm::mips64::test {

constexpr uint32_t rType(uint32_t op, uint32_t rs, uint32_t rt, uint32_t rd, uint32_t sa, uint32_t fun) {
  return (op << 26) | ((rs & 31) << 21) | ((rt & 31) << 16) | ((rd & 31) << 11) | ((sa & 31) << 6) | (fun & 63);
}
constexpr uint32_t iType(uint32_t op, uint32_t rs, uint32_t rt, uint32_t imm) {
  return (op << 26) | ((rs & 31) << 21) | ((rt & 31) << 16) | (imm & 0xFFFF);
}
constexpr uint32_t jType(uint32_t op, uint32_t target) { return (op << 26) | (target & 0x03FF'FFFF); }

// SPECIAL (opcode 0): rd, rs, rt order as in assembly.
constexpr uint32_t special(uint32_t fun, uint32_t rd, uint32_t rs, uint32_t rt, uint32_t sa = 0) {
  return rType(0, rs, rt, rd, sa, fun);
}
constexpr uint32_t nop() { return 0; }
constexpr uint32_t syscall() { return 0x0C; }
constexpr uint32_t sync() { return 0x0F; }
constexpr uint32_t sll(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x00, rd, 0, rt, sa); }
constexpr uint32_t srl(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x02, rd, 0, rt, sa); }
constexpr uint32_t sra(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x03, rd, 0, rt, sa); }
constexpr uint32_t sllv(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x04, rd, rs, rt); }
constexpr uint32_t srlv(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x06, rd, rs, rt); }
constexpr uint32_t srav(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x07, rd, rs, rt); }
constexpr uint32_t jr(uint32_t rs) { return special(0x08, 0, rs, 0); }
constexpr uint32_t jalr(uint32_t rd, uint32_t rs) { return special(0x09, rd, rs, 0); }
constexpr uint32_t movz(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x0A, rd, rs, rt); }
constexpr uint32_t movn(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x0B, rd, rs, rt); }
constexpr uint32_t mfhi(uint32_t rd) { return special(0x10, rd, 0, 0); }
constexpr uint32_t mthi(uint32_t rs) { return special(0x11, 0, rs, 0); }
constexpr uint32_t mflo(uint32_t rd) { return special(0x12, rd, 0, 0); }
constexpr uint32_t mtlo(uint32_t rs) { return special(0x13, 0, rs, 0); }
constexpr uint32_t dsllv(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x14, rd, rs, rt); }
constexpr uint32_t dsrlv(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x16, rd, rs, rt); }
constexpr uint32_t dsrav(uint32_t rd, uint32_t rt, uint32_t rs) { return special(0x17, rd, rs, rt); }
constexpr uint32_t mult(uint32_t rs, uint32_t rt) { return special(0x18, 0, rs, rt); }
constexpr uint32_t multu(uint32_t rs, uint32_t rt) { return special(0x19, 0, rs, rt); }
constexpr uint32_t div(uint32_t rs, uint32_t rt) { return special(0x1A, 0, rs, rt); }
constexpr uint32_t divu(uint32_t rs, uint32_t rt) { return special(0x1B, 0, rs, rt); }
constexpr uint32_t dmult(uint32_t rs, uint32_t rt) { return special(0x1C, 0, rs, rt); }
constexpr uint32_t dmultu(uint32_t rs, uint32_t rt) { return special(0x1D, 0, rs, rt); }
constexpr uint32_t ddiv(uint32_t rs, uint32_t rt) { return special(0x1E, 0, rs, rt); }
constexpr uint32_t ddivu(uint32_t rs, uint32_t rt) { return special(0x1F, 0, rs, rt); }
constexpr uint32_t add(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x20, rd, rs, rt); }
constexpr uint32_t addu(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x21, rd, rs, rt); }
constexpr uint32_t sub(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x22, rd, rs, rt); }
constexpr uint32_t subu(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x23, rd, rs, rt); }
constexpr uint32_t and_(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x24, rd, rs, rt); }
constexpr uint32_t or_(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x25, rd, rs, rt); }
constexpr uint32_t xor_(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x26, rd, rs, rt); }
constexpr uint32_t nor(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x27, rd, rs, rt); }
constexpr uint32_t slt(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2A, rd, rs, rt); }
constexpr uint32_t sltu(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2B, rd, rs, rt); }
constexpr uint32_t dadd(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2C, rd, rs, rt); }
constexpr uint32_t daddu(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2D, rd, rs, rt); }
constexpr uint32_t dsub(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2E, rd, rs, rt); }
constexpr uint32_t dsubu(uint32_t rd, uint32_t rs, uint32_t rt) { return special(0x2F, rd, rs, rt); }
constexpr uint32_t dsll(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x38, rd, 0, rt, sa); }
constexpr uint32_t dsrl(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x3A, rd, 0, rt, sa); }
constexpr uint32_t dsra(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x3B, rd, 0, rt, sa); }
constexpr uint32_t dsll32(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x3C, rd, 0, rt, sa); }
constexpr uint32_t dsrl32(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x3E, rd, 0, rt, sa); }
constexpr uint32_t dsra32(uint32_t rd, uint32_t rt, uint32_t sa) { return special(0x3F, rd, 0, rt, sa); }

// REGIMM and branches: `off` is in instructions, relative to the delay slot.
constexpr uint32_t regimm(uint32_t rtField, uint32_t rs, int32_t off) { return iType(0x01, rs, rtField, uint32_t(off)); }
constexpr uint32_t bltz(uint32_t rs, int32_t off) { return regimm(0x00, rs, off); }
constexpr uint32_t bgez(uint32_t rs, int32_t off) { return regimm(0x01, rs, off); }
constexpr uint32_t bltzal(uint32_t rs, int32_t off) { return regimm(0x10, rs, off); }
constexpr uint32_t bgezal(uint32_t rs, int32_t off) { return regimm(0x11, rs, off); }
constexpr uint32_t beq(uint32_t rs, uint32_t rt, int32_t off) { return iType(0x04, rs, rt, uint32_t(off)); }
constexpr uint32_t bne(uint32_t rs, uint32_t rt, int32_t off) { return iType(0x05, rs, rt, uint32_t(off)); }
constexpr uint32_t blez(uint32_t rs, int32_t off) { return iType(0x06, rs, 0, uint32_t(off)); }
constexpr uint32_t bgtz(uint32_t rs, int32_t off) { return iType(0x07, rs, 0, uint32_t(off)); }
constexpr uint32_t j(uint32_t target26) { return jType(0x02, target26); }
constexpr uint32_t jal(uint32_t target26) { return jType(0x03, target26); }

// Immediates.
constexpr uint32_t addi(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x08, rs, rt, uint32_t(imm)); }
constexpr uint32_t addiu(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x09, rs, rt, uint32_t(imm)); }
constexpr uint32_t slti(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x0A, rs, rt, uint32_t(imm)); }
constexpr uint32_t sltiu(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x0B, rs, rt, uint32_t(imm)); }
constexpr uint32_t andi(uint32_t rt, uint32_t rs, uint32_t imm) { return iType(0x0C, rs, rt, imm); }
constexpr uint32_t ori(uint32_t rt, uint32_t rs, uint32_t imm) { return iType(0x0D, rs, rt, imm); }
constexpr uint32_t xori(uint32_t rt, uint32_t rs, uint32_t imm) { return iType(0x0E, rs, rt, imm); }
constexpr uint32_t lui(uint32_t rt, uint32_t imm) { return iType(0x0F, 0, rt, imm); }
constexpr uint32_t daddi(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x18, rs, rt, uint32_t(imm)); }
constexpr uint32_t daddiu(uint32_t rt, uint32_t rs, int32_t imm) { return iType(0x19, rs, rt, uint32_t(imm)); }

// SPECIAL2.
constexpr uint32_t special2(uint32_t fun, uint32_t rd, uint32_t rs, uint32_t rt) { return rType(0x1C, rs, rt, rd, 0, fun); }
constexpr uint32_t mul(uint32_t rd, uint32_t rs, uint32_t rt) { return special2(0x02, rd, rs, rt); }
constexpr uint32_t clz(uint32_t rd, uint32_t rs) { return special2(0x20, rd, rs, rd); }
constexpr uint32_t clo(uint32_t rd, uint32_t rs) { return special2(0x21, rd, rs, rd); }
constexpr uint32_t dclz(uint32_t rd, uint32_t rs) { return special2(0x24, rd, rs, rd); }
constexpr uint32_t dclo(uint32_t rd, uint32_t rs) { return special2(0x25, rd, rs, rd); }

// Loads and stores: rt, offset(base).
constexpr uint32_t mem(uint32_t op, uint32_t rt, int32_t off, uint32_t base) { return iType(op, base, rt, uint32_t(off)); }
constexpr uint32_t lb(uint32_t rt, int32_t off, uint32_t base) { return mem(0x20, rt, off, base); }
constexpr uint32_t lh(uint32_t rt, int32_t off, uint32_t base) { return mem(0x21, rt, off, base); }
constexpr uint32_t lwl(uint32_t rt, int32_t off, uint32_t base) { return mem(0x22, rt, off, base); }
constexpr uint32_t lw(uint32_t rt, int32_t off, uint32_t base) { return mem(0x23, rt, off, base); }
constexpr uint32_t lbu(uint32_t rt, int32_t off, uint32_t base) { return mem(0x24, rt, off, base); }
constexpr uint32_t lhu(uint32_t rt, int32_t off, uint32_t base) { return mem(0x25, rt, off, base); }
constexpr uint32_t lwr(uint32_t rt, int32_t off, uint32_t base) { return mem(0x26, rt, off, base); }
constexpr uint32_t lwu(uint32_t rt, int32_t off, uint32_t base) { return mem(0x27, rt, off, base); }
constexpr uint32_t sb(uint32_t rt, int32_t off, uint32_t base) { return mem(0x28, rt, off, base); }
constexpr uint32_t sh(uint32_t rt, int32_t off, uint32_t base) { return mem(0x29, rt, off, base); }
constexpr uint32_t swl(uint32_t rt, int32_t off, uint32_t base) { return mem(0x2A, rt, off, base); }
constexpr uint32_t sw(uint32_t rt, int32_t off, uint32_t base) { return mem(0x2B, rt, off, base); }
constexpr uint32_t sdl(uint32_t rt, int32_t off, uint32_t base) { return mem(0x2C, rt, off, base); }
constexpr uint32_t sdr(uint32_t rt, int32_t off, uint32_t base) { return mem(0x2D, rt, off, base); }
constexpr uint32_t swr(uint32_t rt, int32_t off, uint32_t base) { return mem(0x2E, rt, off, base); }
constexpr uint32_t ll(uint32_t rt, int32_t off, uint32_t base) { return mem(0x30, rt, off, base); }
constexpr uint32_t lld(uint32_t rt, int32_t off, uint32_t base) { return mem(0x34, rt, off, base); }
constexpr uint32_t ld(uint32_t rt, int32_t off, uint32_t base) { return mem(0x37, rt, off, base); }
constexpr uint32_t sc(uint32_t rt, int32_t off, uint32_t base) { return mem(0x38, rt, off, base); }
constexpr uint32_t scd(uint32_t rt, int32_t off, uint32_t base) { return mem(0x3C, rt, off, base); }
constexpr uint32_t sd(uint32_t rt, int32_t off, uint32_t base) { return mem(0x3F, rt, off, base); }
constexpr uint32_t ldl(uint32_t rt, int32_t off, uint32_t base) { return mem(0x1A, rt, off, base); }
constexpr uint32_t ldr(uint32_t rt, int32_t off, uint32_t base) { return mem(0x1B, rt, off, base); }

/// Two-pass assembly with labels: branches name their target, offsets are filled in at the end.
class Asm {
 public:
  /// Appends an instruction word.
  Asm& operator()(uint32_t word) {
    words_.push_back(word);
    return *this;
  }
  /// Defines `name` at the next instruction.
  Asm& label(const std::string& name) {
    labels_[name] = words_.size();
    return *this;
  }
  /// Appends a branch built by `make(offset)`, the offset (in instructions, from the delay slot) to `target`.
  Asm& branch(std::function<uint32_t(int32_t)> make, const std::string& target) {
    fixups_.push_back({words_.size(), {target, std::move(make)}});
    words_.push_back(0);
    return *this;
  }
  /// The program.
  std::vector<uint32_t> words() const {
    std::vector<uint32_t> out = words_;
    for (const auto& [index, fix] : fixups_) {
      auto it = labels_.find(fix.first);
      if (it == labels_.end()) throw std::runtime_error("undefined label " + fix.first);
      out[index] = fix.second(static_cast<int32_t>(it->second) - static_cast<int32_t>(index + 1));
    }
    return out;
  }

 private:
  std::vector<uint32_t> words_;
  std::map<std::string, size_t> labels_;
  std::vector<std::pair<size_t, std::pair<std::string, std::function<uint32_t(int32_t)>>>> fixups_;
};

}  // namespace fpvm::mips64::test
