// `fpvm debug` (docs/debugging.md): serves one gdb connection over the GDB remote protocol for a
// program of either machine, with breakpoints, stepping and reverse execution.
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/guest_output.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/logfmt.hpp"
#include "core/any_machine.hpp"
#include "gdbstub/controller.hpp"
#include "gdbstub/server.hpp"
#include "gdbstub/transport.hpp"
#include "image/symbols.hpp"
#include "preimage/host_oracle.hpp"

namespace fpvm::cli {
namespace {

/// An ELF of either machine (by its e_machine) or a state file of either machine.
std::unique_ptr<core::AnyMachine> loadProgram(const std::string& path, bool bare) {
  char magic[4] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("debug: cannot open program " + path);
  in.read(magic, 4);
  if (in.gcount() == 4 && std::memcmp(magic,
                                      "\x7f"
                                      "ELF",
                                      4) == 0) {
    const Bytes elf = readFile(path);
    return core::machineFromElf(ByteView(elf), path, bare);
  }
  if (bare) throw Error("debug: --bare applies to ELF programs only, and " + path + " is not an ELF file");
  return core::machineFromStateFile(path);
}

const char* sessionEndName(gdbstub::SessionEnd end) {
  switch (end) {
    case gdbstub::SessionEnd::Detached: return "gdb detached";
    case gdbstub::SessionEnd::Killed: return "gdb killed the program";
    case gdbstub::SessionEnd::Disconnected: return "gdb closed the connection";
  }
  return "?";
}

}  // namespace

int runDebug(const Args& args) {
  FlagSet flags("debug", "serve a program (ELF or state file, either machine) to gdb over the GDB remote protocol");
  std::string input, address = "127.0.0.1:1234", meta, guestStdout, guestStderr;
  bool bare = false;
  uint64_t snapshotEvery = 4096, maxSnapshots = 256;
  OracleFlags oracleFlags;
  flags.add("input", &input, "the program: an ELF (RISC-V or MIPS64) or a state file of either machine");
  flags.require("input");
  flags.add("gdb", &address, "HOST:PORT to listen on for gdb (port 0 = a free port; the chosen one is printed)");
  flags.add("meta", &meta, "symbol metadata file for revert messages (\"\" = none)");
  flags.add("bare", &bare, "load the ELF's segments only (no initial stack, no Go patches: riscv-tests programs)");
  flags.add("guest-stdout", &guestStdout, "write the guest's fd 1 bytes to this file (- = stdout) instead of logging on stderr");
  flags.add("guest-stderr", &guestStderr, "write the guest's fd 2 bytes to this file (- = stderr) instead of logging on stderr");
  flags.add("snapshot-every", &snapshotEvery, "steps between reverse-execution snapshots (doubles when they are too many)");
  flags.add("max-snapshots", &maxSnapshots, "most reverse-execution snapshots held");
  oracleFlags.add(flags);
  flags.takesServerCommand();
  flags.footer(
      "Attach with: gdb-multiarch PROGRAM.elf -ex 'target remote HOST:PORT'. The session ends (exit 0) when gdb\n"
      "detaches, kills the program or closes the connection. Registers and memory are read-only.");
  if (!flags.parse(args)) return 0;
  if (snapshotEvery == 0) throw Error("debug: --snapshot-every must be at least 1");
  if (maxSnapshots < 2) throw Error("debug: --max-snapshots must be at least 2");
  std::string host;
  uint16_t port = 0;
  gdbstub::parseHostPort(address, host, port);

  image::SymbolTable symbols;
  if (!meta.empty()) {
    const Bytes text = readFile(meta);
    symbols = image::SymbolTable::fromJson(std::string(text.begin(), text.end()), meta);
  }
  std::unique_ptr<core::AnyMachine> machine = loadProgram(input, bare);
  const preimage::HostOracleConfig oracleConfig = oracleFlags.config(flags.serverCommand());
  CliGuestOutput guestOutput(guestStdout, guestStderr);
  gdbstub::TcpListener listener(host, port);  // before the server starts: a busy port fails first
  preimage::HostOracle oracle(oracleConfig);

  return withOracle(oracle, [&] {
    // Resuming a state: the server hears the last complete hint again (decision 0002).
    const Bytes hint = machine->resumeHint();
    if (!hint.empty() && oracle.server()) oracle.hint(hint);
    gdbstub::ControllerOptions options;
    options.snapshotEvery = snapshotEvery;
    options.maxSnapshots = maxSnapshots;
    options.symbols = symbols.empty() ? nullptr : &symbols;
    gdbstub::Controller controller(std::move(machine), &oracle, &guestOutput, options);

    std::cerr << "listening on " << listener.address() << ":" << listener.port() << std::endl;
    int fd = -1;
    while (fd < 0) {
      if (gInterrupted) return kExitInterrupted;
      fd = listener.accept(200);
    }
    gdbstub::SocketChannel channel(fd);
    gdbstub::GdbServer server(controller, channel);
    server.setCancel(&gInterrupted);
    const gdbstub::SessionEnd end = server.serve();
    guestOutput.finish();
    if (gInterrupted) return kExitInterrupted;
    logInfo(sessionEndName(end), {{"step", std::to_string(controller.machine().step())}});
    return 0;
  });
}

}  // namespace fpvm::cli
