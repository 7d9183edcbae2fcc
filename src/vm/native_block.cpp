#include "vm/native_block.hpp"

#include "merkle/geometry.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/logfmt.hpp"

#if defined(__x86_64__) && defined(__linux__)
#include <sys/mman.h>
#define FPVM_NATIVE_TIER 1
#include "vm/x86_emitter.hpp"
#endif

namespace fpvm::vm {

namespace {

/// Says once per process why the fast engine runs without native code.
void logUnavailableOnce(const std::string& why) {
  static std::atomic<bool> said{false};
  if (!said.exchange(true)) logWarn("native tier unavailable: the interpreter runs everything", {{"reason", why}});
}

}  // namespace

#ifdef FPVM_NATIVE_TIER

namespace {

/// Upper bound of the bytes one instruction (with its exit stubs) compiles to.
constexpr size_t kMaxBytesPerInstruction = 112;

using namespace x86;

/// Guest register r in the register array (rdi).
Mem reg(unsigned r) { return Mem{rdi, -1, static_cast<int32_t>(8 * r)}; }

struct PendingExit {
  uint8_t* dispAt;
  uint32_t completed;
};

/// Emits one block. Tracks which guest register rax still holds, so an instruction that reads
/// the register the previous one wrote takes it from rax instead of reloading it through memory.
class BlockCompiler {
 public:
  BlockCompiler(Emitter& e, std::vector<PendingExit>& exits, uint64_t startPc, uint32_t count)
      : e_(e), exits_(exits), startPc_(startPc), count_(count) {
    e_.movRR(k64, r8, rdx);  // the write TLB (rdx is needed for indexing and mulh)
    e_.movRR(k64, r9, rcx);  // the loop budget
    head_ = e_.here();
  }

  void instruction(const Slot& s, uint64_t pc, uint32_t k) {
    // One case per row of instruction_table.def marked Body or End: a row without its
    // emit<Name> below fails to compile.
    switch (s.op) {
#define FPVM_INTERNAL(Name)
#define FPVM_INSTR(Name, mnemonic, format, match, mask, cls, native) FPVM_NATIVE_CASE_##native(Name)
#define FPVM_ALIAS(...)
#define FPVM_NATIVE_CASE_No(Name)
#define FPVM_NATIVE_CASE_Body(Name) \
  case op##Name:                    \
    emit##Name(s, pc, k);           \
    break;
#define FPVM_NATIVE_CASE_End(Name) FPVM_NATIVE_CASE_Body(Name)
#include "vm/instruction_table.def"
#undef FPVM_NATIVE_CASE_No
#undef FPVM_NATIVE_CASE_Body
#undef FPVM_NATIVE_CASE_End
      default: std::abort();  // compile() only receives nativeOp() and nativeTerminatorOp() instructions
    }
  }

