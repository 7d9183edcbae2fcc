#pragma once
/// The preimage-oracle flags shared by the commands that execute a program (`run`,
/// `prove-segment`, `validate-segments`), and a wrapper that stops the oracle's server after the
/// command and says how it ended when the command failed.
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "preimage/host_oracle.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::cli {

/// The preimage flags `run` has, for commands that execute a program. Times are in seconds.
struct OracleFlags {
  std::string preimageDir;
  std::vector<std::string> locals, localFiles;
  /// Hard deadline for one answer of the server; 0 = none (wait while the server lives).
  double timeout = 0;
  /// Warning line every this long while an answer is outstanding; 0 = no warnings.
  double warnInterval = 15;
  /// Shutdown: wait this long for the server to exit by itself before SIGINT.
  double serverGrace = 1;
  /// Shutdown: wait this long after SIGINT before SIGKILL; 0 = wait as long as it takes.
  double serverKillAfter = 60;

  /// Registers the flags on `flags`.
  void add(FlagSet& flags);
  /// The oracle configuration for `serverCommand` (empty: no server). Throws Error on a bad
  /// value (a negative time, an unreadable --local-file).
  preimage::HostOracleConfig config(const Args& serverCommand) const;
};

/// Runs `body`, shutting the oracle's server down afterwards and naming how it ended on error.
template <class Body>
int withOracle(preimage::HostOracle& oracle, Body&& body) {
  int rc;
  try {
    rc = body();
  } catch (const preimage::WaitInterrupted&) {  // SIGINT/SIGTERM while the server was awaited
    oracle.shutdown();
    return kExitInterrupted;
  } catch (const Error& e) {
    oracle.shutdown();
    std::string how = oracle.server() ? oracle.server()->exitDescription() : "";
    if (!how.empty() && std::string(e.what()).find(how) == std::string::npos)
      throw Error(std::string(e.what()) + " (preimage server " + how + ")");
    throw;
  }
  oracle.shutdown();
  return rc;
}

}  // namespace fpvm::cli
