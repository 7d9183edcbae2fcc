// `fpvm verify-step`: checks a one-step proof file statelessly (no VM state, only the proof), with
// the verifier of the machine the proof is for (its state witness: 362 bytes RISC-V, 188 MIPS64).
#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "core/proof_json.hpp"
#include "image/state_file.hpp"
#include "mips64/preimage_parts.hpp"
#include "mips64/step_calldata.hpp"
#include "mips64/step_verifier.hpp"
#include "proof/step_verifier.hpp"
#include "vm/revert_codes.hpp"

namespace fpvm::cli {
namespace {

/// The verifier's answer, printed as one JSON line.
struct Verified {
  Hash32 pre, post;
  Bytes postState;
};

/// --localize: the caller and localContext the contract localises type-1 keys with.
struct Localization {
  bool on = false;
  std::array<uint8_t, 20> caller{};
  Hash32 localContext;
};

Verified verifyRiscv(const core::OneStepProof& p, const Localization& loc, bool exactLength) {
  proof::VerifyOptions opt;
  opt.exactLength = exactLength;
  opt.localizeLocalKeys = loc.on;
  opt.caller = loc.caller;
  opt.localContext = loc.localContext;
  std::unique_ptr<proof::PartOracle> oracle;
  if (p.oracleKey) oracle = std::make_unique<proof::SinglePreimageOracle>(*p.oracleKey, p.oracleValue);
  const proof::VerifyResult r = proof::verifyStep(p.stateData, p.proofData, oracle.get(), opt);
  if (!r.ok()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%x", r.revert);
    throw Error(std::string("step reverts with ") + buf + " (" + vm::revertName(r.revert) + ")");
  }
  return {core::hashWitness(core::Isa::Riscv64, p.stateData), r.postHash, Bytes(r.post.begin(), r.post.end())};
}

Verified verifyMips64(const core::OneStepProof& p, const Localization& loc, bool exactLength) {
  if (exactLength && p.proofData.size() != mips64::kProofDataSize)
    throw Error("proof data has " + std::to_string(p.proofData.size()) + " bytes, not Cannon's " +
                std::to_string(mips64::kProofDataSize) + " (--allow-extra-proofs accepts more, as the contract does)");
  mips64::PreimagePartStore parts;
  if (p.oracleKey) {
    if (p.oracleValue.size() < 8) throw Error("oracle-value is shorter than its 8-byte length prefix");
    parts.addForStep(*p.oracleKey, ByteView(p.oracleValue).subspan(8), loc.caller, loc.localContext);
  }
  const mips64::VerifyResult r = mips64::verifyStep(p.stateData, p.proofData, loc.localContext, &parts, loc.caller);
  if (!r.ok()) throw Error(std::string("step reverts: ") + mips64::revertName(r.revert));
  return {core::hashWitness(core::Isa::Mips64, p.stateData), r.postHash, Bytes(r.postState.begin(), r.postState.end())};
}

}  // namespace

int runVerifyStep(const Args& args) {
  FlagSet flags("verify-step", "verify a one-step proof (RISC-V or MIPS64) without the VM state (mirrors the on-chain step)");
  std::string proofPath, caller, localContext;
  bool localize = false, allowExtra = false;
  flags.add("proof", &proofPath, "proof JSON written by `run --proof-at` or `cannon run --proof-at` (optional .gz)");
  flags.require("proof");
  flags.add("localize", &localize, "localise type-1 keys as the contract does (needs --caller, --local-context)");
  flags.add("caller", &caller, "20-byte address of the contract calling step (hex)");
  flags.add("local-context", &localContext, "32-byte localContext (hex)");
  flags.add("allow-extra-proofs", &allowExtra, "accept unused trailing proofs, as the contract does");
  if (!flags.parse(args)) return 0;

  Bytes raw = readFile(proofPath);
  if (image::StateFormat::fromPath(proofPath).gzip) raw = gzipDecompress(raw, proofPath.c_str());
  const core::OneStepProof p = core::decodeProofJson(std::string(raw.begin(), raw.end()), proofPath);

  Localization loc;
  if (localize) {
    Bytes c = fromHex(caller, "--caller");
    if (c.size() != 20) throw Error("--caller must be 20 bytes");
    std::copy(c.begin(), c.end(), loc.caller.begin());
    loc.localContext = hash32FromHex(localContext, "--local-context");
    loc.on = true;
  }
  // MIPS64.sol always localises type-1 keys (with a zero caller and context unless given).
  const Verified v = p.isa == core::Isa::Mips64 ? verifyMips64(p, loc, !allowExtra) : verifyRiscv(p, loc, !allowExtra);
  nlohmann::ordered_json j;
  j["step"] = p.step;
  j["pre"] = toHex(v.pre);
  j["post"] = toHex(v.post);
  j["post-state"] = toHex(ByteView(v.postState));
  std::cout << j.dump() << std::endl;
  if (p.pre != Hash32{} && !(p.pre == v.pre))
    throw Error("pre-state hash mismatch: proof file says " + toHex(p.pre) + ", state-data hashes to " + toHex(v.pre));
  if (p.post != Hash32{} && !(p.post == v.post))
    throw Error("post-state hash mismatch: proof file says " + toHex(p.post) + ", verifier computed " + toHex(v.post));
  return 0;
}

}  // namespace fpvm::cli