 private:
  // --- one emitter per compilable row of instruction_table.def ---
#define FPVM_EMIT(Name) void emit##Name([[maybe_unused]] const Slot& s, [[maybe_unused]] uint64_t pc, [[maybe_unused]] uint32_t k)
  FPVM_EMIT(Nop) {}
  FPVM_EMIT(Csr) { storeImm(s, 0); }
  FPVM_EMIT(Lui) { storeImm(s, s.imm); }
  FPVM_EMIT(Auipc) {
    e_.movImm64(rax, pc + static_cast<uint64_t>(static_cast<int64_t>(s.imm)));
    storeRd(s);
  }
  FPVM_EMIT(Jal) {
    e_.movImm64(rax, pc + 4);
    storeRd(s);
    taken(s, pc, k);
  }
  FPVM_EMIT(Beq) { branch(s, pc, k, kEqual); }
  FPVM_EMIT(Bne) { branch(s, pc, k, kNotEqual); }
  FPVM_EMIT(Blt) { branch(s, pc, k, kLess); }
  FPVM_EMIT(Bge) { branch(s, pc, k, kGreaterEqual); }
  FPVM_EMIT(Bltu) { branch(s, pc, k, kBelow); }
  FPVM_EMIT(Bgeu) { branch(s, pc, k, kAboveEqual); }
  FPVM_EMIT(Lb) {
    const Mem at{rcx};
    load(s, k, 1, [&] { e_.regMem0F(k64, 0xBE, rax, at); });
  }
  FPVM_EMIT(Lh) {
    const Mem at{rcx};
    load(s, k, 2, [&] { e_.regMem0F(k64, 0xBF, rax, at); });
  }
  FPVM_EMIT(Lw) {
    const Mem at{rcx};
    load(s, k, 4, [&] { e_.movsxdMem(rax, at); });
  }
  FPVM_EMIT(Ld) {
    const Mem at{rcx};
    load(s, k, 8, [&] { e_.regMem(k64, 0x8B, rax, at); });
  }
  FPVM_EMIT(Lbu) {
    const Mem at{rcx};
    load(s, k, 1, [&] { e_.regMem0F(k32, 0xB6, rax, at); });
  }
  FPVM_EMIT(Lhu) {
    const Mem at{rcx};
    load(s, k, 2, [&] { e_.regMem0F(k32, 0xB7, rax, at); });
  }
  FPVM_EMIT(Lwu) {
    const Mem at{rcx};
    load(s, k, 4, [&] { e_.regMem(k32, 0x8B, rax, at); });
  }
  FPVM_EMIT(Sb) { store(s, k, 1); }
  FPVM_EMIT(Sh) { store(s, k, 2); }
  FPVM_EMIT(Sw) { store(s, k, 4); }
  FPVM_EMIT(Sd) { store(s, k, 8); }
  FPVM_EMIT(Addi) { aluImm(s, k64, 0); }
  FPVM_EMIT(Slti) { compareImm(s, kLess); }
  FPVM_EMIT(Sltiu) { compareImm(s, kBelow); }
  FPVM_EMIT(Xori) { aluImm(s, k64, 6); }
  FPVM_EMIT(Ori) { aluImm(s, k64, 1); }
  FPVM_EMIT(Andi) { aluImm(s, k64, 4); }
  FPVM_EMIT(Slli) { shiftImm(s, k64, 4); }
  FPVM_EMIT(Srli) { shiftImm(s, k64, 5); }
  FPVM_EMIT(Srai) { shiftImm(s, k64, 7); }
  FPVM_EMIT(Addiw) { aluImm(s, k32, 0); }
  FPVM_EMIT(Slliw) { shiftImm(s, k32, 4); }
  FPVM_EMIT(Srliw) { shiftImm(s, k32, 5); }
  FPVM_EMIT(Sraiw) { shiftImm(s, k32, 7); }
  FPVM_EMIT(Add) { aluRR(s, k64, 0x03, true); }
  FPVM_EMIT(Sub) { aluRR(s, k64, 0x2B, false); }
  FPVM_EMIT(Sll) { shiftRR(s, k64, 4); }
  FPVM_EMIT(Slt) { compareRR(s, kLess); }
  FPVM_EMIT(Sltu) { compareRR(s, kBelow); }
  FPVM_EMIT(Xor) { aluRR(s, k64, 0x33, true); }
  FPVM_EMIT(Srl) { shiftRR(s, k64, 5); }
  FPVM_EMIT(Sra) { shiftRR(s, k64, 7); }
  FPVM_EMIT(Or) { aluRR(s, k64, 0x0B, true); }
  FPVM_EMIT(And) { aluRR(s, k64, 0x23, true); }
  FPVM_EMIT(Mul) { multiply(s, k64); }
  FPVM_EMIT(Mulh) { multiplyHigh(s, 5); }
  FPVM_EMIT(Mulhu) { multiplyHigh(s, 4); }
  FPVM_EMIT(Mulhsu) { multiplyHighSignedUnsigned(s); }
  FPVM_EMIT(Div) { divide(s, k64, true, false); }
  FPVM_EMIT(Divu) { divide(s, k64, false, false); }
  FPVM_EMIT(Rem) { divide(s, k64, true, true); }
  FPVM_EMIT(Remu) { divide(s, k64, false, true); }
  FPVM_EMIT(Addw) { aluRR(s, k32, 0x03, true); }
  FPVM_EMIT(Subw) { aluRR(s, k32, 0x2B, false); }
  FPVM_EMIT(Sllw) { shiftRR(s, k32, 4); }
  FPVM_EMIT(Srlw) { shiftRR(s, k32, 5); }
  FPVM_EMIT(Sraw) { shiftRR(s, k32, 7); }
  FPVM_EMIT(Mulw) { multiply(s, k32); }
  FPVM_EMIT(Divw) { divide(s, k32, true, false); }
  FPVM_EMIT(Divuw) { divide(s, k32, false, false); }
  FPVM_EMIT(Remw) { divide(s, k32, true, true); }
  FPVM_EMIT(Remuw) { divide(s, k32, false, true); }
#undef FPVM_EMIT

