#pragma once
/// Cannon's `load-elf` for state version 8 (docs/spec/cannon-mt64.md §9.2, §9.3): the initial
/// state of a MIPS ELF program — segments copied into memory exactly as Cannon copies them, then
/// the initial stack (argc/argv/envp/auxv) Cannon writes. Metadata (symbols) and state files are
/// not part of this.
#include "common/bytes.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// The most segment memory an ELF may ask for (the sum of its program headers' p_memsz, which are
/// allocated page by page): 4 GiB, as the RISC-V loader's default.
inline constexpr uint64_t kMaxLoadBytes = uint64_t(4) << 30;

/// The initial state: loadElfSegments then patchStack. Throws Error naming the problem.
State loadElf(ByteView elf);

/// program.LoadELF: thread 0 at e_entry, heap at HEAP_START, every program header except
/// PT_MIPS_ABIFLAGS copied to its vaddr (zero-filled to p_memsz for PT_LOAD). Accepts any ELF
/// whose e_machine is EM_MIPS (8), 32- or 64-bit, either byte order (spec decision A5), whose
/// segments total at most kMaxLoadBytes (decision A12).
State loadElfSegments(ByteView elf);

/// program.PatchStack: sp = 0x7FFF_FFFF_F000, five zero pages around it, and the initial stack
/// contents of spec §9.3.
void patchStack(State& state);

}  // namespace fpvm::mips64
