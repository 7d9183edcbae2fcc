#pragma once
/// The `fpvm` subcommands. Each takes the arguments after its name (flags, then for the commands
/// that run a program an optional `-- server command…`; cli/flag_set.hpp) and returns the process
/// exit code. Errors are thrown as fpvm::Error.
#include <atomic>
#include <string>
#include <vector>

namespace fpvm::cli {

using Args = std::vector<std::string>;

/// Set by SIGINT/SIGTERM; long-running commands poll it.
extern std::atomic<bool> gInterrupted;

/// The last signal that set gInterrupted (SIGINT or SIGTERM), 0 before any.
extern std::atomic<int> gSignal;

/// Exit code for an interrupted command (spec §8).
inline constexpr int kExitInterrupted = 130;
/// Exit code for a command stopped by SIGTERM (128 + 15), for commands that tell the two apart.
inline constexpr int kExitTerminated = 143;

int runLoadElf(const Args& args);
int runRun(const Args& args);
int runWitness(const Args& args);
int runVerifyStep(const Args& args);
/// Segment proofs (src/segment): prove, verify and merge segments, validate a run by segments.
int runProveSegment(const Args& args);
int runVerifySegment(const Args& args);
int runMergeSegments(const Args& args);
int runValidateSegments(const Args& args);
/// The validation server (src/server); only in builds that include it (FPVM_WITH_SERVER).
int runServe(const Args& args);
/// Submits a validation request over Redis Streams and waits for the result.
int runSubmit(const Args& args);
/// Bisects a dispute between two parties down to one step and judges it (src/dispute).
int runBisect(const Args& args);
/// Runs a suite of fault-proof-program fixtures from a JSON manifest (src/testrunner).
int runTest(const Args& args);
/// Profiles where a program's steps go, per function and per call stack (src/profile).
int runProfile(const Args& args);
/// Serves a program to gdb over the GDB remote protocol (src/gdbstub, docs/debugging.md).
int runDebug(const Args& args);

}  // namespace fpvm::cli