  static constexpr int kNone = -1;

  /// rax = guest register r (nothing to do when rax holds it; 32-bit users ignore the upper half).
  void loadRax(unsigned r) {
    if (raxHolds_ == static_cast<int>(r)) return;
    e_.regMem(k64, 0x8B, rax, reg(r));
    raxHolds_ = static_cast<int>(r);
  }
  /// rd = rax (sign-extending eax first for 32-bit results).
  void storeRd(const Slot& s, Width w = k64) {
    if (w == k32) e_.movsxd(rax, rax);
    e_.regMem(k64, 0x89, rax, reg(s.rd));
    raxHolds_ = s.rd;
  }
  void storeImm(const Slot& s, int32_t imm) {
    e_.storeImm(reg(s.rd), imm);
    if (raxHolds_ == s.rd) raxHolds_ = kNone;
  }
  void aluRR(const Slot& s, Width w, uint8_t opcode, bool commutative) {
    if (commutative && raxHolds_ == s.rs2 && raxHolds_ != s.rs1) {
      e_.regMem(w, opcode, rax, reg(s.rs1));
    } else {
      loadRax(s.rs1);
      e_.regMem(w, opcode, rax, reg(s.rs2));
    }
    storeRd(s, w);
  }
  void shiftRR(const Slot& s, Width w, unsigned ext) {
    loadRax(s.rs1);
    e_.regMem(k32, 0x8B, rcx, reg(s.rs2));
    e_.shiftCl(w, ext, rax);  // x86 masks the count like RV64 (63, or 31 for 32-bit)
    storeRd(s, w);
  }
  void compareRR(const Slot& s, Cond c) {
    loadRax(s.rs1);
    e_.regMem(k64, 0x3B, rax, reg(s.rs2));
    e_.setccToRax(c);
    storeRd(s);
  }
  void compareImm(const Slot& s, Cond c) {
    loadRax(s.rs1);
    e_.aluRegImm(k64, 7, rax, s.imm);
    e_.setccToRax(c);
    storeRd(s);
  }
  void aluImm(const Slot& s, Width w, unsigned ext) {
    loadRax(s.rs1);
    e_.aluRegImm(w, ext, rax, s.imm);
    storeRd(s, w);
  }
  void shiftImm(const Slot& s, Width w, unsigned ext) {
    loadRax(s.rs1);
    e_.shiftImm(w, ext, rax, static_cast<uint8_t>(s.imm));
    storeRd(s, w);
  }
  void multiply(const Slot& s, Width w) {
    if (raxHolds_ == s.rs2 && raxHolds_ != s.rs1) {
      e_.regMem0F(w, 0xAF, rax, reg(s.rs1));
    } else {
      loadRax(s.rs1);
      e_.regMem0F(w, 0xAF, rax, reg(s.rs2));
    }
    storeRd(s, w);
  }
  /// mulh (imul, ext 5) / mulhu (mul, ext 4): the high half lands in rdx.
  void multiplyHigh(const Slot& s, unsigned ext) {
    loadRax(s.rs1);
    e_.mulMem(ext, reg(s.rs2));
    e_.regMem(k64, 0x89, rdx, reg(s.rd));
    raxHolds_ = kNone;
  }
  /// mulhsu: the unsigned high half minus rs2 when rs1 is negative (rs1 signed, rs2 unsigned).
  void multiplyHighSignedUnsigned(const Slot& s) {
    loadRax(s.rs1);
    e_.movRR(k64, r10, rax);
    e_.mulMem(4, reg(s.rs2));               // rdx = high half of rs1 × rs2, both unsigned
    e_.shiftImm(k64, 7, r10, 63);           // all ones when rs1 < 0
    e_.regMem(k64, 0x23, r10, reg(s.rs2));  // and r10, rs2
    e_.aluRR(k64, 0x2B, rdx, r10);          // sub rdx, r10
    e_.regMem(k64, 0x89, rdx, reg(s.rd));
    raxHolds_ = kNone;
  }
  /// div/divu/rem/remu and their 32-bit forms with the RISC-V special cases of alu.hpp: by zero
  /// the quotient is all ones and the remainder the dividend; signed by -1 the quotient is the
  /// negated dividend (the most negative value stays itself) and the remainder 0 — so x86's
  /// divide never faults. 32-bit results are sign-extended by storeRd.
  void divide(const Slot& s, Width w, bool isSigned, bool remainder) {
    loadRax(s.rs1);
    e_.regMem(w, 0x8B, rcx, reg(s.rs2));
    e_.testRR(w, rcx, rcx);
    uint8_t* byZero = e_.jccForward(kEqual);
    uint8_t* byMinusOne = nullptr;
    if (isSigned) {
      e_.aluRegImm(w, 7, rcx, -1);
      byMinusOne = e_.jccForward(kEqual);
      e_.signExtendIntoRdx(w);
    } else {
      e_.aluRR(k32, 0x33, rdx, rdx);  // xor edx, edx
    }
    e_.unaryR(w, isSigned ? 7 : 6, rcx);  // idiv / div rcx: quotient rax, remainder rdx
    if (remainder) e_.aluRR(k64, 0x8B, rax, rdx);
    uint8_t* done = e_.jmpForward();
    if (isSigned) {
      e_.patchToHere(byMinusOne);
      if (remainder) e_.aluRR(k32, 0x33, rax, rax);
      else e_.unaryR(w, 3, rax);  // neg
      uint8_t* done2 = e_.jmpForward();
      e_.patchToHere(byZero);
      if (!remainder) e_.aluRegImm(w, 1, rax, -1);  // or rax, -1 (a remainder by zero is rs1)
      e_.patchToHere(done2);
    } else {
      e_.patchToHere(byZero);
      if (!remainder) e_.aluRegImm(w, 1, rax, -1);
    }
    e_.patchToHere(done);
    raxHolds_ = kNone;
    storeRd(s, w);
  }
  /// rcx = host address of the access at rs1 + imm through the TLB at `tlb`; a miss or a
  /// page-crossing access leaves the block reporting `k` instructions completed.
  void tlbAccess(const Slot& s, unsigned size, Reg tlb, uint32_t k) {
    loadRax(s.rs1);
    if (s.imm != 0) {
      e_.aluRegImm(k64, 0, rax, s.imm);
      raxHolds_ = kNone;
    }
    e_.movRR(k64, rcx, rax);
    e_.shiftImm(k64, 5, rcx, merkle::kPageBits);  // page index
    static_assert(NativeTlbLayout::kEntries == 256 && NativeTlbLayout::kEntryBytes == 16);
    e_.movzxEdxCl();              // % 256 entries
    e_.shiftImm(k32, 4, rdx, 4);  // * 16 bytes per entry
    e_.regMem(k64, 0x3B, rcx, Mem{tlb, rdx, 0});
    exits_.push_back({e_.jccForward(kNotEqual), k});
    e_.movRR(k32, rcx, rax);
    e_.aluRegImm(k32, 4, rcx, static_cast<int32_t>(merkle::kPageSize - 1));  // offset in page
    if (size > 1) {
      e_.aluRegImm(k32, 7, rcx, static_cast<int32_t>(merkle::kPageSize - size));
      exits_.push_back({e_.jccForward(kAbove), k});
    }
    e_.regMem(k64, 0x03, rcx, Mem{tlb, rdx, NativeTlbLayout::kDataOffset});
  }
  template <typename EmitLoad>
  void load(const Slot& s, uint32_t k, unsigned size, EmitLoad emitLoad) {
    tlbAccess(s, size, rsi, k);
    emitLoad();
    storeRd(s);
  }
  void store(const Slot& s, uint32_t k, unsigned size) {
    tlbAccess(s, size, r8, k);
    loadRax(s.rs2);
    e_.store(size, rax, Mem{rcx});
  }

