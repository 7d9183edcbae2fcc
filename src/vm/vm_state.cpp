#include "vm/vm_state.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::vm {

Witness VmState::witness() { return witnessWith(memory.merkleRoot()); }

Witness VmState::witnessWith(const Hash32& memRoot) const {
  Witness w{};
  std::memcpy(w.data() + kOffMemRoot, memRoot.data(), 32);
  std::memcpy(w.data() + kOffPreimageKey, preimageKey.data(), 32);
  putBE64(w.data() + kOffPreimageOffset, preimageOffset);
  putBE64(w.data() + kOffPc, pc);
  w[kOffExitCode] = exitCode;
  w[kOffExited] = exited ? 1 : 0;
  putBE64(w.data() + kOffStep, step);
  putBE64(w.data() + kOffHeap, heap);
  putBE64(w.data() + kOffLoadReservation, loadReservation);
  for (size_t i = 0; i < 32; ++i) putBE64(w.data() + kOffRegisters + 8 * i, registers[i]);
  return w;
}

Hash32 VmState::hashWitness(const Witness& w) {
  Hash32 h = keccak256(ByteView(w));
  h[0] = static_cast<uint8_t>(statusOf(w[kOffExited] != 0, w[kOffExitCode]));
  return h;
}

void VmState::refreshStoredWitness() {
  Witness w = witness();
  storedWitness.assign(w.begin(), w.end());
  storedStateHash = hashWitness(w);
}

Witness witnessFromBytes(ByteView bytes) {
  if (bytes.size() != kWitnessSize)
    throw Error("invalid witness length: " + std::to_string(bytes.size()) + " bytes, expected 362");
  Witness w{};
  std::memcpy(w.data(), bytes.data(), kWitnessSize);
  return w;
}

Bytes NoPreimageOracle::getPreimage(const Hash32& key) {
  throw Error("no preimage server configured: cannot serve preimage for key " + toHex(key));
}

}  // namespace fpvm::vm
