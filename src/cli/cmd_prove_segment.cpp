// `fpvm prove-segment`: runs a state to step A with the fast engine, then proves steps [A, B)
// as one segment proof (src/segment/segment_proof.hpp). `fpvm validate-segments`: validates a
// whole run by segments — one fast-engine pass for the commitments, proofs built and verified on
// N threads, commitments chained to the end.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cli_parse.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "preimage/host_oracle.hpp"
#include "segment/parallel_validation.hpp"
#include "segment/segment_prover.hpp"
#include "vm/fast_engine.hpp"
#include "vm/runner.hpp"
#include "vm/state_file.hpp"

namespace fpvm::cli {
namespace {

nlohmann::ordered_json validateJson(const segment::ValidateReport& r) {
  nlohmann::ordered_json j;
  j["segments"] = r.segments.size();
  j["from"] = r.startStep;
  j["to"] = r.endStep;
  j["exited"] = r.exited;
  j["start"] = toHex(r.checkpoints.front());
  j["end"] = toHex(r.checkpoints.back());
  j["proof-bytes"] = r.proofBytes;
  j["single-step-bytes"] = r.singleStepBytes;
  j["run-seconds"] = r.runSeconds;
  j["run-cpu-seconds"] = r.runCpuSeconds;
  j["build-wall-seconds"] = r.buildWallSeconds;
  j["prove-cpu-seconds"] = r.proveCpuSeconds;
  j["verify-wall-seconds"] = r.verifyWallSeconds;
  j["verify-cpu-seconds"] = r.verifyCpuSeconds;
  j["wall-seconds"] = r.wallSeconds;
  return j;
}

}  // namespace

int runProveSegment(const Args& args, const Args& serverCommand) {
  CLI::App app("Prove steps [from, to) of a state as one segment proof", "prove-segment");
  std::string input, output;
  uint64_t from = 0, to = 0;
  OracleFlags oracleFlags;
  app.add_option("--input", input, "input state file (JSON or binary, optional .gz)")->required();
  app.add_option("--from", from, "first step of the segment (the fast engine runs up to it)")->required();
  app.add_option("--to", to, "end step (exclusive); the segment ends earlier if the machine exits")->required();
  app.add_option("--output", output, "segment proof file (binary, .gz = gzipped, - = stdout)")->required();
  oracleFlags.add(app);
  if (!parseArgs(app, args)) return 0;
  if (to < from) throw Error("--to " + std::to_string(to) + " is before --from " + std::to_string(from));

  vm::VmState state = vm::readStateFile(input);
  if (state.step > from)
    throw Error("the input state is at step " + std::to_string(state.step) + ", after --from " + std::to_string(from));
  preimage::HostOracle oracle(oracleFlags.config(serverCommand));
  vm::HostContext host;
  host.oracle = &oracle;
  if (!state.lastCompleteHint.empty() && oracle.server()) oracle.hint(state.lastCompleteHint);
  return withOracle(oracle, [&] {
    {
      vm::FastEngine fast(state, host);
      while (!state.exited && state.step < from) {
        const vm::FastStop stop = fast.run(from - state.step, &gInterrupted);
        if (stop == vm::FastStop::Cancelled) return kExitInterrupted;
        if (stop == vm::FastStop::Reverted)
          throw Error(vm::describeRevert(state, state.step - 1, state.pc, fast.revert(), fast.lastSyscall(), nullptr, false));
      }
    }
    if (state.step < from)
      throw Error("the machine exits at step " + std::to_string(state.step) + ", before --from " + std::to_string(from));
    segment::ProveStats stats;
    segment::SegmentProof proof = segment::proveSegment(state, host, to, &stats);
    segment::SizeBreakdown sizes;
    Bytes bytes = segment::encodeSegmentProof(proof, &sizes);
    vm::writeOutputFile(output, bytes);
    nlohmann::ordered_json j;
    j["from"] = proof.fromStep();
    j["to"] = proof.toStep;
    j["exited"] = state.exited;
    j["pre"] = toHex(proof.preHash);
    j["post"] = toHex(proof.postHash);
    j["leaves"] = proof.leaves.size();
    j["siblings"] = proof.siblings.size();
    j["preimages"] = proof.preimages.size();
    j["bytes"] = bytes.size();
    j["header-bytes"] = sizes.header;
    j["leaf-bytes"] = sizes.leaves;
    j["multiproof-bytes"] = sizes.multiproof;
    j["preimage-bytes"] = sizes.preimages;
    j["memory-proofs"] = stats.memoryProofs;
    j["single-step-bytes"] = stats.singleStepBytes();
    (output == "-" ? std::cerr : std::cout) << j.dump() << std::endl;
    return 0;
  });
}

int runValidateSegments(const Args& args, const Args& serverCommand) {
  CLI::App app("Validate a run by segments: fast-engine commitments every K steps, segment proofs built and "
               "verified statelessly on N threads, commitments chained to the end",
               "validate-segments");
  std::string input, claimedEnd, proofDir;
  segment::ValidateOptions opt;
  opt.threads = std::max(1u, std::thread::hardware_concurrency());
  bool baseline = false;
  OracleFlags oracleFlags;
  app.add_option("--input", input, "input state file (JSON or binary, optional .gz)")->required();
  app.add_option("--every", opt.every, "checkpoint interval K in steps")->check(CLI::PositiveNumber);
  app.add_option("--threads", opt.threads, "provers and verifiers (1 = single-threaded)")->check(CLI::Range(1u, 1024u));
  app.add_option("--max-steps", opt.maxSteps, "stop after this many steps");
  app.add_option("--claimed-end", claimedEnd, "state hash the run must end in (hex)");
  app.add_option("--proof-dir", proofDir, "write the segment proofs here as segment-<i>.fpsg");
  app.add_flag("--baseline", baseline, "also run single-threaded and report the speed-up");
  oracleFlags.add(app);
  if (!parseArgs(app, args)) return 0;
  if (!claimedEnd.empty()) opt.claimedEnd = hash32FromHex(claimedEnd, "--claimed-end");
  opt.keepProofs = !proofDir.empty();
  opt.cancel = &gInterrupted;

  vm::VmState state = vm::readStateFile(input);
  std::optional<vm::VmState> copy;
  if (baseline) copy = state;
  const preimage::HostOracleConfig config = oracleFlags.config(serverCommand);
  nlohmann::ordered_json j;
  auto validate = [&](vm::VmState& st, const segment::ValidateOptions& o) {
    preimage::HostOracle oracle(config);
    vm::HostContext host;
    host.oracle = &oracle;
    if (!st.lastCompleteHint.empty() && oracle.server()) oracle.hint(st.lastCompleteHint);
    segment::ValidateReport rep;
    withOracle(oracle, [&] {
      try {
        rep = segment::validateSegments(st, host, o);
      } catch (const Error&) {
        if (!gInterrupted) throw;
        rep.interrupted = true;
      }
      return 0;
    });
    return rep;
  };
  segment::ValidateReport rep = validate(state, opt);
  if (rep.interrupted) return kExitInterrupted;
  j = validateJson(rep);
  j["every"] = opt.every;
  j["threads"] = opt.threads;
  if (baseline) {
    segment::ValidateOptions one = opt;
    one.threads = 1;
    one.keepProofs = false;
    segment::ValidateReport base = validate(*copy, one);
    if (base.interrupted) return kExitInterrupted;
    j["baseline"] = validateJson(base);
    j["speedup"] = rep.wallSeconds > 0 ? base.wallSeconds / rep.wallSeconds : 0;
    j["verify-speedup"] = rep.verifyWallSeconds > 0 ? base.verifyWallSeconds / rep.verifyWallSeconds : 0;
  }
  if (!proofDir.empty()) {
    for (size_t i = 0; i < rep.proofs.size(); ++i)
      writeFileAtomic(proofDir + "/segment-" + std::to_string(i) + ".fpsg", rep.proofs[i]);
  }
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
