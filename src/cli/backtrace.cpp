#include "cli/backtrace.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "core/any_machine.hpp"
#include "debuginfo/unwinder.hpp"

namespace fpvm::cli {

namespace {

const char* methodName(debuginfo::UnwindMethod m) {
  switch (m) {
    case debuginfo::UnwindMethod::GoTables: return "Go tables";
    case debuginfo::UnwindMethod::FramePointers: return "frame pointers and prologues";
    case debuginfo::UnwindMethod::Prologue: return "prologues";
  }
  return "?";
}

/// What to print: every failing step's stack, or only the stack of a Go panic's exit.
enum class Want : uint8_t { Always, GoPanicOnly };

std::string backtraceOf(const core::AnyMachine& machine, std::vector<debuginfo::CodeSymbol> symbols, Want want) {
  if (symbols.empty()) return "";
  try {
    debuginfo::Unwinder unwinder(std::move(symbols), machine);
    if (want == Want::GoPanicOnly && !unwinder.hasGoTables()) return "";
    const std::vector<uint64_t> stack = unwinder.callStack(machine);
    if (want == Want::GoPanicOnly && std::none_of(stack.begin(), stack.end(), [&](uint64_t pc) {
          const std::string_view f = unwinder.functionAt(pc);
          return f == "runtime.fatalpanic" || f == "runtime.fatalthrow";
        }))
      return "";
    return std::string(want == Want::GoPanicOnly ? "Go panic (exit code 2), backtrace (" : "\nbacktrace (") +
           methodName(unwinder.method()) + "):\n" + debuginfo::formatBacktrace(unwinder, stack);
  } catch (const std::exception& e) {
    return want == Want::GoPanicOnly ? "" : std::string("\nno backtrace: ") + e.what();
  }
}

/// Go's exit code after an unrecovered panic or a fatal error.
constexpr uint8_t kGoPanicExitCode = 2;

}  // namespace

std::string backtraceText(const vm::VmState& state, const image::SymbolTable& symbols) {
  if (symbols.empty()) return "";
  return backtraceOf(*core::machineFromState(state), debuginfo::symbolsOf(symbols),
                     Want::Always);  // a copy, made once, on failure
}

std::string backtraceText(const mips64::State& state, const mips64::Metadata& meta) {
  if (meta.empty()) return "";
  return backtraceOf(*core::machineFromState(state), debuginfo::symbolsOf(meta), Want::Always);
}

std::string goPanicBacktrace(const vm::VmState& state, const image::SymbolTable& symbols) {
  if (symbols.empty() || !state.exited || state.exitCode != kGoPanicExitCode) return "";
  return backtraceOf(*core::machineFromState(state), debuginfo::symbolsOf(symbols), Want::GoPanicOnly);
}

std::string goPanicBacktrace(const mips64::State& state, const mips64::Metadata& meta) {
  if (meta.empty() || !state.exited || state.exitCode != kGoPanicExitCode) return "";
  return backtraceOf(*core::machineFromState(state), debuginfo::symbolsOf(meta), Want::GoPanicOnly);
}

}  // namespace fpvm::cli
