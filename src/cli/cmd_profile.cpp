// `fpvm profile`: where a guest program's steps go, per function and per call stack (docs/profiling.md).
// Exit codes: 0 profiled to the exit or --stop-at, 1 an error (bad flags, unreadable program,
// unwritable output, a revert or host failure), 130 interrupted (the profile so far is reported).
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/guest_output.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/text.hpp"
#include "core/any_machine.hpp"
#include "preimage/host_oracle.hpp"
#include "profile/flame_svg.hpp"
#include "profile/folded.hpp"
#include "profile/json_report.hpp"
#include "profile/report_table.hpp"
#include "profile/sampler.hpp"
#include "profile/straight_line_cache.hpp"
#include "profile/unwinder_source.hpp"

namespace fpvm::cli {
namespace {

/// Throws Error unless a file can be created at `path` (its folder exists and is writable), so
/// that a long run does not end in an unwritable output.
void checkWritable(const std::string& path, const char* flag) {
  namespace fs = std::filesystem;
  if (path.empty()) throw Error(std::string("profile: --") + flag + " needs a file name");
  const fs::path parent = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw Error(std::string("profile: cannot write --") + flag + " " + path + ": folder " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK) != 0)
    throw Error(std::string("profile: cannot write --") + flag + " " + path + ": folder " + parent.string() +
                " is not writable (" + std::strerror(errno) + ")");
  if (fs::is_directory(path, ec)) throw Error(std::string("profile: cannot write --") + flag + " " + path + ": it is a folder");
}

/// True when `path` starts with the ELF magic. Throws Error when it cannot be read.
bool isElf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("profile: cannot open program " + path + " (" + std::strerror(errno) + ")");
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic,
                                         "\x7f"
                                         "ELF",
                                         4) == 0;
}

