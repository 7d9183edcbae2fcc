#pragma once
/// Mirror of MIPS64Instructions.sol (and MIPS64State.sol's CpuScalars): instruction fetch, the
/// core step logic, the ALU, branches, jumps, HI/LO and sub-word helpers, function by function.
/// Part of the stateless verifier (step_verifier.hpp).
#include <array>
#include <cstdint>

#include "mips64/sol_calldata.hpp"

namespace fpvm::mips64::sol::ins {

inline constexpr uint32_t OP_LOAD_LINKED = 0x30;
inline constexpr uint32_t OP_STORE_CONDITIONAL = 0x38;
inline constexpr uint32_t OP_LOAD_LINKED64 = 0x34;
inline constexpr uint32_t OP_STORE_CONDITIONAL64 = 0x3C;
inline constexpr uint32_t OP_LOAD_DOUBLE_LEFT = 0x1A;
inline constexpr uint32_t OP_LOAD_DOUBLE_RIGHT = 0x1B;
inline constexpr uint32_t REG_RA = 31;
inline constexpr uint64_t U64_MASK = 0xFFFFFFFFFFFFFFFF;
inline constexpr uint32_t U32_MASK = 0xFFffFFff;

/// MIPS64State.CpuScalars.
struct CpuScalars {
  uint64_t pc = 0;
  uint64_t nextPC = 0;
  uint64_t lo = 0;
  uint64_t hi = 0;
};

/// uint64[32] registers (a memory reference in the contract: callees modify the caller's array).
using Registers = std::array<uint64_t, 32>;

/// CoreStepLogicParams.
struct CoreStepLogicParams {
  CpuScalars& cpu;
  Registers& registers;
  Hash32 memRoot;
  uint64_t memProofOffset = 0;
  uint32_t insn = 0;
  uint32_t opcode = 0;
  uint32_t fun = 0;
};

/// getInstructionDetails's results.
struct InstructionDetails {
  uint32_t insn = 0;
  uint32_t opcode = 0;
  uint32_t fun = 0;
};

/// execMipsCoreStepLogic's results.
struct CoreStepResult {
  Hash32 newMemRoot;
  bool memUpdated = false;
  uint64_t effMemAddr = 0;
};

/// getInstructionDetails: reverts InvalidPC on a misaligned pc; reads the word via the proof.
InstructionDetails getInstructionDetails(const Calldata& cd, uint64_t pc, const Hash32& memRoot, uint64_t insnProofOffset);
/// execMipsCoreStepLogic.
CoreStepResult execMipsCoreStepLogic(const Calldata& cd, CoreStepLogicParams& args);
/// signExtendImmediate.
uint64_t signExtendImmediate(uint32_t insn);
/// executeMipsInstruction.
uint64_t executeMipsInstruction(uint32_t insn, uint32_t opcode, uint32_t fun, uint64_t rs, uint64_t rt, uint64_t mem);
/// signExtend.
uint64_t signExtend(uint64_t dat, uint64_t idx);
/// handleBranch.
void handleBranch(CpuScalars& cpu, Registers& registers, uint32_t opcode, uint32_t insn, uint64_t rtReg, uint64_t rs);
/// handleHiLo.
void handleHiLo(CpuScalars& cpu, Registers& registers, uint32_t fun, uint64_t rs, uint64_t rt, uint64_t storeReg);
/// handleJump.
void handleJump(CoreStepLogicParams& cpuAndRegisters, uint64_t linkReg, uint64_t dest);
/// handleRd.
void handleRd(CpuScalars& cpu, Registers& registers, uint64_t storeReg, uint64_t val, bool conditional);
/// selectSubWord.
uint64_t selectSubWord(uint64_t vaddr, uint64_t memWord, uint64_t byteLength, bool signExtend);
/// updateSubWord.
uint64_t updateSubWord(uint64_t vaddr, uint64_t memWord, uint64_t byteLength, uint64_t value);

}  // namespace fpvm::mips64::sol::ins
