#include "mips64/state.hpp"

#include <cstring>

#include "common/keccak256.hpp"

namespace fpvm::mips64 {

namespace wo = witness_offset;

VmStatus statusOf(bool exited, uint8_t exitCode) {
  if (!exited) return VmStatus::Unfinished;
  if (exitCode == 0) return VmStatus::Valid;
  if (exitCode == 1) return VmStatus::Invalid;
  return VmStatus::Panic;
}

State State::createEmpty() { return createInitial(0, 0); }

State State::createInitial(uint64_t pc, uint64_t heap) {
  State s;
  Thread t;
  t.threadId = 0;
  t.pc = pc;
  t.nextPC = pc + 4;
  s.leftThreadStack.push(t);
  s.heap = heap;
  s.nextThreadId = 1;
  return s;
}

Witness State::witnessWithMemRoot(const Hash32& memRoot) const {
  Witness w{};
  std::memcpy(w.data() + wo::kMemRoot, memRoot.data(), 32);
  std::memcpy(w.data() + wo::kPreimageKey, preimageKey.data(), 32);
  putBE64(w.data() + wo::kPreimageOffset, preimageOffset);
  putBE64(w.data() + wo::kHeap, heap);
  w[wo::kLLReservationStatus] = llReservationStatus;
  putBE64(w.data() + wo::kLLAddress, llAddress);
  putBE64(w.data() + wo::kLLOwnerThread, llOwnerThread);
  w[wo::kExitCode] = exitCode;
  w[wo::kExited] = exited ? 1 : 0;
  putBE64(w.data() + wo::kStep, step);
  putBE64(w.data() + wo::kStepsSinceLastContextSwitch, stepsSinceLastContextSwitch);
  w[wo::kTraverseRight] = traverseRight ? 1 : 0;
  const Hash32 left = leftThreadStack.root(), right = rightThreadStack.root();
  std::memcpy(w.data() + wo::kLeftThreadStack, left.data(), 32);
  std::memcpy(w.data() + wo::kRightThreadStack, right.data(), 32);
  putBE64(w.data() + wo::kNextThreadId, nextThreadId);
  return w;
}

Hash32 State::hashWitness(const Witness& w) {
  Hash32 h = keccak256(ByteView(w.data(), w.size()));
  h[0] = static_cast<uint8_t>(statusOf(w[wo::kExited] != 0, w[wo::kExitCode]));
  return h;
}

}  // namespace fpvm::mips64
