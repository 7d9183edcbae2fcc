#include "cli/run_loop.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "cli/backtrace.hpp"
#include "common/error.hpp"
#include "common/logfmt.hpp"
#include "vm/revert_message.hpp"

namespace fpvm::cli {

using namespace vm;
using image::StepPattern;
using image::SymbolTable;

namespace {

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

/// The "processing" progress line of `run`.
class ProgressLog {
 public:
  explicit ProgressLog(uint64_t step) : lastStep_(step) {}
  void log(const VmState& st, const SymbolTable* symbols) {
    auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - lastTime_).count();
    double ips = secs > 0 ? double(st.step - lastStep_) / secs : 0;
    lastTime_ = now;
    lastStep_ = st.step;
    char pcBuf[16], insnBuf[16], ipsBuf[32];
    std::snprintf(pcBuf, sizeof pcBuf, "%08x", static_cast<uint32_t>(st.pc));
    std::snprintf(insnBuf, sizeof insnBuf, "%08x", static_cast<uint32_t>(st.memory.load(st.pc, 4)));
    std::snprintf(ipsBuf, sizeof ipsBuf, "%.4g", ips);
    logInfo("processing", {{"step", std::to_string(st.step)},
                           {"pc", pcBuf},
                           {"insn", insnBuf},
                           {"ips", ipsBuf},
                           {"pages", std::to_string(st.memory.pageCount())},
                           {"mem", humanBytes(st.memory.pageCount() * merkle::kPageSize)},
                           {"name", symbols ? symbols->lookup(st.pc) : std::string("!unknown")}});
  }

 private:
  std::chrono::steady_clock::time_point lastTime_ = std::chrono::steady_clock::now();
  uint64_t lastStep_;
};

/// "failed at step N (PC: …): <cause>[ in <symbol>]" for a host failure.
std::string describeHostFailure(const HostFailure& f, const SymbolTable* symbols, bool proofGen) {
  char head[112];
  std::snprintf(head, sizeof head, "failed at %sstep %" PRIu64 " (PC: 0x%016" PRIx64 "): ", proofGen ? "proof-gen " : "",
                f.step(), f.pc());
  std::string where = symbols && !symbols->empty() ? " in " + symbols->lookup(f.pc()) : "";
  return head + std::string(f.what()) + where;
}

}  // namespace

RunOutcome runLoop(Machine& machine, const RunOptions& opt) {
  RunOutcome outcome;
  ProgressLog progress(machine.step());
  AdvanceOptions advance;
  advance.budget.cancel = opt.cancel;
  advance.preimageStop = &opt.preimageStop;
  while (!machine.exited()) {
    const uint64_t step = machine.step();
    if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
      outcome.interrupted = true;
      return outcome;
    }
    if (opt.infoAt.matches(step)) progress.log(machine.state(), opt.symbols);
    if (opt.stopAt.matches(step)) {
      outcome.stoppedAtStep = true;
      break;
    }
    if (opt.onSnapshot && opt.snapshotAt.matches(step)) opt.onSnapshot(machine.state());
    const bool prove = opt.proofAt.matches(step);
    try {
      Outcome o{};
      if (prove) {
        StepProof proof;
        o = machine.proveStep(proof);
        if (o.reason != StopReason::Reverted && opt.onProof) opt.onProof(proof);
      } else {
        // Up to the next step with an event (a preimage condition is checked after every step).
        o = machine.advance(nextEvent(opt, step + 1), advance);
      }
      switch (o.reason) {
        case StopReason::Reverted:
          throw Error(machine.describe(o.revert, opt.symbols, prove) +
                      (opt.symbols ? backtraceText(machine.state(), *opt.symbols) : std::string()));
        case StopReason::PreimageRead: outcome.stoppedAtPreimage = true; return outcome;
        case StopReason::Cancelled:
        case StopReason::ShuttingDown:
        case StopReason::DeadlinePassed: outcome.interrupted = true; return outcome;
        case StopReason::Reached:
        case StopReason::Exited: break;
      }
    } catch (const HostFailure& f) {
      // A signal that cut a wait for the preimage server short is an interruption, not a failure.
      if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
        outcome.interrupted = true;
        return outcome;
      }
      throw Error(describeHostFailure(f, opt.symbols, false) +
                  (opt.symbols ? backtraceText(machine.state(), *opt.symbols) : std::string()));
    }
  }
  return outcome;
}

}  // namespace fpvm::cli
