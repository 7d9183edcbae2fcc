// `fpvm run` (spec §8.2): steps a state, writing snapshots, proofs and the final state.
#include <chrono>
#include <optional>

#include "cli/cli_parse.hpp"
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

int runRun(const Args& args, const Args& serverCommand) {
  CLI::App app("Run a VM state", "run");
  std::string input, output = "out.json", proofAt, proofFmt = "proof-%d.json", snapshotAt, snapshotFmt = "state-%d.json";
  std::string stopAt, stopAtPreimage, stopAtPreimageType, stopAtPreimageLargerThan, meta = "meta.json", infoAt = "%100000";
  std::string guestStdout, guestStderr;
  OracleFlags oracleFlags;
  std::string engine = "fast";
  bool pprofCpu = false;
  app.add_option("--input", input, "input state file (JSON or binary, optional .gz)")->required();
  app.add_option("--output", output, "final state (\"\" = none, - = stdout)");
  app.add_option("--proof-at", proofAt, "step pattern for proof files: never, always, =N, %N");
  app.add_option("--proof-fmt", proofFmt, "proof file name pattern, %d = step");
  app.add_option("--snapshot-at", snapshotAt, "step pattern for state snapshots");
  app.add_option("--snapshot-fmt", snapshotFmt, "snapshot file name pattern, %d = step");
  app.add_option("--stop-at", stopAt, "step pattern to stop before executing");
  app.add_option("--stop-at-preimage", stopAtPreimage, "<hex key prefix>[@<offset>]: stop after reading that preimage part");
  app.add_option("--stop-at-preimage-type", stopAtPreimageType, "local, keccak, sha256, blob, precompile or any");
  app.add_option("--stop-at-preimage-larger-than", stopAtPreimageLargerThan, "stop after reading a preimage larger than this");
  app.add_option("--meta", meta, "symbol metadata file (\"\" = none)");
  app.add_option("--info-at", infoAt, "step pattern for progress log lines");
  app.add_flag("--pprof.cpu", pprofCpu, "accepted for compatibility; fpvm writes no Go profile");
  app.add_option("--guest-stdout", guestStdout, "write the guest's fd 1 bytes to this file (- = stdout) instead of logging");
  app.add_option("--guest-stderr", guestStderr, "write the guest's fd 2 bytes to this file (- = stderr) instead of logging");
  oracleFlags.add(app);
  app.add_option("--engine", engine,
                 "fast (validation, default), proving (per-store Merkle bookkeeping) or reference (reference "
                 "interpreter on every step)")
      ->check(CLI::IsMember({"fast", "proving", "reference"}));
  if (!parseArgs(app, args)) return 0;

  RunOptions options;
  options.stopAt = image::StepPattern::parse(stopAt, "--stop-at");
  options.infoAt = image::StepPattern::parse(infoAt, "--info-at");
  options.snapshotAt = image::StepPattern::parse(snapshotAt, "--snapshot-at");
  options.proofAt = image::StepPattern::parse(proofAt, "--proof-at");
  options.preimageStop = parsePreimageStop(stopAtPreimage, stopAtPreimageType, stopAtPreimageLargerThan);
  if (pprofCpu) logWarn("--pprof.cpu is accepted for compatibility; no CPU profile is written");

  preimage::HostOracleConfig oracleConfig = oracleFlags.config(serverCommand);

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
  vm::Machine machine(image::readStateFile(input), machineOptions);
  CliGuestOutput guestOutput(guestStdout, guestStderr);
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

  // Resuming: give the host the last complete hint again so it can prepare the data of a
  // preimage read that was in progress (docs/decisions/0002-hint-replay-on-resume.md).
  if (!machine.state().lastCompleteHint.empty() && oracle.server()) oracle.hint(machine.state().lastCompleteHint);
  RunOutcome outcome;
  withOracle(oracle, [&] {
    outcome = runLoop(machine, options);
    return 0;
  });
  guestOutput.finish();
  if (outcome.interrupted) return kExitInterrupted;
  if (!output.empty()) {  // the final hash costs a Merkleization of all touched memory
    vm::VmState& state = machine.mutableState();
    state.refreshStoredWitness();
    image::writeStateFile(state, output);
  }
  return 0;
}

}  // namespace fpvm::cli
