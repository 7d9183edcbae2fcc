// debuginfo::Unwinder on real guests of both machines: stacks sampled along whole runs end at the
// program's outermost function with every frame named; a Go panic's stack reaches the panicking
// function with its file and line; malformed Go tables are refused by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "core/any_machine.hpp"
#include "debuginfo/go_tables.hpp"
#include "debuginfo/unwinder.hpp"

namespace fpvm::debuginfo::test {
namespace {

/// The guest `name` the build produced, or "" (the caller skips).
std::string guest(const std::string& name) {
  const std::string path = std::string(FPVM_GUESTS_DIR) + "/" + name;
  return std::filesystem::exists(path) ? path : "";
}

Bytes readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

/// A program loaded into its machine with its symbols' unwinder.
struct Program {
  Bytes elf;
  std::unique_ptr<core::AnyMachine> machine;
  std::unique_ptr<Unwinder> unwinder;
  explicit Program(const std::string& path) : elf(readFile(path)) {
    machine = core::machineFromElf(elf, path);
    unwinder = std::make_unique<Unwinder>(symbolsOfElf(elf, path), *machine);
  }
  /// Function names of the current thread's stack, innermost first.
  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const uint64_t pc : unwinder->callStack(*machine)) out.emplace_back(unwinder->functionAt(pc));
    return out;
  }
};

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : " <- ") + n;
  return s;
}

/// What sampling a run's stacks found.
struct Samples {
  int total = 0;
  int complete = 0;  ///< every frame named and the outermost one an outermost function
  size_t deepest = 0;
  std::vector<std::string> incomplete;  ///< the first few that were not
};

/// Runs `p` to its end on the fast engine, stopping every `every` steps to unwind the stack.
Samples sampleStacks(Program& p, uint64_t every, const std::vector<std::string>& outermost) {
  Samples s;
  for (uint64_t target = every; !p.machine->exited(); target += every) {
    const core::Outcome o = p.machine->advance(target, vm::Engine::Fast, {});
    if (o.stop != core::Stop::Reached) break;
    const std::vector<std::string> names = p.names();
    ++s.total;
    const bool named = std::none_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); });
    if (named && !names.empty() && std::find(outermost.begin(), outermost.end(), names.back()) != outermost.end()) {
      ++s.complete;
      s.deepest = std::max(s.deepest, names.size());
    } else if (s.incomplete.size() < 5) {
      char pc[24];
      std::snprintf(pc, sizeof pc, " (pc 0x%llx)", static_cast<unsigned long long>(p.machine->pc()));
      s.incomplete.push_back("step " + std::to_string(target) + pc + ": " + joined(names));
    }
  }
  return s;
}

/// At least 97% of the samples unwind completely: the rest stop inside code that is between
/// frames (the RISC-V save millicode; Go assembly that switches stacks), as Go's own unwinder does.
void expectMostlyComplete(const std::string& name, const Samples& s, int minSamples, size_t minDepth) {
  EXPECT_GE(s.total, minSamples) << name;
  EXPECT_GE(s.complete * 100, s.total * 97) << name << ": " << s.complete << " of " << s.total << " complete; e.g. "
                                           << (s.incomplete.empty() ? "" : s.incomplete.front());
  EXPECT_GE(s.deepest, minDepth) << name;
  std::cout << "[ unwind ] " << name << ": " << s.complete << " of " << s.total << " stacks complete, deepest " << s.deepest
            << std::endl;
  for (const auto& i : s.incomplete) std::cout << "           incomplete at " << i << std::endl;
}

TEST(Unwinder, RiscvCProgramsUnwindToStartAtEverySample) {
  for (const std::string name : {"sort.elf", "bignum.elf", "keccak.elf", "malloc_stress.elf"}) {
    const std::string path = guest(name);
    if (path.empty()) GTEST_SKIP() << "guest " << name << " was not built";
    Program p(path);
    EXPECT_EQ(p.unwinder->method(), UnwindMethod::FramePointers);
    expectMostlyComplete(name, sampleStacks(p, 7919, {"_start", "__fpvm_cstart"}), 40, 4);
  }
}

TEST(Unwinder, Mips64CProgramsUnwindByTheirPrologues) {
  for (const std::string name : {"mips64/hello.elf", "mips64/threads.elf"}) {
    const std::string path = guest(name);
    if (path.empty()) GTEST_SKIP() << "guest " << name << " was not built (no mips64-linux-gnuabi64-gcc?)";
    Program p(path);
    EXPECT_EQ(p.unwinder->method(), UnwindMethod::Prologue);
    // Threads other than the first start in the runtime's thread entry.
    expectMostlyComplete(name, sampleStacks(p, 97, {"__start", "thread_start", "spawn"}), 10, 2);
  }
}

TEST(Unwinder, GoProgramsOfBothMachinesUnwindToATopFrameAtEverySample) {
  for (const std::string name : {"go/tiny", "go/goroutines", "go/mips64-tiny", "go/mips64-goroutines"}) {
    const std::string path = guest(name);
    if (path.empty()) GTEST_SKIP() << "Go guest " << name << " was not built (no Go toolchain?)";
    Program p(path);
    EXPECT_EQ(p.unwinder->method(), UnwindMethod::GoTables);
    expectMostlyComplete(
        name, sampleStacks(p, 4999, {"runtime.goexit", "runtime.mstart", "runtime.rt0_go", "runtime.mcall", "runtime.morestack"}), 40,
        10);
  }
}

TEST(Unwinder, GoPanicStackReachesThePanickingLineThroughTheSystemStack) {
  const std::string path = guest("go/panic");
  if (path.empty()) GTEST_SKIP() << "Go guest go/panic was not built (no Go toolchain?)";
  Program p(path);
  // The runtime's crash path sleeps on the system stack; nanosleep is not a syscall of the VM.
  const core::Outcome o = p.machine->advance(~uint64_t(0), vm::Engine::Fast, {});
  ASSERT_EQ(o.stop, core::Stop::Reverted);
  const std::vector<uint64_t> stack = p.unwinder->callStack(*p.machine);
  const std::string text = formatBacktrace(*p.unwinder, stack);
  EXPECT_NE(text.find("in runtime.usleep"), std::string::npos) << text;
  EXPECT_NE(text.find("in runtime.fatalpanic"), std::string::npos) << text;
  // check() is inlined into main(): the frame is main's, the line the panic's in check.
  EXPECT_NE(text.find("in main.main at fpvm.guest/panic/main.go:13\n"), std::string::npos) << text;
  EXPECT_NE(text.find("in runtime.goexit"), std::string::npos) << text;
  std::cout << text;
}

TEST(GoTables, MalformedTablesAreRefusedByName) {
  EXPECT_THROW(GoTables(Bytes(10), false), Error);
  Bytes header(72);
  header[0] = 0xfb;  // Go 1.16's magic
  header[1] = header[2] = header[3] = 0xff;
  try {
    GoTables t(header, false);
    ADD_FAILURE() << "Go 1.16 tables accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Go 1.18 and later"), std::string::npos) << e.what();
  }
  header[0] = 0xf0;
  header[6] = 4;
  header[7] = 8;
  header[64] = 0xff;  // function table offset past the end
  EXPECT_THROW(GoTables(header, false), Error);
}

}  // namespace
}  // namespace fpvm::debuginfo::test
