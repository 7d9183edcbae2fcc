// fpvm: a RISC-V fault-proof VM, command-line compatible with Asterisc (spec §8).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace fpvm::cli {
std::atomic<bool> gInterrupted{false};
std::atomic<int> gSignal{0};
}  // namespace fpvm::cli

namespace {

void onSignal(int sig) {
  fpvm::cli::gSignal = sig;
  fpvm::cli::gInterrupted = true;
}

void usage() {
  std::cout << "usage: fpvm <command> [flags] [-- server command…]\n\n"
               "commands:\n"
               "  load-elf   load an ELF program into a prestate (--path, --out, --meta)\n"
               "  run        run a state (--input, --output, --stop-at, --proof-at, …)\n"
               "  witness    print the witness and state hash of a state (--input, --output)\n"
               "  verify-step  check a one-step proof file statelessly (--proof)\n"
               "  prove-segment      prove steps [A, B) as one segment proof (--input, --from, --to, --output)\n"
               "  verify-segment     re-execute a segment proof statelessly (--proof, --expect-post)\n"
               "  merge-segments     merge proofs of adjacent segments (--proof …, --output)\n"
               "  validate-segments  validate a run by segment proofs on N threads or Redis consumers (--input, --every, "
               "--threads, --redis-url)\n"
#ifdef FPVM_WITH_SERVER
               "  serve      validation server: JSON-RPC over HTTP/WebSocket, Redis Streams (--prestates, …)\n"
               "  submit     submit a validation request over Redis Streams and wait for the result\n"
               "  bisect     bisect a dispute between two parties to one step and judge its proof (--a, --b, --input)\n"
#endif
               "\n"
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
    const bool takesServer =
        command == "run" || command == "prove-segment" || command == "validate-segments" || command == "serve";
    if (!server.empty() && !takesServer) throw fpvm::Error("command " + command + " takes no server command after --");
    if (command == "load-elf") rc = runLoadElf(args);
    else if (command == "run") rc = runRun(args, server);
    else if (command == "witness") rc = runWitness(args);
    else if (command == "verify-step") rc = runVerifyStep(args);
    else if (command == "prove-segment") rc = runProveSegment(args, server);
    else if (command == "verify-segment") rc = runVerifySegment(args);
    else if (command == "merge-segments") rc = runMergeSegments(args);
    else if (command == "validate-segments") rc = runValidateSegments(args, server);
#ifdef FPVM_WITH_SERVER
    else if (command == "serve") rc = runServe(args, server);
    else if (command == "submit") rc = runSubmit(args);
    else if (command == "bisect") rc = runBisect(args);
#endif
    else throw fpvm::Error("unknown command \"" + command + "\" (run `fpvm --help` for the list)");
    if (rc == kExitInterrupted || (rc == kExitTerminated && gSignal == SIGTERM)) {
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
