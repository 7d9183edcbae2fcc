#pragma once
// Programs and helpers shared by the segment tests: a small in-code program that touches memory
// in every way a step can (crossing stores, AMOs, clock_gettime across leaves, hints, preimage key
// writes and reads of a keccak256 and a local key), and a reference run with the proving engine.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/keccak256.hpp"
#include "test_support/rv_asm.hpp"
#include "segment/parallel_validation.hpp"
#include "segment/segment_prover.hpp"
#include "vm/interpreter.hpp"
#include "vm/machine.hpp"
#include "vm/proving_step.hpp"

namespace fpvm::test {

/// Serves a fixed table of preimages.
class TableOracle final : public vm::PreimageOracle {
 public:
  std::map<std::array<uint8_t, 32>, Bytes> table;
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    auto it = table.find(key.b);
    if (it == table.end()) throw Error("table oracle: unknown key");
    return it->second;
  }
};

inline constexpr uint64_t kCode = 0x10000;
inline constexpr uint64_t kBuf = 0x20000;
inline constexpr uint64_t kKeys = 0x30000;
inline constexpr uint64_t kRead = 0x40000;
inline constexpr uint64_t kClock = 0x50018;  // (a1 & 31) > 16: the 16-byte write crosses a leaf

/// Keys the mix program reads, and their data.
struct MixPreimages {
  Hash32 keccakKey, localKey;
  Bytes keccakData, localData;
};

/// Builds the "mix" program into a fresh state and fills `oracle`. `loops` iterations of a
/// loop with a leaf-crossing store, a load and an AMO; then a hint, clock_gettime, two preimage
/// reads; then exit. About 9·loops + 80 steps.
inline vm::VmState makeMixProgram(TableOracle& oracle, unsigned loops = 200, MixPreimages* keys = nullptr) {
  using namespace rvasm;
  MixPreimages mp;
  mp.keccakData = Bytes(50);
  for (size_t i = 0; i < mp.keccakData.size(); ++i) mp.keccakData[i] = static_cast<uint8_t>(i * 7 + 1);
  mp.keccakKey = keccak256(mp.keccakData);
  mp.keccakKey[0] = 2;
  mp.localData = Bytes{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8};
  mp.localKey = Hash32{};
  mp.localKey[0] = 1;
  mp.localKey[31] = 3;
  oracle.table[mp.keccakKey.b] = mp.keccakData;
  oracle.table[mp.localKey.b] = mp.localData;
  if (keys) *keys = mp;

  std::vector<uint32_t> c;
  auto at = [&] { return static_cast<int32_t>(c.size() * 4); };
  c.push_back(lui(s0, kBuf >> 12));
  c.push_back(addi(s1, zero, static_cast<int32_t>(loops)));
  const int32_t loop = at();
  c.push_back(slli(t0, s1, 3));
  c.push_back(add(t1, s0, t0));
  c.push_back(sd(s1, t1, 3));  // unaligned: crosses a leaf every fourth iteration
  c.push_back(ld(t2, t1, 3));
  c.push_back(add(s2, s2, t2));
  c.push_back(amoadd_d(t3, s1, s0));
  c.push_back(addi(s1, s1, -1));
  c.push_back(bne(s1, zero, loop - at()));
  // hint: 8 bytes from the key area (off-witness; the verifier reads them from partial memory)
  c.push_back(addi(a0, zero, 4));
  c.push_back(lui(a1, kKeys >> 12));
  c.push_back(addi(a2, zero, 8));
  c.push_back(addi(a7, zero, 64));
  c.push_back(ecall());
  // clock_gettime into a leaf-crossing buffer
  c.push_back(lui(a1, kClock >> 12));
  c.push_back(addi(a1, a1, kClock & 0xFFF));
  c.push_back(addi(a7, zero, 113));
  c.push_back(ecall());
  // two preimages: key at kKeys + 32·k, data read 32 bytes at a time to kRead + 0x100·k
  const size_t lens[2] = {mp.keccakData.size(), mp.localData.size()};
  for (int k = 0; k < 2; ++k) {
    c.push_back(addi(a0, zero, 6));
    c.push_back(lui(a1, kKeys >> 12));
    c.push_back(addi(a1, a1, 32 * k));
    c.push_back(addi(a2, zero, 32));
    c.push_back(addi(a7, zero, 64));
    c.push_back(ecall());
    c.push_back(lui(s3, kRead >> 12));
    c.push_back(addi(s3, s3, 0x100 * k));
    c.push_back(addi(s4, zero, static_cast<int32_t>((8 + lens[k] + 31) / 32)));
    const int32_t rd = at();
    c.push_back(addi(a0, zero, 5));
    c.push_back(addi(a1, s3, 0));
    c.push_back(addi(a2, zero, 32));
    c.push_back(addi(a7, zero, 63));
    c.push_back(ecall());
    c.push_back(add(s3, s3, a0));
    c.push_back(addi(s4, s4, -1));
    c.push_back(bne(s4, zero, rd - at()));
  }
  c.push_back(andi(a0, s2, 0x7F));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());

  vm::VmState st;
  for (size_t i = 0; i < c.size(); ++i) st.memory.store(kCode + 4 * i, 4, c[i]);
  st.memory.writeBytes(kKeys, mp.keccakKey.data(), 32);
  st.memory.writeBytes(kKeys + 32, mp.localKey.data(), 32);
  st.pc = kCode;
  st.heap = 0x7F0000000000ULL;
  st.registers[2] = 0x10000000;  // sp, unused
  return st;
}