void writeText(const std::string& path, const std::string& text) {
  writeFileAtomic(path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string describeEnding(const core::AnyMachine& m, const profile::SampleResult& r, std::optional<uint64_t> stopAt) {
  if (m.exited()) {
    const uint8_t code = m.exitCode();
    return "exited with code " + std::to_string(code) + (code == 0 ? " (valid)" : code == 1 ? " (invalid)" : " (panic)");
  }
  if (r.outcome.stop == core::Stop::Reverted) return "reverted at step " + withCommas(r.outcome.revertStep);
  if (r.outcome.stop == core::Stop::Cancelled || r.outcome.stop == core::Stop::ShuttingDown) return "interrupted";
  if (stopAt && m.step() >= *stopAt) return "stopped at --stop-at";
  return "stopped";
}

}  // namespace

int runProfile(const Args& args) {
  FlagSet flags("profile", "profile where a program's steps go: steps per function and per call stack");
  std::string input, meta, foldedPath, svgPath, jsonPath, guestStdout, guestStderr, title;
  uint64_t period = profile::kDefaultPeriod, top = 20, topStacks = 5, stopAt = 0, maxFrames = 256;
  bool exact = false;
  OracleFlags oracleFlags;
  flags.add("input", &input, "the program: an ELF (RISC-V or MIPS64) or a state file of either machine");
  flags.require("input");
  flags.add("meta", &meta, "symbols from this meta.json (needed for a state file; an ELF's own symbols otherwise)");
  flags.add("period", &period, "sampling period in steps: one call stack every N steps on the fast engine");
  flags.add("exact", &exact, "attribute every step (reference interpreter, one step at a time; slow)");
  flags.add("stop-at", &stopAt, "stop before executing this step (0 = run to the exit)");
  flags.add("top", &top, "functions in the table");
  flags.add("top-stacks", &topStacks, "call stacks listed after the table");
  flags.add("max-frames", &maxFrames, "deepest call stack taken");
  flags.add("folded", &foldedPath, "write folded stacks (\"root;caller;callee STEPS\" lines) to this file");
  flags.add("svg", &svgPath, "write a flame graph (SVG) to this file");
  flags.add("json", &jsonPath, "write the profile as JSON to this file");
  flags.add("title", &title, "flame graph title (default: the program's file name)");
  flags.add("guest-stdout", &guestStdout, "write the guest's fd 1 bytes to this file (- = stdout); dropped otherwise");
  flags.add("guest-stderr", &guestStderr, "write the guest's fd 2 bytes to this file (- = stderr); dropped otherwise");
  oracleFlags.add(flags);
  flags.takesServerCommand();
  flags.footer(
      "Counts are steps (what a dispute costs). Sampling counts are estimates (each sample stands for the steps up to\n"
      "the next); --exact counts are exact. Exit codes: 0 profiled, 1 error, 130 interrupted.");
  if (!flags.parse(args)) return 0;
  if (exact && flags.given("period"))
    throw Error("profile: --exact and --period exclude each other (--exact samples every step)");
  if (period == 0) throw Error("profile: invalid --period 0: the sampling period must be at least 1 step");
  if (maxFrames == 0) throw Error("profile: invalid --max-frames 0: at least one frame is needed");
  for (auto [path, flag] : {std::pair{&foldedPath, "folded"}, {&svgPath, "svg"}, {&jsonPath, "json"}})
    if (flags.given(flag)) checkWritable(*path, flag);

  // The program and its symbols.
  std::unique_ptr<core::AnyMachine> machine;
  std::vector<debuginfo::CodeSymbol> symbols;
  if (isElf(input)) {
    Bytes elf = readFile(input);
    machine = core::machineFromElf(ByteView(elf), input);
    symbols = meta.empty() ? debuginfo::symbolsOfElf(ByteView(elf), input) : std::vector<debuginfo::CodeSymbol>{};
  } else {
    if (meta.empty()) throw Error("profile: " + input + " is a state file: give its symbols with --meta meta.json");
    machine = core::machineFromStateFile(input);
  }
  if (!meta.empty()) {
    Bytes text = readFile(meta);
    symbols = debuginfo::symbolsOfMetaJson(std::string(text.begin(), text.end()), meta);
  }
  if (symbols.empty()) throw Error("profile: " + (meta.empty() ? input : meta) + " has no symbols to name functions with");
  profile::UnwinderSource unwinder(std::move(symbols), *machine);
  // Exact mode takes a stack every step: straight-line steps reuse the last one's callers.
  profile::StraightLineCache cache(unwinder);
  profile::StackSource& stacks = exact ? static_cast<profile::StackSource&>(cache) : unwinder;

  std::optional<CliGuestOutput> guestOutput;
  if (!guestStdout.empty() || !guestStderr.empty()) {
    guestOutput.emplace(guestStdout.empty() ? "/dev/null" : guestStdout, guestStderr.empty() ? "/dev/null" : guestStderr);
    machine->setOutput(&*guestOutput);
  }
  preimage::HostOracle oracle(oracleFlags.config(flags.serverCommand()));
  machine->setOracle(&oracle);

  profile::SamplerOptions options;
  options.period = period;
  options.exact = exact;
  if (stopAt != 0) options.stopAt = stopAt;
  options.maxFrames = maxFrames;
  options.cancel = &gInterrupted;

  return withOracle(oracle, [&] {
    // Resuming a state: give the host the last complete hint again (decision 0002).
    if (Bytes hint = machine->resumeHint(); !hint.empty() && oracle.server()) oracle.hint(hint);
    profile::Profile prof;
    const profile::SampleResult r = profile::sampleRun(*machine, stacks, prof, options);
    if (guestOutput) guestOutput->finish();

    profile::ProfileInfo info;
    info.program = input;
    info.isa = core::isaName(machine->isa());
    info.method = stacks.method();
    info.exact = exact;
    info.period = exact ? 1 : period;
    info.samples = r.samples;
    info.firstStep = r.firstStep;
    info.lastStep = r.lastStep;
    info.ending = describeEnding(*machine, r, options.stopAt);
    info.seconds = r.seconds;
    profile::printReport(std::cout, prof, info, top, topStacks);
    std::cout.flush();

    if (!foldedPath.empty()) writeText(foldedPath, profile::foldedStacks(prof));
    if (!jsonPath.empty()) writeText(jsonPath, profile::profileJson(prof, info));
    if (!svgPath.empty()) {
      profile::FlameOptions fo;
      fo.title = title.empty() ? std::filesystem::path(input).filename().string() : title;
      fo.subtitle = withCommas(prof.totalSteps()) + " steps of " + info.isa + " code, " +
                    (exact ? std::string("exact") : "sampled every " + withCommas(period) + " steps (estimates)") + ", " +
                    info.ending;
      writeText(svgPath, profile::flameGraphSvg(prof, fo));
    }
    if (r.outcome.stop == core::Stop::Reverted)
      throw Error("profile: the VM reverted: " + machine->describeRevert(nullptr, false));
    if (r.outcome.stop == core::Stop::Cancelled || r.outcome.stop == core::Stop::ShuttingDown) return kExitInterrupted;
    return 0;
  });
}

}  // namespace fpvm::cli
