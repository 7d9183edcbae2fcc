#pragma once
/// A minimal x86-64 machine-code writer: exactly the instruction forms the native tier emits
/// (64- and 32-bit ALU operations between a register and a [base + index + disp] operand or an
/// immediate, shifts, sign/zero-extending loads, stores, setcc, jcc rel32, ret).
#include <cstdint>
#include <cstring>

namespace fpvm::vm::x86 {

/// General-purpose registers by their hardware numbers.
enum Reg : uint8_t {
  rax = 0,
  rcx = 1,
  rdx = 2,
  rbx = 3,
  rsp = 4,
  rbp = 5,
  rsi = 6,
  rdi = 7,
  r8 = 8,
  r9 = 9,
  r10 = 10,
  r11 = 11,
  r12 = 12,
  r13 = 13,
  r14 = 14,
  r15 = 15
};

/// A memory operand [base + index + disp] (index < 0: none; scale 1).
struct Mem {
  Reg base;
  int index = -1;
  int32_t disp = 0;
};

/// Condition codes for setcc / jcc.
enum Cond : uint8_t {
  kBelow = 0x2,
  kAboveEqual = 0x3,
  kEqual = 0x4,
  kNotEqual = 0x5,
  kAbove = 0x7,
  kLess = 0xC,
  kGreaterEqual = 0xD
};

/// Operation-size prefix choice: 64-bit operations carry REX.W.
enum Width : uint8_t { k32 = 0, k64 = 1 };

/// Writes instructions into a caller-owned buffer; `size()` is the number of bytes written.
/// The caller reserves enough room (no instruction is longer than 15 bytes).
class Emitter {
 public:
  explicit Emitter(uint8_t* at) : start_(at), p_(at) {}
  size_t size() const { return static_cast<size_t>(p_ - start_); }
  uint8_t* here() const { return p_; }

