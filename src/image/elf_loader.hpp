#pragma once
/// `load-elf` (spec §7.1): builds the initial VM state from an ELF file.
#include <cstdint>

#include "image/elf_file.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::image {

/// Loader options.
struct LoadOptions {
  /// Patch Go runtime symbols and write the initial stack (§7.1 steps 4-5). The riscv-tests
  /// harness turns this off; the CLI always does it.
  bool patchAndStack = true;
  /// Largest total of segment memory sizes accepted; bigger programs are rejected.
  uint64_t maxLoadBytes = uint64_t(4) << 30;
};

inline constexpr uint64_t kInitialHeap = 0x7F0000000000ULL;
inline constexpr uint64_t kInitialStackPointer = 0x1000000000000000ULL;

/// Builds the initial state; throws Error naming the problem for malformed or unsupported input
/// (missing symbol table when patching, oversize or wrapping segments, overlapping PT_LOADs).
vm::VmState loadElf(const ElfFile& elf, const LoadOptions& options = {});

}  // namespace fpvm::image
