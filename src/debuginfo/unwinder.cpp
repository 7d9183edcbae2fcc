#include "debuginfo/unwinder.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "common/error.hpp"
#include "debuginfo/go_tables.hpp"
#include "debuginfo/prologue.hpp"

namespace fpvm::debuginfo {

namespace {

/// The most bytes of Go tables read from guest memory (a large Go program has a few MiB).
constexpr uint64_t kMaxGoTableBytes = uint64_t(256) << 20;

/// Go's register holding the current goroutine: x27 on riscv64, r30 on mips64.
unsigned goGRegister(core::Isa isa) { return isa == core::Isa::Riscv64 ? 27 : 30; }
unsigned stackPointer(core::Isa isa) { return isa == core::Isa::Riscv64 ? 2 : 29; }
unsigned linkRegister(core::Isa isa) { return isa == core::Isa::Riscv64 ? 1 : 31; }
unsigned framePointer(core::Isa isa) { return isa == core::Isa::Riscv64 ? 8 : 30; }
/// Bytes from a call instruction to its return address (MIPS64: the call and its delay slot).
uint64_t callLength(core::Isa isa) { return isa == core::Isa::Riscv64 ? 4 : 8; }

// Go 1.18..1.23 runtime layouts (64-bit): g.stack.lo/hi at 0/8, g.m at 48, g.sched.{sp,pc} at
// 56/64, g.sched.lr at 96; m.curg at 192 (riscv64) or 200 (mips64, whose sigset is 16 bytes,
// not 8). Used only to follow runtime.systemstack from the system
// stack back to the goroutine, and checked before use (the saved pc must be in
// runtime.systemstack_switch and the saved sp inside the goroutine's stack).
constexpr uint64_t kGStackLo = 0, kGStackHi = 8, kGM = 48, kGSchedSp = 56, kGSchedPc = 64, kGSchedLr = 96;
uint64_t mCurgOffset(core::Isa isa) { return isa == core::Isa::Riscv64 ? 192 : 200; }

/// Symbols that name no code: mapping symbols ("$x…"), local labels, and file symbols (the
/// linker puts them at address 0 with size 0).
bool isHelperSymbol(const CodeSymbol& s) {
  return s.name.empty() || s.name[0] == '$' || s.name.rfind(".L", 0) == 0 || (s.start == 0 && s.size == 0);
}

}  // namespace

struct Unwinder::Impl {
  std::vector<CodeSymbol> symbols;  // sorted by start, helper labels dropped
  std::unique_ptr<GoTables> go;
  core::Isa isa = core::Isa::Riscv64;

  uint64_t word(const core::AnyMachine& m, uint64_t addr) const {
    uint8_t b[8];
    m.readMemory(addr, b, 8);
    return isa == core::Isa::Mips64 ? getBE64(b) : getLE(b, 8);
  }
  uint32_t instruction(const core::AnyMachine& m, uint64_t addr) const {
    uint8_t b[4];
    m.readMemory(addr, b, 4);
    return isa == core::Isa::Mips64 ? getBE32(b) : static_cast<uint32_t>(getLE(b, 4));
  }
  // What the program's code says about each pc, learned once: the code of a fault-proof program
  // does not change while it runs (a program that rewrote its code would need a new Unwinder).
  mutable std::unordered_map<uint64_t, std::optional<GoFunc>> goFuncs;
  mutable std::unordered_map<uint64_t, std::optional<int32_t>> goDeltas;
  std::unordered_map<uint64_t, PrologueEffects> prologues;
  std::unordered_map<uint64_t, std::optional<EpilogueEffects>> epilogues;

