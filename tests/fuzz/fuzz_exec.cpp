// Fuzz target: executes a random instruction stream (spec §4, §5) for up to kMaxSteps steps in a
// fresh VmState. Reverts and host errors are fine; crashes and UB are not. Two copies of the
// machine run in lockstep — one plain, one whose tracker Merkleizes and verifies a memory proof
// at every access (as the proving engine does) — and must agree on every step's outcome and on
// the witness; every proof must verify against the root at the time of the access (§3.2, §3.3).
//
// Input: byte 0 picks the initial register pattern, byte 1 the preimage length scale; the rest
// is the code, placed at kCode (and mirrored at kData so loads see non-zero bytes).
#include <array>
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "vm/interpreter.hpp"

namespace {

using namespace fpvm;

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x7F0000000000ULL;
constexpr unsigned kMaxSteps = 1000;
constexpr unsigned kCompareEvery = 64;

/// Proves every accessed leaf against the current root (forcing a Merkleization between the
/// parts of a step, the situation of the Asterisc cache bug) and checks the proof.
struct VerifyingTracker {
  unsigned expectedSlot = 0;
  void access(merkle::PagedMemory& mem, uint64_t leafAddr, unsigned slot) {
    FUZZ_CHECK(leafAddr % 32 == 0);
    FUZZ_CHECK(slot == expectedSlot);  // slots in order, none skipped
    ++expectedSlot;
    const Hash32 root = mem.merkleRoot();
    const merkle::MemoryProof p = mem.proveLeaf(leafAddr);
    FUZZ_CHECK(p.leaf() == mem.readLeaf(leafAddr));
    FUZZ_CHECK(merkle::rootFromProof(p, leafAddr, p.leaf()) == root);
  }
};

/// Serves a deterministic preimage for any key; hints are accepted and dropped.
class AnyOracle final : public vm::PreimageOracle {
 public:
  explicit AnyOracle(uint8_t scale) : scale_(scale) {}
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    Bytes b(static_cast<size_t>(key[31] % 17) * (scale_ % 9 + 1));
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(key[i % 32] + i);
    return b;
  }

 private:
  uint8_t scale_;
};

class NullOutput final : public vm::GuestOutput {
 public:
  void write(unsigned, ByteView data) override { bytes += data.size(); }
  size_t bytes = 0;
};

constexpr std::array<uint64_t, 16> kInteresting = {
    0, 1, ~uint64_t(0), 0x80000000, uint64_t(1) << 63, kCode, kData, ~uint64_t(0) - 3,
    31, 64, 4096 - 4, 0x7FFFFFFF, 0xFFFFFFFF, 93, 0x1000000000000000ULL, 7};

struct Machine {
  vm::VmState st;
  AnyOracle oracle;
  NullOutput output;
  vm::HostContext host;
  Machine(uint8_t pattern, uint8_t scale, const uint8_t* code, size_t n) : oracle(scale) {
    host.oracle = &oracle;
    host.output = &output;
    host.limits.maxHintBytes = 1 << 16;
    host.limits.maxOutputBytesPerWrite = 1 << 12;
    st.pc = kCode;
    st.heap = 0x7F0000000000ULL;
    for (unsigned r = 1; r < 32; ++r) st.registers[r] = kInteresting[(r * 7 + pattern) % kInteresting.size()];
    if (pattern & 0x80) st.registers[17] = pattern & 0x7F;  // a7: a syscall number
    st.memory.writeBytes(kCode, code, n);
    st.memory.writeBytes(kData, code, n);
  }
};

enum class Outcome { Ok, Revert, HostError };

template <class Tracker>
Outcome stepOnce(Machine& m, Tracker& t, vm::RevertCode& rc) {
  vm::Interpreter<Tracker> interp(m.st, m.host, t);
  try {
    rc = interp.step();
  } catch (const Error&) {
    return Outcome::HostError;
  }
  return rc == vm::kOk ? Outcome::Ok : Outcome::Revert;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t pattern = data[0], scale = data[1];
  Machine plain(pattern, scale, data + 2, size - 2);
  Machine proving(pattern, scale, data + 2, size - 2);
  FUZZ_CHECK(plain.st.witness() == proving.st.witness());
  vm::NoTracker none;
  for (unsigned i = 0; i < kMaxSteps && !plain.st.exited; ++i) {
    vm::RevertCode rcA = 0, rcB = 0;
    const Outcome a = stepOnce(plain, none, rcA);
    VerifyingTracker verify;
    const Outcome b = stepOnce(proving, verify, rcB);
    FUZZ_CHECK(a == b);
    FUZZ_CHECK(rcA == rcB);
    if (a != Outcome::Ok) break;
    FUZZ_CHECK(plain.st.registers[0] == 0);
    FUZZ_CHECK(plain.st.step == i + 1);
    if (i % kCompareEvery == 0) FUZZ_CHECK(plain.st.witness() == proving.st.witness());
  }
  FUZZ_CHECK(plain.st.witness() == proving.st.witness());
  FUZZ_CHECK(plain.st.lastHint == proving.st.lastHint);
  FUZZ_CHECK(plain.st.memory.merkleRoot() == plain.st.memory.computeRootFromScratch());
  // An exited machine does not move.
  if (plain.st.exited) {
    const vm::Witness w = plain.st.witness();
    vm::RevertCode rc = 0;
    FUZZ_CHECK(stepOnce(plain, none, rc) == Outcome::Ok);
    FUZZ_CHECK(plain.st.witness() == w);
  }
  return 0;
}
