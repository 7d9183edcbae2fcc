#pragma once
/// Internal to the interpreter: a revert travels as an exception from the instruction or syscall
/// that detects it to Interpreter::step(), which turns it into a StepOutcome value.
#include "mips64/revert.hpp"

namespace fpvm::mips64::detail {

/// The exception carrying a revert reason.
struct RevertSignal {
  Revert reason;
};

/// Throws RevertSignal{r}.
[[noreturn]] inline void raise(Revert r) { throw RevertSignal{r}; }

}  // namespace fpvm::mips64::detail
