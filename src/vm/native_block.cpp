#include "vm/native_block.hpp"

#include "merkle/geometry.hpp"
#include "merkle/paged_memory.hpp"

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

/// Upper bound of the bytes one instruction (with its exit stub) compiles to, and of a block's
/// entry and terminator code.
constexpr size_t kMaxBytesPerInstruction = 320;
constexpr size_t kMaxBlockOverheadBytes = 640;
/// Bytes of a link site's exit (mov rax, target; mov rdx, site; jmp exit).
constexpr ptrdiff_t kSiteExitBytes = 10 + 10 + 5;
/// Displacement of an unlinked jcc link site: past the jmp site after it and that site's exit.
constexpr int32_t kJccSiteUnlinked = 5 + kSiteExitBytes;

using namespace x86;

/// Guest register r in the register array (rdi).
Mem guestReg(unsigned r) { return Mem{rdi, -1, static_cast<int32_t>(8 * r)}; }

/// Host registers that hold guest registers inside a block, in the order they are handed out.
/// Fixed roles elsewhere: rdi the NativeContext (guest registers, TLBs), r9 step budget; rax, rcx,
/// rdx and r10 are scratch.
constexpr Reg kPool[] = {rbx, rbp, r12, r13, r14, r15, r11, r8, rsi};
constexpr unsigned kPoolSize = sizeof(kPool) / sizeof(kPool[0]);

/// Guest registers that live in the first pool registers in every block: loaded by the entry
/// code, stored by the exit code, and never written back or reloaded when one block jumps to
/// another. The rest of the pool is handed out per block. a0–a5 (x10–x15): the registers GCC
/// and Go use most for arguments, results and loop temporaries (decision 0020 has the
/// measurements of the sets tried).
constexpr unsigned kGlobalGuests[] = {15, 14, 13, 12, 11, 10};
constexpr unsigned kGlobalCount = sizeof(kGlobalGuests) / sizeof(kGlobalGuests[0]);
static_assert(kGlobalCount < kPoolSize, "blocks need pool registers of their own");
constexpr uint32_t kGlobalMask = [] {
  uint32_t m = 0;
  for (unsigned g : kGlobalGuests) m |= uint32_t(1) << g;
  return m;
}();

constexpr int32_t kReadTlbOffset = static_cast<int32_t>(offsetof(NativeContext, tlbs) + offsetof(NativeTlbs, read));
constexpr int32_t kWriteTlbOffset = static_cast<int32_t>(offsetof(NativeContext, tlbs) + offsetof(NativeTlbs, write));
static_assert(offsetof(NativeContext, regs) == 0);
static_assert(sizeof(NativeTlbEntry) == 16 && offsetof(NativeTlbEntry, addend) == 8);
static_assert(sizeof(NativeCode::IndirectEntry) == 16 && offsetof(NativeCode::IndirectEntry, code) == 8);

/// Which registers an instruction reads and writes (rd is the sink for x0: never allocated).
struct Uses {
  bool rs1, rs2, rd;
};
Uses usesOf(const Slot& s) {
  if (s.op == opNop) return {false, false, false};
  if (s.op == opCsr) return {false, false, true};
  switch (table::kFormat[s.op]) {
    case table::Format::R: return {true, true, true};
    case table::Format::I: return {true, false, true};
    case table::Format::S:
    case table::Format::B: return {true, true, false};
    case table::Format::U:
    case table::Format::J: return {false, false, true};
  }
  return {true, true, true};
}

/// Where a merkle::Page keeps what leaf-pair stores update, measured on a Page (the write TLB maps
/// a page to the Page itself when `data` is its first member).
struct PageLayout {
  bool dataFirst;
  int32_t dirtyPairs, queued;
};
const PageLayout& pageLayout() {
  static const PageLayout layout = [] {
    const auto probe = std::make_unique<merkle::Page>();
    const auto* base = reinterpret_cast<const uint8_t*>(probe.get());
    return PageLayout{reinterpret_cast<const uint8_t*>(probe->data) == base,
                      static_cast<int32_t>(reinterpret_cast<const uint8_t*>(&probe->dirtyPairs) - base),
                      static_cast<int32_t>(reinterpret_cast<const uint8_t*>(&probe->queued) - base)};
  }();
  return layout;
}

/// How compiled stores treat the memory's Merkle bookkeeping.
struct StoreMode {
  bool leafPairs;              ///< mark the leaf pair in the Page (proving engine)
  const uint8_t* storesLeave;  ///< nonzero: every store leaves to the engine
  PageLayout page;
};

/// pc + the instruction's sign-extended immediate (auipc's value, a branch or jal target).
uint64_t relative(const Slot& s, uint64_t pc) { return pc + static_cast<uint64_t>(static_cast<int64_t>(s.imm)); }

/// An exit taken from inside the block: the jcc displacements that lead to it, and what it
/// writes back and reports.
struct PendingExit {
  uint8_t* dispAt[5];
  unsigned count;
  uint32_t dirty;  ///< guest registers (bit g) to write back
  uint64_t pc;
  uint32_t undo;  ///< steps paid at entry that did not run
  uint64_t reason;
};

