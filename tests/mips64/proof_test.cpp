// One-step proofs and the stateless verifier (docs/spec/cannon-mt64.md §4): calldata layout,
// revert data, proof slots, the verifier on exited and reverting steps, tampering, and a random
// instruction sweep comparing the interpreter with the verifier.
#include <gtest/gtest.h>

#include <random>

#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "encoder.hpp"
#include "evm_case_writer.hpp"
#include "mips64/prover.hpp"
#include "mips64/step_calldata.hpp"
#include "mips64/step_verifier.hpp"
#include "random_insn.hpp"
#include "random_scale.hpp"
#include "test_vm.hpp"

namespace fpvm::mips64::test {
namespace {

uint32_t selectorOf(const char* signature) {
  const Hash32 h = keccak256(ByteView(reinterpret_cast<const uint8_t*>(signature), std::strlen(signature)));
  return getBE32(h.data());
}

TEST(Mips64Proof, SelectorsAndRevertData) {
  EXPECT_EQ(getBE32(kStepSelector.data()), selectorOf("step(bytes,bytes,bytes32)"));
  EXPECT_EQ(getBE32(kStepSelector.data()), 0xe14ced32u);
  // The selectors spelled out in the spec's revert table.
  const std::pair<Revert, uint32_t> custom[] = {
      {Revert::InvalidExitedValue, 0x0136cc76},       {Revert::InvalidMemoryProof, 0x8e77b2b7},
      {Revert::InvalidSecondMemoryProof, 0x834c4cd4}, {Revert::InvalidPC, 0x3f8200bc},
      {Revert::InvalidAddress, 0xe6c4247b},           {Revert::InvalidRMWInstruction, 0xecf79d0d},
  };
  for (auto [r, sel] : custom) {
    const Bytes d = revertData(r);
    ASSERT_EQ(d.size(), 4u) << revertName(r);
    EXPECT_EQ(getBE32(d.data()), sel) << revertName(r);
  }
  EXPECT_TRUE(revertData(Revert::NonCanonicalCalldata).empty());
  // Error(string): 08c379a0 ‖ 0x20 ‖ length ‖ text padded.
  const Bytes e = revertData(Revert::InvalidInstruction);
  ASSERT_EQ(e.size(), 4u + 32 + 32 + 32);
  EXPECT_EQ(getBE32(e.data()), 0x08c379a0u);
  EXPECT_EQ(e[4 + 31], 0x20);
  EXPECT_EQ(getBE64(e.data() + 4 + 32 + 24), 27u);  // "MIPS64: invalid instruction"
  EXPECT_EQ(std::string(e.begin() + 68, e.begin() + 95), "MIPS64: invalid instruction");
  EXPECT_EQ(e[95], 0);
}

TEST(Mips64Proof, CalldataLayoutOfTheEmptyState) {
  State s = State::createEmpty();
  Interpreter interp(s);
  StepProof p;
  (void)proveStep(interp, p);  // fetches the zero word at 0: SLL r0 = NOP
  ASSERT_EQ(p.proofData.size(), 6090u);
  // Thread witness: the empty thread's record (nextPC 4) and the inner root EMPTY.
  for (size_t i = 0; i < 298; ++i) EXPECT_EQ(p.proofData[i], i == 25 ? 4 : 0) << i;
  EXPECT_EQ(Bytes(p.proofData.begin() + 298, p.proofData.begin() + 330),
            fromHex("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"));
  EXPECT_EQ(p.pre, hash32FromHex("035b096e17d7b97f6bbaa13d179958e729b70813e931dc90dbf4193372f3dc71"));

  Hash32 ctx;
  ctx[0] = 0xCC;
  const Bytes cd = encodeStepCalldata(ByteView(p.stateData.data(), p.stateData.size()), p.proofData, ctx);
  ASSERT_EQ(cd.size(), 6468u);  // the spec's example size
  EXPECT_EQ(getBE32(cd.data()), 0xe14ced32u);
  EXPECT_EQ(getBE64(cd.data() + 4 + 24), 0x60u);
  EXPECT_EQ(getBE64(cd.data() + 36 + 24), 0x140u);
  EXPECT_EQ(cd[68], 0xCC);
  EXPECT_EQ(getBE64(cd.data() + 100 + 24), 188u);
  EXPECT_TRUE(std::equal(p.stateData.begin(), p.stateData.end(), cd.begin() + 132));
  EXPECT_EQ(getBE32(cd.data() + 320), 0u);
  EXPECT_EQ(getBE64(cd.data() + 324 + 24), 6090u);
  EXPECT_TRUE(std::equal(p.proofData.begin(), p.proofData.end(), cd.begin() + 356));
  EXPECT_EQ(cd.size() - (356 + 6090), 22u);  // zero padding
  const VerifyResult v = verifyRecorded(cd);
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  EXPECT_EQ(v.postHash, p.post);
}

/// Proves one step of `vm` and returns the proof (the step must succeed).
StepProof prove(TestVm& vm) {
  StepProof p;
  const StepOutcome o = proveStep(vm.interp, p);
  EXPECT_TRUE(o.ok()) << revertName(o.revert);
  return p;
}

bool slotIsZero(const StepProof& p, unsigned slot) {
  const auto begin = p.proofData.begin() + static_cast<std::ptrdiff_t>(kThreadWitnessSize + slot * kMemoryProofSize);
  return std::all_of(begin, begin + kMemoryProofSize, [](uint8_t b) { return b == 0; });
}

TEST(Mips64Proof, UnusedSlotsAreZeroAndTrailingProofsMayBeOmitted) {
  TestVm vm;
  vm.program({addiu(2, 0, 7), ld(3, 0, 2)});
  const StepProof alu = prove(vm);
  EXPECT_FALSE(slotIsZero(alu, 0));
  EXPECT_TRUE(slotIsZero(alu, 1));
  EXPECT_TRUE(slotIsZero(alu, 2));
  // The contract reads only slot 0 here: the proof data may stop after it.
  const Bytes shortProof(alu.proofData.begin(), alu.proofData.begin() + 330 + 1920);
  const VerifyResult v = verifyRecorded(alu.stateData, shortProof, Hash32{});
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  EXPECT_EQ(v.postHash, alu.post);

  vm.poke(0, 0x1234);
  vm.reg(2) = 0;
  const StepProof load = prove(vm);
  EXPECT_FALSE(slotIsZero(load, 1));
  EXPECT_TRUE(slotIsZero(load, 2));
  const Bytes noDataProof(load.proofData.begin(), load.proofData.begin() + 330 + 1920);
  EXPECT_EQ(verifyRecorded(load.stateData, noDataProof, Hash32{}).revert, Revert::InsufficientMemoryProofCalldata);
  // Missing the last byte: the calldata padding makes the proof look complete, but its last word differs.
  const Bytes almost(load.proofData.begin(), load.proofData.begin() + 330 + 2 * 1920 - 1);
  EXPECT_EQ(verifyRecorded(load.stateData, almost, Hash32{}).revert, Revert::InvalidMemoryProof);
  const Bytes noThread(load.proofData.begin(), load.proofData.begin() + 297);
  EXPECT_EQ(verifyRecorded(load.stateData, noThread, Hash32{}).revert, Revert::InsufficientThreadCalldata);
  const Bytes noInnerRoot(load.proofData.begin(), load.proofData.begin() + 320);
  EXPECT_EQ(verifyRecorded(load.stateData, noInnerRoot, Hash32{}).revert, Revert::InsufficientThreadCalldata);
}

TEST(Mips64Proof, ClockGettimeSecondProofIsAgainstTheUpdatedRoot) {
  TestVm vm;
  vm.program({syscall()});
  vm.reg(kRegV0) = sys::kClockGettime;
  vm.reg(kRegA0) = kClockMonotonic;
  vm.reg(kRegA1) = 0x5008;  // both words in one leaf: slot 2 must see the first write
  vm.state.step = 30'000'041;  // the step is incremented first: 3 s, 4 200 ns
  const StepProof p = prove(vm);
  EXPECT_FALSE(slotIsZero(p, 1));
  EXPECT_FALSE(slotIsZero(p, 2));
  // Slot 2's leaf already holds the seconds written through slot 1.
  const size_t leaf2 = kThreadWitnessSize + 2 * kMemoryProofSize;
  EXPECT_EQ(getBE64(p.proofData.data() + leaf2 + 8), 3u);  // the seconds
  const VerifyResult v = verifyRecorded(p.stateData, p.proofData, Hash32{});
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  // A second proof from the pre-step memory is rejected with the contract's own reason.
  Bytes stale = p.proofData;
  std::copy(p.proofData.begin() + kThreadWitnessSize + kMemoryProofSize, p.proofData.begin() + leaf2,
            stale.begin() + static_cast<std::ptrdiff_t>(leaf2));
  EXPECT_EQ(verifyRecorded(p.stateData, stale, Hash32{}).revert, Revert::InvalidSecondMemoryProof);
}

TEST(Mips64Proof, ExitedStateReturnsItsOwnHash) {
  TestVm vm;
  vm.state.exited = true;
  vm.state.exitCode = 1;
  StepProof p;
  const StepOutcome o = proveStep(vm.interp, p);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.kind, StepKind::Exited);
  EXPECT_EQ(p.post, p.pre);
  EXPECT_EQ(p.pre[0], 1);  // status Invalid
  // The contract reads neither thread witness nor memory proofs: empty proof data is enough.
  const VerifyResult v = verifyRecorded(p.stateData, Bytes{}, Hash32{});
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  EXPECT_EQ(v.postHash, p.pre);
  EXPECT_EQ(v.postState, p.stateData);
}

TEST(Mips64Proof, MalformedStateAndCalldata) {
  TestVm vm;
  vm.program({nop()});
  const StepProof p = prove(vm);
  Witness bad = p.stateData;
  bad[witness_offset::kExited] = 2;
  EXPECT_EQ(verifyRecorded(bad, p.proofData, Hash32{}).revert, Revert::InvalidExitedValue);
  Bytes cd = encodeStepCalldata(p.stateData, p.proofData, Hash32{});
  ASSERT_TRUE(verifyRecorded(cd).ok());
  Bytes wrongSelector = cd;
  wrongSelector[0] ^= 1;
  EXPECT_EQ(verifyRecorded(wrongSelector).revert, Revert::NonCanonicalCalldata);
  Bytes movedState = cd;  // _stateData.offset must be 132
  movedState[4 + 31] = 0x80;
  EXPECT_EQ(verifyRecorded(movedState).revert, Revert::NonCanonicalCalldata);
  Bytes movedProof = cd;  // _proof.offset must be 356
  movedProof[36 + 31] = 0x60;
  EXPECT_EQ(verifyRecorded(movedProof).revert, Revert::NonCanonicalCalldata);
  Bytes longProof = cd;  // a declared length past the end of calldata fails ABI decoding
  longProof[324 + 30] = 0xFF;
  EXPECT_EQ(verifyRecorded(longProof).revert, Revert::NonCanonicalCalldata);
  EXPECT_EQ(verifyRecorded(Bytes(cd.begin(), cd.begin() + 90)).revert, Revert::NonCanonicalCalldata);
  // The stateData length is not checked: a different declared length with the same offsets is accepted.
  Bytes shortState = cd;
  shortState[100 + 31] = 161;
  const VerifyResult v = verifyRecorded(shortState);
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  EXPECT_EQ(v.postHash, p.post);
}

TEST(Mips64Proof, NonCanonicalBooleansAreReadAsTheContractReadsThem) {
  // The contract does not check traverseRight or a thread's exited byte: non-zero means true and
  // the byte is re-emitted as it was (spec §1.5). The interpreter never produces such states.
  TestVm vm;
  vm.program({nop()});
  Thread t = vm.thread();
  vm.state.leftThreadStack.pop();
  vm.state.rightThreadStack.push(t);
  vm.state.traverseRight = true;
  const StepProof p = prove(vm);
  Witness odd = p.stateData;
  odd[witness_offset::kTraverseRight] = 2;
  const VerifyResult v = verifyRecorded(odd, p.proofData, Hash32{});
  ASSERT_TRUE(v.ok()) << revertName(v.revert);
  EXPECT_EQ(v.postState[witness_offset::kTraverseRight], 2);
  Witness expected = vm.state.witness();
  expected[witness_offset::kTraverseRight] = 2;
  EXPECT_EQ(v.postState, expected);
}

/// Witness byte ranges a step overwrites without reading (so their old value cannot matter):
/// stepsSinceLastContextSwitch for steps that end in a context switch (pop, preemption, clone,
/// yields: it only matters through the quantum check), the reservation fields for LL/LLD.
using Range = std::pair<size_t, size_t>;
const Range kCounterField{witness_offset::kStepsSinceLastContextSwitch, witness_offset::kStepsSinceLastContextSwitch + 8};
const Range kReservationFields{witness_offset::kLLReservationStatus, witness_offset::kExitCode};

/// Every byte the step uses, flipped one at a time, must make the verifier revert or return
/// another post-state hash.
void expectTamperEvident(TestVm& vm, const char* what, std::vector<Range> overwritten = {}) {
  StepProof p;
  const StepOutcome o = proveStep(vm.interp, p);
  ASSERT_TRUE(o.ok()) << what << ": " << revertName(o.revert);
  PreimagePartStore parts;
  for (const auto& [key, data] : vm.oracle.preimages) parts.add(key, data);
  const VerifyResult honest = verifyStep(p.stateData, p.proofData, Hash32{}, &parts);
  ASSERT_TRUE(honest.ok()) << what << ": " << revertName(honest.revert);
  ASSERT_EQ(honest.postHash, p.post) << what;
  std::vector<size_t> positions;
  for (size_t i = 0; i < kWitnessSize; ++i)
    if (std::none_of(overwritten.begin(), overwritten.end(), [i](const Range& r) { return i >= r.first && i < r.second; }))
      positions.push_back(i);
  const size_t proofBase = kWitnessSize;
  if (o.kind != StepKind::Exited)
    for (size_t i = 0; i < kThreadWitnessSize; ++i) positions.push_back(proofBase + i);
  for (unsigned slot = 0; slot < kProofSlots; ++slot)
    if (o.proofAddress[slot])
      for (size_t i = 0; i < kMemoryProofSize; ++i) positions.push_back(proofBase + kThreadWitnessSize + slot * kMemoryProofSize + i);
  Bytes all(p.stateData.begin(), p.stateData.end());
  all.insert(all.end(), p.proofData.begin(), p.proofData.end());
  size_t accepted = 0;
  for (size_t pos : positions) {
    Bytes t = all;
    t[pos] ^= 0x01;
    const VerifyResult v = verifyStep(ByteView(t.data(), kWitnessSize), ByteView(t.data() + kWitnessSize, t.size() - kWitnessSize),
                                      Hash32{}, &parts);
    if (v.ok() && v.postHash == honest.postHash) {
      ++accepted;
      ADD_FAILURE() << what << ": flipping byte " << pos << " is accepted with the honest post-state";
    }
  }
  EXPECT_EQ(accepted, 0u) << what;
  EXPECT_GT(positions.size(), kWitnessSize) << what;
}

TEST(Mips64Proof, TamperedBytesAreNeverAcceptedWithTheHonestPost) {
  {
    TestVm vm;
    vm.program({addiu(2, 0, 7)});
    expectTamperEvident(vm, "ALU");
  }
  {
    TestVm vm;
    vm.program({sd(9, 8, 8)});
    vm.reg(8) = 0x2'0000;
    vm.reg(9) = 0xAB;
    vm.poke(0x2'0010, 5);
    expectTamperEvident(vm, "store");
  }
  {
    TestVm vm;
    vm.program({syscall()});
    vm.reg(kRegV0) = sys::kClockGettime;
    vm.reg(kRegA0) = kClockMonotonic;
    vm.reg(kRegA1) = 0x3'0018;  // the second word in the next leaf
    expectTamperEvident(vm, "clock_gettime");
  }
  {
    TestVm vm;
    vm.program({syscall()});
    const Bytes data = {9, 8, 7, 6, 5};
    Hash32 key = keccak256(ByteView(data.data(), data.size()));
    key[0] = 2;
    vm.oracle.preimages[key] = data;
    vm.state.preimageKey = key;
    vm.state.preimageOffset = 8;
    vm.reg(kRegV0) = sys::kRead;
    vm.reg(kRegA0) = kFdPreimageRead;
    vm.reg(kRegA1) = 0x4'0002;
    vm.reg(kRegA2) = 4;
    expectTamperEvident(vm, "pre-image read");
  }
  {
    TestVm vm;
    vm.program({syscall()});
    vm.reg(kRegV0) = sys::kClone;
    vm.reg(kRegA0) = kValidCloneFlags;
    Thread other = vm.thread();
    other.threadId = 5;
    vm.state.rightThreadStack.push(other);
    expectTamperEvident(vm, "clone", {kCounterField});
  }
  {
    TestVm vm;  // pop of an exited thread with another below it
    Thread below = vm.thread();
    below.threadId = 3;
    vm.state.leftThreadStack.pop();
    vm.state.leftThreadStack.push(below);
    Thread top = below;
    top.threadId = 4;
    top.exited = true;
    vm.state.leftThreadStack.push(top);
    expectTamperEvident(vm, "pop", {kCounterField});
  }
  {
    TestVm vm;
    vm.state.stepsSinceLastContextSwitch = kSchedQuantum;
    expectTamperEvident(vm, "preemption", {kCounterField});
  }
  {
    TestVm vm;
    vm.program({syscall()});
    vm.reg(kRegV0) = sys::kFutex;
    vm.reg(kRegA0) = 0x6'0004;
    vm.reg(kRegA1) = kFutexWaitPrivate;
    vm.reg(kRegA2) = 0;
    expectTamperEvident(vm, "futex wait (yield)", {kCounterField});
  }
  {
    TestVm vm;
    vm.program({ll(9, 4, 8)});
    vm.reg(8) = 0x7'0000;
    vm.poke(0x7'0000, 0x1122'3344'5566'7788);
    expectTamperEvident(vm, "load linked", {kReservationFields});
  }
}

TEST(Mips64Proof, LocalKeysAreLocalisedByTheCaller) {
  TestVm vm;
  vm.crossCheck = false;
  vm.program({syscall()});
  Hash32 key;
  key[0] = 1;
  key[31] = 4;  // local key 4
  const Bytes data = {0, 0, 0, 0, 0, 0, 0x12, 0x34};
  vm.oracle.preimages[key] = data;
  vm.state.preimageKey = key;
  vm.reg(kRegV0) = sys::kRead;
  vm.reg(kRegA0) = kFdPreimageRead;
  vm.reg(kRegA1) = 0x4'0000;
  vm.reg(kRegA2) = 8;
  StepProof p;
  ASSERT_TRUE(proveStep(vm.interp, p).ok());
  ASSERT_TRUE(p.oracleKey.has_value());
  EXPECT_EQ(*p.oracleKey, key);  // the raw key
  EXPECT_EQ(p.oracleOffset, 0u);
  EXPECT_EQ(p.oracleValue, Bytes({0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x12, 0x34}));
  const Address caller = {0xAA};
  Hash32 ctx;
  ctx[5] = 7;
  PreimagePartStore parts;
  parts.addForStep(key, data, caller, ctx);
  const VerifyResult ok = verifyStep(p.stateData, p.proofData, ctx, &parts, caller);
  ASSERT_TRUE(ok.ok()) << revertName(ok.revert);
  EXPECT_EQ(ok.postHash, p.post);
  // Another caller or context looks up another key: the part does not exist.
  EXPECT_EQ(verifyStep(p.stateData, p.proofData, ctx, &parts, Address{0xBB}).revert, Revert::PreimageMustExist);
  EXPECT_EQ(verifyStep(p.stateData, p.proofData, Hash32{}, &parts, caller).revert, Revert::PreimageMustExist);
  // The raw key is not what the contract asks for.
  PreimagePartStore raw;
  raw.add(key, data);
  EXPECT_EQ(verifyStep(p.stateData, p.proofData, ctx, &raw, caller).revert, Revert::PreimageMustExist);
  // The localisation itself: H(key ‖ 12 zero bytes ‖ caller ‖ ctx), byte 0 := 1.
  uint8_t buf[96] = {};
  std::copy(key.b.begin(), key.b.end(), buf);
  buf[44] = 0xAA;
  buf[64 + 5] = 7;
  Hash32 expected = keccak256(ByteView(buf, 96));
  expected[0] = 1;
  EXPECT_EQ(localizeKey(key, caller, ctx), expected);
}

TEST(Mips64Proof, OraclePartsFollowReadPreimage) {
  PreimagePartStore store;
  Hash32 key;
  key[0] = 2;
  Bytes data(40);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i + 1);
  store.add(key, data);
  auto part = store.readPreimage(key, 0);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->length, 32u);
  EXPECT_EQ(getBE64(part->data.data()), 40u);
  EXPECT_EQ(part->data[8], 1);
  part = store.readPreimage(key, 20);  // 20 + 32 >= 48: datLen = 48 - 20
  ASSERT_TRUE(part);
  EXPECT_EQ(part->length, 28u);
  EXPECT_EQ(part->data[0], 13);
  EXPECT_EQ(part->data[27], 40);
  EXPECT_EQ(part->data[28], 0);
  part = store.readPreimage(key, 47);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->length, 1u);
  EXPECT_FALSE(store.readPreimage(key, 48));  // PartOffsetOOB: never loadable
  Hash32 other = key;
  other[1] = 1;
  EXPECT_FALSE(store.readPreimage(other, 0));
}