  /// Slot index (on the block's page) of the branch or jump target, + 1.
  static uint32_t targetIndex(const Slot& s, uint64_t pc) {
    const uint64_t target = pc + static_cast<uint64_t>(static_cast<int64_t>(s.imm));
    return static_cast<uint32_t>((target & (merkle::kPageSize - 1)) >> 2) + 1;
  }
  /// Returns from the block: `done` instructions completed, continuing at `target` (0 = after them).
  void leave(uint32_t done, uint32_t target) {
    e_.movImm32(rax, done | (target << kNativeTargetShift));
    e_.ret();
  }
  /// The block's last instruction: taken → return with the target, otherwise fall through.
  void branch(const Slot& s, uint64_t pc, uint32_t k, Cond taken) {
    loadRax(s.rs1);
    e_.regMem(k64, 0x3B, rax, reg(s.rs2));
    uint8_t* notTaken = e_.jccForward(static_cast<Cond>(taken ^ 1));  // x86 pairs: cc ^ 1 negates
    this->taken(s, pc, k);
    e_.patchToHere(notTaken);
  }
  /// The branch or jump at position k is taken: repeat the block when it targets the block's
  /// start and the loop budget allows another iteration, otherwise return the target.
  void taken(const Slot& s, uint64_t pc, uint32_t k) {
    if (pc + static_cast<uint64_t>(static_cast<int64_t>(s.imm)) == startPc_) {
      e_.aluMemImm(k64, 7, Mem{r9}, static_cast<int32_t>(count_ + kNativeLoopReserve));
      uint8_t* low = e_.jccForward(kBelow);
      e_.aluMemImm(k64, 5, Mem{r9}, static_cast<int32_t>(count_));
      e_.jmpBack(head_);
      e_.patchToHere(low);
    }
    leave(k + 1, targetIndex(s, pc));
  }