/// A load or store whose tag compare failed, checked again out of line (BlockCompiler::misalignedAccess).
struct SlowCheck {
  uint8_t* missAt;     ///< displacement of the jne taken on a mismatch
  const uint8_t* hit;  ///< where the access continues when it is only misaligned
  size_t exit;         ///< index of the access's exit in exits_
  unsigned size;
  int32_t tlbOffset;
};

/// Emits one block: entry (pays its length from the budget, loads the allocated guest registers
/// it reads), one emit<Name> per instruction, the terminator's jumps and the exit stubs.
class BlockCompiler {
 public:
  BlockCompiler(Emitter& e, const uint8_t* exitCode, const NativeCode::IndirectEntry* indirect, StoreMode stores,
                const Slot* slots, uint32_t count, uint64_t startPc)
      : e_(e), exitCode_(exitCode), indirect_(indirect), stores_(stores), slots_(slots), count_(count), startPc_(startPc) {}

  void compile() {
    const Slot& last = slots_[count_ - 1];
    const uint64_t lastPc = startPc_ + 4 * uint64_t(count_ - 1);
    loops_ = (last.op == opJal || (last.op >= opBeq && last.op <= opBgeu)) && relative(last, lastPc) == startPc_;
    allocate();
    e_.aluRegImm(k64, 5, r9, static_cast<int32_t>(count_));  // sub r9, count: pay the block
    uint8_t* noBudget = e_.jccForward(kBelow);
    const uint32_t local = allocated_ & ~kGlobalMask;
    for (unsigned g = 1; g < 32; ++g)
      if ((local >> g & 1) && (loops_ || (loadAtEntry_ >> g & 1))) e_.regMem(k64, 0x8B, hostOf(g), guestReg(g));
    body_ = e_.here();
    for (uint32_t k = 0; k < count_; ++k) instruction(slots_[k], startPc_ + 4 * uint64_t(k), k);
    if (!nativeTerminatorOp(last.op)) {
      spill(dirty_);
      chainTo(startPc_ + 4 * uint64_t(count_));
    }
    for (const SlowCheck& c : slowChecks_) misalignedAccess(c);
    for (const PendingExit& x : exits_) {
      for (unsigned i = 0; i < x.count; ++i) e_.patchToHere(x.dispAt[i]);
      exitStub(x.dirty, x.pc, x.undo, x.reason);
    }
    e_.patchToHere(noBudget);
    exitStub(0, startPc_, count_, kNativeExitNext);
  }

 private:
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

