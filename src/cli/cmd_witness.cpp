// `fpvm witness` (spec §8.3): prints the witness JSON of a state.
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"

namespace fpvm::cli {

int runWitness(const Args& args) {
  FlagSet flags("witness", "compute the witness and state hash of a state");
  std::string input, output;
  flags.add("input", &input, "state file");
  flags.require("input");
  flags.add("output", &output, "write the raw 362-byte witness here (never gzipped)");
  if (!flags.parse(args)) return 0;

  vm::VmState state = image::readStateFile(input);
  vm::Witness w = state.witness();  // recomputed: stored witness/stateHash are ignored
  Hash32 hash = vm::VmState::hashWitness(w);
  if (!output.empty()) {
    if (output == "-") image::writeOutputFile("-", ByteView(w));
    else writeFileAtomic(output, ByteView(w), 0755);
  }
  nlohmann::ordered_json j;
  j["witness"] = toHex(ByteView(w));
  j["stateHash"] = toHex(hash);
  j["step"] = state.step;
  j["exited"] = state.exited;
  j["exitCode"] = state.exitCode;
  j["pc"] = state.pc;
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
