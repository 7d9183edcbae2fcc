#pragma once
// Writes the steps the tests prove as JSON lines for the EVM replay (tests/evm/replay.mjs), which
// runs each one through the real MIPS64.sol. Enabled by FPVM_EVM_CASES=<file>; off otherwise.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "mips64/interpreter.hpp"
#include "mips64/preimage_parts.hpp"
#include "mips64/prover.hpp"
#include "mips64/step_verifier.hpp"

namespace fpvm::mips64::test {

/// How a challenger loads a pre-image into PreimageOracle.sol when its key alone does not say
/// (precompile keys: the precompile's address, gas and input), as a JSON object for the replay.
using PreimageSources = std::map<Hash32, std::string, bool (*)(const Hash32&, const Hash32&)>;

/// One proved step as TestVm::step saw it.
struct RecordedStep {
  const StepProof& proof;
  const StepOutcome& outcome;
  const Hash32& localContext;
  const Address& caller;
  PartOracle& parts;              ///< the oracle as the contract would hold it (for tampered steps)
  const Hash32& preimageKeyRead;  ///< the key of a read(fd 5) step (the pre-state's key)
  const PreimageSources& sources;
  const Witness& postState;  ///< the post-state witness (when the step did not revert)
};

/// The JSON-lines writer. Environment: FPVM_EVM_CASES = output file (appended to);
/// FPVM_EVM_SAMPLE = N: of a machine's steps after its first 64, keep only every N-th, syscalls,
/// pre-image reads and reverting steps (default 1: all); FPVM_EVM_TAMPER = M: every M-th
/// written step also gets tampered variants (default 16; 0 = none).
class EvmCaseWriter {
 public:
  /// The writer, or null when FPVM_EVM_CASES is not set.
  static EvmCaseWriter* instance();
  /// Writes `s` (and its tampered variants) when the sampling keeps it.
  void record(const RecordedStep& s);
  /// Writes a call made without an oracle and what fpvm's verifier made of it.
  void recordCall(ByteView calldata, const VerifyResult& v);

  EvmCaseWriter(const EvmCaseWriter&) = delete;
  EvmCaseWriter& operator=(const EvmCaseWriter&) = delete;
  ~EvmCaseWriter();

 private:
  EvmCaseWriter(FILE* out, uint64_t sample, uint64_t tamperEvery);
  void writeTampered(const RecordedStep& s, const std::string& test);

  FILE* out_;
  uint64_t sample_;
  uint64_t tamperEvery_;
  uint64_t written_ = 0;
};

/// verifyStepCalldata with no oracle, the call also written for the replay (when enabled).
VerifyResult verifyRecorded(ByteView calldata);
/// verifyStep with no oracle and msg.sender 0, the call also written for the replay.
VerifyResult verifyRecorded(ByteView stateData, ByteView proofData, const Hash32& localContext);

}  // namespace fpvm::mips64::test