  // --- one emitter per compilable row of instruction_table.def ---
#define FPVM_EMIT(Name) void emit##Name([[maybe_unused]] const Slot& s, [[maybe_unused]] uint64_t pc, [[maybe_unused]] uint32_t k)
  FPVM_EMIT(Nop) {}
  FPVM_EMIT(Csr) { putImm(s.rd, 0); }
  FPVM_EMIT(Lui) { putImm(s.rd, static_cast<uint64_t>(static_cast<int64_t>(s.imm))); }
  FPVM_EMIT(Auipc) { putImm(s.rd, relative(s, pc)); }
  FPVM_EMIT(Jal) {
    putImm(s.rd, pc + 4);
    jumpTo(relative(s, pc));
  }
  FPVM_EMIT(Jalr) { indirectJump(s, pc, k); }
  FPVM_EMIT(Beq) { branch(s, pc, kEqual); }
  FPVM_EMIT(Bne) { branch(s, pc, kNotEqual); }
  FPVM_EMIT(Blt) { branch(s, pc, kLess); }
  FPVM_EMIT(Bge) { branch(s, pc, kGreaterEqual); }
  FPVM_EMIT(Bltu) { branch(s, pc, kBelow); }
  FPVM_EMIT(Bgeu) { branch(s, pc, kAboveEqual); }
  FPVM_EMIT(Lb) {
    load(s, pc, k, 1, [&](Reg dst, const Mem& at) { e_.regMem0F(k64, 0xBE, dst, at); });
  }
  FPVM_EMIT(Lh) {
    load(s, pc, k, 2, [&](Reg dst, const Mem& at) { e_.regMem0F(k64, 0xBF, dst, at); });
  }
  FPVM_EMIT(Lw) {
    load(s, pc, k, 4, [&](Reg dst, const Mem& at) { e_.movsxdMem(dst, at); });
  }
  FPVM_EMIT(Ld) {
    load(s, pc, k, 8, [&](Reg dst, const Mem& at) { e_.regMem(k64, 0x8B, dst, at); });
  }
  FPVM_EMIT(Lbu) {
    load(s, pc, k, 1, [&](Reg dst, const Mem& at) { e_.regMem0F(k32, 0xB6, dst, at); });
  }
  FPVM_EMIT(Lhu) {
    load(s, pc, k, 2, [&](Reg dst, const Mem& at) { e_.regMem0F(k32, 0xB7, dst, at); });
  }
  FPVM_EMIT(Lwu) {
    load(s, pc, k, 4, [&](Reg dst, const Mem& at) { e_.regMem(k32, 0x8B, dst, at); });
  }
  FPVM_EMIT(Sb) { store(s, pc, k, 1); }
  FPVM_EMIT(Sh) { store(s, pc, k, 2); }
  FPVM_EMIT(Sw) { store(s, pc, k, 4); }
  FPVM_EMIT(Sd) { store(s, pc, k, 8); }
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
  FPVM_EMIT(Add) { aluRR(s, k64, 0x03); }
  FPVM_EMIT(Sub) { aluRR(s, k64, 0x2B); }
  FPVM_EMIT(Sll) { shiftRR(s, k64, 4); }
  FPVM_EMIT(Slt) { compareRR(s, kLess); }
  FPVM_EMIT(Sltu) { compareRR(s, kBelow); }
  FPVM_EMIT(Xor) { aluRR(s, k64, 0x33); }
  FPVM_EMIT(Srl) { shiftRR(s, k64, 5); }
  FPVM_EMIT(Sra) { shiftRR(s, k64, 7); }
  FPVM_EMIT(Or) { aluRR(s, k64, 0x0B); }
  FPVM_EMIT(And) { aluRR(s, k64, 0x23); }
  FPVM_EMIT(Mul) { multiply(s, k64); }
  FPVM_EMIT(Mulh) { multiplyHigh(s, 5); }
  FPVM_EMIT(Mulhu) { multiplyHigh(s, 4); }
  FPVM_EMIT(Mulhsu) { multiplyHighSignedUnsigned(s); }
  FPVM_EMIT(Div) { divide(s, k64, true, false); }
  FPVM_EMIT(Divu) { divide(s, k64, false, false); }
  FPVM_EMIT(Rem) { divide(s, k64, true, true); }
  FPVM_EMIT(Remu) { divide(s, k64, false, true); }
  FPVM_EMIT(Addw) { aluRR(s, k32, 0x03); }
  FPVM_EMIT(Subw) { aluRR(s, k32, 0x2B); }
  FPVM_EMIT(Sllw) { shiftRR(s, k32, 4); }
  FPVM_EMIT(Srlw) { shiftRR(s, k32, 5); }
  FPVM_EMIT(Sraw) { shiftRR(s, k32, 7); }
  FPVM_EMIT(Mulw) { multiply(s, k32); }
  FPVM_EMIT(Divw) { divide(s, k32, true, false); }
  FPVM_EMIT(Divuw) { divide(s, k32, false, false); }
  FPVM_EMIT(Remw) { divide(s, k32, true, true); }
  FPVM_EMIT(Remuw) { divide(s, k32, false, true); }
#undef FPVM_EMIT

  // --- register allocation ---

  /// Hands the pool to the guest registers the block uses most (at least twice), and notes which
  /// of them the block reads before it writes them (loaded at entry).
  void allocate() {
    unsigned uses[32] = {};
    uint32_t seen = 0;
    for (uint32_t k = 0; k < count_; ++k) {
      const Slot& s = slots_[k];
      const Uses u = usesOf(s);
      auto read = [&](unsigned g) {
        if (g == 0) return;
        ++uses[g];
        if (!(seen >> g & 1)) loadAtEntry_ |= uint32_t(1) << g;
        seen |= uint32_t(1) << g;
      };
      if (u.rs1) read(s.rs1);
      if (u.rs2) read(s.rs2);
      if (u.rd && s.rd < 32) {
        ++uses[s.rd];
        seen |= uint32_t(1) << s.rd;
        writes_ |= uint32_t(1) << s.rd;
      }
    }
    for (int& h : host_) h = -1;
    for (unsigned n = 0; n < kGlobalCount; ++n) host_[kGlobalGuests[n]] = kPool[n];
    allocated_ = kGlobalMask;
    // A register used once pays a load and a store for one use, unless the block loops.
    const unsigned minUses = loops_ ? 1 : 2;
    for (unsigned n = kGlobalCount; n < kPoolSize; ++n) {
      unsigned best = 0;
      for (unsigned g = 1; g < 32; ++g)
        if (host_[g] < 0 && uses[g] >= minUses && uses[g] > uses[best]) best = g;
      if (best == 0) break;
      host_[best] = kPool[n];
      allocated_ |= uint32_t(1) << best;
    }
  }
  bool inHost(unsigned g) const { return g < 32 && host_[g] >= 0; }
  Reg hostOf(unsigned g) const { return static_cast<Reg>(host_[g]); }
  /// Allocated registers to write back at an exit: those written so far; in a block that loops
  /// to itself, every one it writes (a later iteration exits with the earlier one's values).
  uint32_t exitDirty() const { return loops_ ? writes_ & allocated_ : dirty_; }
  /// Writes back the registers in `mask` that have a block-local host register (the exit code
  /// writes back the global ones).
  void spill(uint32_t mask) {
    mask &= ~kGlobalMask;
    for (unsigned g = 1; g < 32; ++g)
      if ((mask >> g & 1) && host_[g] >= 0) e_.regMem(k64, 0x89, hostOf(g), guestReg(g));
  }

