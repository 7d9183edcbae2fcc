#include "evm_case_writer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "common/hex.hpp"
#include "mips64/revert.hpp"
#include "mips64/step_calldata.hpp"
#include "mips64/step_verifier.hpp"

namespace fpvm::mips64::test {

namespace {

uint64_t envNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

std::string currentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : "?";
}

/// The outcome as the contract reports it: "post" = returned hash and "postState" = the LOG0
/// data (the post-state witness), or "revert" = revert data.
std::string expectation(const VerifyResult& v) {
  if (v.ok()) {
    return "\"post\":\"" + toHex(v.postHash) + "\",\"postState\":\"" +
           toHex(ByteView(v.postState.data(), v.postState.size())) + "\"";
  }
  return "\"revert\":\"" + toHex(revertData(v.revert)) + "\",\"reason\":\"" + revertName(v.revert) + "\"";
}

/// The fields every line has: where it came from, the calldata and the oracle data it needs.
std::string head(const std::string& test, const RecordedStep& s, ByteView calldata) {
  std::string line =
      "{\"test\":\"" + test + "\",\"step\":" + std::to_string(s.proof.step) + ",\"calldata\":\"" + toHex(calldata) + "\"";
  if (s.outcome.preimageRead) {
    const PreimageRead& r = *s.outcome.preimageRead;
    line += ",\"oracleKey\":\"" + toHex(s.preimageKeyRead) + "\",\"oracleOffset\":" + std::to_string(r.offset) +
            ",\"oracleContext\":\"" + toHex(s.localContext) + "\"";
    if (r.value) line += ",\"oracleValue\":\"" + toHex(*r.value) + "\"";
    auto it = s.sources.find(s.preimageKeyRead);
    if (it != s.sources.end()) line += ",\"oracleSource\":" + it->second;
  }
  return line;
}

/// The oracle as a challenger prepares it for one step: only the part that step reads.
class OnePartOracle final : public PartOracle {
 public:
  OnePartOracle(PartOracle& all, const Hash32& key, uint64_t offset) : all_(all), key_(key), offset_(offset) {}
  std::optional<PreimagePart> readPreimage(const Hash32& key, uint64_t offset) override {
    if (key != key_ || offset != offset_) return std::nullopt;
    return all_.readPreimage(key, offset);
  }

 private:
  PartOracle& all_;
  Hash32 key_;
  uint64_t offset_;
};

}  // namespace

EvmCaseWriter* EvmCaseWriter::instance() {
  static const std::unique_ptr<EvmCaseWriter> writer = []() -> std::unique_ptr<EvmCaseWriter> {
    const char* path = std::getenv("FPVM_EVM_CASES");
    if (!path || !*path) return nullptr;
    FILE* f = std::fopen(path, "a");
    if (!f) {
      ADD_FAILURE() << "cannot open " << path;
      return nullptr;
    }
    return std::unique_ptr<EvmCaseWriter>(
        new EvmCaseWriter(f, envNumber("FPVM_EVM_SAMPLE", 1), envNumber("FPVM_EVM_TAMPER", 16)));
  }();
  return writer.get();
}

EvmCaseWriter::EvmCaseWriter(FILE* out, uint64_t sample, uint64_t tamperEvery)
    : out_(out), sample_(sample ? sample : 1), tamperEvery_(tamperEvery) {}

EvmCaseWriter::~EvmCaseWriter() { std::fclose(out_); }

void EvmCaseWriter::record(const RecordedStep& s) {
  const StepOutcome& o = s.outcome;
  const uint64_t step = s.proof.step;
  const bool keep = step < 64 || step % sample_ == 0 || o.syscall || o.preimageRead || !o.ok();
  if (!keep) return;
  const std::string test = currentTestName();
  const Bytes calldata = encodeStepCalldata(s.proof.stateData, s.proof.proofData, s.localContext);
  VerifyResult expected;
  expected.revert = o.revert;
  expected.postHash = s.proof.post;
  expected.postState = s.postState;
  std::fprintf(out_, "%s,%s}\n", head(test, s, calldata).c_str(), expectation(expected).c_str());
  if (tamperEvery_ && written_ % tamperEvery_ == 0) writeTampered(s, test);
  ++written_;
}

void EvmCaseWriter::recordCall(ByteView calldata, const VerifyResult& v) {
  std::fprintf(out_, "{\"test\":\"%s\",\"step\":-1,\"calldata\":\"%s\",%s}\n", currentTestName().c_str(), toHex(calldata).c_str(),
               expectation(v).c_str());
}

VerifyResult verifyRecorded(ByteView calldata) {
  const VerifyResult v = verifyStepCalldata(calldata, nullptr);
  if (EvmCaseWriter* writer = EvmCaseWriter::instance()) writer->recordCall(calldata, v);
  return v;
}

