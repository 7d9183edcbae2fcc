#pragma once
/// Internal to core/: the constructors of the two AnyMachine implementations.
#include <memory>

#include "core/any_machine.hpp"
#include "mips64/state.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::core {

/// A RISC-V machine over `state`.
std::unique_ptr<AnyMachine> makeRiscvMachine(vm::VmState state);
/// An MT64 machine over `state`.
std::unique_ptr<AnyMachine> makeMips64Machine(mips64::State state);

}  // namespace fpvm::core
