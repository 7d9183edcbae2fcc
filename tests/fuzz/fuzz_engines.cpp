// Fuzz target (issue 5): the fast engine (validation bookkeeping, with its native tier) and the
// proving engine (leaf-pair bookkeeping) against the reference interpreter on random instruction
// streams. All machines start from the same state; the engines run in chunks whose sizes come
// from the input ("block boundaries") — short ones, where the engine checks every step, and ones
// above a page of steps, where native blocks run and repeat — the reference interpreter steps the
// same number of steps, and at every boundary all must agree on step, pc, registers, exit state
// and the full state hash (memory included). Code is also mirrored into a data area that registers point
// at, and some registers point into the code itself, so stores rewrite code the fast engine has
// already decoded. Reverts must agree in code and step; host errors must agree too.
//
// Input: byte 0 register pattern, byte 1 chunk-size seed, the rest is code.
#include <array>
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "vm/fast_engine.hpp"
#include "vm/interpreter.hpp"

namespace {

using namespace fpvm;

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x7F0000000000ULL;
constexpr uint64_t kMaxSteps = 12000;

class AnyOracle final : public vm::PreimageOracle {
 public:
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    Bytes b(key[31] % 40);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(key[i % 32] ^ i);
    return b;
  }
};

constexpr std::array<uint64_t, 12> kValues = {0, 1, ~uint64_t(0), kCode, kCode + 8, kCode + 64, kData, kData + 100,
                                              0x80000000, uint64_t(1) << 63, 4096 - 4, 93};

struct Machine {
  vm::VmState st;
  AnyOracle oracle;
  vm::HostContext host;
  Machine(uint8_t pattern, const uint8_t* code, size_t n) {
    host.oracle = &oracle;
    host.limits.maxHintBytes = 1 << 16;
    st.pc = kCode;
    st.heap = 0x7F0000000000ULL;
    for (unsigned r = 1; r < 32; ++r) st.registers[r] = kValues[(r * 5 + pattern) % kValues.size()];
    st.memory.writeBytes(kCode, code, n);
    st.memory.writeBytes(kData, code, n);
  }
};

bool sameMachine(vm::VmState& a, vm::VmState& b) {
  return a.step == b.step && a.pc == b.pc && a.registers == b.registers && a.exited == b.exited &&
         a.exitCode == b.exitCode && a.stateHash() == b.stateHash();
}

}  // namespace

/// One engine under test with its machine.
struct EngineUnderTest {
  Machine m;
  vm::FastEngine engine;
  EngineUnderTest(const uint8_t* data, size_t size, vm::Bookkeeping bookkeeping)
      : m(data[0], data + 2, size - 2), engine(m.st, m.host, bookkeeping) {}
};

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Machine ref(data[0], data + 2, size - 2);
  EngineUnderTest fast(data, size, vm::Bookkeeping::Pages), proving(data, size, vm::Bookkeeping::LeafPairs);
  uint32_t seed = data[1] | 1;
  vm::NoTracker none;
  vm::Interpreter<vm::NoTracker> interp(ref.st, ref.host, none);
  while (ref.st.step < kMaxSteps && !ref.st.exited) {
    seed = seed * 1103515245u + 12345u;
    const uint64_t chunk = (seed >> 31) ? 1 + (seed >> 16) % 97 : 1000 + (seed >> 16) % 2500;
    // Reference: up to `chunk` steps, remembering how it stopped.
    vm::RevertCode refRc = vm::kOk;
    bool refHostError = false;
    for (uint64_t i = 0; i < chunk && !ref.st.exited; ++i) {
      try {
        refRc = interp.step();
      } catch (const Error&) {
        refHostError = true;
        break;
      }
      if (refRc != vm::kOk) break;
    }
    // Each engine: the same chunk.
    for (EngineUnderTest* e : {&fast, &proving}) {
      vm::FastStop stop;
      bool hostError = false;
      try {
        stop = e->engine.run(chunk);
      } catch (const Error&) {
        hostError = true;
        stop = vm::FastStop::Reverted;
      }
      FUZZ_CHECK(refHostError == hostError);
      if (refHostError) continue;
      if (refRc != vm::kOk) {
        FUZZ_CHECK(stop == vm::FastStop::Reverted);
        FUZZ_CHECK(e->engine.revert() == refRc);
        FUZZ_CHECK(e->m.st.step == ref.st.step);
        continue;
      }
      FUZZ_CHECK(stop != vm::FastStop::Reverted);
      FUZZ_CHECK(sameMachine(e->m.st, ref.st));
    }
    if (refHostError || refRc != vm::kOk) break;
  }
  for (EngineUnderTest* e : {&fast, &proving})
    FUZZ_CHECK(e->m.st.memory.merkleRoot() == e->m.st.memory.computeRootFromScratch());
  return 0;
}
