#include "cli/backtrace.hpp"

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

std::string backtraceOf(const core::AnyMachine& machine, std::vector<debuginfo::CodeSymbol> symbols) {
  if (symbols.empty()) return "";
  try {
    debuginfo::Unwinder unwinder(std::move(symbols), machine);
    return std::string("\nbacktrace (") + methodName(unwinder.method()) + "):\n" +
           debuginfo::formatBacktrace(unwinder, unwinder.callStack(machine));
  } catch (const std::exception& e) {
    return std::string("\nno backtrace: ") + e.what();
  }
}

}  // namespace

std::string backtraceText(const vm::VmState& state, const image::SymbolTable& symbols) {
  if (symbols.empty()) return "";
  std::vector<debuginfo::CodeSymbol> code;
  for (const image::ElfSymbol& s : symbols.symbols()) code.push_back({s.name, s.value, s.size});
  return backtraceOf(*core::machineFromState(state), std::move(code));  // a copy, made once, on failure
}

std::string backtraceText(const mips64::State& state, const mips64::Metadata& meta) {
  if (meta.empty()) return "";
  std::vector<debuginfo::CodeSymbol> code;
  for (const mips64::Symbol& s : meta.symbols()) code.push_back({s.name, s.start, s.size});
  return backtraceOf(*core::machineFromState(state), std::move(code));
}

}  // namespace fpvm::cli
