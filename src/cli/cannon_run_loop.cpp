#include "cli/cannon_run_loop.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/hex.hpp"
#include "mips64/arch.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::cli {

using mips64::State;
using mips64::StepOutcome;

void logVm(const std::string& msg, std::initializer_list<LogField> fields) {
  std::vector<LogField> all{{"module", "vm"}};
  all.insert(all.end(), fields.begin(), fields.end());
  logLine(LogLevel::Info, msg, all);
}

namespace {

/// Cannon's Memory.Usage(): "%d B" below 1 KiB, else "%.1f KiB/MiB/…".
std::string memoryUsage(uint64_t total) {
  char buf[32];
  if (total < 1024) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", total);
    return buf;
  }
  uint64_t div = 1024;
  int exp = 0;
  for (uint64_t n = total / 1024; n >= 1024; n /= 1024) {
    div *= 1024;
    ++exp;
  }
  std::snprintf(buf, sizeof buf, "%.1f %ciB", double(total) / double(div), "KMGTPE"[exp]);
  return buf;
}

std::string hex32(uint64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<uint32_t>(v));
  return buf;
}

/// Go's strconv.FormatFloat(v, 'g', -1, 64), as slog prints a float64: the shortest digits that
/// round-trip, in %e form when the exponent is below -4 or at least 6 (e.g. 1.3321e+07).
std::string goFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  const int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  if (v == 0 || (exp >= -4 && exp < 6)) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return std::string(buf, r.ptr);
  }
  return sci;
}

/// The "processing" line: step, pc and insn (low 32 bits), ips since the loop started, pages,
/// memory and the symbol at pc.
void logProgress(State& st, const mips64::Metadata* meta, uint64_t startStep, std::chrono::steady_clock::time_point start) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t pc = st.activeStack().empty() ? 0 : st.currentThread().pc;
  const uint64_t word = st.memory.loadWord(pc & mips64::kAddressMask);
  const uint32_t insn = static_cast<uint32_t>((pc & 4) ? word : word >> 32);
  logVm("processing", {{"step", std::to_string(st.step)},
                       {"pc", hex32(pc)},
                       {"insn", hex32(insn)},
                       {"ips", goFloat(secs > 0 ? double(st.step - startStep) / secs : 0.0)},
                       {"pages", std::to_string(st.memory.pageCount())},
                       {"mem", memoryUsage(st.memory.pageCount() * mips64::kPageSize)},
                       {"name", meta ? meta->lookup(pc) : std::string("!unknown")}});
}

std::string failurePrefix(bool prove, uint64_t step, uint64_t pc) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "failed at %sstep %" PRIu64 " (PC: %08" PRIx64 "): ", prove ? "proof-gen " : "", step, pc);
  return buf;
}

/// Whether the pre-image read of this step ends the run (run.go's checks after each step).
bool preimageStops(const CannonPreimageStop& stop, const mips64::PreimageRead& read, uint64_t step) {
  if (stop.any) {
    logVm("Stopping at preimage read");
    return true;
  }
  if (!stop.keyPrefix.empty() && std::equal(stop.keyPrefix.begin(), stop.keyPrefix.end(), read.key.data()) &&
      stop.offset == read.offset && step >= stop.minStep) {
    logVm("Stopping at preimage read",
          {{"keyPrefix", toHex(stop.keyPrefix, false)}, {"offset", std::to_string(read.offset)}, {"step", std::to_string(step)}});
    return true;
  }
  const auto size = static_cast<int64_t>(read.value ? read.value->size() : 0);
  if (stop.largerThan != 0 && size > stop.largerThan) {
    logVm("Stopping at preimage read", {{"size", std::to_string(size)}, {"min", std::to_string(stop.largerThan)}});
    return true;
  }
  return false;
}

/// The first step at or after `from` that `p` matches (~0 for none).
uint64_t nextMatch(const image::StepPattern& p, uint64_t from) {
  switch (p.kind()) {
    case image::StepPattern::Kind::Never: return ~uint64_t(0);
    case image::StepPattern::Kind::Always: return from;
    case image::StepPattern::Kind::Equal: return p.value() >= from ? p.value() : ~uint64_t(0);
    case image::StepPattern::Kind::Every: {
      const uint64_t n = p.value();
      const uint64_t up = from % n == 0 ? from : from + (n - from % n);
      return up < from ? ~uint64_t(0) : up;  // wrapped: no further match
    }
  }
  return ~uint64_t(0);
}

