#include "core/any_machine.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "core/machine_adapters.hpp"
#include "image/elf_file.hpp"
#include "image/elf_loader.hpp"
#include "image/state_file.hpp"
#include "mips64/arch.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/preimage_parts.hpp"
#include "mips64/state.hpp"
#include "mips64/state_file.hpp"
#include "mips64/step_calldata.hpp"
#include "mips64/step_verifier.hpp"
#include "proof/step_verifier.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_verifier.hpp"
#include "segment/segment_proof.hpp"
#include "segment/segment_verifier.hpp"
#include "vm/revert_codes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::core {

const char* isaName(Isa isa) { return isa == Isa::Mips64 ? "mips64" : "riscv64"; }

std::unique_ptr<AnyMachine> machineFromElf(ByteView elf, const std::string& what, bool bare) {
  // e_ident: magic, class (byte 4), data encoding (byte 5: 1 = little, 2 = big); e_machine at 18.
  if (elf.size() < 20 || elf[0] != 0x7F || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F')
    throw Error(what + ": not an ELF file");
  const bool big = elf[5] == 2;
  const unsigned machine = big ? (unsigned(elf[18]) << 8 | elf[19]) : (unsigned(elf[19]) << 8 | elf[18]);
  switch (machine) {
    case 243:
      return machineFromState(
          image::loadElf(image::parseElf(Bytes(elf.begin(), elf.end()), what), image::LoadOptions{.patchAndStack = !bare}));
    case 8: return machineFromState(bare ? mips64::loadElfSegments(elf) : mips64::loadElf(elf));
    default: throw Error(what + ": e_machine " + std::to_string(machine) + " is neither RISC-V (243) nor MIPS (8)");
  }
}

std::unique_ptr<AnyMachine> machineFromStateFile(const std::string& path) {
  // Cannon's binary states start with their version byte (8); the RISC-V binary and JSON states
  // never do (a big-endian page count, or '{').
  if (mips64::isBinaryStateName(path)) {
    Bytes raw = readFile(path);
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) raw = gzipDecompress(raw, path.c_str());
    if (!raw.empty() && raw[0] == mips64::kStateVersion) return machineFromState(mips64::decodeState(raw, path));
  }
  return machineFromState(image::readStateFile(path));
}

Hash32 hashWitness(Isa isa, ByteView witness) {
  if (isaOfWitnessSize(witness.size()) != isa)
    throw Error(std::string("a ") + isaName(isa) + " state witness has " +
                std::to_string(isa == Isa::Mips64 ? mips64::kWitnessSize : vm::kWitnessSize) + " bytes, not " +
                std::to_string(witness.size()));
  if (isa == Isa::Mips64) {
    mips64::Witness w{};
    std::copy(witness.begin(), witness.end(), w.begin());
    return mips64::State::hashWitness(w);
  }
  return vm::VmState::hashWitness(vm::witnessFromBytes(witness));
}

std::optional<Isa> isaOfWitnessSize(size_t size) {
  if (size == vm::kWitnessSize) return Isa::Riscv64;
  if (size == mips64::kWitnessSize) return Isa::Mips64;
  return std::nullopt;
}

VerifyOutcome verifyOneStep(const OneStepProof& proof, bool exactLength) {
  StepCall call;
  call.exactLength = exactLength;
  return verifyOneStep(proof, call);
}

VerifyOutcome verifyOneStep(const OneStepProof& proof, const StepCall& call) {
  VerifyOutcome out;
  const StepCall::Localization loc = call.localization.value_or(StepCall::Localization{});
  if (proof.isa == Isa::Riscv64) {
    std::optional<proof::SinglePreimageOracle> parts;
    if (proof.oracleKey) parts.emplace(*proof.oracleKey, proof.oracleValue);
    proof::VerifyOptions options;
    options.exactLength = call.exactLength;
    options.localizeLocalKeys = call.localization.has_value();
    options.caller = loc.caller;
    options.localContext = loc.localContext;
    const proof::VerifyResult r = proof::verifyStep(proof.stateData, proof.proofData, parts ? &*parts : nullptr, options);
    out.ok = r.ok();
    out.post = r.postHash;
    out.postState.assign(r.post.begin(), r.post.end());
    if (!r.ok()) {
      out.revert = vm::revertName(r.revert);
      out.revertCode = r.revert;
    }
    return out;
  }
  if (call.exactLength && proof.proofData.size() != mips64::kProofDataSize)
    throw Error("one-step proof: MIPS64 proof data has " + std::to_string(proof.proofData.size()) + " bytes, not Cannon's " +
                std::to_string(mips64::kProofDataSize));
  mips64::PreimagePartStore parts;
  if (proof.oracleKey) {
    if (proof.oracleValue.size() < 8) throw Error("one-step proof: the oracle value is shorter than its 8-byte length prefix");
    parts.addForStep(*proof.oracleKey, ByteView(proof.oracleValue).subspan(8), loc.caller, loc.localContext);
  }
  const mips64::VerifyResult r = mips64::verifyStep(proof.stateData, proof.proofData, loc.localContext, &parts, loc.caller);
  out.ok = r.ok();
  out.post = r.postHash;
  out.postState.assign(r.postState.begin(), r.postState.end());
  if (!r.ok()) out.revert = mips64::revertName(r.revert);
  return out;
}

SegmentOutcome verifySegmentProof(ByteView encoded, uint64_t maxSteps) {
  segment::SegmentVerifyOptions options;
  options.maxSteps = maxSteps;
  if (segment::segmentProofVersion(encoded) == segment::kMips64SegmentFormatVersion) {
    const segment::Mips64SegmentVerifyResult r =
        segment::verifyMips64Segment(segment::decodeMips64SegmentProof(encoded, "segment proof"), options);
    return SegmentOutcome{r.preHash, r.postHash, r.fromStep, r.endStep, r.exited};
  }
  const segment::SegmentVerifyResult r = segment::verifySegment(segment::decodeSegmentProof(encoded, "segment proof"), options);
  return SegmentOutcome{r.preHash, r.postHash, r.fromStep, r.endStep, r.exited};
}

SegmentClaim readSegmentClaim(ByteView encoded, const std::string& what) {
  if (segment::segmentProofVersion(encoded) == segment::kMips64SegmentFormatVersion) {
    const segment::Mips64SegmentProof p = segment::decodeMips64SegmentProof(encoded, what);
    return SegmentClaim{p.preHash, p.postHash, p.fromStep(), p.toStep};
  }
  const segment::SegmentProof p = segment::decodeSegmentProof(encoded, what);
  return SegmentClaim{p.preHash, p.postHash, p.fromStep(), p.toStep};
}

}  // namespace fpvm::core
