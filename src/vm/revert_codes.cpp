#include "vm/revert_codes.hpp"

namespace fpvm::vm {

const char* revertName(RevertCode code) {
  switch (code) {
    case kOk: return "ok";
    case kIllegalInstruction: return "illegal instruction";
    case kUnknownOpcode: return "unknown opcode";
    case kUnknownAtomicOp: return "unknown atomic operation";
    case kBadAmoSize: return "bad atomic operation size";
    case kMisaligned: return "misaligned address";
    case kStoreTooLarge: return "store larger than 8 bytes";
    case kFetchCrossesLeaf: return "instruction fetch crosses a 32-byte leaf";
    case kUnsupportedSyscall: return "unsupported syscall";
    case kUnknownRlimit: return "unknown rlimit resource";
    case kOracleReadFailed: return "preimage oracle read failed";
    case kBadMemoryProof: return "bad memory proof";
    default: return "unknown revert";
  }
}

}  // namespace fpvm::vm
