#pragma once
/// Guest call stacks of either machine, from what a fault-proof program already carries: its
/// symbol table, frame pointers in C built with them (RISC-V: s0 is the frame's top, the return
/// address at s0-8, the caller's s0 at s0-16), the prologue of each function where the C code has
/// none (MIPS64: `daddiu sp,sp,-N` and `sd ra,K(sp)`), and for Go binaries the `.gopclntab` tables
/// (function bounds, the stack-pointer delta at each pc, file and line), read from guest memory
/// where the symbols `runtime.pclntab` / `runtime.epclntab` say they are.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/any_machine.hpp"

namespace fpvm::image {
class SymbolTable;
}
namespace fpvm::mips64 {
class Metadata;
}

namespace fpvm::debuginfo {

/// One named code range of the program (an ELF symbol or a meta.json entry).
struct CodeSymbol {
  std::string name;
  uint64_t start = 0;
  uint64_t size = 0;
};

/// Where a code address lies.
struct Location {
  std::string_view function;  ///< the function covering it; "" when nothing does
  std::string_view file;      ///< Go: the source file from .gopclntab; "" otherwise
  uint32_t line = 0;          ///< Go: the line; 0 otherwise
};

/// How frames above the innermost one were found.
enum class UnwindMethod : uint8_t {
  GoTables,       ///< .gopclntab stack-pointer deltas (Go binaries)
  FramePointers,  ///< RISC-V C code: the s0 chain where a function sets it up, its prologue elsewhere
  Prologue,       ///< MIPS64 C code: the stack adjustment and ra save of each function's prologue
};

/// Unwinds the call stacks of one program. Built once per program; not thread-safe (it caches
/// what it learns about each pc).
class Unwinder {
 public:
  /// For the program whose symbols are `symbols`, running in `machine` (either instruction set).
  /// When the symbols name runtime.pclntab..runtime.epclntab the Go tables are read from the
  /// machine's memory now (they are read-only data the program never changes). Throws Error when
  /// they are there but malformed.
  Unwinder(std::vector<CodeSymbol> symbols, const core::AnyMachine& machine);
  ~Unwinder();
  Unwinder(Unwinder&&) noexcept;
  Unwinder& operator=(Unwinder&&) noexcept;

  /// The call stack of `thread`, innermost first: entry 0 is the thread's pc, entry k > 0 the
  /// call instruction of frame k-1's caller (its return address minus the call's length: 4 on
  /// RISC-V, 8 on MIPS64 with the delay slot), so every entry symbolises to the line that is
  /// executing or calling. Stops after `maxFrames`, at the outermost frame (a zero return
  /// address, Go's top-of-stack functions, a pc outside every function), or where the frame
  /// chain leaves the stack's memory or stops growing toward higher addresses.
  std::vector<uint64_t> callStack(const core::AnyMachine& machine, const core::ThreadRegisters& thread, size_t maxFrames = 256);
  /// The current thread's call stack.
  std::vector<uint64_t> callStack(const core::AnyMachine& machine, size_t maxFrames = 256) {
    return callStack(machine, machine.registers(), maxFrames);
  }

  /// The function covering `pc` ("" when none). The view lives as long as the Unwinder (moves
  /// included).
  std::string_view functionAt(uint64_t pc) const;
  /// Function, file and line of `pc` (file and line for Go code only).
  Location locate(uint64_t pc) const;
  /// The address of the function named `name`, if the program has one.
  std::optional<uint64_t> addressOf(std::string_view name) const;
  /// How frames are found for this program.
  UnwindMethod method() const { return method_; }
  /// True when the program is a Go binary whose tables were read.
  bool hasGoTables() const;

  /// The symbols, Go tables and instruction set (unwinder.cpp).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;  // behind a pointer: the string views handed out survive moves
  UnwindMethod method_;
};

/// The symbols of an ELF file.
std::vector<CodeSymbol> symbolsOfElf(ByteView elf, const std::string& what);
/// The symbols of MT64 metadata (Cannon's meta.json, already parsed).
std::vector<CodeSymbol> symbolsOf(const mips64::Metadata& meta);
/// The symbols of a RISC-V symbol table (`fpvm run --meta`).
std::vector<CodeSymbol> symbolsOf(const image::SymbolTable& symbols);
/// The symbols of a meta.json file (either machine's format: both list name, start and size).
std::vector<CodeSymbol> symbolsOfMetaJson(const std::string& text, const std::string& what);

/// A backtrace of `stack` (from callStack) for humans, one frame per line:
/// "  #0  0x0000000000012a4c in main.divide at /src/main.go:17".
std::string formatBacktrace(const Unwinder& unwinder, const std::vector<uint64_t>& stack);

}  // namespace fpvm::debuginfo
