#pragma once
/// What a C function's prologue has done to the stack by a given pc, read from its instructions:
/// the stack adjustments (`addi sp,sp,-N` / `daddiu sp,sp,-N`, and RISC-V's `jal t0,
/// __riscv_save_N` millicode), where it saved the return address and the caller's frame pointer
/// (`sd ra,K(sp)`, `sd s0,K(sp)` / `sd s8,K(sp)`), and whether it set the frame pointer up
/// (`addi s0,sp,M` / `move s8,sp`). The unwinder finds each caller's frame from it.
#include <cstdint>
#include <functional>
#include <optional>

#include "core/any_machine.hpp"

namespace fpvm::debuginfo {

/// The frame a prologue has built by some pc. Offsets are from the canonical frame address (CFA:
/// the stack pointer at the function's entry), so all are zero or negative.
struct PrologueEffects {
  int64_t spOffset = 0;             ///< sp now = CFA + spOffset
  std::optional<int64_t> raSlot;    ///< the return address was saved at CFA + raSlot
  std::optional<int64_t> fpSlot;    ///< the caller's frame pointer was saved at CFA + fpSlot
  std::optional<int64_t> fpOffset;  ///< the frame pointer was set to CFA + fpOffset
};

/// Reads the 32-bit instruction at an address (decoded from the guest's byte order).
using FetchInstruction = std::function<uint32_t(uint64_t addr)>;

/// The effects of the instructions from `entry` up to (not including) `pc`, read in address order
/// (conditional branches and calls do not end a prologue: compilers put fast paths before it),
/// stopping at an unconditional jump or return, or after 96 instructions.
PrologueEffects analyzePrologue(core::Isa isa, uint64_t entry, uint64_t pc, const FetchInstruction& fetch);

/// What the rest of a straight-line path to a return will do from `pc`: an epilogue (or the RISC-V
/// restore millicode `__riscv_restore_N`, reached by a tail jump) reloads ra and the frame pointer
/// and frees the frame. Offsets are from the stack pointer at `pc`.
struct EpilogueEffects {
  int64_t spAdjust = 0;           ///< sp at the return = sp now + spAdjust
  std::optional<int64_t> raSlot;  ///< ra is reloaded from sp now + raSlot
  std::optional<int64_t> fpSlot;  ///< the frame pointer is reloaded from sp now + fpSlot
};

/// The effects of the instructions from `pc` when they run straight (following unconditional
/// jumps) into a return through ra within 24 instructions, touching sp only by constant
/// adjustments and ra only by reloads; nullopt otherwise (a branch, a call, another jump).
std::optional<EpilogueEffects> analyzeEpilogue(core::Isa isa, uint64_t pc, const FetchInstruction& fetch);

}  // namespace fpvm::debuginfo