  std::optional<GoFunc> goFuncAt(uint64_t pc) const {
    auto [it, fresh] = goFuncs.try_emplace(pc);
    if (fresh) it->second = go->funcAt(pc);
    return it->second;
  }
  std::optional<int32_t> goSpDelta(const GoFunc& f, uint64_t pc) const {
    auto [it, fresh] = goDeltas.try_emplace(pc);
    if (fresh) it->second = go->spDelta(f, pc);
    return it->second;
  }
  const CodeSymbol* symbolAt(uint64_t pc) const {
    auto it = std::upper_bound(symbols.begin(), symbols.end(), pc, [](uint64_t a, const CodeSymbol& s) { return a < s.start; });
    if (it == symbols.begin()) return nullptr;
    const CodeSymbol& s = *(it - 1);
    if (s.size != 0 && pc - s.start >= s.size) return nullptr;
    return &s;
  }
};

/// One frame while unwinding: its pc, stack pointer, frame pointer, and the return address
/// register (meaningful in the innermost frame only).
struct FrameRegs {
  uint64_t pc = 0, sp = 0, fp = 0, ra = 0;
  bool innermost = true;
};

Unwinder::Unwinder(std::vector<CodeSymbol> symbols, const core::AnyMachine& machine) : impl_(std::make_unique<Impl>()) {
  Impl& im = *impl_;
  im.isa = machine.isa();
  std::erase_if(symbols, isHelperSymbol);
  // Sorted by start; of symbols at one address the sized one wins (labels have size 0).
  std::stable_sort(symbols.begin(), symbols.end(), [](const CodeSymbol& a, const CodeSymbol& b) {
    return a.start < b.start || (a.start == b.start && a.size < b.size);
  });
  im.symbols = std::move(symbols);
  std::optional<uint64_t> pclntab = addressOf("runtime.pclntab"), epclntab = addressOf("runtime.epclntab");
  if (pclntab && epclntab && *epclntab > *pclntab) {
    const uint64_t n = *epclntab - *pclntab;
    if (n > kMaxGoTableBytes)
      throw Error("Go tables: runtime.pclntab spans " + std::to_string(n) + " bytes, more than fpvm reads");
    Bytes bytes(n);
    machine.readMemory(*pclntab, bytes.data(), n);
    im.go = std::make_unique<GoTables>(std::move(bytes), im.isa == core::Isa::Mips64);
  }
  method_ = im.go ? UnwindMethod::GoTables : im.isa == core::Isa::Riscv64 ? UnwindMethod::FramePointers : UnwindMethod::Prologue;
}

Unwinder::~Unwinder() = default;
Unwinder::Unwinder(Unwinder&&) noexcept = default;
Unwinder& Unwinder::operator=(Unwinder&&) noexcept = default;

bool Unwinder::hasGoTables() const { return impl_->go != nullptr; }

std::optional<uint64_t> Unwinder::addressOf(std::string_view name) const {
  for (const CodeSymbol& s : impl_->symbols)
    if (s.name == name) return s.start;
  return std::nullopt;
}

std::string_view Unwinder::functionAt(uint64_t pc) const {
  if (impl_->go)
    if (const auto f = impl_->goFuncAt(pc)) return f->name;
  const CodeSymbol* s = impl_->symbolAt(pc);
  return s ? std::string_view(s->name) : std::string_view();
}

Location Unwinder::locate(uint64_t pc) const {
  Location loc;
  if (impl_->go) {
    if (const auto f = impl_->goFuncAt(pc)) {
      loc.function = f->name;
      std::tie(loc.file, loc.line) = impl_->go->fileLine(*f, pc);
      return loc;
    }
  }
  loc.function = functionAt(pc);
  return loc;
}

namespace {

/// Where a frame's caller is: the return address and the caller's stack and frame pointers.
struct Caller {
  uint64_t returnAddress = 0, sp = 0, fp = 0;
  bool switchedStacks = false;  ///< the caller runs on another stack (Go: system stack → goroutine)
};

}  // namespace

/// Unwinds one frame of a Go binary by the tables. `crossed` says whether the system stack was
/// already left for the goroutine once.
static std::optional<Caller> goCaller(const Unwinder::Impl& im, const core::AnyMachine& machine,
                                      const core::ThreadRegisters& thread, const FrameRegs& f, bool& crossed) {
  const auto fn = im.goFuncAt(f.pc);
  if (!fn || (fn->flag & GoFunc::kTopFrame)) return std::nullopt;
  const bool systemstack = fn->name == "runtime.systemstack";
  if (systemstack && !crossed) {
    crossed = true;
    // On the system stack: continue on the goroutine that switched to it (m.curg), from the
    // state runtime.systemstack saved in that goroutine's g.sched.
    const uint64_t g = thread.gpr[goGRegister(im.isa)];
    const uint64_t curg = g ? im.word(machine, im.word(machine, g + kGM) + mCurgOffset(im.isa)) : 0;
    if (curg && curg != g) {
      const uint64_t pc = im.word(machine, curg + kGSchedPc), sp = im.word(machine, curg + kGSchedSp);
      const uint64_t lo = im.word(machine, curg + kGStackLo), hi = im.word(machine, curg + kGStackHi);
      const auto sw = im.goFuncAt(pc);
      if (!sw || sw->name != "runtime.systemstack_switch" || sp < lo || sp >= hi) return std::nullopt;
      // systemstack_switch stands for runtime.systemstack on the goroutine's stack: unwind
      // through it without reporting systemstack a second time.
      const auto d = im.goSpDelta(*sw, pc);
      if (!d || *d < 0) return std::nullopt;
      const uint64_t lr = im.word(machine, curg + kGSchedLr);
      return Caller{(*d == 0 && lr != 0) ? lr : im.word(machine, sp), sp + uint64_t(*d), 0, true};
    }
    // Still on the goroutine's own stack (it has not switched yet): an ordinary frame.
  }
  // A function that writes sp arbitrarily has no delta to trust, except runtime.systemstack
  // before it switches.
  if ((fn->flag & GoFunc::kSpWrite) && !systemstack) return std::nullopt;
  const auto d = im.goSpDelta(*fn, f.pc);
  if (!d || *d < 0) return std::nullopt;
  const uint64_t fp = f.sp + uint64_t(*d);
  // Go's rule for link-register machines: a frame that has allocated its stack saved the return
  // address at 0(sp); the innermost frame before that still has it in the register.
  return Caller{(f.innermost && f.sp == fp) ? f.ra : im.word(machine, f.sp), fp, 0, false};
}

/// Unwinds one frame of C code by its prologue (and frame pointer where it set one up).
static std::optional<Caller> cCaller(Unwinder::Impl& im, const core::AnyMachine& machine, const FrameRegs& f) {
  const CodeSymbol* sym = im.symbolAt(f.pc);
  if (!sym) return std::nullopt;
  const FetchInstruction fetch = [&](uint64_t a) { return im.instruction(machine, a); };
  if (f.innermost) {
    // On the way out (an epilogue, the restore millicode): the frame is partly given back, so
    // read where the rest of the path reloads ra from instead.
    auto [at, fresh] = im.epilogues.try_emplace(f.pc);
    if (fresh) at->second = analyzeEpilogue(im.isa, f.pc, fetch);
    if (const auto& e = at->second)
      return Caller{e->raSlot ? im.word(machine, f.sp + uint64_t(*e->raSlot)) : f.ra, f.sp + uint64_t(e->spAdjust),
                    e->fpSlot ? im.word(machine, f.sp + uint64_t(*e->fpSlot)) : f.fp, false};
  }
  auto [at, fresh] = im.prologues.try_emplace(f.pc);
  if (fresh) at->second = analyzePrologue(im.isa, sym->start, f.pc, fetch);
  const PrologueEffects& e = at->second;
  // The frame pointer, once set up, survives variable-sized allocations; sp does not.
  const uint64_t cfa = e.fpOffset ? f.fp - uint64_t(*e.fpOffset) : f.sp - uint64_t(e.spOffset);
  Caller c{0, cfa, f.fp, false};
  if (e.raSlot) c.returnAddress = im.word(machine, cfa + uint64_t(*e.raSlot));
  else if (f.innermost) c.returnAddress = f.ra;
  else return std::nullopt;  // a caller that saved no return address: nothing to follow
  if (e.fpSlot) c.fp = im.word(machine, cfa + uint64_t(*e.fpSlot));
  return c;
}

std::vector<uint64_t> Unwinder::callStack(const core::AnyMachine& machine, const core::ThreadRegisters& thread,
                                          size_t maxFrames) {
  Impl& im = *impl_;
  const core::Isa isa = im.isa;
  std::vector<uint64_t> stack;
  FrameRegs f{thread.pc, thread.gpr[stackPointer(isa)], thread.gpr[framePointer(isa)], thread.gpr[linkRegister(isa)], true};
  bool crossed = false;
  while (stack.size() < maxFrames) {
    stack.push_back(f.pc);
    const std::optional<Caller> c = im.go ? goCaller(im, machine, thread, f, crossed) : cCaller(im, machine, f);
    if (!c || c->returnAddress < callLength(isa) || (c->sp < f.sp && !c->switchedStacks)) break;
    uint64_t callSite = c->returnAddress - callLength(isa);
    if (im.go) {
      // A goroutine's first function returns to runtime.goexit + one instruction (the runtime
      // plants that return address): the "call" is goexit's entry, not the function before it.
      const auto caller = im.goFuncAt(c->returnAddress - 1);
      if (caller && callSite < caller->entry) callSite = caller->entry;
    }
    if (c->sp == f.sp && callSite == f.pc) break;  // no progress
    f = FrameRegs{callSite, c->sp, c->fp, 0, false};
  }
  return stack;
}

std::string formatBacktrace(const Unwinder& unwinder, const std::vector<uint64_t>& stack) {
  std::string out;
  for (size_t i = 0; i < stack.size(); ++i) {
    const Location loc = unwinder.locate(stack[i]);
    char head[48];
    std::snprintf(head, sizeof head, "  #%-3zu 0x%016llx in ", i, static_cast<unsigned long long>(stack[i]));
    out += head;
    out += loc.function.empty() ? std::string_view("??") : loc.function;
    if (!loc.file.empty()) out += " at " + std::string(loc.file) + ":" + std::to_string(loc.line);
    out += '\n';
  }
  return out;
}

}  // namespace fpvm::debuginfo
