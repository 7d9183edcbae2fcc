#pragma once
/// Why a step is invalid: the revert reasons of MIPS64.sol and its libraries, named as the
/// contract names them (docs/spec/cannon-mt64.md §0, revert table). Off-chain, Cannon panics on
/// the same steps; fpvm reports the reason and produces no post-state.
#include <cstdint>

#include "common/bytes.hpp"

namespace fpvm::mips64 {

/// A revert reason; None = the step completed.
enum class Revert : uint8_t {
  None = 0,
  NonCanonicalCalldata,             ///< revert(0, 0): calldata not in the canonical ABI layout
  InvalidExitedValue,               ///< InvalidExitedValue()
  ActiveThreadStackEmpty,           ///< "MIPS64: active thread stack is empty"
  PostStateActiveThreadStackEmpty,  ///< "MIPS64: post-state active thread stack is empty"
  InsufficientThreadCalldata,       ///< "MIPS64: insufficient calldata for thread witness"
  InvalidThreadWitness,             ///< "MIPS64: invalid thread witness"
  InsufficientMemoryProofCalldata,  ///< "MIPS64Memory: check that there is enough calldata"
  InvalidMemoryProof,               ///< InvalidMemoryProof()
  InvalidSecondMemoryProof,         ///< InvalidSecondMemoryProof()
  InvalidPC,                        ///< InvalidPC()
  InvalidAddress,                   ///< InvalidAddress()
  InvalidInstruction,               ///< "MIPS64: invalid instruction"
  BranchInDelaySlot,                ///< "MIPS64: branch in delay slot"
  JumpInDelaySlot,                  ///< "MIPS64: jump in delay slot"
  DivisionByZero,                   ///< "MIPS64: division by zero"
  UnimplementedSyscall,             ///< "MIPS64: unimplemented syscall"
  PreimageMustExist,                ///< the oracle's "pre-image must exist" (part not loadable)
  InvalidRMWInstruction,            ///< InvalidRMWInstruction() (defensive, unreachable)
  InvalidRegister,                  ///< "MIPS64: valid register" (defensive, unreachable)
  EmptyLeftThreadStack,             ///< "MIPS64: empty left thread stack" (defensive, unreachable)
  EmptyRightThreadStack,            ///< "MIPS64: empty right thread stack" (defensive, unreachable)
};

/// The reason as the contract writes it: the custom error's signature ("InvalidPC()"), the
/// Error(string) message ("MIPS64: invalid instruction"), "revert(0, 0)", or "none".
const char* revertName(Revert r);

/// The revert data the contract returns: the 4-byte selector of a custom error, the ABI encoding
/// of Error(string), or nothing for revert(0, 0) and None.
Bytes revertData(Revert r);

}  // namespace fpvm::mips64
