#pragma once
/// The preimage-oracle flags shared by the commands that execute a program (`run`,
/// `prove-segment`, `validate-segments`), and a wrapper that stops the oracle's server after the
/// command and says how it ended when the command failed.
#include <chrono>
#include <string>
#include <vector>

#include "cli/cli_parse.hpp"
#include "common/file_io.hpp"
#include "preimage/host_oracle.hpp"

namespace fpvm::cli {

/// The preimage flags `run` has, for commands that execute a program.
struct OracleFlags {
  std::string preimageDir;
  std::vector<std::string> locals, localFiles;
  double timeout = 15;

  void add(CLI::App& app) {
    app.add_option("--preimage-dir", preimageDir, "directory of preimages in op-program's format (0x<key>.txt, hex)");
    app.add_option("--local", locals, "local boot value INDEX=HEX (repeatable)");
    app.add_option("--local-file", localFiles, "JSON file of local boot values {\"INDEX\": \"0xHEX\"}");
    app.add_option("--preimage-timeout", timeout, "seconds to wait for any answer from the preimage server");
  }
  preimage::HostOracleConfig config(const Args& serverCommand) const {
    preimage::HostOracleConfig c;
    for (const auto& l : locals) preimage::addLocalArgument(c.locals, l);
    for (const auto& f : localFiles) {
      Bytes text = readFile(f);
      preimage::addLocalJson(c.locals, std::string(text.begin(), text.end()), f);
    }
    if (!preimageDir.empty()) c.dataDir = preimageDir;
    if (!(timeout > 0)) throw Error("--preimage-timeout must be positive");
    c.serverLimits.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
    c.serverCommand = serverCommand;
    return c;
  }
};

/// Runs `body`, shutting the oracle's server down afterwards and naming how it ended on error.
template <class Body>
int withOracle(preimage::HostOracle& oracle, Body&& body) {
  int rc;
  try {
    rc = body();
  } catch (const Error& e) {
    oracle.shutdown();
    std::string how = oracle.server() ? oracle.server()->exitDescription() : "";
    if (!how.empty()) throw Error(std::string(e.what()) + " (preimage server " + how + ")");
    throw;
  }
  oracle.shutdown();
  return rc;
}

}  // namespace fpvm::cli