  // --- operands ---

  /// dst = guest register g.
  void get(Reg dst, unsigned g) {
    if (inHost(g)) {
      if (hostOf(g) != dst) e_.movRR(k64, dst, hostOf(g));
    } else {
      e_.regMem(k64, 0x8B, dst, guestReg(g));
    }
  }
  /// dst = dst <opcode> guest register g (one-byte-opcode ALU group, or imul with 0x0F prefix).
  void op2(Width w, uint8_t opcode, Reg dst, unsigned g) {
    if (inHost(g)) e_.aluRR(w, opcode, dst, hostOf(g));
    else e_.regMem(w, opcode, dst, guestReg(g));
  }
  /// Guest register g = src (sign-extending the low half first for 32-bit results).
  void put(unsigned g, Reg src, Width w = k64) {
    if (w == k32) e_.movsxd(src, src);
    if (g >= 32) return;  // x0
    if (inHost(g)) {
      if (hostOf(g) != src) e_.movRR(k64, hostOf(g), src);
      dirty_ |= uint32_t(1) << g;
    } else {
      e_.regMem(k64, 0x89, src, guestReg(g));
    }
  }
  void putImm(unsigned g, uint64_t v) {
    if (g >= 32) return;
    if (inHost(g)) {
      if (v == 0) e_.aluRR(k32, 0x33, hostOf(g), hostOf(g));
      else e_.movImm64(hostOf(g), v);
      dirty_ |= uint32_t(1) << g;
    } else if (static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))) == v) {
      e_.storeImm(guestReg(g), static_cast<int32_t>(v));
    } else {
      e_.movImm64(rax, v);
      e_.regMem(k64, 0x89, rax, guestReg(g));
    }
  }
  /// Where a result for rd is computed: its host register when it has one and the computation
  /// does not read rd after writing it (`avoid`), else rax.
  Reg resultReg(const Slot& s, unsigned avoid = 64) const { return inHost(s.rd) && s.rd != avoid ? hostOf(s.rd) : rax; }
  void finish(const Slot& s, Reg r, Width w) {
    if (r == rax) {
      put(s.rd, rax, w);
    } else {
      if (w == k32) e_.movsxd(r, r);
      dirty_ |= uint32_t(1) << s.rd;
    }
  }

  // --- ALU ---

  /// Register-register ALU group operation (add 03, sub 2B, and 23, or 0B, xor 33).
  void aluRR(const Slot& s, Width w, uint8_t opcode) {
    const bool commutative = opcode != 0x2B;
    if (inHost(s.rd) && s.rd == s.rs2 && s.rd != s.rs1 && commutative) {  // rd = rs1 op rd
      op2(w, opcode, hostOf(s.rd), s.rs1);
      finish(s, hostOf(s.rd), w);
      return;
    }
    if (opcode == 0x03 && inHost(s.rd) && inHost(s.rs1) && inHost(s.rs2) && s.rd != s.rs1 && s.rd != s.rs2) {
      e_.regMem(w, 0x8D, hostOf(s.rd), Mem{hostOf(s.rs1), hostOf(s.rs2), 0});  // lea rd, [rs1 + rs2]
      finish(s, hostOf(s.rd), w);
      return;
    }
    const Reg r = resultReg(s, s.rs2);
    get(r, s.rs1);
    op2(w, opcode, r, s.rs2);
    finish(s, r, w);
  }
  /// Register-immediate ALU group operation (81 /ext: add 0, or 1, and 4, xor 6).
  void aluImm(const Slot& s, Width w, unsigned ext) {
    if (s.rs1 == 0 && ext == 0) {  // li: addi/addiw rd, x0, imm
      putImm(s.rd, static_cast<uint64_t>(static_cast<int64_t>(s.imm)));
      return;
    }
    if (ext == 0 && s.imm != 0 && inHost(s.rd) && inHost(s.rs1) && s.rd != s.rs1) {
      e_.regMem(w, 0x8D, hostOf(s.rd), Mem{hostOf(s.rs1), -1, s.imm});  // lea rd, [rs1 + imm]
      finish(s, hostOf(s.rd), w);
      return;
    }
    if (w == k32 && s.imm == 0 && ext == 0) {  // sext.w: one movsxd
      if (s.rd >= 32) return;
      Reg src = rax;
      if (inHost(s.rs1)) src = hostOf(s.rs1);
      else get(rax, s.rs1);
      const Reg r = resultReg(s);
      e_.movsxd(r, src);
      finish(s, r, k64);
      return;
    }
    if (w == k64 && s.rd == s.rs1 && s.rd < 32 && !inHost(s.rd)) {  // rd op= imm, in memory
      if (s.imm != 0 || ext == 4) e_.aluMemImm(k64, ext, guestReg(s.rd), s.imm);
      return;
    }
    const Reg r = resultReg(s);
    get(r, s.rs1);
    if (s.imm != 0 || w == k32 || ext == 4) e_.aluRegImm(w, ext, r, s.imm);  // (andi 0 is 0)
    finish(s, r, w);
  }
  /// Sets the flags of rs1 - rs2 (test rs1, rs1 when rs2 is x0).
  void compare(const Slot& s) {
    Reg a = rax;
    if (inHost(s.rs1)) a = hostOf(s.rs1);
    else get(rax, s.rs1);
    if (s.rs2 == 0) e_.testRR(k64, a, a);
    else op2(k64, 0x3B, a, s.rs2);
  }
  void shiftImm(const Slot& s, Width w, unsigned ext) {
    const Reg r = resultReg(s);
    get(r, s.rs1);
    e_.shiftImm(w, ext, r, static_cast<uint8_t>(s.imm));
    finish(s, r, w);
  }
  void shiftRR(const Slot& s, Width w, unsigned ext) {
    get(rcx, s.rs2);
    const Reg r = resultReg(s);
    get(r, s.rs1);
    e_.shiftCl(w, ext, r);  // x86 masks the count like RV64 (63, or 31 for 32-bit)
    finish(s, r, w);
  }
  void compareRR(const Slot& s, Cond c) {
    compare(s);
    e_.setccToRax(c);
    put(s.rd, rax);
  }
  void compareImm(const Slot& s, Cond c) {
    get(rax, s.rs1);
    e_.aluRegImm(k64, 7, rax, s.imm);
    e_.setccToRax(c);
    put(s.rd, rax);
  }
  void multiply(const Slot& s, Width w) {
    const Reg r = resultReg(s, s.rs2);
    get(r, s.rs1);
    if (inHost(s.rs2)) e_.regReg0F(w, 0xAF, r, hostOf(s.rs2));
    else e_.regMem0F(w, 0xAF, r, guestReg(s.rs2));
    finish(s, r, w);
  }
  /// rdx:rax = rax × guest register g (mul: ext 4, imul: ext 5).
  void wideMultiply(unsigned ext, unsigned g) {
    if (inHost(g)) e_.unaryR(k64, ext, hostOf(g));
    else e_.mulMem(ext, guestReg(g));
  }
  /// mulh (imul, ext 5) / mulhu (mul, ext 4): the high half lands in rdx.
  void multiplyHigh(const Slot& s, unsigned ext) {
    get(rax, s.rs1);
    wideMultiply(ext, s.rs2);
    put(s.rd, rdx);
  }
  /// mulhsu: the unsigned high half minus rs2 when rs1 is negative (rs1 signed, rs2 unsigned).
  void multiplyHighSignedUnsigned(const Slot& s) {
    get(rax, s.rs1);
    e_.movRR(k64, r10, rax);
    wideMultiply(4, s.rs2);         // rdx = high half of rs1 × rs2, both unsigned
    e_.shiftImm(k64, 7, r10, 63);   // all ones when rs1 < 0
    op2(k64, 0x23, r10, s.rs2);     // and r10, rs2
    e_.aluRR(k64, 0x2B, rdx, r10);  // sub rdx, r10
    put(s.rd, rdx);
  }
  /// div/divu/rem/remu and their 32-bit forms with the RISC-V special cases of alu.hpp: by zero
  /// the quotient is all ones and the remainder the dividend; signed by -1 the quotient is the
  /// negated dividend (the most negative value stays itself) and the remainder 0 — so x86's
  /// divide never faults. 32-bit results are sign-extended.
  void divide(const Slot& s, Width w, bool isSigned, bool remainder) {
    get(rax, s.rs1);
    get(rcx, s.rs2);
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
    put(s.rd, rax, w);
  }

  // --- memory ---

  /// rcx = host address of the access at rs1 + imm through the TLB at `tlbOffset` from rdi. One
  /// compare checks the page and the alignment; on a mismatch, a misaligned access within a
  /// mapped page is let through by an out-of-line check, and anything else (a miss, a page-
  /// crossing access) leaves the block before instruction k (the jumps are added to `x`). With
  /// leaf-pair stores, the pair is marked in the Page first, and a misaligned store leaves.
  void tlbAccess(const Slot& s, unsigned size, int32_t tlbOffset, PendingExit& x, bool markPair) {
    address(rcx, s);
    static_assert(NativeTlbs::kEntries == 4096 && sizeof(NativeTlbEntry) == 16);
    e_.movRR(k32, rdx, rcx);
    e_.shiftImm(k32, 5, rdx, merkle::kPageBits - 4);             // page index * 16 bytes per entry ...
    e_.aluRegImm(k32, 4, rdx, (NativeTlbs::kEntries - 1) << 4);  // ... modulo the entries
    e_.movRR(k64, rax, rcx);
    e_.aluRegImm(k64, 4, rax, static_cast<int32_t>(~(merkle::kPageSize - 1) | (size - 1)));
    e_.regMem(k64, 0x3B, rax, Mem{rdi, rdx, tlbOffset});  // cmp rax, tag
    if (!markPair) {
      if (size > 1) {  // a mismatch may be a misaligned access to a mapped page: checked out of line
        slowChecks_.push_back({e_.jccForward(kNotEqual), nullptr, exits_.size(), size, tlbOffset});
        slowChecks_.back().hit = e_.here();
      } else {
        x.dispAt[x.count++] = e_.jccForward(kNotEqual);
      }
      e_.regMem(k64, 0x03, rcx, Mem{rdi, rdx, tlbOffset + 8});  // add rcx, addend
      return;
    }
    x.dispAt[x.count++] = e_.jccForward(kNotEqual);
    // r10 = the Page (addend + the page's guest address, in rax after a hit). Not queued for
    // re-hashing: the engine's store queues it.
    e_.regMem(k64, 0x8B, r10, Mem{rdi, rdx, tlbOffset + 8});
    e_.aluRR(k64, 0x03, rcx, r10);  // rcx = host address
    e_.aluRR(k64, 0x03, r10, rax);
    e_.cmpByteMemImm(Mem{r10, -1, stores_.page.queued}, 0);
    x.dispAt[x.count++] = e_.jccForward(kEqual);
    e_.movRR(k64, rax, rcx);
    e_.aluRR(k64, 0x2B, rax, r10);  // offset in the page
    e_.shiftImm(k32, 5, rax, 6);    // pair index (an aligned access never straddles two)
    e_.regMem(k64, 0x8B, rdx, Mem{r10, -1, stores_.page.dirtyPairs});
    e_.btsRR(rdx, rax);
    e_.regMem(k64, 0x89, rdx, Mem{r10, -1, stores_.page.dirtyPairs});
  }
  /// The out-of-line half of an access whose tag compare failed: a misaligned access to a page the
  /// TLB maps, within the page, goes back to the access (x86 does misaligned accesses); anything
  /// else leaves through the access's exit. rcx holds the guest address, rdx the entry offset.
  void misalignedAccess(const SlowCheck& c) {
    PendingExit& x = exits_[c.exit];
    e_.patchToHere(c.missAt);
    e_.movRR(k64, rax, rcx);
    e_.aluRegImm(k64, 4, rax, static_cast<int32_t>(~(merkle::kPageSize - 1)));
    e_.regMem(k64, 0x3B, rax, Mem{rdi, rdx, c.tlbOffset});
    x.dispAt[x.count++] = e_.jccForward(kNotEqual);
    e_.movRR(k32, rax, rcx);
    e_.aluRegImm(k32, 4, rax, static_cast<int32_t>(merkle::kPageSize - 1));
    e_.aluRegImm(k32, 7, rax, static_cast<int32_t>(merkle::kPageSize - c.size));
    x.dispAt[x.count++] = e_.jccForward(kAbove);  // crosses the page end
    e_.jmpTo(c.hit);
  }
  /// dst = rs1 + imm (one lea when rs1 has a host register).
  void address(Reg dst, const Slot& s) {
    if (inHost(s.rs1)) {
      if (s.imm != 0) e_.regMem(k64, 0x8D, dst, Mem{hostOf(s.rs1), -1, s.imm});
      else e_.movRR(k64, dst, hostOf(s.rs1));
      return;
    }
    get(dst, s.rs1);
    if (s.imm != 0) e_.aluRegImm(k64, 0, dst, s.imm);
  }
  /// The exit before instruction k for an access the engine does itself.
  PendingExit memoryExit(uint64_t pc, uint32_t k) const {
    return PendingExit{{}, 0, exitDirty(), pc, count_ - k, kNativeExitMemory};
  }
  template <typename EmitLoad>
  void load(const Slot& s, uint64_t pc, uint32_t k, unsigned size, EmitLoad emitLoad) {
    PendingExit x = memoryExit(pc, k);
    tlbAccess(s, size, kReadTlbOffset, x, false);
    exits_.push_back(x);
    const Reg r = resultReg(s);
    emitLoad(r, Mem{rcx});
    finish(s, r, k64);
  }
  void store(const Slot& s, uint64_t pc, uint32_t k, unsigned size) {
    PendingExit x = memoryExit(pc, k);
    if (stores_.leafPairs) {  // a pair log is attached: the engine does (and notes) every store
      e_.movImm64(rax, reinterpret_cast<uint64_t>(stores_.storesLeave));
      e_.cmpByteMemImm(Mem{rax}, 0);
      x.dispAt[x.count++] = e_.jccForward(kNotEqual);
    }
    tlbAccess(s, size, kWriteTlbOffset, x, stores_.leafPairs);
    exits_.push_back(x);
    Reg v = rax;
    if (inHost(s.rs2)) v = hostOf(s.rs2);
    else get(rax, s.rs2);
    e_.store(size, v, Mem{rcx});
  }

  // --- control transfer (the block's last instruction) ---

  /// A direct jump to `target` after the whole block ran: back to the block's own body while the
  /// budget allows, else through a link site.
  void jumpTo(uint64_t target) {
    if (target == startPc_ && loops_) {
      e_.aluRegImm(k64, 5, r9, static_cast<int32_t>(count_));  // pay the next iteration
      e_.jccTo(kAboveEqual, body_);
      e_.aluRegImm(k64, 0, r9, static_cast<int32_t>(count_));
      exitStub(exitDirty(), startPc_, 0, kNativeExitNext);
      return;
    }
    spill(exitDirty());
    chainTo(target);
  }
  /// A link site: `jmp rel32` that falls through to its own exit until NativeCode::link() points
  /// it at the target's block. Allocated registers must already be written back.
  void chainTo(uint64_t target) {
    uint8_t* site = e_.jmpForward();
    e_.patchToHere(site);  // displacement 0: the exit below
    siteExit(site, target);
  }
  /// The exit of the link site whose displacement is at `site`: reports `target` and the site.
  void siteExit(uint8_t* site, uint64_t target) {
    const uint8_t* start = e_.here();
    e_.movImm64(rax, target);
    e_.movImm64(rdx, reinterpret_cast<uint64_t>(site));
    e_.jmpTo(exitCode_);
    if (e_.here() - start != kSiteExitBytes) std::abort();  // NativeCode::unlink() relies on the size
  }
  /// A conditional branch. Unless one side loops back to the block's own body, both sides are
  /// link sites: `jcc taken; jmp fall-through`, so a linked branch costs one jump either way. The
  /// jcc's own exit follows the jmp's (kJccSiteUnlinked bytes after the jcc).
  void branch(const Slot& s, uint64_t pc, Cond taken) {
    const uint64_t fall = pc + 4, target = relative(s, pc);
    compare(s);
    if (loops_ && (fall == startPc_ || target == startPc_)) {
      uint8_t* toTaken = e_.jccForward(taken);
      jumpTo(fall);
      e_.patchToHere(toTaken);
      jumpTo(target);
      return;
    }
    spill(exitDirty());  // register moves leave the flags alone
    uint8_t* takenSite = e_.jccForward(taken);
    chainTo(fall);
    e_.patchToHere(takenSite);
    if (e_.here() - (takenSite + 4) != kJccSiteUnlinked) std::abort();
    siteExit(takenSite, target);
  }
  /// jalr: the target through the lookup table of translated entries; a misaligned target leaves
  /// before the instruction for the reference interpreter (which reverts).
  void indirectJump(const Slot& s, uint64_t pc, uint32_t k) {
    address(rax, s);
    e_.aluRegImm(k64, 4, rax, -2);  // and rax, ~1
    e_.testAlImm(3);
    exits_.push_back({{e_.jccForward(kNotEqual), nullptr}, 1, exitDirty(), pc, count_ - k, kNativeExitReference});
    if (s.rd < 32) {
      e_.movImm64(rcx, pc + 4);
      put(s.rd, rcx);
    }
    spill(exitDirty());
    e_.movRR(k64, rcx, rax);
    e_.shiftImm(k64, 5, rcx, 2);
    e_.aluRegImm(k32, 4, rcx, NativeCode::kIndirectEntries - 1);
    e_.shiftImm(k32, 4, rcx, 4);  // * 16 bytes per entry
    e_.movImm64(rdx, reinterpret_cast<uint64_t>(indirect_));
    e_.regMem(k64, 0x3B, rax, Mem{rdx, rcx, 0});
    uint8_t* miss = e_.jccForward(kNotEqual);
    e_.jmpMem(Mem{rdx, rcx, 8});
    e_.patchToHere(miss);
    e_.movImm32(rdx, static_cast<uint32_t>(kNativeExitIndirect));
    e_.jmpTo(exitCode_);
  }

  /// Writes back `dirty`, gives back `undo` steps, returns pc and reason.
  void exitStub(uint32_t dirty, uint64_t pc, uint32_t undo, uint64_t reason) {
    spill(dirty);
    if (undo != 0) e_.aluRegImm(k64, 0, r9, static_cast<int32_t>(undo));
    e_.movImm64(rax, pc);
    e_.movImm32(rdx, static_cast<uint32_t>(reason));
    e_.jmpTo(exitCode_);
  }

  Emitter& e_;
  const uint8_t* exitCode_;
  const NativeCode::IndirectEntry* indirect_;
  const StoreMode stores_;
  const Slot* slots_;
  const uint32_t count_;
  const uint64_t startPc_;
  bool loops_ = false;             ///< the block jumps back to its own start
  int host_[32] = {};              ///< host register of each guest register, or -1
  uint32_t loadAtEntry_ = 0;       ///< guest registers read before written
  uint32_t allocated_ = 0;         ///< guest registers with a host register
  uint32_t writes_ = 0;            ///< guest registers the block writes
  uint32_t dirty_ = 0;             ///< allocated registers written so far (at the emit position)
  const uint8_t* body_ = nullptr;  ///< code of the first instruction (after the entry loads)
  std::vector<PendingExit> exits_;
  std::vector<SlowCheck> slowChecks_;
};

