#pragma once
/// Human-readable messages for reverted steps and byte counts (logs and errors).
#include <cstdint>
#include <string>

#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

class SymbolTable;

/// Formats a byte count like "12.3 MiB" ("N B" below 1 KiB).
std::string humanBytes(uint64_t n);

/// The error message for a step that reverted: "failed at [proof-gen ]step N (PC: …, insn: …):
/// <revert name> [revert 0x…]", with the syscall for syscall reverts and, when `symbols` has
/// entries, the function at pc (and for syscalls the caller at ra).
std::string describeRevert(const VmState& state, uint64_t step, uint64_t pc, RevertCode code, uint64_t syscall,
                           const SymbolTable* symbols, bool proofGen);

}  // namespace fpvm::vm
