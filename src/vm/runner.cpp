#include "vm/runner.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "vm/fast_engine.hpp"

namespace fpvm::vm {

std::string humanBytes(uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(n);
  int u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string describeRevert(const VmState& st, uint64_t step, uint64_t pc, RevertCode code, uint64_t syscall,
                           const SymbolTable* symbols, bool proofGen) {
  char head[160];
  uint32_t insn = static_cast<uint32_t>(st.memory.load(pc, 4));
  std::snprintf(head, sizeof head, "failed at %sstep %" PRIu64 " (PC: 0x%016" PRIx64 ", insn: %08x): ", proofGen ? "proof-gen " : "",
                step, pc, insn);
  std::string msg = head;
  if (code == kUnsupportedSyscall || code == kUnknownRlimit) {
    const char* name = sys::syscallName(syscall);
    msg += std::string(revertName(code)) + " " + (name ? name : "syscall") + " (" + std::to_string(syscall) + ")";
  } else {
    msg += revertName(code);
  }
  char rc[24];
  std::snprintf(rc, sizeof rc, " [revert 0x%x]", code);
  msg += rc;
  if (symbols && !symbols->empty()) {
    msg += " in " + symbols->lookup(pc);
    // Syscall stubs are leaf assembly: the return address names the code that called them.
    if (syscall != ~uint64_t(0)) msg += ", called from " + symbols->lookup(st.registers[1]);
  }
  return msg;
}

namespace {

bool shouldStopAtPreimage(const PreimageStop& stop, const HostContext& host, const VmState& st) {
  if (!host.readPreimage) return false;
  if (stop.any) return true;
  if (stop.keyPrefix) {
    const Bytes& p = *stop.keyPrefix;
    if (p.size() <= 32 && std::memcmp(st.preimageKey.data(), p.data(), p.size()) == 0 && host.readPreimageOffset == stop.offset)
      return true;
  } else if (stop.keyType && st.preimageKey[0] == *stop.keyType) {
    return true;
  }
  if (stop.largerThan != 0 && host.preimage.prefixed.size() > stop.largerThan) return true;
  return false;
}

/// Smallest step >= from at which `p` matches, or UINT64_MAX.
uint64_t nextMatch(const StepPattern& p, uint64_t from) {
  switch (p.kind()) {
    case StepPattern::Kind::Never: return ~uint64_t(0);
    case StepPattern::Kind::Always: return from;
    case StepPattern::Kind::Equal: return p.value() >= from ? p.value() : ~uint64_t(0);
    case StepPattern::Kind::Every: {
      uint64_t n = p.value(), r = from % n;
      if (r == 0) return from;
      return from > ~uint64_t(0) - (n - r) ? ~uint64_t(0) : from + (n - r);
    }
  }
  return ~uint64_t(0);
}

/// The first step >= from at which any stepping event (info, stop, snapshot, proof) is due.
uint64_t nextEvent(const RunOptions& opt, uint64_t from) {
  uint64_t next = ~uint64_t(0);
  for (const StepPattern* p : {&opt.infoAt, &opt.stopAt, &opt.snapshotAt, &opt.proofAt})
    next = std::min(next, nextMatch(*p, from));
  return next;
}

}  // namespace

RunOutcome runLoop(VmState& st, HostContext& host, const RunOptions& opt) {
  RunOutcome outcome;
  NoTracker noTracker;
  Interpreter<NoTracker> interp(st, host, noTracker);
  FastEngine fast(st, host, opt.engine == EngineChoice::Proving ? Bookkeeping::LeafPairs : Bookkeeping::Pages);
  auto lastInfoTime = std::chrono::steady_clock::now();
  uint64_t lastInfoStep = st.step;
  const bool checkPreimage = opt.preimageStop.any || opt.preimageStop.keyPrefix || opt.preimageStop.keyType ||
                             opt.preimageStop.largerThan != 0;
  while (!st.exited) {
    const uint64_t step = st.step;
    if (step % 100 == 0 && opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
      outcome.interrupted = true;
      return outcome;
    }
    if (opt.infoAt.matches(step)) {
      auto now = std::chrono::steady_clock::now();
      double secs = std::chrono::duration<double>(now - lastInfoTime).count();
      double ips = secs > 0 ? double(step - lastInfoStep) / secs : 0;
      lastInfoTime = now;
      lastInfoStep = step;
      char pcBuf[16], insnBuf[16], ipsBuf[32];
      std::snprintf(pcBuf, sizeof pcBuf, "%08x", static_cast<uint32_t>(st.pc));
      std::snprintf(insnBuf, sizeof insnBuf, "%08x", static_cast<uint32_t>(st.memory.load(st.pc, 4)));
      std::snprintf(ipsBuf, sizeof ipsBuf, "%.4g", ips);
      logInfo("processing", {{"step", std::to_string(step)},
                             {"pc", pcBuf},
                             {"insn", insnBuf},
                             {"ips", ipsBuf},
                             {"pages", std::to_string(st.memory.pageCount())},
                             {"mem", humanBytes(st.memory.pageCount() * merkle::kPageSize)},
                             {"name", opt.symbols ? opt.symbols->lookup(st.pc) : std::string("!unknown")}});
    }
    if (opt.stopAt.matches(step)) {
      outcome.stoppedAtStep = true;
      break;
    }
    if (opt.onSnapshot && opt.snapshotAt.matches(step)) opt.onSnapshot(st);
    const uint64_t pc = st.pc;
    host.readPreimage = false;
    try {
      if (opt.proofAt.matches(step)) {
        StepProof proof;
        uint64_t syscall = ~uint64_t(0);
        RevertCode rc = proveStep(st, host, proof, &syscall);
        if (rc != kOk) throw Error(describeRevert(st, step, pc, rc, syscall, opt.symbols, true));
        if (opt.onProof) opt.onProof(proof);
        fast.invalidateCaches();  // the reference step may have written code
      } else if (opt.engine != EngineChoice::Reference && !checkPreimage) {
        // No per-step condition: run the engine up to the next step with an event.
        const uint64_t next = nextEvent(opt, step + 1);
        FastStop stop = fast.run(next - step, opt.cancel);
        if (stop == FastStop::Reverted) {
          uint64_t revertStep = st.step - 1;
          throw Error(describeRevert(st, revertStep, st.pc, fast.revert(), fast.lastSyscall(), opt.symbols, false));
        }
        if (stop == FastStop::Cancelled) {
          outcome.interrupted = true;
          return outcome;
        }
      } else {
        // Reference interpreter: one step when a preimage condition must be checked after each
        // step, otherwise a tight loop up to the next event.
        const uint64_t next = checkPreimage ? step + 1 : nextEvent(opt, step + 1);
        do {
          const uint64_t at = st.step, atPc = st.pc;
          RevertCode rc = interp.step();
          if (rc != kOk) throw Error(describeRevert(st, at, atPc, rc, interp.lastSyscall(), opt.symbols, false));
          if ((st.step & 0xFFF) == 0 && opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
            outcome.interrupted = true;
            return outcome;
          }
        } while (!st.exited && st.step < next);
      }
    } catch (const Error& e) {
      const std::string what = e.what();
      if (what.rfind("failed at ", 0) == 0) throw;
      // A host error is thrown inside a step, after Step was incremented and before pc moved:
      // the failing step is Step - 1 at pc (batched runs may have started many steps earlier).
      const uint64_t failedStep = st.step > step ? st.step - 1 : step;
      const uint64_t failedPc = st.step > step ? st.pc : pc;
      char head[96];
      std::snprintf(head, sizeof head, "failed at step %" PRIu64 " (PC: 0x%016" PRIx64 "): ", failedStep, failedPc);
      std::string where = opt.symbols && !opt.symbols->empty() ? " in " + opt.symbols->lookup(failedPc) : "";
      throw Error(head + what + where);
    }
    if (checkPreimage && shouldStopAtPreimage(opt.preimageStop, host, st)) {
      outcome.stoppedAtPreimage = true;
      break;
    }
  }
  return outcome;
}

}  // namespace fpvm::vm