/// Entry code (at offset 0): saves the callee-saved registers and the budget pointer, loads the
/// budget into r9 and the global guest registers, and jumps to the block. Exit code: writes the
/// global guest registers back, stores r9 back and returns rax:rdx.
constexpr Reg kSaved[] = {rbx, rbp, r12, r13, r14, r15};

}  // namespace

NativeCode::NativeCode(size_t capacity, bool leafPairs) : leafPairs_(leafPairs) {
  const char* env = std::getenv("FPVM_NATIVE");
  if (env && std::strcmp(env, "0") == 0) return;
  if (leafPairs && !pageLayout().dataFirst) return;  // the write TLB's data pointer would not be the Page
  capacity = std::clamp(capacity, kMinNativeCodeBytes, kMaxNativeCodeBytes);
  void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {  // e.g. W^X enforced: the interpreter runs everything
    const int err = errno;
    logUnavailableOnce(std::string("an executable mapping was refused (") + std::strerror(err) + ")");
    return;
  }
  base_ = static_cast<uint8_t*>(p);
  capacity_ = capacity;
  indirect_ = std::make_unique<IndirectEntry[]>(kIndirectEntries);
  emitEntryAndExit();
}

NativeCode::~NativeCode() {
  if (base_) munmap(base_, capacity_);
}