  /// op reg, [mem] for the one-byte-opcode ALU group (add 03, or 0B, and 23, sub 2B, xor 33,
  /// cmp 3B, mov-load 8B) and mov-store 89 ([mem] ← reg).
  void regMem(Width w, uint8_t opcode, unsigned reg, const Mem& m) {
    rex(w, reg, m);
    byte(opcode);
    modrm(reg, m);
  }
  /// Two-byte opcodes 0F xx with a register and a memory operand (imul 0F AF, movzx 0F B6/B7,
  /// movsx 0F BE/BF).
  void regMem0F(Width w, uint8_t opcode, unsigned reg, const Mem& m) {
    rex(w, reg, m);
    byte(0x0F);
    byte(opcode);
    modrm(reg, m);
  }
  /// 81 /ext id: ALU operation of a 32-bit sign-extended immediate with a register.
  void aluRegImm(Width w, unsigned ext, Reg r, int32_t imm) {
    rexRR(w, 0, r);
    byte(0x81);
    byte(0xC0 | (ext << 3) | (r & 7));
    imm32(imm);
  }
  /// 81 /ext id with a memory operand (cmp [mem], imm is ext 7).
  void aluMemImm(Width w, unsigned ext, const Mem& m, int32_t imm) {
    rex(w, 0, m);
    byte(0x81);
    modrm(ext, m);
    imm32(imm);
  }
  /// C1 /ext ib: shift a register by an immediate (shl 4, shr 5, sar 7).
  void shiftImm(Width w, unsigned ext, Reg r, uint8_t count) {
    rexRR(w, 0, r);
    byte(0xC1);
    byte(0xC0 | (ext << 3) | (r & 7));
    byte(count);
  }
  /// D3 /ext: shift a register by cl.
  void shiftCl(Width w, unsigned ext, Reg r) {
    rexRR(w, 0, r);
    byte(0xD3);
    byte(0xC0 | (ext << 3) | (r & 7));
  }
  /// F7 /ext with a memory operand: mul (4) / imul (5) of rax, result in rdx:rax.
  void mulMem(unsigned ext, const Mem& m) {
    rex(k64, 0, m);
    byte(0xF7);
    modrm(ext, m);
  }
  /// F7 /ext with a register operand: neg (3), mul (4), imul (5), div (6), idiv (7).
  void unaryR(Width w, unsigned ext, Reg r) {
    rexRR(w, 0, r);
    byte(0xF7);
    byte(static_cast<uint8_t>(0xC0 | (ext << 3) | (r & 7)));
  }
  /// Two-register ALU form `opcode /r` with `reg` as destination (e.g. 0x2B sub, 0x33 xor,
  /// 0x8B mov).
  void aluRR(Width w, uint8_t opcode, Reg reg, Reg rm) {
    rexRR(w, reg, rm);
    byte(opcode);
    byte(static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm & 7)));
  }
  /// Two-register form of a two-byte opcode 0F xx with `reg` as destination (imul 0F AF).
  void regReg0F(Width w, uint8_t opcode, Reg reg, Reg rm) {
    rexRR(w, reg, rm);
    byte(0x0F);
    byte(opcode);
    byte(static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm & 7)));
  }
  /// test a, b.
  void testRR(Width w, Reg a, Reg b) {
    rexRR(w, b, a);
    byte(0x85);
    byte(static_cast<uint8_t>(0xC0 | ((b & 7) << 3) | (a & 7)));
  }
  /// cqo (64-bit) / cdq (32-bit): sign-extends rax into rdx for idiv.
  void signExtendIntoRdx(Width w) {
    if (w == k64) byte(0x48);
    byte(0x99);
  }
  /// jmp rel32 to a not-yet-known target; returns where the displacement goes (patchToHere()).
  uint8_t* jmpForward() {
    byte(0xE9);
    uint8_t* at = p_;
    imm32(0);
    return at;
  }
  /// movsxd dst, src32 (register form).
  void movsxd(Reg dst, Reg src) {
    rexRR(k64, dst, src);
    byte(0x63);
    byte(0xC0 | ((dst & 7) << 3) | (src & 7));
  }
  /// movsxd dst, dword [mem].
  void movsxdMem(Reg dst, const Mem& m) {
    rex(k64, dst, m);
    byte(0x63);
    modrm(dst, m);
  }
  /// mov dst, src (register to register).
  void movRR(Width w, Reg dst, Reg src) {
    rexRR(w, src, dst);
    byte(0x89);
    byte(0xC0 | ((src & 7) << 3) | (dst & 7));
  }
  /// Stores the low `bytes` (1, 2, 4, 8) of `src` at [mem].
  void store(unsigned bytes, Reg src, const Mem& m) {
    if (bytes == 2) byte(0x66);
    rex(bytes == 8 ? k64 : k32, src, m, bytes == 1 && src >= 4);
    byte(bytes == 1 ? 0x88 : 0x89);
    modrm(src, m);
  }
  /// mov qword [mem], sign-extended imm32.
  void storeImm(const Mem& m, int32_t imm) {
    rex(k64, 0, m);
    byte(0xC7);
    modrm(0, m);
    imm32(imm);
  }
  /// mov r64, imm64.
  void movImm64(Reg r, uint64_t imm) {
    rexRR(k64, 0, r);
    byte(0xB8 | (r & 7));
    std::memcpy(p_, &imm, 8);
    p_ += 8;
  }
  /// mov r32, imm32 (zero-extends).
  void movImm32(Reg r, uint32_t imm) {
    if (r >= 8) byte(0x41);
    byte(0xB8 | (r & 7));
    imm32(static_cast<int32_t>(imm));
  }
  /// setcc al; movzx eax, al.
  void setccToRax(Cond c) {
    byte(0x0F);
    byte(0x90 | c);
    byte(0xC0);
    byte(0x0F);
    byte(0xB6);
    byte(0xC0);
  }
  /// jcc rel32 to a not-yet-known target; returns where the displacement goes (see patch()).
  uint8_t* jccForward(Cond c) {
    byte(0x0F);
    byte(0x80 | c);
    uint8_t* at = p_;
    imm32(0);
    return at;
  }
  /// Points a jccForward displacement at the current position.
  void patchToHere(uint8_t* dispAt) {
    const int32_t rel = static_cast<int32_t>(p_ - (dispAt + 4));
    std::memcpy(dispAt, &rel, 4);
  }
  /// jmp rel32 to an already emitted position anywhere in the buffer.
  void jmpTo(const uint8_t* target) {
    byte(0xE9);
    imm32(static_cast<int32_t>(target - (p_ + 4)));
  }
  /// jcc rel32 to an already emitted position.
  void jccTo(Cond c, const uint8_t* target) {
    byte(0x0F);
    byte(0x80 | c);
    imm32(static_cast<int32_t>(target - (p_ + 4)));
  }
  /// jmp qword [mem] (FF /4).
  void jmpMem(const Mem& m) {
    rex(k32, 0, m);
    byte(0xFF);
    modrm(4, m);
  }
  /// jmp reg (FF /4).
  void jmpR(Reg r) {
    rexRR(k32, 0, r);
    byte(0xFF);
    byte(static_cast<uint8_t>(0xE0 | (r & 7)));
  }
  /// push / pop of a 64-bit register.
  void push(Reg r) {
    if (r >= 8) byte(0x41);
    byte(static_cast<uint8_t>(0x50 | (r & 7)));
  }
  void pop(Reg r) {
    if (r >= 8) byte(0x41);
    byte(static_cast<uint8_t>(0x58 | (r & 7)));
  }
  /// cmp byte [mem], imm8 (80 /7 ib).
  void cmpByteMemImm(const Mem& m, uint8_t imm) {
    rex(k32, 0, m);
    byte(0x80);
    modrm(7, m);
    byte(imm);
  }
  /// bts dst, bit (register forms: sets bit `bit & 63` of dst).
  void btsRR(Reg dst, Reg bit) {
    rexRR(k64, bit, dst);
    byte(0x0F);
    byte(0xAB);
    byte(static_cast<uint8_t>(0xC0 | ((bit & 7) << 3) | (dst & 7)));
  }
  /// test al, imm8.
  void testAlImm(uint8_t imm) {
    byte(0xA8);
    byte(imm);
  }
  void ret() { byte(0xC3); }

 private:
  void byte(uint8_t b) { *p_++ = b; }
  void imm32(int32_t v) {
    std::memcpy(p_, &v, 4);
    p_ += 4;
  }
  /// REX for a reg field and a memory operand; `force` emits it even when empty (byte registers
  /// spl/bpl/sil/dil).
  void rex(Width w, unsigned reg, const Mem& m, bool force = false) {
    const unsigned idx = m.index >= 0 ? unsigned(m.index) : 0;
    const uint8_t r = 0x40 | (w << 3) | ((reg >> 3) << 2) | ((idx >> 3) << 1) | (m.base >> 3);
    if (r != 0x40 || force) byte(r);
  }
  /// REX for a reg field and a register in the r/m field.
  void rexRR(Width w, unsigned reg, unsigned rm) {
    const uint8_t r = 0x40 | (w << 3) | ((reg >> 3) << 2) | (rm >> 3);
    if (r != 0x40) byte(r);
  }
  /// ModRM (+ SIB + displacement) for `reg` and a memory operand.
  void modrm(unsigned reg, const Mem& m) {
    const bool sib = m.index >= 0 || (m.base & 7) == rsp;
    const unsigned rm = sib ? 4 : (m.base & 7);
    unsigned mod;
    if (m.disp == 0 && (m.base & 7) != rbp) {
      mod = 0;
    } else if (m.disp >= -128 && m.disp <= 127) {
      mod = 1;
    } else {
      mod = 2;
    }
    byte(static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | rm));
    if (sib) byte(static_cast<uint8_t>((((m.index >= 0 ? m.index : rsp) & 7) << 3) | (m.base & 7)));
    if (mod == 1) byte(static_cast<uint8_t>(static_cast<int8_t>(m.disp)));
    if (mod == 2) imm32(m.disp);
  }

  uint8_t* start_;
  uint8_t* p_;
};

}  // namespace fpvm::vm::x86
