// `fpvm prove-segment`: runs a state to step A with the fast engine, then proves steps [A, B)
// as one segment proof (src/segment/segment_proof.hpp).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli_parse.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "preimage/host_oracle.hpp"
#include "segment/segment_prover.hpp"
#include "vm/fast_engine.hpp"
#include "vm/runner.hpp"
#include "vm/state_file.hpp"

namespace fpvm::cli {

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

}  // namespace fpvm::cli
