#pragma once
/// Human-readable messages for reverted steps and byte counts (logs and errors).
#include <cstdint>
#include <string>

#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::vm {

/// Names code addresses in messages (image::SymbolTable implements it from an ELF's symbols or
/// meta.json); the core knows no file formats.
class Symbolizer {
 public:
  virtual ~Symbolizer() = default;
  /// The name of the symbol covering `addr` (or a "!…" placeholder).
  virtual std::string lookup(uint64_t addr) const = 0;
  /// True when there are no symbols.
  virtual bool empty() const = 0;
};

/// Formats a byte count like "12.3 MiB" ("N B" below 1 KiB).
std::string humanBytes(uint64_t n);

/// The error message for a step that reverted: "failed at [proof-gen ]step N (PC: …, insn: …):
/// <revert name> [revert 0x…]", with the syscall for syscall reverts and, when `symbols` has
/// entries, the function at pc (and for syscalls the caller at ra).
std::string describeRevert(const VmState& state, uint64_t step, uint64_t pc, RevertCode code, uint64_t syscall,
                           const Symbolizer* symbols, bool proofGen);

}  // namespace fpvm::vm
