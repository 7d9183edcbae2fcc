#pragma once
/// `fpvm cannon …` and `cannon …` (the binary invoked under the name "cannon"): a drop-in for
/// Cannon's command line for state version 8 (docs/spec/cannon-mt64.md §10,
/// docs/decisions/0014-cannon-cli.md). Errors are thrown as fpvm::Error; an invalid step without a
/// preimage server is a CannonPanic (exit 2, as Cannon's unrecovered Go panic).
#include "cli/commands.hpp"
#include "common/error.hpp"

namespace fpvm::cli {

/// Exit code of a Go panic, which op-challenger maps to ErrVMPanic.
inline constexpr int kExitPanic = 2;

/// Thrown where Cannon would panic without recovering; the dispatcher prints "panic: <msg>"
/// and exits kExitPanic.
class CannonPanic : public Error {
 public:
  using Error::Error;
};

/// Dispatches `load-elf`, `run`, `witness` (args = the arguments after "cannon"); `help`, `-h`
/// and no command print the usage.
int runCannon(const Args& args);
/// Cannon's `load-elf --type multithreaded64-5 --path ELF [--out state.bin.gz] [--meta meta.json]`.
int runCannonLoadElf(const Args& args);
/// Cannon's `run` (flags of cmd/run.go) [-- server command…].
int runCannonRun(const Args& args);
/// Cannon's `witness --input STATE [--output FILE]`.
int runCannonWitness(const Args& args);

}  // namespace fpvm::cli
