#pragma once
/// The symbolised backtrace `run` and `cannon run` add to the message of a failing step (a revert,
/// an unsupported syscall — which is how a Go panic ends on the RISC-V machine — or a host failure).
#include <string>

#include "image/symbols.hpp"
#include "mips64/metadata.hpp"
#include "mips64/state.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::cli {

/// "\nbacktrace (…):\n  #0 0x… in f at file:line\n…" for the current thread of `state`, or "" when
/// `symbols` is empty; a backtrace that cannot be built says why in one line instead.
std::string backtraceText(const vm::VmState& state, const image::SymbolTable& symbols);
/// The same for an MT64 state.
std::string backtraceText(const mips64::State& state, const mips64::Metadata& meta);

/// For a Go program that exited with code 2 from its panic or fatal-error path: "Go panic
/// (exit code 2), backtrace (Go tables):\n…" — the exit's stack, which runs through
/// runtime.fatalpanic (or fatalthrow) down to the panicking function. "" for any other state.
std::string goPanicBacktrace(const vm::VmState& state, const image::SymbolTable& symbols);
/// The same for an MT64 state.
std::string goPanicBacktrace(const mips64::State& state, const mips64::Metadata& meta);

}  // namespace fpvm::cli
