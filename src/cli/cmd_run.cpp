// `fpvm run` (spec §8.2): steps a state, writing snapshots, proofs and the final state.
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/backtrace.hpp"
#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/guest_output.hpp"
#include "cli/oracle_flags.hpp"
#include "cli/run_loop.hpp"
#include "common/file_io.hpp"
#include "common/go_uint.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "image/state_file.hpp"
#include "preimage/host_oracle.hpp"
#include "proof/proof_json.hpp"

namespace fpvm::cli {
namespace {

std::optional<uint8_t> preimageTypeByName(const std::string& name) {
  if (name == "local") return 1;
  if (name == "keccak") return 2;
  if (name == "sha256") return 4;
  if (name == "blob") return 5;
  if (name == "precompile") return 6;
  return std::nullopt;
}

vm::PreimageStop parsePreimageStop(const std::string& at, const std::string& type, const std::string& largerThan) {
  vm::PreimageStop stop;
  if (!at.empty()) {
    std::string key = at;
    size_t pos = at.find('@');
    if (pos != std::string::npos) {
      key = at.substr(0, pos);
      uint64_t off;
      if (!parseGoUint(at.substr(pos + 1), off)) throw Error("invalid --stop-at-preimage offset: \"" + at.substr(pos + 1) + "\"");
      stop.offset = off;
    }
    stop.keyPrefix = fromHex(key, "--stop-at-preimage key");
    if (stop.keyPrefix->size() > 32) throw Error("invalid --stop-at-preimage: key prefix longer than 32 bytes");
  } else if (!type.empty()) {
    if (type == "any") {
      stop.any = true;
    } else {
      auto t = preimageTypeByName(type);
      if (!t)
        throw Error("invalid --stop-at-preimage-type \"" + type + "\" (expected local, keccak, sha256, blob, precompile or any)");
      stop.keyType = t;
    }
  }
  // Go ParseInt base 0; unparsable means 0 (off), as in Asterisc.
  uint64_t n = 0;
  if (!largerThan.empty() && parseGoUint(largerThan, n)) stop.largerThan = n;
  return stop;
}

}  // namespace

int runRun(const Args& args) {
  FlagSet flags("run", "run a VM state, writing snapshots, proofs and the final state");
  std::string input, output = "out.json", proofAt, proofFmt = "proof-%d.json", snapshotAt, snapshotFmt = "state-%d.json";
  std::string stopAt, stopAtPreimage, stopAtPreimageType, stopAtPreimageLargerThan, meta = "meta.json", infoAt = "%100000";
  std::string guestStdout, guestStderr;
  OracleFlags oracleFlags;
  std::string engine = "fast";
  bool pprofCpu = false;
  flags.add("input", &input, "input state file (JSON or binary, optional .gz)");
  flags.require("input");
  flags.add("output", &output, "final state (\"\" = none, - = stdout)");
  flags.add("proof-at", &proofAt, "step pattern for proof files: never, always, =N, %N");
  flags.add("proof-fmt", &proofFmt, "proof file name pattern, %d = step");
  flags.add("snapshot-at", &snapshotAt, "step pattern for state snapshots");
  flags.add("snapshot-fmt", &snapshotFmt, "snapshot file name pattern, %d = step");
  flags.add("stop-at", &stopAt, "step pattern to stop before executing");
  flags.add("stop-at-preimage", &stopAtPreimage, "<hex key prefix>[@<offset>]: stop after reading that preimage part");
  flags.add("stop-at-preimage-type", &stopAtPreimageType, "local, keccak, sha256, blob, precompile or any");
  flags.add("stop-at-preimage-larger-than", &stopAtPreimageLargerThan, "stop after reading a preimage larger than this");
  flags.add("meta", &meta, "symbol metadata file (\"\" = none)");
  flags.add("info-at", &infoAt, "step pattern for progress log lines");
  flags.add("pprof.cpu", &pprofCpu, "Asterisc's Go CPU profile: refused (profile fpvm with perf; decision 0011)");
  flags.add("guest-stdout", &guestStdout, "write the guest's fd 1 bytes to this file (- = stdout) instead of logging");
  flags.add("guest-stderr", &guestStderr, "write the guest's fd 2 bytes to this file (- = stderr) instead of logging");
  oracleFlags.add(flags);
  flags.add("engine", &engine,
            "fast (validation), proving (per-store Merkle bookkeeping) or reference (reference interpreter on every step)");
  uint64_t nativeCodeKib = vm::kDefaultNativeCodeBytes >> 10;
  flags.add("native-code-kib", &nativeCodeKib,
            "size of the fast engine's native code cache in KiB (flushed and refilled when full; 64..1048576)");
  flags.takesServerCommand();
  if (!flags.parse(args)) return 0;
  if (nativeCodeKib < (vm::kMinNativeCodeBytes >> 10) || nativeCodeKib > (vm::kMaxNativeCodeBytes >> 10))
    throw Error("run: --native-code-kib " + std::to_string(nativeCodeKib) + " is outside 64..1048576");
  if (engine != "fast" && engine != "proving" && engine != "reference")
    throw Error("run: invalid value \"" + engine + "\" for flag --engine (expected fast, proving or reference)");
  if (pprofCpu)
    throw Error(
        "run: --pprof.cpu is not supported: fpvm is not a Go program and writes no pprof CPU profile; profile it with "
        "`perf record -g -- fpvm run …` instead");

  RunOptions options;
  options.stopAt = image::StepPattern::parse(stopAt, "--stop-at");
  options.infoAt = image::StepPattern::parse(infoAt, "--info-at");
  options.snapshotAt = image::StepPattern::parse(snapshotAt, "--snapshot-at");
  options.proofAt = image::StepPattern::parse(proofAt, "--proof-at");
  options.preimageStop = parsePreimageStop(stopAtPreimage, stopAtPreimageType, stopAtPreimageLargerThan);

  preimage::HostOracleConfig oracleConfig = oracleFlags.config(flags.serverCommand());

  image::SymbolTable symbols;
  if (meta.empty()) {
    logInfo("no metadata file specified, defaulting to empty metadata");
  } else {
    Bytes text = readFile(meta);
    symbols = image::SymbolTable::fromJson(std::string(text.begin(), text.end()), meta);
  }
  options.symbols = &symbols;

  vm::MachineOptions machineOptions;
  machineOptions.engine = engine == "fast" ? vm::Engine::Fast : engine == "proving" ? vm::Engine::Proving : vm::Engine::Reference;
  machineOptions.nativeCodeBytes = static_cast<size_t>(nativeCodeKib) << 10;
  vm::Machine machine(image::readStateFile(input), machineOptions);
  CliGuestOutput guestOutput(guestStdout, guestStderr);
  // Starts the server (if any): a command that cannot be executed fails here, before any step.
  preimage::HostOracle oracle(oracleConfig);
  machine.setOracle(&oracle);
  machine.setOutput(&guestOutput);

  options.onSnapshot = [&](const vm::VmState& st) { image::writeStateFile(st, image::formatStepPath(snapshotFmt, st.step)); };
  options.onProof = [&](const vm::StepProof& p) {
    std::string json = proof::encodeProofJson(p);
    image::writeOutputFile(image::formatStepPath(proofFmt, p.step),
                           ByteView(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
  };
  options.cancel = &gInterrupted;

  // The final state is written before the server is shut down (as Asterisc does), so a server
  // that is slow to exit delays nothing a caller reads.
  return withOracle(oracle, [&] {
    // Resuming: give the host the last complete hint again so it can prepare the data of a
    // preimage read that was in progress (docs/decisions/0002-hint-replay-on-resume.md).
    if (!machine.state().lastCompleteHint.empty() && oracle.server()) oracle.hint(machine.state().lastCompleteHint);
    const RunOutcome outcome = runLoop(machine, options);
    guestOutput.finish();
    if (outcome.interrupted) return kExitInterrupted;
    if (const std::string panic = goPanicBacktrace(machine.state(), symbols); !panic.empty()) std::fputs(panic.c_str(), stderr);
    if (!output.empty()) {  // the final hash costs a Merkleization of all touched memory
      vm::VmState& state = machine.mutableState();
      state.refreshStoredWitness();
      image::writeStateFile(state, output);
    }
    return 0;
  });
}

}  // namespace fpvm::cli