void NativeCode::emitEntryAndExit() {
  Emitter e(base_);
  // NativeExit entry(NativeContext* context /*rdi*/, uint64_t* budget /*rsi*/, const uint8_t* block /*rdx*/)
  for (Reg r : kSaved) e.push(r);
  e.push(rsi);
  e.regMem(k64, 0x8B, r9, Mem{rsi});
  for (unsigned n = 0; n < kGlobalCount; ++n) e.regMem(k64, 0x8B, kPool[n], guestReg(kGlobalGuests[n]));
  e.jmpR(rdx);
  while (e.size() % 16 != 0) e.ret();  // padding, never executed
  exitOffset_ = e.size();
  for (unsigned n = 0; n < kGlobalCount; ++n) e.regMem(k64, 0x89, kPool[n], guestReg(kGlobalGuests[n]));
  e.pop(rcx);
  e.regMem(k64, 0x89, r9, Mem{rcx});
  for (size_t i = sizeof(kSaved) / sizeof(kSaved[0]); i-- > 0;) e.pop(kSaved[i]);
  e.ret();
  firstBlock_ = (e.size() + 15) & ~size_t(15);
  used_ = firstBlock_;
}

int32_t NativeCode::compile(const Slot* slots, unsigned count, uint64_t pc) {
  if (!base_ || count == 0) return -1;
  const size_t room = count * kMaxBytesPerInstruction + kMaxBlockOverheadBytes;
  if (capacity_ - used_ < room) {
    full_ = true;
    return -1;
  }
  uint8_t* start = base_ + used_;
  Emitter e(start);
  BlockCompiler compiler(e, base_ + exitOffset_, indirect_.get(), StoreMode{leafPairs_, &storesLeave_, pageLayout()}, slots,
                         count, pc);
  compiler.compile();
  if (e.size() > room) std::abort();  // the bound above is wrong: the next block would be overwritten
  const int32_t offset = static_cast<int32_t>(used_);
  used_ += (e.size() + 15) & ~size_t(15);
  return offset;
}

