// fpvm: a RISC-V fault-proof VM, command-line compatible with Asterisc (spec §8); started as
// `cannon` (or as `fpvm cannon …`) it is Cannon's command line for the MT64 MIPS VM (decision 0014).
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cannon_commands.hpp"
#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/error.hpp"

namespace fpvm::cli {
std::atomic<bool> gInterrupted{false};
std::atomic<int> gSignal{0};
}  // namespace fpvm::cli

namespace {

/// False when running as Cannon, which prints nothing on a signal.
std::atomic<bool> gExitingNotice{true};

/// What Asterisc prints on stdout for every SIGINT/SIGTERM it receives (`fmt.Println("\r\nExiting...")`).
constexpr char kExitingLine[] = "\r\nExiting...\n";

void onSignal(int sig) {
  fpvm::cli::gSignal = sig;
  fpvm::cli::gInterrupted = true;
  if (!gExitingNotice.load()) return;
  // write(2) is async-signal-safe; a short or failed write of this notice changes nothing.
  const ssize_t n = ::write(STDOUT_FILENO, kExitingLine, sizeof kExitingLine - 1);
  (void)n;
}

using Command = int (*)(const fpvm::cli::Args&);

/// One subcommand: its name, its entry point and its one-line summary.
struct CommandInfo {
  const char* name;
  Command run;
  const char* summary;
};

// clang-format off
const CommandInfo kCommands[] = {
    {"load-elf", fpvm::cli::runLoadElf, "load an ELF program into a prestate (--path, --out, --meta)"},
    {"run", fpvm::cli::runRun, "run a state (--input, --output, --stop-at, --proof-at, …) [-- server command…]"},
    {"test", fpvm::cli::runTest, "run a suite of program fixtures from a JSON manifest (--jobs, --junit, --update) MANIFEST"},
    {"profile", fpvm::cli::runProfile, "steps per function and call stack: table, folded stacks, flame graph (--input, --period, --exact, --svg)"},
    {"debug", fpvm::cli::runDebug, "serve a program to gdb-multiarch over the GDB remote protocol (--input, --gdb HOST:PORT)"},
    {"witness", fpvm::cli::runWitness, "print the witness and state hash of a state (--input, --output)"},
    {"cannon", fpvm::cli::runCannon, "Cannon's CLI for the MT64 MIPS VM: cannon load-elf|run|witness (also as a binary named cannon)"},
    {"verify-step", fpvm::cli::runVerifyStep, "check a one-step proof file statelessly (--proof)"},
    {"prove-segment", fpvm::cli::runProveSegment, "prove steps [A, B) as one segment proof (--input, --from, --to, --output)"},
    {"verify-segment", fpvm::cli::runVerifySegment, "re-execute a segment proof statelessly (--proof, --expect-post)"},
    {"merge-segments", fpvm::cli::runMergeSegments, "merge proofs of adjacent segments (--proof …, --output)"},
    {"validate-segments", fpvm::cli::runValidateSegments,
     "validate a run by segment proofs on N threads or Redis consumers (--input, --every, --threads, --redis-url)"},
#ifdef FPVM_WITH_SERVER
    {"serve", fpvm::cli::runServe, "validation server: JSON-RPC over HTTP/WebSocket, Redis Streams (--prestates, …)"},
    {"submit", fpvm::cli::runSubmit, "submit a validation request over Redis Streams and wait for the result"},
    {"bisect", fpvm::cli::runBisect, "bisect a dispute between two parties to one step and judge its proof (--a, --b, --input)"},
#endif
};
// clang-format on

const CommandInfo* findCommand(const std::string& name) {
  for (const auto& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

void usage() {
  std::cout << "usage: fpvm <command> [flags] [-- server command…]\n\ncommands:\n";
  for (const auto& c : kCommands) std::cout << "  " << c.name << std::string(19 - std::strlen(c.name), ' ') << c.summary << "\n";
  std::cout << "  help, h            show this list, or the flags of one command (fpvm help run)\n\n"
               "Flags are written as Go programs take them: -flag value, -flag=value, --flag value, --flag=value\n"
               "(--flag= gives an empty value). Run `fpvm <command> --help` for the flags of a command.\n";
}

/// True for the spellings of the global help flag (-h, -help, --h, --help, --help=true, …).
bool isHelpFlag(const std::string& arg, bool& on) {
  std::string name = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
  std::string value = "true";
  if (auto eq = name.find('='); eq != std::string::npos) {
    value = name.substr(eq + 1);
    name.resize(eq);
  }
  if (name != "help" && name != "h") return false;
  if (!fpvm::cli::parseGoBool(value, on)) throw fpvm::Error("invalid value \"" + value + "\" for flag " + arg);
  return true;
}

/// True when the program was started under the name "cannon" (e.g. through a symlink).
bool invokedAsCannon(const char* argv0) {
  const std::string name = argv0 ? argv0 : "";
  const size_t slash = name.rfind('/');
  return name.substr(slash == std::string::npos ? 0 : slash + 1) == "cannon";
}

/// True when the command (the first argument that is not a global flag) is `cannon`.
bool firstCommandIsCannon(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') return std::strcmp(argv[i], "cannon") == 0;
  return false;
}

/// Runs the command line; returns the exit code.
int dispatch(const std::vector<std::string>& argv) {
  using namespace fpvm::cli;
  // Global flags (only help) come before the command, as urfave/cli parses them.
  size_t i = 0;
  bool help = false;
  for (; i < argv.size() && argv[i].size() > 1 && argv[i][0] == '-'; ++i) {
    if (argv[i] == "--") throw fpvm::Error("a command is needed before -- (run `fpvm help`)");
    bool on = true;
    if (!isHelpFlag(argv[i], on)) throw fpvm::Error("unknown global flag " + argv[i] + " (run `fpvm help`)");
    help = help || on;
  }
  if (i == argv.size()) {
    usage();
    return 0;
  }
  std::string command = argv[i];
  Args args(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
  if (command == "help" || command == "h") {
    if (args.empty()) {
      usage();
      return 0;
    }
    command = args[0];
    help = true;
  }
  const CommandInfo* c = findCommand(command);
  if (!c) throw fpvm::Error("unknown command \"" + command + "\" (run `fpvm help` for the list)");
  if (c->run == runCannon) {
    gExitingNotice = false;
    return runCannon(help ? Args{"--help"} : args);
  }
  return c->run(help ? Args{"--help"} : args);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fpvm::cli;
  // Whether this runs as Cannon (which prints nothing on a signal) is settled before the handlers
  // are installed: a signal arriving during start-up must not print Asterisc's notice.
  const bool asCannon = invokedAsCannon(argc > 0 ? argv[0] : nullptr);
  if (asCannon || firstCommandIsCannon(argc, argv)) gExitingNotice = false;
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // as std::signal installs it: interrupted reads and writes resume
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const int rc = asCannon ? runCannon(args) : dispatch(args);
    if (rc == kExitInterrupted || (rc == kExitTerminated && gSignal == SIGTERM)) std::cerr << "command interrupted";
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
