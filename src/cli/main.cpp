// fpvm: a RISC-V fault-proof VM, command-line compatible with Asterisc (spec §8).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace fpvm::cli {
std::atomic<bool> gInterrupted{false};
}

namespace {

void onSignal(int) { fpvm::cli::gInterrupted = true; }

void usage() {
  std::cout << "usage: fpvm <command> [flags] [-- server command…]\n\n"
               "commands:\n"
               "  load-elf   load an ELF program into a prestate (--path, --out, --meta)\n"
               "  run        run a state (--input, --output, --stop-at, --proof-at, …)\n"
               "  witness    print the witness and state hash of a state (--input, --output)\n"
               "  verify-step  check a one-step proof file statelessly (--proof)\n\n"
               "Run `fpvm <command> --help` for the flags of a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fpvm::cli;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    usage();
    return argc < 2 ? 1 : 0;
  }
  const std::string command = argv[1];
  Args args, server;
  bool afterDash = false;
  for (int i = 2; i < argc; ++i) {
    if (!afterDash && std::strcmp(argv[i], "--") == 0) {
      afterDash = true;
      continue;
    }
    (afterDash ? server : args).push_back(argv[i]);
  }
  try {
    int rc;
    if (command == "load-elf")
      rc = runLoadElf(args);
    else if (command == "run")
      rc = runRun(args, server);
    else if (command == "witness")
      rc = runWitness(args);
    else if (command == "verify-step")
      rc = runVerifyStep(args);
    else
      throw fpvm::Error("unknown command \"" + command + "\" (expected load-elf, run, witness or verify-step)");
    if (server.size() && command != "run") throw fpvm::Error("command " + command + " takes no server command after --");
    if (rc == kExitInterrupted) {
      std::cout << "Exiting..." << std::endl;
      std::cerr << "command interrupted";
    }
    return rc;
  } catch (const fpvm::Error& e) {
    std::cerr << "error: " << e.what();
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what();
    return 1;
  }
}
