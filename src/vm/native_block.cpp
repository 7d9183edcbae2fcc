#include "vm/native_block.hpp"

#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__linux__)
#include <sys/mman.h>
#define FPVM_NATIVE_TIER 1
#include "vm/x86_emitter.hpp"
#endif

namespace fpvm::vm {

bool nativeOp(uint8_t op) {
  switch (op) {
    case opNop: case opCsr: case opLui: case opAuipc:
    case opLb: case opLh: case opLw: case opLd: case opLbu: case opLhu: case opLwu:
    case opSb: case opSh: case opSw: case opSd:
    case opAddi: case opSlti: case opSltiu: case opXori: case opOri: case opAndi:
    case opSlli: case opSrli: case opSrai:
    case opAddiw: case opSlliw: case opSrliw: case opSraiw:
    case opAdd: case opSub: case opSll: case opSlt: case opSltu: case opXor: case opSrl: case opSra:
    case opOr: case opAnd: case opMul: case opMulh: case opMulhu:
    case opAddw: case opSubw: case opSllw: case opSrlw: case opSraw: case opMulw:
      return true;
    default:
      return false;
  }
}

bool nativeHeadOp(uint8_t op) {
  return nativeOp(op) && !(op >= opLb && op <= opSd);
}

#ifdef FPVM_NATIVE_TIER

namespace {

constexpr size_t kCapacity = size_t(16) << 20;
/// Upper bound of the bytes one instruction (with its exit stubs) compiles to.
constexpr size_t kMaxBytesPerInstruction = 112;

using namespace x86;

/// Guest register r in the register array (rdi).
Mem reg(unsigned r) { return Mem{rdi, -1, static_cast<int32_t>(8 * r)}; }

struct PendingExit {
  uint8_t* dispAt;
  uint32_t completed;
};

/// Computes the guest address of a load or store into rax, checks the TLB at `tlb` and leaves
/// rcx = host address; a miss or a page-crossing access jumps to an exit that reports `k`
/// instructions completed.
void emitTlbAccess(Emitter& e, const Slot& s, unsigned size, Reg tlb, uint32_t k, std::vector<PendingExit>& exits) {
  e.regMem(k64, 0x8B, rax, reg(s.rs1));
  if (s.imm != 0) e.aluRegImm(k64, 0, rax, s.imm);
  e.movRR(k64, rcx, rax);
  e.shiftImm(k64, 5, rcx, 12);  // page index
  e.movzxEdxCl();               // % 256
  e.shiftImm(k32, 4, rdx, 4);   // * 16 bytes per entry
  e.regMem(k64, 0x3B, rcx, Mem{tlb, rdx, 0});
  exits.push_back({e.jccForward(kNotEqual), k});
  e.movRR(k32, rcx, rax);
  e.aluRegImm(k32, 4, rcx, 0xFFF);  // offset in page
  if (size > 1) {
    e.aluRegImm(k32, 7, rcx, static_cast<int32_t>(4096 - size));
    exits.push_back({e.jccForward(kAbove), k});
  }
  e.regMem(k64, 0x03, rcx, Mem{tlb, rdx, 8});
}

void storeRd(Emitter& e, const Slot& s, Reg from = rax) { e.regMem(k64, 0x89, from, reg(s.rd)); }

/// rax = rs1 (64-bit load of the guest register).
void loadRs1(Emitter& e, const Slot& s, Width w = k64) { e.regMem(w, 0x8B, rax, reg(s.rs1)); }

void emitInstruction(Emitter& e, const Slot& s, uint64_t pc, uint32_t k, std::vector<PendingExit>& exits) {
  auto aluRR = [&](uint8_t opcode) {
    loadRs1(e, s);
    e.regMem(k64, opcode, rax, reg(s.rs2));
    storeRd(e, s);
  };
  auto aluRR32 = [&](uint8_t opcode) {
    loadRs1(e, s, k32);
    e.regMem(k32, opcode, rax, reg(s.rs2));
    e.movsxd(rax, rax);
    storeRd(e, s);
  };
  auto shiftRR = [&](Width w, unsigned ext) {
    loadRs1(e, s, w);
    e.regMem(k32, 0x8B, rcx, reg(s.rs2));
    e.shiftCl(w, ext, rax);  // x86 masks the count like RV64 (63, or 31 for 32-bit)
    if (w == k32) e.movsxd(rax, rax);
    storeRd(e, s);
  };
  auto compare = [&](Cond c, bool immediate) {
    if (immediate) {
      e.aluMemImm(k64, 7, reg(s.rs1), s.imm);
    } else {
      loadRs1(e, s);
      e.regMem(k64, 0x3B, rax, reg(s.rs2));
    }
    e.setccToRax(c);
    storeRd(e, s);
  };
  auto aluImm = [&](Width w, unsigned ext) {
    loadRs1(e, s, w);
    e.aluRegImm(w, ext, rax, s.imm);
    if (w == k32) e.movsxd(rax, rax);
    storeRd(e, s);
  };
  auto shiftImm = [&](Width w, unsigned ext) {
    loadRs1(e, s, w);
    e.shiftImm(w, ext, rax, static_cast<uint8_t>(s.imm));
    if (w == k32) e.movsxd(rax, rax);
    storeRd(e, s);
  };
  auto load = [&](unsigned size, auto emitLoad) {
    emitTlbAccess(e, s, size, rsi, k, exits);
    emitLoad();
    storeRd(e, s);
  };
  auto store = [&](unsigned size) {
    emitTlbAccess(e, s, size, r8, k, exits);
    e.regMem(k64, 0x8B, rax, reg(s.rs2));
    e.store(size, rax, Mem{rcx});
  };
  const Mem at{rcx};
  switch (s.op) {
    case opNop: break;
    case opCsr: e.storeImm(reg(s.rd), 0); break;
    case opLui: e.storeImm(reg(s.rd), s.imm); break;
    case opAuipc:
      e.movImm64(rax, pc + static_cast<uint64_t>(static_cast<int64_t>(s.imm)));
      storeRd(e, s);
      break;
    case opLb: load(1, [&] { e.regMem0F(k64, 0xBE, rax, at); }); break;
    case opLbu: load(1, [&] { e.regMem0F(k32, 0xB6, rax, at); }); break;
    case opLh: load(2, [&] { e.regMem0F(k64, 0xBF, rax, at); }); break;
    case opLhu: load(2, [&] { e.regMem0F(k32, 0xB7, rax, at); }); break;
    case opLw: load(4, [&] { e.movsxdMem(rax, at); }); break;
    case opLwu: load(4, [&] { e.regMem(k32, 0x8B, rax, at); }); break;
    case opLd: load(8, [&] { e.regMem(k64, 0x8B, rax, at); }); break;
    case opSb: store(1); break;
    case opSh: store(2); break;
    case opSw: store(4); break;
    case opSd: store(8); break;
    case opAddi: aluImm(k64, 0); break;
    case opXori: aluImm(k64, 6); break;
    case opOri: aluImm(k64, 1); break;
    case opAndi: aluImm(k64, 4); break;
    case opSlti: compare(kLess, true); break;
    case opSltiu: compare(kBelow, true); break;
    case opSlli: shiftImm(k64, 4); break;
    case opSrli: shiftImm(k64, 5); break;
    case opSrai: shiftImm(k64, 7); break;
    case opAddiw: aluImm(k32, 0); break;
    case opSlliw: shiftImm(k32, 4); break;
    case opSrliw: shiftImm(k32, 5); break;
    case opSraiw: shiftImm(k32, 7); break;
    case opAdd: aluRR(0x03); break;
    case opSub: aluRR(0x2B); break;
    case opXor: aluRR(0x33); break;
    case opOr: aluRR(0x0B); break;
    case opAnd: aluRR(0x23); break;
    case opSll: shiftRR(k64, 4); break;
    case opSrl: shiftRR(k64, 5); break;
    case opSra: shiftRR(k64, 7); break;
    case opSlt: compare(kLess, false); break;
    case opSltu: compare(kBelow, false); break;
    case opMul:
      loadRs1(e, s);
      e.regMem0F(k64, 0xAF, rax, reg(s.rs2));
      storeRd(e, s);
      break;
    case opMulh:
      loadRs1(e, s);
      e.mulMem(5, reg(s.rs2));
      storeRd(e, s, rdx);
      break;
    case opMulhu:
      loadRs1(e, s);
      e.mulMem(4, reg(s.rs2));
      storeRd(e, s, rdx);
      break;
    case opAddw: aluRR32(0x03); break;
    case opSubw: aluRR32(0x2B); break;
    case opSllw: shiftRR(k32, 4); break;
    case opSrlw: shiftRR(k32, 5); break;
    case opSraw: shiftRR(k32, 7); break;
    case opMulw:
      loadRs1(e, s, k32);
      e.regMem0F(k32, 0xAF, rax, reg(s.rs2));
      e.movsxd(rax, rax);
      storeRd(e, s);
      break;
    default:
      std::abort();  // compile() only receives nativeOp() instructions
  }
}

}  // namespace

NativeCode::NativeCode() {
  const char* env = std::getenv("FPVM_NATIVE");
  if (env && std::strcmp(env, "0") == 0) return;
  void* p = mmap(nullptr, kCapacity, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) return;  // e.g. W^X enforced: the interpreter runs everything
  base_ = static_cast<uint8_t*>(p);
  capacity_ = kCapacity;
}

NativeCode::~NativeCode() {
  if (base_) munmap(base_, capacity_);
}

int32_t NativeCode::compile(const Slot* slots, unsigned count, uint64_t pc) {
  if (!base_) return -1;
  if (capacity_ - used_ < count * kMaxBytesPerInstruction + 64) {
    full_ = true;
    return -1;
  }
  uint8_t* start = base_ + used_;
  Emitter e(start);
  std::vector<PendingExit> exits;
  e.movRR(k64, r8, rdx);  // the write TLB (rdx is needed for indexing and mulh)
  for (unsigned k = 0; k < count; ++k) emitInstruction(e, slots[k], pc + 4 * uint64_t(k), k, exits);
  e.movImm32(rax, count);
  e.ret();
  for (const PendingExit& x : exits) {
    e.patchToHere(x.dispAt);
    e.movImm32(rax, x.completed);
    e.ret();
  }
  const int32_t offset = static_cast<int32_t>(used_);
  used_ += (e.size() + 15) & ~size_t(15);
  return offset;
}

#else  // no native tier on this platform

NativeCode::NativeCode() = default;
NativeCode::~NativeCode() = default;
int32_t NativeCode::compile(const Slot*, unsigned, uint64_t) { return -1; }

#endif

}  // namespace fpvm::vm
