#pragma once
/// The stdout of `cannon witness` (docs/spec/cannon-mt64.md §8.3): stateVersion, witnessHash,
/// witness, step, exited, exitCode — one JSON value, which op-challenger parses whole.
#include <string>

#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// The JSON text for `state` (2-space indent, two trailing newlines). Merkleizes memory.
std::string encodeWitnessJson(State& state);

}  // namespace fpvm::mips64