VerifyResult verifyRecorded(ByteView stateData, ByteView proofData, const Hash32& localContext) {
  return verifyRecorded(encodeStepCalldata(stateData, proofData, localContext));
}

void EvmCaseWriter::writeTampered(const RecordedStep& s, const std::string& test) {
  const uint64_t step = s.proof.step;
  const std::string honest = s.outcome.ok() ? toHex(s.proof.post) : "";
  // The replay loads only the part the honest step reads; the verifier must see the same oracle.
  const Hash32 loadedKey =
      s.preimageKeyRead[0] == 1 ? localizeKey(s.preimageKeyRead, s.caller, s.localContext) : s.preimageKeyRead;
  const uint64_t loadedOffset = s.outcome.preimageRead ? s.outcome.preimageRead->offset : ~uint64_t{0};
  OnePartOracle parts(s.parts, loadedKey, loadedOffset);
  auto emit = [&](const char* what, size_t at, const Witness& state, const Bytes& proof, const Hash32& ctx) {
    const VerifyResult v = verifyStep(state, proof, ctx, &parts, s.caller);
    // A flip in a proof slot the step does not use changes nothing: not a tamper case.
    if (v.ok() && s.outcome.ok() && v.postHash == s.proof.post) return;
    const Bytes calldata = encodeStepCalldata(state, proof, ctx);
    std::fprintf(out_, "%s,\"tamper\":\"%s byte %zu\",\"honest\":\"%s\",%s}\n", head(test, s, calldata).c_str(), what, at,
                 honest.c_str(), expectation(v).c_str());
  };
  {  // one witness byte
    Witness state = s.proof.stateData;
    const size_t at = (step * 37 + written_ * 11 + 5) % kWitnessSize;
    state[at] ^= 0x01;
    emit("witness", at, state, s.proof.proofData, s.localContext);
  }
  {  // one byte of the thread witness
    Bytes proof = s.proof.proofData;
    const size_t at = (step * 13 + written_ * 7) % kThreadWitnessSize;
    proof[at] ^= 0x80;
    emit("thread witness", at, s.proof.stateData, proof, s.localContext);
  }
  for (size_t slot = 0; slot < kMemoryProofSlots; ++slot) {  // one byte of each memory proof
    Bytes proof = s.proof.proofData;
    const size_t at = kThreadWitnessSize + slot * kMemoryProofSize + (step * 29 + written_ * 3 + slot) % kMemoryProofSize;
    proof[at] ^= 0x10;
    emit(slot == 0   ? "memory proof 0"
         : slot == 1 ? "memory proof 1"
                     : "memory proof 2",
         at, s.proof.stateData, proof, s.localContext);
  }
  // Calldata the contract must refuse: a non-canonical offset, calldata cut short inside the
  // thread witness or a memory proof, and a shorter proof encoded canonically.
  const Bytes honestCalldata = encodeStepCalldata(s.proof.stateData, s.proof.proofData, s.localContext);
  auto emitCalldata = [&](const char* what, size_t at, const Bytes& calldata) {
    const VerifyResult v = verifyStepCalldata(calldata, &parts, s.caller);
    if (v.ok() && s.outcome.ok() && v.postHash == s.proof.post) return;
    std::fprintf(out_, "%s,\"tamper\":\"%s %zu\",\"honest\":\"%s\",%s}\n", head(test, s, calldata).c_str(), what, at,
                 honest.c_str(), expectation(v).c_str());
  };
  {
    Bytes calldata = honestCalldata;
    calldata[4 + 31] ^= 0x20;  // _stateData's offset 0x60 -> 0x40
    emitCalldata("calldata offset word byte", 4 + 31, calldata);
  }
  {
    const size_t cut = (step * 131 + written_ * 17) % (honestCalldata.size() - kProofCalldataOffset);
    const Bytes calldata(honestCalldata.begin(),
                         honestCalldata.begin() + static_cast<std::ptrdiff_t>(kProofCalldataOffset + cut));
    emitCalldata("calldata cut to bytes", calldata.size(), calldata);
  }
  {  // canonical calldata of a proof cut short (the contract's own calldata-size checks)
    const size_t cut = (step * 71 + written_ * 5) % s.proof.proofData.size();
    const Bytes shorter(s.proof.proofData.begin(), s.proof.proofData.begin() + static_cast<std::ptrdiff_t>(cut));
    emitCalldata("proof cut to bytes", cut, encodeStepCalldata(s.proof.stateData, shorter, s.localContext));
  }
  if (s.outcome.preimageRead && s.preimageKeyRead[0] == 1) {  // a local key under another context
    Hash32 ctx = s.localContext;
    ctx[31] ^= 0x01;
    emit("localContext", 31, s.proof.stateData, s.proof.proofData, ctx);
  }
}

}  // namespace fpvm::mips64::test
