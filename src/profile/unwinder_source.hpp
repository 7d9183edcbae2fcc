#pragma once
/// The profiler's stack source over debuginfo::Unwinder: frame pointers (RISC-V C), prologue
/// analysis (MIPS64 C) or the Go tables, whichever the program has.
#include <memory>
#include <string>
#include <vector>

#include "debuginfo/unwinder.hpp"
#include "profile/stack_source.hpp"

namespace fpvm::profile {

/// A StackSource that unwinds with debuginfo::Unwinder.
class UnwinderSource final : public StackSource {
 public:
  /// For the program whose symbols are `symbols`, loaded in `machine`. Throws Error when the
  /// program's Go tables are malformed (debuginfo::Unwinder).
  UnwinderSource(std::vector<debuginfo::CodeSymbol> symbols, const core::AnyMachine& machine);

  std::vector<uint64_t> callStack(const core::AnyMachine& machine, size_t maxFrames) override;
  std::string_view functionAt(uint64_t pc) const override;
  std::string method() const override;

 private:
  debuginfo::Unwinder unwinder_;
};

/// A readable name of an unwinding method ("frame pointers (s0 chain)", …).
std::string methodName(debuginfo::UnwindMethod method);

}  // namespace fpvm::profile
