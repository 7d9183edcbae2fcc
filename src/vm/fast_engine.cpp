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
  Slot slots[kSlotsPerPage];
};

FastEngine::FastEngine(VmState& state, HostContext& host) : s_(state), host_(host) {}
FastEngine::~FastEngine() = default;

void FastEngine::invalidateCaches() {
  code_.clear();
  for (auto& e : readTlb_) e = TlbEntry{};
  flushWriteTlb();
}

void FastEngine::flushWriteTlb() {
  for (auto& e : writeTlb_) e = TlbEntry{};
}

FastEngine::DecodedPage* FastEngine::codePage(uint64_t pageIndex) {
  auto it = code_.find(pageIndex);
  if (it != code_.end()) return it->second.get();
  // Pages holding decoded code never sit in the write TLB: their stores take the slow path,
  // which drops the decoded slots they overwrite.
  TlbEntry& w = writeTlb_[pageIndex % kTlbSize];
  if (w.page == pageIndex) w = TlbEntry{};
  auto page = std::make_unique<DecodedPage>();
  DecodedPage* raw = page.get();
  code_.emplace(pageIndex, std::move(page));
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
  uint8_t* data = s_.memory.pageForDirectWrite(idx);
  putLE(data + off, value, size);
  readTlb_[idx % kTlbSize] = TlbEntry{idx, data};
  if (code_.count(idx)) {
    noteCodeWrite(addr, size);
  } else {
    writeTlb_[idx % kTlbSize] = TlbEntry{idx, data};
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

FastStop FastEngine::run(uint64_t maxSteps, const std::atomic<bool>* cancel) {
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
  uint64_t codeIndex = ~uint64_t(0);
  DecodedPage* code = nullptr;
  FastStop stop = FastStop::StepLimit;

#define FPVM_LOAD(addr, size, out)                                                      \
  do {                                                                                  \
    const uint64_t a_ = (addr);                                                         \
    const uint64_t i_ = a_ >> merkle::kPageBits;                                        \
    const unsigned o_ = a_ & (merkle::kPageSize - 1);                                   \
    const TlbEntry& e_ = readTlb_[i_ % kTlbSize];                                       \
    if (e_.page == i_ && o_ + (size) <= merkle::kPageSize) [[likely]] {                 \
      uint64_t v_ = 0;                                                                  \
      std::memcpy(&v_, e_.data + o_, (size));                                           \
      (out) = v_;                                                                       \
    } else {                                                                            \
      (out) = loadSlow(a_, (size));                                                     \
    }                                                                                   \
  } while (0)
#define FPVM_STORE(addr, size, value)                                                   \
  do {                                                                                  \
    const uint64_t a_ = (addr);                                                         \
    const uint64_t i_ = a_ >> merkle::kPageBits;                                        \
    const unsigned o_ = a_ & (merkle::kPageSize - 1);                                   \
    const TlbEntry& e_ = writeTlb_[i_ % kTlbSize];                                      \
    const uint64_t v_ = (value);                                                        \
    if (e_.page == i_ && o_ + (size) <= merkle::kPageSize) [[likely]] {                 \
      std::memcpy(e_.data + o_, &v_, (size));                                           \
    } else {                                                                            \
      storeSlow(a_, (size), v_);                                                        \
    }                                                                                   \
  } while (0)

  while (step < end) {
    const uint64_t chunkEnd = std::min(end, (step | 0xFFFF) + 1);
    while (step < chunkEnd) {
      if ((pc >> merkle::kPageBits) != codeIndex) [[unlikely]] {
        codeIndex = pc >> merkle::kPageBits;
        code = codePage(codeIndex);
      }
      Slot* slot = &code->slots[(pc & (merkle::kPageSize - 1)) >> 2];
      if ((pc & 3) != 0) [[unlikely]] {
        slot = nullptr;
      } else if (slot->op == opUndecoded) [[unlikely]] {
        *slot = decode(static_cast<uint32_t>(s_.memory.load(pc, 4)), pc);
      }
      if (!slot || slot->op == opSlow) [[unlikely]] {
        s_.step = step;
        RevertCode rc = slowStep(x, pc);
        step = s_.step;
        if (rc != kOk) {
          revert_ = rc;
          stop = FastStop::Reverted;
          goto done;
        }
        if (s_.exited) {
          stop = FastStop::Exited;
          goto done;
        }
        codeIndex = ~uint64_t(0);  // the step may have changed the code page map
        continue;
      }
      const Slot d = *slot;
      const uint64_t a = x[d.rs1], b = x[d.rs2];
      const uint64_t imm = static_cast<uint64_t>(static_cast<int64_t>(d.imm));
      ++step;
      switch (d.op) {
        case opNop: pc += 4; break;
        case opCsr: x[d.rd] = 0; pc += 4; break;
        case opLui: x[d.rd] = imm; pc += 4; break;
        case opAuipc: x[d.rd] = pc + imm; pc += 4; break;
        case opJal: x[d.rd] = pc + 4; pc += imm; break;
        case opJalr: {
          const uint64_t t = (a + imm) & ~uint64_t(1);
          if (t & 3) [[unlikely]] {  // misaligned target: let the reference interpreter revert
            --step;
            *slot = Slot{opSlow, d.rd, d.rs1, d.rs2, d.imm};
            continue;
          }
          x[d.rd] = pc + 4;
          pc = t;
          break;
        }
        case opBeq: pc += a == b ? imm : 4; break;
        case opBne: pc += a != b ? imm : 4; break;
        case opBlt: pc += int64_t(a) < int64_t(b) ? imm : 4; break;
        case opBge: pc += int64_t(a) >= int64_t(b) ? imm : 4; break;
        case opBltu: pc += a < b ? imm : 4; break;
        case opBgeu: pc += a >= b ? imm : 4; break;
        case opLb: { uint64_t v; FPVM_LOAD(a + imm, 1, v); x[d.rd] = rv::sx(v, 8); pc += 4; break; }
        case opLh: { uint64_t v; FPVM_LOAD(a + imm, 2, v); x[d.rd] = rv::sx(v, 16); pc += 4; break; }
        case opLw: { uint64_t v; FPVM_LOAD(a + imm, 4, v); x[d.rd] = rv::sx(v, 32); pc += 4; break; }
        case opLd: { uint64_t v; FPVM_LOAD(a + imm, 8, v); x[d.rd] = v; pc += 4; break; }
        case opLbu: { uint64_t v; FPVM_LOAD(a + imm, 1, v); x[d.rd] = v; pc += 4; break; }
        case opLhu: { uint64_t v; FPVM_LOAD(a + imm, 2, v); x[d.rd] = v; pc += 4; break; }
        case opLwu: { uint64_t v; FPVM_LOAD(a + imm, 4, v); x[d.rd] = v; pc += 4; break; }
        case opSb: FPVM_STORE(a + imm, 1, b); pc += 4; break;
        case opSh: FPVM_STORE(a + imm, 2, b); pc += 4; break;
        case opSw: FPVM_STORE(a + imm, 4, b); pc += 4; break;
        case opSd: FPVM_STORE(a + imm, 8, b); pc += 4; break;
        case opAddi: x[d.rd] = a + imm; pc += 4; break;
        case opSlti: x[d.rd] = int64_t(a) < int64_t(imm); pc += 4; break;
        case opSltiu: x[d.rd] = a < imm; pc += 4; break;
        case opXori: x[d.rd] = a ^ imm; pc += 4; break;
        case opOri: x[d.rd] = a | imm; pc += 4; break;
        case opAndi: x[d.rd] = a & imm; pc += 4; break;
        case opSlli: x[d.rd] = a << imm; pc += 4; break;
        case opSrli: x[d.rd] = a >> imm; pc += 4; break;
        case opSrai: x[d.rd] = alu::sra(a, unsigned(imm)); pc += 4; break;
        case opAddiw: x[d.rd] = rv::sx(a + imm, 32); pc += 4; break;
        case opSlliw: x[d.rd] = alu::sllw(a, unsigned(imm)); pc += 4; break;
        case opSrliw: x[d.rd] = alu::srlw(a, unsigned(imm)); pc += 4; break;
        case opSraiw: x[d.rd] = alu::sraw(a, unsigned(imm)); pc += 4; break;
        case opAdd: x[d.rd] = a + b; pc += 4; break;
        case opSub: x[d.rd] = a - b; pc += 4; break;
        case opSll: x[d.rd] = a << (b & 63); pc += 4; break;
        case opSlt: x[d.rd] = int64_t(a) < int64_t(b); pc += 4; break;
        case opSltu: x[d.rd] = a < b; pc += 4; break;
        case opXor: x[d.rd] = a ^ b; pc += 4; break;
        case opSrl: x[d.rd] = a >> (b & 63); pc += 4; break;
        case opSra: x[d.rd] = alu::sra(a, unsigned(b & 63)); pc += 4; break;
        case opOr: x[d.rd] = a | b; pc += 4; break;
        case opAnd: x[d.rd] = a & b; pc += 4; break;
        case opMul: x[d.rd] = a * b; pc += 4; break;
        case opMulh: x[d.rd] = alu::mulh(a, b); pc += 4; break;
        case opMulhsu: x[d.rd] = alu::mulhsu(a, b); pc += 4; break;
        case opMulhu: x[d.rd] = alu::mulhu(a, b); pc += 4; break;
        case opDiv: x[d.rd] = alu::div(a, b); pc += 4; break;
        case opDivu: x[d.rd] = alu::divu(a, b); pc += 4; break;
        case opRem: x[d.rd] = alu::rem(a, b); pc += 4; break;
        case opRemu: x[d.rd] = alu::remu(a, b); pc += 4; break;
        case opAddw: x[d.rd] = rv::sx(a + rv::zx32(b), 32); pc += 4; break;
        case opSubw: x[d.rd] = rv::sx(a - rv::zx32(b), 32); pc += 4; break;
        case opSllw: x[d.rd] = alu::sllw(a, unsigned(b & 31)); pc += 4; break;
        case opSrlw: x[d.rd] = alu::srlw(a, unsigned(b & 31)); pc += 4; break;
        case opSraw: x[d.rd] = alu::sraw(a, unsigned(b & 31)); pc += 4; break;
        case opMulw: x[d.rd] = alu::mulw(a, b); pc += 4; break;
        case opDivw: x[d.rd] = alu::divw(a, b); pc += 4; break;
        case opDivuw: x[d.rd] = alu::divuw(a, b); pc += 4; break;
        case opRemw: x[d.rd] = alu::remw(a, b); pc += 4; break;
        case opRemuw: x[d.rd] = alu::remuw(a, b); pc += 4; break;
        default: __builtin_unreachable();
      }
      x[32] = 0;
    }
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      stop = FastStop::Cancelled;
      break;
    }
  }
done:
#undef FPVM_LOAD
#undef FPVM_STORE
  if (stop != FastStop::Reverted && stop != FastStop::Exited) {
    for (int i = 1; i < 32; ++i) s_.registers[i] = x[i];
    s_.pc = pc;
    s_.step = step;
  }
  if (s_.exited) stop = FastStop::Exited;
  return stop;
}

}  // namespace fpvm::vm