NativeExit NativeCode::run(int32_t entry, NativeContext* context, uint64_t* budget) const {
  using EntryFn = NativeExit (*)(NativeContext*, uint64_t*, const uint8_t*);
  return reinterpret_cast<EntryFn>(base_)(context, budget, base_ + entry);
}

void NativeCode::link(uint64_t site, int32_t entry) {
  auto* at = reinterpret_cast<uint8_t*>(site);
  const int32_t rel = static_cast<int32_t>((base_ + entry) - (at + 4));
  std::memcpy(at, &rel, 4);
}

void NativeCode::unlink(uint64_t site) {
  auto* at = reinterpret_cast<uint8_t*>(site);
  // A jmp site (E9) falls into its exit right after it; a jcc site (0F 8x) jumps over the jmp
  // site that follows it to its own exit.
  const bool jcc = at[-2] == 0x0F && (at[-1] & 0xF0) == 0x80;
  const int32_t rel = jcc ? kJccSiteUnlinked : 0;
  std::memcpy(at, &rel, 4);
}

void NativeCode::rememberIndirect(uint64_t pc, int32_t entry) {
  indirect_[(pc >> 2) & (kIndirectEntries - 1)] = IndirectEntry{pc, base_ + entry};
}

void NativeCode::forgetIndirect() {
  if (indirect_) std::fill(indirect_.get(), indirect_.get() + kIndirectEntries, IndirectEntry{});
}

void NativeCode::reset() {
  used_ = firstBlock_;
  full_ = false;
  forgetIndirect();
}

#else  // no native tier on this platform

NativeCode::NativeCode(size_t, bool) { logUnavailableOnce("this host is not x86-64 Linux"); }
NativeCode::~NativeCode() = default;
int32_t NativeCode::compile(const Slot*, unsigned, uint64_t) { return -1; }
NativeExit NativeCode::run(int32_t, NativeContext*, uint64_t*) const { std::abort(); }
void NativeCode::link(uint64_t, int32_t) {}
void NativeCode::unlink(uint64_t) {}
void NativeCode::rememberIndirect(uint64_t, int32_t) {}
void NativeCode::forgetIndirect() {}
void NativeCode::reset() {}

#endif

}  // namespace fpvm::vm
