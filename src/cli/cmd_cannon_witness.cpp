// `cannon witness` (docs/spec/cannon-mt64.md §8.3): the witness JSON of a state on stdout.
#include <iostream>

#include "cli/cannon_commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "mips64/state_file.hpp"
#include "mips64/witness_json.hpp"

namespace fpvm::cli {

int runCannonWitness(const Args& args) {
  FlagSet flags("cannon witness", "print the witness and state hash of a Cannon MT64 state");
  std::string input, output;
  flags.add("input", &input, "state file (.bin or .bin.gz)");
  flags.require("input");
  flags.add("output", &output, "also write the raw 188-byte witness here");
  if (!flags.parse(args)) return 0;

  mips64::State state;
  try {
    state = mips64::readStateFile(input);
  } catch (const Error& e) {
    throw Error("invalid input state (" + input + "): " + e.what());
  }
  const std::string json = mips64::encodeWitnessJson(state);
  if (!output.empty()) {
    const mips64::Witness w = state.witness();
    writeFileAtomic(output, ByteView(w.data(), w.size()), 0755);
  }
  std::cout << json << std::flush;
  return 0;
}

}  // namespace fpvm::cli
