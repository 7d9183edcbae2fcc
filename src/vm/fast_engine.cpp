#include "vm/fast_engine.hpp"

#include <atomic>
#include <cstring>

#include "vm/alu.hpp"
#include "vm/interpreter.hpp"
#include "vm/rv_fields.hpp"

namespace fpvm::vm {
namespace {

/// Decoded operations. opUndecoded slots are decoded on first execution; opSlow slots run on the
/// reference interpreter (ECALL, atomics, and every encoding that may revert).
enum Op : uint8_t {
  opUndecoded = 0, opSlow, opNop, opCsr,
  opLui, opAuipc, opJal, opJalr,
  opBeq, opBne, opBlt, opBge, opBltu, opBgeu,
  opLb, opLh, opLw, opLd, opLbu, opLhu, opLwu,
  opSb, opSh, opSw, opSd,
  opAddi, opSlti, opSltiu, opXori, opOri, opAndi, opSlli, opSrli, opSrai,
  opAddiw, opSlliw, opSrliw, opSraiw,
  opAdd, opSub, opSll, opSlt, opSltu, opXor, opSrl, opSra, opOr, opAnd,
  opMul, opMulh, opMulhsu, opMulhu, opDiv, opDivu, opRem, opRemu,
  opAddw, opSubw, opSllw, opSrlw, opSraw, opMulw, opDivw, opDivuw, opRemw, opRemuw,
  opPageEnd,  ///< sentinel after the last slot of a page
};

/// One decoded instruction. rd 0 is mapped to the sink register 32 so writes need no check.
struct Slot {
  uint8_t op = opUndecoded;
  uint8_t rd = 32, rs1 = 0, rs2 = 0;
  int32_t imm = 0;
};
static_assert(sizeof(Slot) == 8);

constexpr unsigned kSlotsPerPage = merkle::kPageSize / 4;
constexpr unsigned kSinkRegister = 32;
/// Steps per chunk: the cancel flag is polled at chunk starts, and the last steps of a chunk run
/// in checked mode, so chunks are long.
constexpr uint64_t kChunkSteps = uint64_t(1) << 20;

alignas(64) const uint8_t kZeroPage[merkle::kPageSize] = {};

Slot decode(uint32_t in, uint64_t pc) {
  using namespace rv;
  Slot s;
  const uint32_t f3 = funct3(in), f7 = funct7(in);
  s.rd = rd(in) == 0 ? kSinkRegister : static_cast<uint8_t>(rd(in));
  s.rs1 = static_cast<uint8_t>(rs1(in));
  s.rs2 = static_cast<uint8_t>(rs2(in));
  auto op = [&](Op o, uint64_t imm = 0) {
    s.op = o;
    s.imm = static_cast<int32_t>(imm);
    return s;
  };
  switch (opcode(in)) {
    case kLui: return op(opLui, immU(in));
    case kAuipc: return op(opAuipc, immU(in));
    case kJal: return ((pc + immJ(in)) & 3) ? op(opSlow) : op(opJal, immJ(in));
    case kJalr: return op(opJalr, immI(in));
    case kBranch: {
      if (((pc + immB(in)) & 3) != 0) return op(opSlow);
      static constexpr Op kBranchOps[8] = {opBeq, opBne, opNop, opNop, opBlt, opBge, opBltu, opBgeu};
      return op(kBranchOps[f3], immB(in));
    }
    case kLoad: {
      static constexpr Op kLoads[8] = {opLb, opLh, opLw, opLd, opLbu, opLhu, opLwu, opSlow};
      return op(kLoads[f3], immI(in));
    }
    case kStore: {
      static constexpr Op kStores[8] = {opSb, opSh, opSw, opSd, opSlow, opSlow, opSlow, opSlow};
      return op(kStores[f3], immS(in));
    }
    case kOpImm: {
      const uint64_t imm = immI(in);
      switch (f3) {
        case 0: return op(opAddi, imm);
        case 1: return op(opSlli, imm & 63);
        case 2: return op(opSlti, imm);
        case 3: return op(opSltiu, imm);
        case 4: return op(opXori, imm);
        case 5:
          if ((imm >> 6) == 0) return op(opSrli, imm & 63);
          if ((imm >> 6) == 0x10) return op(opSrai, imm & 63);
          return op(opSlow);
        case 6: return op(opOri, imm);
        default: return op(opAndi, imm);
      }
    }
    case kOpImm32: {
      const uint64_t imm = immI(in);
      if (f3 == 0) return op(opAddiw, imm);
      if (f3 == 1) return (imm & 0x20) ? op(opSlow) : op(opSlliw, imm & 31);
      if (f3 == 5 && !(imm & 0x20)) {
        if ((imm >> 5) == 0) return op(opSrliw, imm & 31);
        if ((imm >> 5) == 0x20) return op(opSraiw, imm & 31);
      }
      return op(opSlow);
    }
    case kOp: {
      if (f7 == 1) {
        static constexpr Op kM[8] = {opMul, opMulh, opMulhsu, opMulhu, opDiv, opDivu, opRem, opRemu};
        return op(kM[f3]);
      }
      switch (f3) {
        case 0: return f7 == 0 ? op(opAdd) : f7 == 0x20 ? op(opSub) : op(opSlow);
        case 1: return op(opSll);
        case 2: return op(opSlt);
        case 3: return op(opSltu);
        case 4: return op(opXor);
        case 5: return f7 == 0 ? op(opSrl) : f7 == 0x20 ? op(opSra) : op(opSlow);
        case 6: return op(opOr);
        default: return op(opAnd);
      }
    }
    case kOp32: {
      if (f7 == 1) {
        static constexpr Op kM32[8] = {opMulw, opSlow, opSlow, opSlow, opDivw, opDivuw, opRemw, opRemuw};
        return op(kM32[f3]);
      }
      switch (f3) {
        case 0: return f7 == 0 ? op(opAddw) : f7 == 0x20 ? op(opSubw) : op(opSlow);
        case 1: return op(opSllw);
        case 5: return f7 == 0 ? op(opSrlw) : f7 == 0x20 ? op(opSraw) : op(opSlow);
        default: return op(opSlow);
      }
    }
    case kSystem:
      if (f3 != 0) return op(opCsr);
      return (in >> 20) == 0 ? op(opSlow) : op(opNop);
    case kMiscMem:
    case kLoadFp:
    case kStoreFp:
    case kOpFp:
      return op(opNop);
    default:
      return op(opSlow);  // atomics, unknown opcodes (the reference interpreter reverts)
  }
}

}  // namespace

struct FastEngine::DecodedPage {
  /// One slot per instruction plus a sentinel that continues on the next page.
  Slot slots[kSlotsPerPage + 1];
  DecodedPage() { slots[kSlotsPerPage].op = opPageEnd; }
};

FastEngine::FastEngine(VmState& state, HostContext& host, Bookkeeping bookkeeping)
    : s_(state), host_(host), bookkeeping_(bookkeeping) {}
FastEngine::~FastEngine() = default;

void FastEngine::invalidateCaches() {
  code_.clear();
  for (auto& e : codeTlb_) e = CodeTlbEntry{};
  for (auto& e : readTlb_) e = TlbEntry{};
  flushWriteTlb();
}

void FastEngine::flushWriteTlb() {
  for (auto& e : writeTlb_) e = TlbEntry{};
}

FastEngine::DecodedPage* FastEngine::codePage(uint64_t pageIndex) {
  CodeTlbEntry& c = codeTlb_[pageIndex % kTlbSize];
  if (c.page == pageIndex) return c.decoded;
  auto it = code_.find(pageIndex);
  if (it != code_.end()) {
    c = CodeTlbEntry{pageIndex, it->second.get()};
    return it->second.get();
  }
  // Pages holding decoded code never sit in the write TLB: their stores take the slow path,
  // which drops the decoded slots they overwrite.
  TlbEntry& w = writeTlb_[pageIndex % kTlbSize];
  if (w.page == pageIndex) w = TlbEntry{};
  auto page = std::make_unique<DecodedPage>();
  DecodedPage* raw = page.get();
  code_.emplace(pageIndex, std::move(page));
  c = CodeTlbEntry{pageIndex, raw};
  return raw;
}

void FastEngine::noteCodeWrite(uint64_t addr, unsigned size) {
  for (uint64_t a = addr & ~uint64_t(3); a < addr + size || (addr + size < addr && a >= addr); a += 4) {
    auto it = code_.find(a >> merkle::kPageBits);
    if (it != code_.end()) it->second->slots[(a & (merkle::kPageSize - 1)) >> 2] = Slot{};
    if (a + 4 < a) break;  // wrapped
  }
}

uint64_t FastEngine::loadSlow(uint64_t addr, unsigned size) {
  const uint64_t idx = addr >> merkle::kPageBits;
  const unsigned off = addr & (merkle::kPageSize - 1);
  if (off + size > merkle::kPageSize) return s_.memory.load(addr, size);
  const merkle::Page* p = s_.memory.findPage(idx);
  const uint8_t* data = p ? p->data : kZeroPage;
  readTlb_[idx % kTlbSize] = TlbEntry{idx, const_cast<uint8_t*>(data)};
  return getLE(data + off, size);
}

void FastEngine::storeSlow(uint64_t addr, unsigned size, uint64_t value) {
  const uint64_t idx = addr >> merkle::kPageBits;
  const unsigned off = addr & (merkle::kPageSize - 1);
  if (off + size > merkle::kPageSize) {
    s_.memory.store(addr, size, value);  // page-crossing: the memory marks both pages
    // A zero page cached for reads may just have been allocated.
    readTlb_[idx % kTlbSize] = TlbEntry{};
    readTlb_[(idx + 1) % kTlbSize] = TlbEntry{};
    noteCodeWrite(addr, size);
    return;
  }
  merkle::Page* page = nullptr;
  uint8_t* data;
  if (bookkeeping_ == Bookkeeping::LeafPairs) {
    page = &s_.memory.allocatePage(idx);
    data = page->data;
    s_.memory.noteDirectWrite(*page, idx, off, size);
  } else {
    data = s_.memory.pageForDirectWrite(idx);
  }
  putLE(data + off, value, size);
  readTlb_[idx % kTlbSize] = TlbEntry{idx, data};
  if (code_.count(idx)) {
    noteCodeWrite(addr, size);
  } else {
    writeTlb_[idx % kTlbSize] = TlbEntry{idx, data};
    writePages_[idx % kTlbSize] = page;
  }
}

RevertCode FastEngine::slowStep(uint64_t* regs, uint64_t& pc) {
  for (int i = 1; i < 32; ++i) s_.registers[i] = regs[i];
  s_.pc = pc;
  const uint64_t a1 = s_.registers[11];
  const uint32_t instr = static_cast<uint32_t>(s_.memory.load(pc, 4));
  NoTracker tracker;
  Interpreter<NoTracker> interp(s_, host_, tracker);
  RevertCode rc = interp.step();
  lastSyscall_ = interp.lastSyscall();
  if (rc == kOk) {
    // Memory the reference interpreter may have written: an atomic's address or a syscall
    // buffer. Drop decoded code there and cached pointers to pages it may have allocated.
    uint64_t written = ~uint64_t(0);
    unsigned len = 0;
    if (rv::opcode(instr) == rv::kAmo) {
      written = regs[rv::rs1(instr)];
      len = 8;
    } else if (rv::opcode(instr) == rv::kSystem) {
      written = a1;
      len = 32;
    }
    if (len) {
      noteCodeWrite(written, len);
      for (uint64_t p : {written >> merkle::kPageBits, (written + len - 1) >> merkle::kPageBits}) {
        readTlb_[p % kTlbSize] = TlbEntry{};
        writeTlb_[p % kTlbSize] = TlbEntry{};
      }
    }
  }
  for (int i = 1; i < 32; ++i) regs[i] = s_.registers[i];
  pc = s_.pc;
  return rc;
}

// The hot loop uses GCC's labels-as-values for threaded dispatch.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"

FastStop FastEngine::run(uint64_t maxSteps, const std::atomic<bool>* cancel) {
  return bookkeeping_ == Bookkeeping::LeafPairs ? runThreaded<Bookkeeping::LeafPairs>(maxSteps, cancel)
                                                : runThreaded<Bookkeeping::Pages>(maxSteps, cancel);
}

template <Bookkeeping kBookkeeping>
FastStop FastEngine::runThreaded(uint64_t maxSteps, const std::atomic<bool>* cancel) {
  // Anything may have hashed memory since the last run (clearing dirty marks): re-mark pages
  // on their first write by refilling the write TLB.
  flushWriteTlb();
  if (s_.exited) return FastStop::Exited;
  uint64_t x[33];
  for (int i = 0; i < 32; ++i) x[i] = s_.registers[i];
  x[0] = 0;
  x[32] = 0;
  uint64_t pc = s_.pc;
  uint64_t step = s_.step;
  const uint64_t end = maxSteps > ~uint64_t(0) - step ? ~uint64_t(0) : step + maxSteps;
  FastStop stop = FastStop::StepLimit;

  // The current code page and the slot of pc in it. pc is implicit while in the loop:
  // pc = pageBase + 4 * (slot - page->slots). Slot index kSlotsPerPage is a sentinel that
  // moves to the next page.
  DecodedPage* page = nullptr;
  uint64_t pageBase = 0;
  Slot* slot = nullptr;
  // Step accounting per straight-line run: `budget` counts the chunk's steps not yet accounted;
  // instructions from runStart up to (not including) slot have run but are not yet subtracted.
  // Straight-line handlers never look at the budget: a run starting k slots into a page can hold
  // at most kSlotsPerPage - k instructions before a control transfer, a slow op or the page-end
  // sentinel settles it, so runs start in "fast" mode only when the budget covers that.
  // Otherwise (the last steps of a chunk) every instruction goes through L_check first.
  uint64_t budget = 0;
  uint64_t chunkEnd = 0;  // step number at which the current chunk ends
  Slot* runStart = nullptr;

  static void* const kLabels[] = {
      &&L_undecoded, &&L_slow, &&L_nop, &&L_csr, &&L_lui, &&L_auipc, &&L_jal, &&L_jalr,
      &&L_beq, &&L_bne, &&L_blt, &&L_bge, &&L_bltu, &&L_bgeu,
      &&L_lb, &&L_lh, &&L_lw, &&L_ld, &&L_lbu, &&L_lhu, &&L_lwu,
      &&L_sb, &&L_sh, &&L_sw, &&L_sd,
      &&L_addi, &&L_slti, &&L_sltiu, &&L_xori, &&L_ori, &&L_andi, &&L_slli, &&L_srli, &&L_srai,
      &&L_addiw, &&L_slliw, &&L_srliw, &&L_sraiw,
      &&L_add, &&L_sub, &&L_sll, &&L_slt, &&L_sltu, &&L_xor, &&L_srl, &&L_sra, &&L_or, &&L_and,
      &&L_mul, &&L_mulh, &&L_mulhsu, &&L_mulhu, &&L_div, &&L_divu, &&L_rem, &&L_remu,
      &&L_addw, &&L_subw, &&L_sllw, &&L_srlw, &&L_sraw, &&L_mulw, &&L_divw, &&L_divuw, &&L_remw, &&L_remuw,
      &&L_page_end,
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == opRemuw + 2);
  static void* const kChecked[] = {
#define C4 &&L_check, &&L_check, &&L_check, &&L_check
      C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, C4, &&L_check, &&L_check, &&L_check,
#undef C4
  };
  static_assert(sizeof(kChecked) == sizeof(kLabels));
  void* const* table = kLabels;

#define PC_OF(s) (pageBase + (uint64_t((s) - page->slots) << 2))
#define RD x[d.rd]
#define A x[d.rs1]
#define B x[d.rs2]
#define IMM (static_cast<uint64_t>(static_cast<int64_t>(d.imm)))
// Steps already run in the current run (may be -1 in checked mode: L_check pays in advance).
#define RUN_DONE() (static_cast<int64_t>(slot - runStart))
#define DISPATCH() goto* table[slot->op]
#define ADVANCE() \
  do {            \
    ++slot;       \
    DISPATCH();   \
  } while (0)
// A control transfer settles its run (itself included), then continues at `target`.
#define JUMP(target)                                                            \
  do {                                                                          \
    budget -= static_cast<uint64_t>(RUN_DONE() + 1);                            \
    const uint64_t t_ = (target);                                               \
    if ((t_ & ~uint64_t(merkle::kPageSize - 1)) == pageBase) [[likely]] {       \
      slot = &page->slots[(t_ & (merkle::kPageSize - 1)) >> 2];                 \
      goto L_run;                                                               \
    }                                                                           \
    pc = t_;                                                                    \
    step = chunkEnd - budget;                                                   \
    goto L_enter;                                                               \
  } while (0)
#define LOAD(addr, size, out)                                                   \
  do {                                                                          \
    const uint64_t a_ = (addr);                                                 \
    const uint64_t i_ = a_ >> merkle::kPageBits;                                \
    const unsigned o_ = a_ & (merkle::kPageSize - 1);                           \
    const TlbEntry& e_ = readTlb_[i_ % kTlbSize];                               \
    if (e_.page == i_ && o_ + (size) <= merkle::kPageSize) [[likely]] {         \
      uint64_t v_ = 0;                                                          \
      std::memcpy(&v_, e_.data + o_, (size));                                   \
      (out) = v_;                                                               \
    } else {                                                                    \
      (out) = loadSlow(a_, (size));                                             \
    }                                                                           \
  } while (0)
#define STORE(addr, size, value)                                                \
  do {                                                                          \
    const uint64_t a_ = (addr);                                                 \
    const uint64_t i_ = a_ >> merkle::kPageBits;                                \
    const unsigned o_ = a_ & (merkle::kPageSize - 1);                           \
    const TlbEntry& e_ = writeTlb_[i_ % kTlbSize];                              \
    const uint64_t v_ = (value);                                                \
    if (e_.page == i_ && o_ + (size) <= merkle::kPageSize) [[likely]] {         \
      std::memcpy(e_.data + o_, &v_, (size));                                   \
      if constexpr (kBookkeeping == Bookkeeping::LeafPairs)                     \
        s_.memory.noteDirectWrite(*writePages_[i_ % kTlbSize], i_, o_, (size)); \
    } else {                                                                    \
      storeSlow(a_, (size), v_); /* may reset decoded slots; pages stay put */  \
    }                                                                           \
  } while (0)

  // Enter (or re-enter) the loop at `pc`: start a chunk, look up the code page.
L_enter:
  if (step >= end) goto L_done;
  if (cancel && (step & (kChunkSteps - 1)) == 0 && cancel->load(std::memory_order_relaxed)) {
    stop = FastStop::Cancelled;
    goto L_done;
  }
  budget = std::min<uint64_t>(end - step, kChunkSteps - (step & (kChunkSteps - 1)));
  chunkEnd = step + budget;
  if (pc & 3) goto L_slow_at_pc;  // only an initial or reverting pc can be misaligned
  pageBase = pc & ~uint64_t(merkle::kPageSize - 1);
  page = codePage(pc >> merkle::kPageBits);
  slot = &page->slots[(pc & (merkle::kPageSize - 1)) >> 2];
  // fall through

L_run:
  // Start a straight-line run at `slot`; everything before it is accounted.
  if (budget == 0) {
    pc = PC_OF(slot);
    step = chunkEnd;
    goto L_enter;
  }
  runStart = slot;
  table = budget >= uint64_t(kSlotsPerPage - (slot - page->slots)) ? kLabels : kChecked;
  DISPATCH();

L_check:
  // Checked mode: pay for the instruction at `slot` before running it.
  if (budget == 0) {
    pc = PC_OF(slot);
    step = chunkEnd;
    goto L_enter;
  }
  --budget;
  runStart = slot + 1;
  goto* kLabels[slot->op];

L_page_end:
  // The sentinel is not an instruction: account the run and continue on the next page.
  step = chunkEnd - budget + RUN_DONE();
  pc = pageBase + merkle::kPageSize;
  goto L_enter;

L_undecoded: {
  const uint64_t at = PC_OF(slot);
  *slot = decode(static_cast<uint32_t>(s_.memory.load(at, 4)), at);
  goto* kLabels[slot->op];
}

L_slow:
  pc = PC_OF(slot);
  step = chunkEnd - budget + RUN_DONE();  // steps run before this one
L_slow_at_pc: {
  s_.step = step;
  RevertCode rc = slowStep(x, pc);
  step = s_.step;
  page = nullptr;  // the step may have changed decoded code
  if (rc != kOk) {
    revert_ = rc;
    stop = FastStop::Reverted;
    goto L_done;
  }
  if (s_.exited) {
    stop = FastStop::Exited;
    goto L_done;
  }
  goto L_enter;
}

L_nop: { ADVANCE(); }
L_csr: { const Slot& d = *slot; RD = 0; ADVANCE(); }
L_lui: { const Slot& d = *slot; RD = IMM; ADVANCE(); }
L_auipc: { const Slot& d = *slot; RD = PC_OF(slot) + IMM; ADVANCE(); }
L_jal: { const Slot& d = *slot; const uint64_t here = PC_OF(slot); RD = here + 4; JUMP(here + IMM); }
L_jalr: {
  const Slot& d = *slot;
  const uint64_t t = (A + IMM) & ~uint64_t(1);
  if (t & 3) [[unlikely]] goto L_slow;  // misaligned target: the reference interpreter reverts
  RD = PC_OF(slot) + 4;
  JUMP(t);
}
#define BRANCH(cond)                                  \
  {                                                   \
    const Slot& d = *slot;                            \
    if (cond) JUMP(PC_OF(slot) + IMM);                \
    budget -= static_cast<uint64_t>(RUN_DONE() + 1);  \
    ++slot;                                           \
    goto L_run;                                       \
  }
L_beq: BRANCH(A == B)
L_bne: BRANCH(A != B)
L_blt: BRANCH(int64_t(A) < int64_t(B))
L_bge: BRANCH(int64_t(A) >= int64_t(B))
L_bltu: BRANCH(A < B)
L_bgeu: BRANCH(A >= B)
#undef BRANCH
#define LOADOP(size, expr)                        \
  {                                               \
    const Slot& d = *slot;                        \
    uint64_t v;                                   \
    LOAD(A + IMM, size, v);                       \
    RD = (expr);                                  \
    ADVANCE();                                    \
  }
L_lb: LOADOP(1, rv::sx(v, 8))
L_lh: LOADOP(2, rv::sx(v, 16))
L_lw: LOADOP(4, rv::sx(v, 32))
L_ld: LOADOP(8, v)
L_lbu: LOADOP(1, v)
L_lhu: LOADOP(2, v)
L_lwu: LOADOP(4, v)
#undef LOADOP
#define STOREOP(size)                             \
  {                                               \
    const Slot d = *slot;                         \
    const Slot* here = slot;                      \
    STORE(A + IMM, size, B);                      \
    slot = const_cast<Slot*>(here);               \
    ADVANCE();                                    \
  }
L_sb: STOREOP(1)
L_sh: STOREOP(2)
L_sw: STOREOP(4)
L_sd: STOREOP(8)
#undef STOREOP
#define ALU(expr)              \
  {                            \
    const Slot& d = *slot;     \
    RD = (expr);               \
    ADVANCE();                 \
  }
L_addi: ALU(A + IMM)
L_slti: ALU(uint64_t(int64_t(A) < int64_t(IMM)))
L_sltiu: ALU(uint64_t(A < IMM))
L_xori: ALU(A ^ IMM)
L_ori: ALU(A | IMM)
L_andi: ALU(A & IMM)
L_slli: ALU(A << IMM)
L_srli: ALU(A >> IMM)
L_srai: ALU(alu::sra(A, unsigned(IMM)))
L_addiw: ALU(rv::sx(A + IMM, 32))
L_slliw: ALU(alu::sllw(A, unsigned(IMM)))
L_srliw: ALU(alu::srlw(A, unsigned(IMM)))
L_sraiw: ALU(alu::sraw(A, unsigned(IMM)))
L_add: ALU(A + B)
L_sub: ALU(A - B)
L_sll: ALU(A << (B & 63))
L_slt: ALU(uint64_t(int64_t(A) < int64_t(B)))
L_sltu: ALU(uint64_t(A < B))
L_xor: ALU(A ^ B)
L_srl: ALU(A >> (B & 63))
L_sra: ALU(alu::sra(A, unsigned(B & 63)))
L_or: ALU(A | B)
L_and: ALU(A & B)
L_mul: ALU(A * B)
L_mulh: ALU(alu::mulh(A, B))
L_mulhsu: ALU(alu::mulhsu(A, B))
L_mulhu: ALU(alu::mulhu(A, B))
L_div: ALU(alu::div(A, B))
L_divu: ALU(alu::divu(A, B))
L_rem: ALU(alu::rem(A, B))
L_remu: ALU(alu::remu(A, B))
L_addw: ALU(rv::sx(A + rv::zx32(B), 32))
L_subw: ALU(rv::sx(A - rv::zx32(B), 32))
L_sllw: ALU(alu::sllw(A, unsigned(B & 31)))
L_srlw: ALU(alu::srlw(A, unsigned(B & 31)))
L_sraw: ALU(alu::sraw(A, unsigned(B & 31)))
L_mulw: ALU(alu::mulw(A, B))
L_divw: ALU(alu::divw(A, B))
L_divuw: ALU(alu::divuw(A, B))
L_remw: ALU(alu::remw(A, B))
L_remuw: ALU(alu::remuw(A, B))
#undef ALU

L_done:
#undef PC_OF
#undef RD
#undef A
#undef B
#undef IMM
#undef RUN_DONE
#undef DISPATCH
#undef ADVANCE
#undef JUMP
#undef LOAD
#undef STORE
  if (stop != FastStop::Reverted && stop != FastStop::Exited) {
    for (int i = 1; i < 32; ++i) s_.registers[i] = x[i];
    s_.pc = pc;
    s_.step = step;
  }
  if (s_.exited) stop = FastStop::Exited;
  return stop;
}

#pragma GCC diagnostic pop

}  // namespace fpvm::vm
