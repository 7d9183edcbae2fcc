// `cannon run` (docs/spec/cannon-mt64.md §10.2-§10.3, Cannon's cmd/run.go): steps a version-8
// state with the reference interpreter, writing snapshots, proofs, the final state and
// --debug-info, with op-program's preimage server after `--`.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "cli/backtrace.hpp"
#include "cli/cannon_commands.hpp"
#include "cli/cannon_host.hpp"
#include "cli/cannon_observers.hpp"
#include "cli/cannon_run_loop.hpp"
#include "cli/flag_set.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/go_uint.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"
#include "image/step_pattern.hpp"
#include "mips64/arch.hpp"
#include "mips64/debug_info.hpp"
#include "mips64/proof_json.hpp"
#include "mips64/state_file.hpp"
#include "preimage/host_oracle.hpp"

namespace fpvm::cli {

namespace {

/// `--stop-at-preimage <hex key prefix>[@<decimal offset>[@<decimal min step>]]`, or the type
/// flag when that is absent (run.go).
CannonPreimageStop parsePreimageStop(const FlagSet& flags, const std::string& at, const std::string& type) {
  CannonPreimageStop stop;
  if (flags.given("stop-at-preimage")) {
    std::vector<std::string> parts;
    size_t from = 0;
    for (size_t at_ = at.find('@'); at_ != std::string::npos; at_ = at.find('@', from)) {
      parts.push_back(at.substr(from, at_ - from));
      from = at_ + 1;
    }
    parts.push_back(at.substr(from));
    if (parts.size() > 3) throw Error("invalid stop-at-preimage: " + at);
    std::string key = parts[0];
    if (key.rfind("0x", 0) == 0 || key.rfind("0X", 0) == 0) key = key.substr(2);
    if (key.size() % 2) key = "0" + key;  // common.FromHex pads an odd digit count
    stop.keyPrefix = fromHex(key, "--stop-at-preimage key prefix");
    if (stop.keyPrefix.size() > 32) throw Error("invalid stop-at-preimage: the key prefix is longer than 32 bytes");
    auto decimal = [&](const std::string& text, uint64_t& out) {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 20)
        throw Error("invalid preimage offset: strconv.ParseUint: parsing \"" + text + "\": invalid syntax");
      errno = 0;
      out = std::strtoull(text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        throw Error("invalid preimage offset: strconv.ParseUint: parsing \"" + text + "\": value out of range");
    };
    if (parts.size() >= 2) decimal(parts[1], stop.offset);
    if (parts.size() == 3) decimal(parts[2], stop.minStep);
    return stop;
  }
  static const std::pair<const char*, uint8_t> kTypes[] = {
      {"local", 1}, {"keccak", 2}, {"sha256", 4}, {"blob", 5}, {"precompile", 6}};
  if (type == "any") {
    stop.any = true;
  } else if (!type.empty()) {
    bool known = false;
    for (const auto& [name, byte] : kTypes) {
      if (type == name) {
        stop.keyPrefix = {byte};
        known = true;
      }
    }
    if (!known) throw Error("invalid preimage type \"" + type + "\"");
  }
  return stop;
}

/// multicannon's dispatch: the version byte of --input selects the VM; only 8 is built in.
void checkInputVersion(const std::string& input) {
  if (!fileExists(input)) throw Error("file `" + input + "` does not exist");
  const uint8_t version = mips64::detectStateVersion(input);
  if (version != mips64::kStateVersion)
    throw Error("unsupported state version " + std::to_string(version) + " (" + mips64::stateVersionName(version) + ") in " +
                input + ": fpvm cannon runs only version " + std::to_string(mips64::kStateVersion) + " (" +
                mips64::kStateVersionName + ")");
}

Bytes textBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

int runCannonRun(const Args& args) {
  FlagSet flags("cannon run", "run Cannon MT64 VM steps, writing proofs, snapshots and the final state");
  std::string input = "state.bin.gz", output = "out.bin.gz", proofAt, proofFmt = "proof-%d.json", snapshotAt,
              snapshotFmt = "state-%d.bin.gz", stopAt, stopAtPreimage, stopAtPreimageType, meta = "meta.json",
              infoAt = "%1000000000", debugInfo, guestStdout, guestStderr, engine = "fast";
  int64_t largerThan = 0;
  bool pprofCpu = false, debug = false;
  OracleFlags oracleFlags;
  flags.add("input", &input, "path of input binary state (.bin or .bin.gz)");
  flags.require("input");
  flags.add("output", &output, "path of output binary state (\"\" = not written)");
  flags.add("proof-at", &proofAt, "step pattern to output proof at: never, always, =N, %N");
  flags.add("proof-fmt", &proofFmt, "format for proof data output file names (%d = step; .gz compresses)");
  flags.add("snapshot-at", &snapshotAt, "step pattern to output snapshots at");
  flags.add("snapshot-fmt", &snapshotFmt, "format for snapshot output file names (binary: .bin or .bin.gz)");
  flags.add("stop-at", &stopAt, "step pattern to stop at (before executing that step)");
  flags.add("stop-at-preimage", &stopAtPreimage, "stop at the first preimage request matching <key-prefix>@<offset>@<step>");
  flags.add("stop-at-preimage-type", &stopAtPreimageType,
            "stop at the first preimage request of this type "
            "(local, keccak, sha256, blob, precompile, any)");
  flags.addFunction(
      "stop-at-preimage-larger-than",
      [&](const std::string& v) {
        uint64_t n = 0;
        const bool negative = !v.empty() && v[0] == '-';
        if (!parseGoUint(negative ? v.substr(1) : v, n) || n > (negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1))
          throw Error("not an integer");
        largerThan = negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
      },
      "stop at the first step that requests a preimage larger than this many bytes (0 = off)", false, "0");
  flags.add("meta", &meta, "metadata file for symbol lookup (\"\" = none)");
  flags.add("info-at", &infoAt, "step pattern to print progress info at");
  flags.add("pprof.cpu", &pprofCpu, "Cannon's Go CPU profile: refused (profile fpvm with perf)");
  flags.add("debug", &debug, "track call stacks and print a traceback at the end (requires --meta)");
  flags.add("debug-info", &debugInfo, "path to write debug info to");
  flags.add("engine", &engine, "fpvm: fast (the fast engine between the steps the patterns name) or reference");
  flags.add("guest-stdout", &guestStdout, "fpvm: write the guest's fd 1 bytes to this file (- = stdout) instead of logging");
  flags.add("guest-stderr", &guestStderr, "fpvm: write the guest's fd 2 bytes to this file (- = stderr) instead of logging");
  oracleFlags.add(flags);
  flags.takesServerCommand();
  if (!flags.parse(args)) return 0;
  if (engine != "fast" && engine != "reference") throw Error("invalid --engine \"" + engine + "\" (fast or reference)");

  checkInputVersion(input);
  if (pprofCpu)
    throw Error(
        "run: --pprof.cpu is not supported: fpvm is not a Go program and writes no pprof CPU profile; profile it with "
        "`perf record -g -- cannon run …` instead");
  if (!output.empty() && !mips64::isBinaryStateName(output))
    throw Error("invalid --output file format. Only binary file formats (ending in .bin or bin.gz) are supported");
  if (!snapshotFmt.empty() && !mips64::isBinaryStateName(image::formatStepPath(snapshotFmt, 0)))
    throw Error("invalid --snapshot-fmt file format. Only binary file formats (ending in .bin or bin.gz) are supported");
  CannonRunOptions options;
  options.preimageStop = parsePreimageStop(flags, stopAtPreimage, stopAtPreimageType);
  options.preimageStop.largerThan = largerThan;
  options.stopAt = image::StepPattern::parse(stopAt, "--stop-at");
  options.proofAt = image::StepPattern::parse(proofAt, "--proof-at");
  options.snapshotAt = image::StepPattern::parse(snapshotAt, "--snapshot-at");
  options.infoAt = image::StepPattern::parse(infoAt, "--info-at");
  const bool hasServer = !flags.serverCommand().empty() && !flags.serverCommand()[0].empty();

  // Starts the server (if any): a command that cannot be executed fails here, before any step.
  preimage::HostOracleConfig hostConfig = oracleFlags.config(hasServer ? flags.serverCommand() : Args{});
  hostConfig.serverLimits.environmentPrefix = {"NO_COLOR=1"};  // as Cannon starts op-program (spec §7.3)
  preimage::HostOracle host(std::move(hostConfig));
  return withOracle(host, [&]() -> int {
    mips64::Metadata metadata;
    if (meta.empty()) {
      logVm("no metadata file specified, defaulting to empty metadata");
    } else {
      try {
        const Bytes text = readFile(meta);
        metadata = mips64::Metadata::fromJson(std::string(text.begin(), text.end()), meta);
      } catch (const Error& e) {
        throw Error(std::string("failed to load metadata: ") + e.what());
      }
    }
    mips64::State state;
    try {
      state = mips64::readStateFile(input);
    } catch (const Error& e) {
      throw Error(std::string("failed to load state: ") + e.what());
    }
    logVm("Loaded input state", {{"version", std::to_string(mips64::kStateVersion)}});

    std::optional<Mt64StackTracker> stack;
    if (debug) {
      if (meta.empty()) throw Error("cannot enable debug mode without a metadata file");
      stack.emplace(metadata);
      options.observers.push_back(&*stack);
    }
    std::optional<Mt64Stats> stats;
    if (!debugInfo.empty()) {
      stats.emplace();
      options.observers.push_back(&*stats);
    }
    options.meta = &metadata;
    options.cancel = &gInterrupted;
    options.onSnapshot = [&](const mips64::State& st) {
      try {
        mips64::writeStateFile(st, image::formatStepPath(snapshotFmt, st.step));
      } catch (const Error& e) {
        throw Error(std::string("failed to write state snapshot: ") + e.what());
      }
    };
    options.onProof = [&](const mips64::StepProof& p) {
      try {
        image::writeOutputFile(image::formatStepPath(proofFmt, p.step), textBytes(mips64::encodeProofJson(p)));
      } catch (const Error& e) {
        throw Error(std::string("failed to write proof data: ") + e.what());
      }
    };

    CannonOracle oracle(host);
    CannonGuestOutput guestOutput(guestStdout, guestStderr);
    std::unique_ptr<Mt64Engine> stepper;
    if (engine == "fast") stepper = std::make_unique<FastMt64Engine>(state, &oracle, &guestOutput);
    else stepper = std::make_unique<ReferenceMt64Engine>(state, &oracle, &guestOutput);
    CannonRunOutcome outcome;
    try {
      outcome = runCannonLoop(*stepper, options);
    } catch (const StepFailure& f) {
      // Cannon recovers a panic of the step function only when it runs a server (exit 1);
      // otherwise the Go runtime ends the process with status 2.
      const std::string backtrace = backtraceText(state, metadata);
      if (!hasServer) throw CannonPanic(f.what() + backtrace);
      throw Error((f.invalidStep() ? std::string(f.what()) + " (the step is invalid: Cannon panics here)" : f.what()) +
                  backtrace);
    }
    guestOutput.finish();
    if (outcome.interrupted) return kExitInterrupted;
    if (stack) stack->traceback(state);
    if (const std::string panic = goPanicBacktrace(state, metadata); !panic.empty()) std::fputs(panic.c_str(), stderr);
    try {
      mips64::writeStateFile(state, output);
    } catch (const Error& e) {
      throw Error(std::string("failed to write state output: ") + e.what());
    }
    if (!debugInfo.empty()) {
      mips64::DebugInfo info;
      info.pages = state.memory.pageCount();
      info.memoryUsed = state.memory.pageCount() * mips64::kPageSize;
      info.numPreimageRequests = oracle.requests();
      info.totalPreimageSize = oracle.totalSize();
      info.totalSteps = state.step;
      if (stats) stats->fill(info);
      try {
        image::writeOutputFile(debugInfo, textBytes(mips64::encodeDebugInfoJson(info)));
      } catch (const Error& e) {
        throw Error(std::string("failed to write benchmark data: ") + e.what());
      }
    }
    return 0;
  });
}

}  // namespace fpvm::cli
