#pragma once
/// The register view gdb gets of each instruction set: the target description (target.xml) and
/// the encoding of register values in the `g`/`p` replies, in the target's byte order (RISC-V
/// little-endian, MIPS64 big-endian).
///
/// RISC-V (riscv:rv64, feature org.gnu.gdb.riscv.cpu): x0..x31 = 0..31, pc = 32, 64-bit.
/// MIPS64 (mips:isa64, gdb's numbering of its 64-bit MIPS layout): r0..r31 = 0..31, status = 32,
/// lo = 33, hi = 34, badvaddr = 35, cause = 36, pc = 37 (features org.gnu.gdb.mips.cpu and
/// .cp0), f0..f31 = 38..69, fcsr = 70, fir = 71 (org.gnu.gdb.mips.fpu, which gdb requires). The
/// MT64 machine has no coprocessor 0 (its registers read as zero) and no FPU (its registers are
/// sent as unavailable).
#include <cstddef>
#include <optional>
#include <string>

#include "core/any_machine.hpp"

namespace fpvm::gdbstub {

/// The target description document gdb reads as `target.xml`.
std::string targetXml(core::Isa isa);

/// Number of registers in the `g` packet.
size_t registerCount(core::Isa isa);

/// Register `n` of `regs` as hex in target byte order ('x' digits when unavailable); nullopt
/// when `n` is not a register of `isa`.
std::optional<std::string> encodeRegister(core::Isa isa, const core::ThreadRegisters& regs, size_t n);

/// Every register, in order: the `g` reply.
std::string encodeAllRegisters(core::Isa isa, const core::ThreadRegisters& regs);

}  // namespace fpvm::gdbstub
