#include "cli/oracle_flags.hpp"

#include <chrono>
#include <cmath>

#include "common/file_io.hpp"

namespace fpvm::cli {
namespace {

std::chrono::milliseconds seconds(double s, const char* flag) {
  if (!(s >= 0) || s > 1e9) throw Error(std::string(flag) + " must be a number of seconds between 0 and 1e9");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(s * 1000)));
}

}  // namespace

void OracleFlags::add(FlagSet& flags) {
  flags.add("preimage-dir", &preimageDir, "directory of preimages in op-program's format (0x<key>.txt, hex)");
  flags.add("local", &locals, "local boot value INDEX=HEX");
  flags.add("local-file", &localFiles, "JSON file of local boot values {\"INDEX\": \"0xHEX\"}");
  flags.add("preimage-timeout", &timeout,
            "seconds to wait for one answer of the preimage server before failing (0 = no deadline: wait while the "
            "server process lives)");
  flags.add("preimage-warn-interval", &warnInterval,
            "seconds between the warning lines logged while an answer is outstanding (0 = none)");
  flags.add("preimage-server-grace", &serverGrace,
            "at shutdown, seconds to let the server exit by itself after its pipes close before sending SIGINT");
  flags.add("preimage-server-kill-after", &serverKillAfter,
            "at shutdown, seconds to wait for the server after SIGINT before SIGKILL (0 = wait as long as it takes)");
}

preimage::HostOracleConfig OracleFlags::config(const Args& serverCommand) const {
  preimage::HostOracleConfig c;
  for (const auto& l : locals) preimage::addLocalArgument(c.locals, l);
  for (const auto& f : localFiles) {
    Bytes text = readFile(f);
    preimage::addLocalJson(c.locals, std::string(text.begin(), text.end()), f);
  }
  if (!preimageDir.empty()) c.dataDir = preimageDir;
  preimage::ServerLimits& l = c.serverLimits;
  l.timeout = seconds(timeout, "--preimage-timeout");
  l.warnInterval = seconds(warnInterval, "--preimage-warn-interval");
  l.exitGrace = seconds(serverGrace, "--preimage-server-grace");
  l.killAfter = seconds(serverKillAfter, "--preimage-server-kill-after");
  l.cancel = &gInterrupted;
  c.serverCommand = serverCommand;
  return c;
}

}  // namespace fpvm::cli
