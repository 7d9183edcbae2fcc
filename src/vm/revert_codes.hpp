#pragma once
/// Revert codes of the on-chain step (spec §4.9). A step that "reverts" is invalid: the off-chain
/// VM reports it as an error and `run` aborts without writing an output state.
#include <cstdint>

namespace fpvm::vm {

/// A revert code; kOk (0) means the step completed.
using RevertCode = uint32_t;

inline constexpr RevertCode kOk = 0;
inline constexpr RevertCode kIllegalInstruction = 0xbadc0de;   ///< bad funct3/funct7/imm
inline constexpr RevertCode kUnknownOpcode = 0xf001c0de;       ///< opcode not in RV64IMA+stubs
inline constexpr RevertCode kUnknownAtomicOp = 0xf001a70;      ///< AMO funct5 not known
inline constexpr RevertCode kBadAmoSize = 0xbada70;            ///< AMO funct3 not .W/.D
inline constexpr RevertCode kMisaligned = 0xbad10ad0;          ///< jump target / AMO address
inline constexpr RevertCode kStoreTooLarge = 0xbad512e8;       ///< store funct3 >= 4
inline constexpr RevertCode kFetchCrossesLeaf = 0xbad22220;    ///< instruction straddles a leaf
inline constexpr RevertCode kUnsupportedSyscall = 0xf001ca11;  ///< prlimit64, futex_time64, nanosleep
inline constexpr RevertCode kUnknownRlimit = 0xf0012;          ///< getrlimit resource != NOFILE
inline constexpr RevertCode kOracleReadFailed = 0xbadf00d0;    ///< verifier: oracle call failed
inline constexpr RevertCode kBadMemoryProof = 0xbadf00d1;      ///< verifier: proof does not match root

/// A short human name for a revert code ("illegal instruction", …) or "unknown revert".
const char* revertName(RevertCode code);

}  // namespace fpvm::vm
