// `fpvm cannon` / `cannon`: Cannon's three commands for state version 8, dispatched like
// multicannon (the state version of --input must be 8; docs/spec/cannon-mt64.md §10.1).
#include <unistd.h>

#include <iostream>

#include "cli/cannon_commands.hpp"
#include "cli/flag_set.hpp"
#include "common/logfmt.hpp"

namespace fpvm::cli {

namespace {

void cannonUsage() {
  std::cout << "usage: cannon <command> [flags] [-- server command…]\n"
               "       fpvm cannon <command> …\n\n"
               "Cannon-compatible commands for the 64-bit multithreaded MIPS VM (state version 8, "
               "multithreaded64-5):\n"
               "  load-elf   load an ELF program into a prestate (--type, --path, --out, --meta)\n"
               "  run        run a state (--input, --output, --proof-at, --snapshot-at, --stop-at, …) "
               "[-- server command…]\n"
               "  witness    print the witness and state hash of a state (--input, --output)\n"
               "  help, h    show this list, or the flags of one command (cannon help run)\n";
}

bool isHelp(const std::string& arg) {
  return arg == "-h" || arg == "-help" || arg == "--h" || arg == "--help" || arg == "help" || arg == "h";
}

}  // namespace

int runCannon(const Args& args) {
  // Cannon logs with go-ethereum's logfmt handler on a terminal and Go's slog text handler
  // (no time) otherwise (cmd/log.go).
  setLogStyle(::isatty(STDOUT_FILENO) ? LogStyle::Logfmt : LogStyle::SlogText);
  if (args.empty() || isHelp(args[0])) {
    if (args.size() >= 2 && (args[0] == "help" || args[0] == "h")) return runCannon({args[1], "--help"});
    cannonUsage();
    return 0;
  }
  const std::string& command = args[0];
  const Args rest(args.begin() + 1, args.end());
  try {
    if (command == "load-elf") return runCannonLoadElf(rest);
    if (command == "run") return runCannonRun(rest);
    if (command == "witness") return runCannonWitness(rest);
  } catch (const CannonPanic& p) {
    std::cerr << "panic: " << p.what() << "\n";
    return kExitPanic;
  }
  throw Error("unknown cannon command \"" + command + "\" (expected load-elf, run or witness)");
}

}  // namespace fpvm::cli