/// Whether every step must go through the loop one by one: observers and pre-image stop
/// conditions look at each step.
bool needsEveryStep(const CannonRunOptions& opt) {
  return !opt.observers.empty() || opt.preimageStop.any || !opt.preimageStop.keyPrefix.empty() ||
         opt.preimageStop.largerThan != 0;
}

}  // namespace

CannonRunOutcome runCannonLoop(Mt64Engine& engine, const CannonRunOptions& opt) {
  CannonRunOutcome out;
  State& st = engine.state();
  const uint64_t startStep = st.step;
  const auto start = std::chrono::steady_clock::now();
  while (!st.exited) {
    const uint64_t step = st.step;
    if (step % 100 == 0 && opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
      out.interrupted = true;
      return out;
    }
    if (opt.infoAt.matches(step)) logProgress(st, opt.meta, startStep, start);
    if (opt.stopAt.matches(step)) {
      logVm("Reached stop at");
      out.stoppedAtStep = true;
      break;
    }
    if (opt.onSnapshot && opt.snapshotAt.matches(step)) opt.onSnapshot(st);
    const uint64_t pc = st.activeStack().empty() ? 0 : st.currentThread().pc;
    const bool prove = opt.proofAt.matches(step);
    if (!prove && !needsEveryStep(opt)) {
      // Nothing to do before the next step some pattern names: run there in one go (the engine
      // polls the cancel flag), then continue with the per-step checks.
      uint64_t next = step + 1;
      next = std::min({nextMatch(opt.infoAt, next), nextMatch(opt.stopAt, next), nextMatch(opt.proofAt, next),
                       opt.onSnapshot ? nextMatch(opt.snapshotAt, next) : ~uint64_t(0)});
      std::optional<mips64::RunResult> r;
      try {
        r = engine.runTo(next, opt.cancel);
      } catch (const preimage::WaitInterrupted&) {
        throw;
      } catch (const Error& e) {
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
          out.interrupted = true;
          return out;
        }
        // The state is before the failing step.
        const uint64_t failPc = st.activeStack().empty() ? 0 : st.currentThread().pc;
        throw StepFailure(failurePrefix(false, st.step, failPc) + e.what(), false);
      }
      if (r) {
        if (r->stop == mips64::RunStop::Reverted) {
          const uint64_t failPc = st.activeStack().empty() ? 0 : st.currentThread().pc;
          throw StepFailure(failurePrefix(false, st.step, failPc) + mips64::revertName(r->outcome.revert), true);
        }
        if (r->stop == mips64::RunStop::Cancelled) {
          out.interrupted = true;
          return out;
        }
        continue;
      }
    }
    for (Mt64StepObserver* o : opt.observers)
      if (!st.activeStack().empty()) o->beforeStep(st);
    StepOutcome o;
    mips64::StepProof proof;
    try {
      if (prove) {
        o = engine.proveStep(proof);
      } else {
        o = engine.step();
      }
    } catch (const preimage::WaitInterrupted&) {
      throw;
    } catch (const StepFailure&) {
      throw;
    } catch (const Error& e) {
      if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {  // a signal cut a wait short
        out.interrupted = true;
        return out;
      }
      throw StepFailure(failurePrefix(prove, step, pc) + e.what(), false);
    }
    if (!o.ok()) throw StepFailure(failurePrefix(prove, step, pc) + mips64::revertName(o.revert), true);
    if (prove && opt.onProof) opt.onProof(proof);  // a file error here is an error, not a step failure
    for (Mt64StepObserver* obs : opt.observers) obs->afterStep(st, o);
    if (o.preimageRead && preimageStops(opt.preimageStop, *o.preimageRead, step)) {
      out.stoppedAtPreimage = true;
      break;
    }
  }
  logVm("Execution stopped", {{"exited", st.exited ? "true" : "false"}, {"code", std::to_string(st.exitCode)}});
  return out;
}

}  // namespace fpvm::cli
