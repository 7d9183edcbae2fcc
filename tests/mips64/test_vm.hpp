#pragma once
// Test harness for the MT64 machine: a state with code written as big-endian instruction words,
// a scripted oracle and output sink, and a step() that runs the interpreter and cross-checks the
// step against the stateless verifier (see step_check.hpp).
#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "mips64/arch.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64::test {

/// Serves pre-images from a map and records hints.
class MapOracle final : public PreimageOracle {
 public:
  std::map<Hash32, Bytes, bool (*)(const Hash32&, const Hash32&)> preimages{
      [](const Hash32& a, const Hash32& b) { return a.b < b.b; }};
  std::vector<Bytes> hints;
  /// How the EVM replay loads a key whose type alone does not say (precompile keys), as JSON.
  std::map<Hash32, std::string, bool (*)(const Hash32&, const Hash32&)> sources{
      [](const Hash32& a, const Hash32& b) { return a.b < b.b; }};
  int requests = 0;
  void hint(ByteView h) override { hints.emplace_back(h.begin(), h.end()); }
  Bytes getPreimage(const Hash32& key) override {
    ++requests;
    auto it = preimages.find(key);
    if (it == preimages.end()) throw Error("missing pre-image");
    return it->second;
  }
};

/// Collects guest output per fd.
class CapturedOutput final : public GuestOutput {
 public:
  std::map<uint64_t, std::string> text;
  void write(uint64_t fd, ByteView data) override { text[fd].append(data.begin(), data.end()); }
};

/// Where single-instruction tests put their code.
inline constexpr uint64_t kCodeBase = 0x1000;

/// A machine under test. Every step goes through checkedStep(), which proves the step and
/// verifies it statelessly (when the test binary provides it).
struct TestVm {
  State state;
  MapOracle oracle;
  CapturedOutput output;
  /// Persistent across steps, as in a run (it keeps the one-entry pre-image cache).
  Interpreter interp{state, &oracle, &output};
  /// Whether step() cross-checks each step against the verifier.
  bool crossCheck = true;
  /// Steps cross-checked so far.
  int checkedSteps = 0;

  explicit TestVm(uint64_t pc = kCodeBase) : state(State::createInitial(pc, kHeapStart)) {}
  /// A machine starting from `initial` (e.g. a loaded ELF).
  explicit TestVm(State initial) : state(std::move(initial)) {}

  /// Writes instruction words at `addr`, big-endian.
  void code(uint64_t addr, std::initializer_list<uint32_t> words) {
    for (uint32_t w : words) {
      uint8_t b[4];
      putBE32(b, w);
      state.memory.writeBytes(addr, b, 4);
      addr += 4;
    }
  }
  void code(uint64_t addr, const std::vector<uint32_t>& words) {
    for (uint32_t w : words) code(addr, {w}), addr += 4;
  }
  /// Writes `words` at the current thread's pc.
  void program(std::initializer_list<uint32_t> words) { code(thread().pc, words); }
  void poke(uint64_t addr, uint64_t value) { state.memory.storeWord(addr, value); }
  uint64_t peek(uint64_t addr) const { return state.memory.loadWord(addr); }
  Thread& thread() { return state.currentThread(); }
  uint64_t& reg(unsigned r) { return thread().registers[r]; }

  TestVm(const TestVm&) = delete;
  TestVm& operator=(const TestVm&) = delete;

  /// One step (cross-checked). Defined in step_check.cpp.
  StepOutcome step();
  /// `n` steps that must all succeed.
  void run(int n) {
    for (int i = 0; i < n; ++i) {
      const StepOutcome o = step();
      ASSERT_TRUE(o.ok()) << "step " << i << ": " << revertName(o.revert);
    }
  }
  /// One step that must revert with `expected`; the state must be unchanged.
  void expectRevert(Revert expected);
};

}  // namespace fpvm::mips64::test