  Emitter& e_;
  std::vector<PendingExit>& exits_;
  const uint64_t startPc_;
  const uint32_t count_;
  const uint8_t* head_;  ///< code of the first instruction (loop target; rax holds nothing there)
  int raxHolds_ = kNone;
};

}  // namespace

NativeCode::NativeCode(size_t capacity) {
  const char* env = std::getenv("FPVM_NATIVE");
  if (env && std::strcmp(env, "0") == 0) return;
  capacity = std::max(capacity, kMinNativeCodeBytes);
  void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {  // e.g. W^X enforced: the interpreter runs everything
    const int err = errno;
    logUnavailableOnce(std::string("an executable mapping was refused (") + std::strerror(err) + ")");
    return;
  }
  base_ = static_cast<uint8_t*>(p);
  capacity_ = capacity;
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
  BlockCompiler compiler(e, exits, pc, count);
  for (unsigned k = 0; k < count; ++k) compiler.instruction(slots[k], pc + 4 * uint64_t(k), k);
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

NativeCode::NativeCode(size_t) { logUnavailableOnce("this host is not x86-64 Linux"); }
NativeCode::~NativeCode() = default;
int32_t NativeCode::compile(const Slot*, unsigned, uint64_t) { return -1; }

#endif

}  // namespace fpvm::vm
