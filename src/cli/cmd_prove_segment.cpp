// `fpvm prove-segment`: runs a state to step A with the fast engine, then proves steps [A, B)
// as one segment proof (src/segment/segment_proof.hpp; MT64 states: cli/mips64_segments.hpp).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/mips64_segments.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"
#include "preimage/host_oracle.hpp"
#include "segment/segment_prover.hpp"
#include "vm/machine.hpp"

namespace fpvm::cli {

int runProveSegment(const Args& args) {
  FlagSet flags("prove-segment", "prove steps [from, to) of a state as one segment proof");
  std::string input, output;
  uint64_t from = 0, to = 0;
  OracleFlags oracleFlags;
  flags.add("input", &input, "input state file (JSON or binary, optional .gz; a Cannon MT64 .bin state too)");
  flags.add("from", &from, "first step of the segment (the fast engine runs up to it)");
  flags.add("to", &to, "end step (exclusive); the segment ends earlier if the machine exits");
  flags.add("output", &output, "segment proof file (binary, .gz = gzipped, - = stdout)");
  for (const char* name : {"input", "from", "to", "output"}) flags.require(name);
  oracleFlags.add(flags);
  flags.takesServerCommand();
  if (!flags.parse(args)) return 0;
  const Args& serverCommand = flags.serverCommand();
  if (to < from) throw Error("--to " + std::to_string(to) + " is before --from " + std::to_string(from));
  if (isMips64StateFile(input)) {
    preimage::HostOracle oracle(oracleFlags.config(serverCommand));
    return withOracle(oracle, [&] { return proveMips64SegmentFile(input, from, to, output, oracle); });
  }

  vm::Machine machine(image::readStateFile(input));
  if (machine.step() > from)
    throw Error("the input state is at step " + std::to_string(machine.step()) + ", after --from " + std::to_string(from));
  preimage::HostOracle oracle(oracleFlags.config(serverCommand));
  machine.setOracle(&oracle);
  if (!machine.state().lastCompleteHint.empty() && oracle.server()) oracle.hint(machine.state().lastCompleteHint);
  return withOracle(oracle, [&] {
    vm::AdvanceOptions advance;
    advance.budget.cancel = &gInterrupted;
    vm::Outcome outcome;
    try {
      outcome = machine.advance(from, advance);
    } catch (const vm::HostFailure& f) {
      if (gInterrupted) return kExitInterrupted;  // a wait for the preimage server was cut short
      throw Error("failed at step " + std::to_string(f.step()) + ": " + f.what());
    }
    if (outcome.reason == vm::StopReason::Reverted) throw Error(machine.describe(outcome.revert, nullptr, false));
    if (!outcome.completed()) return kExitInterrupted;
    if (machine.step() < from)
      throw Error("the machine exits at step " + std::to_string(machine.step()) + ", before --from " + std::to_string(from));
    segment::ProveStats stats;
    segment::SegmentProof proof = segment::proveSegment(machine, to, &stats);
    segment::SizeBreakdown sizes;
    Bytes bytes = segment::encodeSegmentProof(proof, &sizes);
    image::writeOutputFile(output, bytes);
    nlohmann::ordered_json j;
    j["from"] = proof.fromStep();
    j["to"] = proof.toStep;
    j["exited"] = machine.exited();
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