TEST(Mips64Proof, RandomInstructionsAgreeWithTheVerifier) {
  std::mt19937_64 rng(16);
  int reverted = 0, executed = 0;
  for (int i = 0, n = randomIterations(3000); i < n; ++i) {
    TestVm vm(0x10'0000 + 4 * (rng() % 1024));
    vm.program({randomInsn(rng)});
    // Registers hold small addresses near the data area, extreme values or random bits.
    for (unsigned r = 1; r < 32; ++r) {
      switch (rng() % 4) {
        case 0: vm.reg(r) = 0x20'0000 + (rng() % 0x100); break;
        case 1: vm.reg(r) = std::array<uint64_t, 6>{0, 1, ~uint64_t(0), 0x8000'0000, 0x7FFF'FFFF, 0x8000'0000'0000'0000}[rng() % 6]; break;
        default: vm.reg(r) = rng(); break;
      }
    }
    vm.thread().hi = rng();
    vm.thread().lo = rng();
    for (uint64_t a = 0x1F'FF00; a < 0x20'0200; a += 8) vm.poke(a, rng());
    if (rng() % 4 == 0) {
      vm.state.llReservationStatus = static_cast<uint8_t>(1 + rng() % 2);
      vm.state.llAddress = vm.reg(1 + rng() % 31) + (rng() % 16);
    }
    if (rng() % 8 == 0) vm.thread().nextPC = 0x30'0000;  // in a delay slot
    const StepOutcome o = vm.step();  // cross-checked
    (o.ok() ? executed : reverted) += 1;
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "instruction " << std::hex << o.insn << " at iteration " << std::dec << i;
      break;
    }
  }
  EXPECT_GT(executed, 1500);
  EXPECT_GT(reverted, 100);
}

}  // namespace
}  // namespace fpvm::mips64::test