/// Steps `st` with the proving engine (one-step proofs) until Step == to or exit; returns the
/// hash there.
inline Hash32 provingEngineHashAt(vm::VmState& st, vm::HostContext& host, uint64_t to) {
  while (!st.exited && st.step < to) {
    vm::StepProof p;
    if (vm::proveStep(st, host, p) != vm::kOk) throw Error("proving engine reverted");
  }
  return st.stateHash();
}

/// Steps with the plain reference interpreter until Step == to or exit.
inline void runPlain(vm::VmState& st, vm::HostContext& host, uint64_t to) {
  vm::NoTracker nt;
  vm::Interpreter<vm::NoTracker> in(st, host, nt);
  while (!st.exited && st.step < to)
    if (in.step() != vm::kOk) throw Error("interpreter reverted");
}

/// segment::proveSegment on a Machine over a copy of `st` with `host`'s oracle; `st` is left at
/// the post-state (unchanged when it throws).
inline segment::SegmentProof proveSegmentOn(vm::VmState& st, vm::HostContext& host, uint64_t to,
                                            segment::ProveStats* stats = nullptr, const segment::ProveOptions& options = {}) {
  vm::Machine machine(st);
  machine.setOracle(host.oracle);
  segment::SegmentProof proof = segment::proveSegment(machine, to, stats, options);
  st = machine.releaseState();
  return proof;
}

/// segment::validateSegments on a Machine over a copy of `st` with `host`'s oracle; `st` is left
/// at the end state (unchanged when it throws).
inline segment::ValidateReport validateSegmentsOn(vm::VmState& st, vm::HostContext& host, const segment::ValidateOptions& options) {
  vm::Machine machine(st);
  machine.setOracle(host.oracle);
  segment::ValidateReport report = segment::validateSegments(machine, options);
  st = machine.releaseState();
  return report;
}

/// True when `fn` throws fpvm::Error whose message contains `needle`; logs the message otherwise.
template <class Fn>
::testing::AssertionResult throwsWith(Fn&& fn, const std::string& needle) {
  try {
    fn();
  } catch (const Error& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "error \"" << e.what() << "\" does not contain \"" << needle << "\"";
  }
  return ::testing::AssertionFailure() << "no error (expected one containing \"" << needle << "\")";
}

}  // namespace fpvm::test
