// `fpvm verify-step`: checks a one-step proof file statelessly (no VM state, only the proof), with
// the verifier of the machine the proof is for (its state witness: 362 bytes RISC-V, 188 MIPS64).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "core/proof_json.hpp"
#include "image/state_file.hpp"

namespace fpvm::cli {

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

  core::StepCall call;
  call.exactLength = !allowExtra;
  if (localize) {
    Bytes c = fromHex(caller, "--caller");
    if (c.size() != 20) throw Error("--caller must be 20 bytes");
    core::StepCall::Localization loc;
    std::copy(c.begin(), c.end(), loc.caller.begin());
    loc.localContext = hash32FromHex(localContext, "--local-context");
    call.localization = loc;
  }
  // MIPS64.sol always localises type-1 keys (with a zero caller and context unless given).
  const core::VerifyOutcome r = core::verifyOneStep(p, call);
  if (!r.ok) {
    if (r.revertCode) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%x", *r.revertCode);
      throw Error(std::string("step reverts with ") + buf + " (" + r.revert + ")");
    }
    throw Error("step reverts: " + r.revert);
  }
  const Hash32 pre = core::hashWitness(p.isa, p.stateData);
  nlohmann::ordered_json j;
  j["step"] = p.step;
  j["pre"] = toHex(pre);
  j["post"] = toHex(r.post);
  j["post-state"] = toHex(ByteView(r.postState));
  std::cout << j.dump() << std::endl;
  if (p.pre != Hash32{} && !(p.pre == pre))
    throw Error("pre-state hash mismatch: proof file says " + toHex(p.pre) + ", state-data hashes to " + toHex(pre));
  if (p.post != Hash32{} && !(p.post == r.post))
    throw Error("post-state hash mismatch: proof file says " + toHex(p.post) + ", verifier computed " + toHex(r.post));
  return 0;
}

}  // namespace fpvm::cli
