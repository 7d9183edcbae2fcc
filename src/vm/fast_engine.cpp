#include "vm/fast_engine.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "vm/alu.hpp"
#include "vm/decoded_slot.hpp"
#include "vm/interpreter.hpp"
#include "vm/rv_fields.hpp"

namespace fpvm::vm {
namespace {

constexpr unsigned kSlotsPerPage = merkle::kPageSize / 4;
/// Steps per chunk: the cancel flag is polled at chunk starts, and the last steps of a chunk run
/// in checked mode, so chunks are long.
constexpr uint64_t kChunkSteps = uint64_t(1) << 20;

/// Shortest straight-line run worth a native block when it does not end in a control transfer
/// (entering native code from the interpreter costs about as much as interpreting two
/// instructions). A run that ends in a branch, jal or jalr is compiled whatever its length: its
/// block chains to the next one.
constexpr unsigned kMinNativeBlock = 3;
/// Longest native block (bounds the code one compile writes).
constexpr unsigned kMaxNativeBlock = 256;

alignas(64) const uint8_t kZeroPage[merkle::kPageSize] = {};

}  // namespace

struct FastEngine::DecodedPage {
  /// One slot per instruction plus a sentinel that continues on the next page.
  Slot slots[kSlotsPerPage + 1];
  /// A native block on this page: its first slot (the opNative head, imm = code offset), its
  /// last slot, and the link sites of other blocks that jump straight to it.
  struct NativeBlock {
    uint16_t first, last;
    std::vector<uint64_t> incoming;
  };
  std::vector<NativeBlock> nativeBlocks;
  DecodedPage() { slots[kSlotsPerPage].op = opPageEnd; }
};

FastEngine::FastEngine(VmState& state, HostContext& host, Bookkeeping bookkeeping, bool nativeTier, size_t nativeCodeBytes)
    : s_(state), host_(host), bookkeeping_(bookkeeping) {
  if (nativeTier) {
    native_ = std::make_unique<NativeCode>(nativeCodeBytes, bookkeeping == Bookkeeping::LeafPairs);
    if (!native_->enabled()) native_.reset();
  }
}
FastEngine::~FastEngine() = default;

void FastEngine::resetNativeCode() {
  code_.clear();
  for (auto& e : codeTlb_) e = CodeTlbEntry{};
  if (native_) native_->reset();
}

void FastEngine::tryCompileNative(DecodedPage& page, unsigned index, uint64_t pc) {
  // Decode the run from memory without touching the slots after the head: a later jump into the
  // middle of this run finds them undecoded and may start a block of its own there.
  Slot run[kMaxNativeBlock];
  unsigned n = 0;
  bool terminated = false;
  while (n < kMaxNativeBlock && index + n < kSlotsPerPage) {
    const uint64_t at = pc + 4 * uint64_t(n);
    const Slot d = n == 0 ? page.slots[index] : decode(static_cast<uint32_t>(s_.memory.load(at, 4)), at);
    if (nativeOp(d.op)) {
      run[n++] = d;
      continue;
    }
    // A branch, jal or jalr ends the block inside it (decode() sent misaligned branch and jal
    // targets to opSlow already).
    if (nativeTerminatorOp(d.op)) {
      run[n++] = d;
      terminated = true;
    }
    break;
  }
  if (n == 0 || (!terminated && n < kMinNativeBlock)) return;
  const int32_t offset = native_->compile(run, n, pc);
  if (offset < 0) return;  // full: resetNativeCode() at the next chunk start
  page.nativeBlocks.push_back({static_cast<uint16_t>(index), static_cast<uint16_t>(index + n - 1), {}});
  ++nativeBlocksCompiled_;
  page.slots[index].op = opNative;
  page.slots[index].imm = offset;
}

void FastEngine::nativeMemoryStep(uint64_t* regs, uint64_t pc) {
  const Slot d = decode(static_cast<uint32_t>(s_.memory.load(pc, 4)), pc);
  const uint64_t addr = regs[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
  switch (d.op) {
    case opLb: regs[d.rd] = rv::sx(loadSlow(addr, 1), 8); break;
    case opLh: regs[d.rd] = rv::sx(loadSlow(addr, 2), 16); break;
    case opLw: regs[d.rd] = rv::sx(loadSlow(addr, 4), 32); break;
    case opLd: regs[d.rd] = loadSlow(addr, 8); break;
    case opLbu: regs[d.rd] = loadSlow(addr, 1); break;
    case opLhu: regs[d.rd] = loadSlow(addr, 2); break;
    case opLwu: regs[d.rd] = loadSlow(addr, 4); break;
    case opSb: storeSlow(addr, 1, regs[d.rs2]); break;
    case opSh: storeSlow(addr, 2, regs[d.rs2]); break;
    case opSw: storeSlow(addr, 4, regs[d.rs2]); break;
    case opSd: storeSlow(addr, 8, regs[d.rs2]); break;
    default: std::abort();  // native code leaves to the engine only at loads and stores
  }
}

void FastEngine::linkNativeExit(const NativeExit& exit) {
  if (exit.pc & 3) return;
  DecodedPage* page = codePage(exit.pc >> merkle::kPageBits);
  const unsigned index = (exit.pc & (merkle::kPageSize - 1)) >> 2;
  const Slot& target = page->slots[index];
  if (target.op != opNative) return;  // not translated (yet): the next exit through here tries again
  if (exit.reason == kNativeExitIndirect) {
    native_->rememberIndirect(exit.pc, target.imm);
    ++nativeIndirectEntries_;
    return;
  }
  for (DecodedPage::NativeBlock& b : page->nativeBlocks) {
    if (b.first == index) {
      native_->link(exit.reason, target.imm);
      b.incoming.push_back(exit.reason);
      ++nativeLinks_;
      return;
    }
  }
}

void FastEngine::invalidateCaches() {
  code_.clear();
  if (native_) native_->reset();
  for (auto& e : codeTlb_) e = CodeTlbEntry{};
  for (auto& e : context_.tlbs.read) e = TlbEntry{};
  flushWriteTlb();
}

void FastEngine::flushWriteTlb() {
  if (writeTlbFills_ > kTlbSize) {
    for (auto& e : context_.tlbs.write) e = TlbEntry{};
  } else {
    for (unsigned i = 0; i < writeTlbFills_; ++i) context_.tlbs.write[writeTlbFilled_[i]] = TlbEntry{};
  }
  writeTlbFills_ = 0;
}

void FastEngine::fillWriteTlb(uint64_t pageIndex, uint8_t* data) {
  const auto i = static_cast<uint16_t>(pageIndex % kTlbSize);
  context_.tlbs.write[i] = TlbEntry::of(pageIndex, data);
  if (writeTlbFills_ < kTlbSize) writeTlbFilled_[writeTlbFills_] = i;
  ++writeTlbFills_;  // past kTlbSize: the next flush clears them all
}

FastEngine::DecodedPage* FastEngine::codePage(uint64_t pageIndex) {
  CodeTlbEntry& c = codeTlb_[pageIndex % kCodeTlbSize];
  if (c.page == pageIndex) return c.decoded;
  auto it = code_.find(pageIndex);
  if (it != code_.end()) {
    c = CodeTlbEntry{pageIndex, it->second.get()};
    return it->second.get();
  }
  // Pages holding decoded code never sit in the write TLB: their stores take the slow path,
  // which drops the decoded slots they overwrite.
  TlbEntry& w = context_.tlbs.write[pageIndex % kTlbSize];
  if (w.holds(pageIndex)) w = TlbEntry{};
  auto page = std::make_unique<DecodedPage>();
  DecodedPage* raw = page.get();
  code_.emplace(pageIndex, std::move(page));
  c = CodeTlbEntry{pageIndex, raw};
  return raw;
}

void FastEngine::noteCodeWrite(uint64_t addr, unsigned size) {
  for (uint64_t a = addr & ~uint64_t(3); a < addr + size || (addr + size < addr && a >= addr); a += 4) {
    auto it = code_.find(a >> merkle::kPageBits);
    if (it != code_.end()) {
      DecodedPage& page = *it->second;
      const unsigned index = (a & (merkle::kPageSize - 1)) >> 2;
      page.slots[index] = Slot{};
      // A native block covering the word is stale: drop it (its head goes back to undecoded,
      // the blocks that jump to it and the jalr lookups take their exits again).
      auto& blocks = page.nativeBlocks;
      for (size_t b = 0; b < blocks.size();) {
        if (blocks[b].first <= index && index <= blocks[b].last) {
          for (const uint64_t site : blocks[b].incoming) NativeCode::unlink(site);
          if (native_) native_->forgetIndirect();
          page.slots[blocks[b].first] = Slot{};
          blocks[b] = blocks.back();
          blocks.pop_back();
        } else {
          ++b;
        }
      }
    }
    if (a + 4 < a) break;  // wrapped
  }
}

uint64_t FastEngine::loadSlow(uint64_t addr, unsigned size) {
  const uint64_t idx = addr >> merkle::kPageBits;
  const unsigned off = addr & (merkle::kPageSize - 1);
  if (off + size > merkle::kPageSize) return s_.memory.load(addr, size);
  const merkle::Page* p = s_.memory.findPage(idx);
  const uint8_t* data = p ? p->data : kZeroPage;
  context_.tlbs.read[idx % kTlbSize] = TlbEntry::of(idx, data);
  return getLE(data + off, size);
}

void FastEngine::storeSlow(uint64_t addr, unsigned size, uint64_t value) {
  const uint64_t idx = addr >> merkle::kPageBits;
  const unsigned off = addr & (merkle::kPageSize - 1);
  if (off + size > merkle::kPageSize) {
    s_.memory.store(addr, size, value);  // page-crossing: the memory marks both pages
    // A zero page cached for reads may just have been allocated.
    context_.tlbs.read[idx % kTlbSize] = TlbEntry{};
    context_.tlbs.read[(idx + 1) % kTlbSize] = TlbEntry{};
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
  context_.tlbs.read[idx % kTlbSize] = TlbEntry::of(idx, data);
  if (code_.count(idx)) {
    noteCodeWrite(addr, size);
  } else {
    fillWriteTlb(idx, data);
    writePages_[idx % kTlbSize] = page;
  }
}

/// Tells the engine about the data leaves a delegated step touches (the reference interpreter
/// reports every access in proof-slot order; slot 0 is the instruction fetch, which writes
/// nothing).
struct FastEngine::DelegatedStepTracker {
  FastEngine& engine;
  void access(merkle::PagedMemory&, uint64_t leafAddr, unsigned slot) {
    if (slot != 0) engine.noteDelegatedAccess(leafAddr);
  }
};

void FastEngine::noteDelegatedAccess(uint64_t leafAddr) {
  const uint64_t page = leafAddr >> merkle::kPageBits;
  if (code_.count(page)) noteCodeWrite(leafAddr, 32);  // one lookup when the page holds no code
  context_.tlbs.read[page % kTlbSize] = TlbEntry{};
  context_.tlbs.write[page % kTlbSize] = TlbEntry{};
}

RevertCode FastEngine::slowStep(uint64_t* regs, uint64_t& pc) {
  for (int i = 1; i < 32; ++i) s_.registers[i] = regs[i];
  s_.pc = pc;
  DelegatedStepTracker tracker{*this};
  Interpreter<DelegatedStepTracker> interp(s_, host_, tracker);
  RevertCode rc = interp.step();
  lastSyscall_ = interp.lastSyscall();
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
  // A pair log notes every write: then compiled stores leave to the engine's slow path.
  if (kBookkeeping == Bookkeeping::LeafPairs && native_) native_->setStoresLeave(s_.memory.pairLog() != nullptr);
  uint64_t* const x = context_.regs;  // native code reads them (and the TLBs) from one pointer
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

  // One handler label per row of instruction_table.def, in the Op enum's order by construction
  // (a row without its L_<Name> handler fails to compile).
  // The dispatch tables, macros and one-line handlers below are laid out by hand (one handler per
  // line, aligned macro continuations): clang-format leaves them alone.
  // clang-format off
  static void* const kLabels[] = {
#define FPVM_INTERNAL(Name) &&L_##Name,
#define FPVM_INSTR(Name, ...) &&L_##Name,
#define FPVM_ALIAS(...)
#include "vm/instruction_table.def"
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == kOpCount);
  static void* const kChecked[] = {
#define FPVM_INTERNAL(Name) &&L_check,
#define FPVM_INSTR(Name, ...) &&L_check,
#define FPVM_ALIAS(...)
#include "vm/instruction_table.def"
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
    const TlbEntry& e_ = context_.tlbs.read[i_ % kTlbSize];                               \
    if (e_.holds(i_) && o_ + (size) <= merkle::kPageSize) [[likely]] {          \
      uint64_t v_ = 0;                                                          \
      std::memcpy(&v_, e_.host(a_), (size));                                    \
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
    const TlbEntry& e_ = context_.tlbs.write[i_ % kTlbSize];                              \
    const uint64_t v_ = (value);                                                \
    if (e_.holds(i_) && o_ + (size) <= merkle::kPageSize) [[likely]] {          \
      std::memcpy(e_.host(a_), &v_, (size));                                    \
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
  if (native_ && native_->full()) {
    resetNativeCode();
    ++nativeCodeFlushes_;
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
  if (slot->op == opNative) [[unlikely]] goto L_Slow;  // one step exactly: the reference interpreter
  goto* kLabels[slot->op];

L_PageEnd:
  // The sentinel is not an instruction: account the run and continue on the next page.
  step = chunkEnd - budget + RUN_DONE();
  pc = pageBase + merkle::kPageSize;
  goto L_enter;

L_Undecoded: {
  const uint64_t at = PC_OF(slot);
  *slot = decode(static_cast<uint32_t>(s_.memory.load(at, 4)), at);
  // A run starts here when the previous slot cannot be part of a block (or was never executed):
  // try to make this slot the head of a native block.
  if (native_ && (nativeOp(slot->op) || nativeTerminatorOp(slot->op))) {
    const unsigned index = static_cast<unsigned>(slot - page->slots);
    if (index == 0 || !nativeOp(slot[-1].op)) {
      tryCompileNative(*page, index, at);
      if (slot->op == opNative && table != kLabels) goto L_Slow;  // checked mode: one step
    }
  }
  goto* kLabels[slot->op];
}

L_Native: {
  // Native code runs from this block on, chained from block to block, until an exit; the
  // instructions before the head in the current run are accounted first, the native ones come
  // off the budget.
  budget -= static_cast<uint64_t>(RUN_DONE());
  nativeBudget_ = budget;
  const NativeExit exit = native_->run(slot->imm, &context_, &nativeBudget_);
  budget = nativeBudget_;
  pc = exit.pc;
  step = chunkEnd - budget;
  if (exit.reason == kNativeExitMemory) {
    nativeMemoryStep(x, pc);  // the block gave back the steps from pc on; L_enter recomputes the budget
    ++nativeMemoryExits_;
    ++step;
    pc += 4;
  } else if (exit.reason == kNativeExitReference) {
    goto L_slow_at_pc;
  } else if (exit.reason != kNativeExitNext) {
    linkNativeExit(exit);
  }
  goto L_enter;
}

L_Slow:
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

L_Nop: { ADVANCE(); }
L_Csr: { const Slot& d = *slot; RD = 0; ADVANCE(); }
L_Lui: { const Slot& d = *slot; RD = IMM; ADVANCE(); }
L_Auipc: { const Slot& d = *slot; RD = PC_OF(slot) + IMM; ADVANCE(); }
L_Jal: { const Slot& d = *slot; const uint64_t here = PC_OF(slot); RD = here + 4; JUMP(here + IMM); }
L_Jalr: {
  const Slot& d = *slot;
  const uint64_t t = (A + IMM) & ~uint64_t(1);
  if (t & 3) [[unlikely]] goto L_Slow;  // misaligned target: the reference interpreter reverts
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
L_Beq: BRANCH(A == B)
L_Bne: BRANCH(A != B)
L_Blt: BRANCH(int64_t(A) < int64_t(B))
L_Bge: BRANCH(int64_t(A) >= int64_t(B))
L_Bltu: BRANCH(A < B)
L_Bgeu: BRANCH(A >= B)
#undef BRANCH
#define LOADOP(size, expr)                        \
  {                                               \
    const Slot& d = *slot;                        \
    uint64_t v;                                   \
    LOAD(A + IMM, size, v);                       \
    RD = (expr);                                  \
    ADVANCE();                                    \
  }
L_Lb: LOADOP(1, rv::sx(v, 8))
L_Lh: LOADOP(2, rv::sx(v, 16))
L_Lw: LOADOP(4, rv::sx(v, 32))
L_Ld: LOADOP(8, v)
L_Lbu: LOADOP(1, v)
L_Lhu: LOADOP(2, v)
L_Lwu: LOADOP(4, v)
#undef LOADOP
#define STOREOP(size)                             \
  {                                               \
    const Slot d = *slot;                         \
    const Slot* here = slot;                      \
    STORE(A + IMM, size, B);                      \
    slot = const_cast<Slot*>(here);               \
    ADVANCE();                                    \
  }
L_Sb: STOREOP(1)
L_Sh: STOREOP(2)
L_Sw: STOREOP(4)
L_Sd: STOREOP(8)
#undef STOREOP
#define ALU(expr)              \
  {                            \
    const Slot& d = *slot;     \
    RD = (expr);               \
    ADVANCE();                 \
  }
L_Addi: ALU(A + IMM)
L_Slti: ALU(uint64_t(int64_t(A) < int64_t(IMM)))
L_Sltiu: ALU(uint64_t(A < IMM))
L_Xori: ALU(A ^ IMM)
L_Ori: ALU(A | IMM)
L_Andi: ALU(A & IMM)
L_Slli: ALU(A << IMM)
L_Srli: ALU(A >> IMM)
L_Srai: ALU(alu::sra(A, unsigned(IMM)))
L_Addiw: ALU(rv::sx(A + IMM, 32))
L_Slliw: ALU(alu::sllw(A, unsigned(IMM)))
L_Srliw: ALU(alu::srlw(A, unsigned(IMM)))
L_Sraiw: ALU(alu::sraw(A, unsigned(IMM)))
L_Add: ALU(A + B)
L_Sub: ALU(A - B)
L_Sll: ALU(A << (B & 63))
L_Slt: ALU(uint64_t(int64_t(A) < int64_t(B)))
L_Sltu: ALU(uint64_t(A < B))
L_Xor: ALU(A ^ B)
L_Srl: ALU(A >> (B & 63))
L_Sra: ALU(alu::sra(A, unsigned(B & 63)))
L_Or: ALU(A | B)
L_And: ALU(A & B)
L_Mul: ALU(A * B)
L_Mulh: ALU(alu::mulh(A, B))
L_Mulhsu: ALU(alu::mulhsu(A, B))
L_Mulhu: ALU(alu::mulhu(A, B))
L_Div: ALU(alu::div(A, B))
L_Divu: ALU(alu::divu(A, B))
L_Rem: ALU(alu::rem(A, B))
L_Remu: ALU(alu::remu(A, B))
L_Addw: ALU(rv::sx(A + rv::zx32(B), 32))
L_Subw: ALU(rv::sx(A - rv::zx32(B), 32))
L_Sllw: ALU(alu::sllw(A, unsigned(B & 31)))
L_Srlw: ALU(alu::srlw(A, unsigned(B & 31)))
L_Sraw: ALU(alu::sraw(A, unsigned(B & 31)))
L_Mulw: ALU(alu::mulw(A, B))
L_Divw: ALU(alu::divw(A, B))
L_Divuw: ALU(alu::divuw(A, B))
L_Remw: ALU(alu::remw(A, B))
L_Remuw: ALU(alu::remuw(A, B))
#undef ALU

  // clang-format on
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
