#include "mips64/revert.hpp"

#include <cstring>
#include <string_view>

#include "common/keccak256.hpp"

namespace fpvm::mips64 {

namespace {

/// True for the reasons that are custom errors (their name is a signature).
bool isCustomError(Revert r) {
  switch (r) {
    case Revert::InvalidExitedValue:
    case Revert::InvalidMemoryProof:
    case Revert::InvalidSecondMemoryProof:
    case Revert::InvalidPC:
    case Revert::InvalidAddress:
    case Revert::InvalidRMWInstruction: return true;
    default: return false;
  }
}

/// The first four bytes of keccak(signature).
void appendSelector(Bytes& out, std::string_view signature) {
  const Hash32 h = keccak256(ByteView(reinterpret_cast<const uint8_t*>(signature.data()), signature.size()));
  out.insert(out.end(), h.data(), h.data() + 4);
}

}  // namespace

const char* revertName(Revert r) {
  switch (r) {
    case Revert::None: return "none";
    case Revert::NonCanonicalCalldata: return "revert(0, 0)";
    case Revert::InvalidExitedValue: return "InvalidExitedValue()";
    case Revert::ActiveThreadStackEmpty: return "MIPS64: active thread stack is empty";
    case Revert::PostStateActiveThreadStackEmpty: return "MIPS64: post-state active thread stack is empty";
    case Revert::InsufficientThreadCalldata: return "MIPS64: insufficient calldata for thread witness";
    case Revert::InvalidThreadWitness: return "MIPS64: invalid thread witness";
    case Revert::InsufficientMemoryProofCalldata: return "MIPS64Memory: check that there is enough calldata";
    case Revert::InvalidMemoryProof: return "InvalidMemoryProof()";
    case Revert::InvalidSecondMemoryProof: return "InvalidSecondMemoryProof()";
    case Revert::InvalidPC: return "InvalidPC()";
    case Revert::InvalidAddress: return "InvalidAddress()";
    case Revert::InvalidInstruction: return "MIPS64: invalid instruction";
    case Revert::BranchInDelaySlot: return "MIPS64: branch in delay slot";
    case Revert::JumpInDelaySlot: return "MIPS64: jump in delay slot";
    case Revert::DivisionByZero: return "MIPS64: division by zero";
    case Revert::UnimplementedSyscall: return "MIPS64: unimplemented syscall";
    case Revert::PreimageMustExist: return "pre-image must exist";
    case Revert::InvalidRMWInstruction: return "InvalidRMWInstruction()";
    case Revert::InvalidRegister: return "MIPS64: valid register";
    case Revert::EmptyLeftThreadStack: return "MIPS64: empty left thread stack";
    case Revert::EmptyRightThreadStack: return "MIPS64: empty right thread stack";
  }
  return "unknown revert";
}

Bytes revertData(Revert r) {
  Bytes out;
  if (r == Revert::None || r == Revert::NonCanonicalCalldata) return out;
  const std::string_view name = revertName(r);
  if (isCustomError(r)) {
    appendSelector(out, name);
    return out;
  }
  // Error(string): selector ‖ offset 0x20 ‖ length ‖ bytes padded to 32.
  appendSelector(out, "Error(string)");
  uint8_t word[32] = {};
  word[31] = 0x20;
  out.insert(out.end(), word, word + 32);
  std::memset(word, 0, 32);
  putBE64(word + 24, name.size());
  out.insert(out.end(), word, word + 32);
  out.insert(out.end(), name.begin(), name.end());
  out.resize(out.size() + (32 - name.size() % 32) % 32, 0);
  return out;
}

}  // namespace fpvm::mips64
