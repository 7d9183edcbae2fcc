// `fpvm verify-step`: checks a one-step proof file statelessly (no VM state, only the proof).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"
#include "proof/proof_json.hpp"
#include "proof/step_verifier.hpp"

namespace fpvm::cli {

int runVerifyStep(const Args& args) {
  FlagSet flags("verify-step", "verify a one-step proof without the VM state (mirrors the on-chain step)");
  std::string proofPath, caller, localContext;
  bool localize = false, allowExtra = false;
  flags.add("proof", &proofPath, "proof JSON written by `run --proof-at` (optional .gz)");
  flags.require("proof");
  flags.add("localize", &localize, "localise type-1 keys as the contract does (needs --caller, --local-context)");
  flags.add("caller", &caller, "20-byte address of the contract calling step (hex)");
  flags.add("local-context", &localContext, "32-byte localContext (hex)");
  flags.add("allow-extra-proofs", &allowExtra, "accept unused trailing proofs, as the contract does");
  if (!flags.parse(args)) return 0;

  Bytes raw = readFile(proofPath);
  if (image::StateFormat::fromPath(proofPath).gzip) raw = gzipDecompress(raw, proofPath.c_str());
  vm::StepProof p = proof::decodeProofJson(std::string(raw.begin(), raw.end()), proofPath);

  proof::VerifyOptions opt;
  opt.exactLength = !allowExtra;
  if (localize) {
    Bytes c = fromHex(caller, "--caller");
    if (c.size() != 20) throw Error("--caller must be 20 bytes");
    std::copy(c.begin(), c.end(), opt.caller.begin());
    opt.localContext = hash32FromHex(localContext, "--local-context");
    opt.localizeLocalKeys = true;
  }
  std::unique_ptr<proof::PartOracle> oracle;
  if (p.oracleKey) oracle = std::make_unique<proof::SinglePreimageOracle>(*p.oracleKey, p.oracleValue);
  proof::VerifyResult r = proof::verifyStep(p.stateData, p.proofData, oracle.get(), opt);
  if (!r.ok()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%x", r.revert);
    throw Error(std::string("step reverts with ") + buf + " (" + vm::revertName(r.revert) + ")");
  }
  const Hash32 pre = vm::VmState::hashWitness(p.stateData);
  nlohmann::ordered_json j;
  j["step"] = p.step;
  j["pre"] = toHex(pre);
  j["post"] = toHex(r.postHash);
  j["post-state"] = toHex(ByteView(r.post));
  std::cout << j.dump() << std::endl;
  if (p.pre != Hash32{} && !(p.pre == pre))
    throw Error("pre-state hash mismatch: proof file says " + toHex(p.pre) + ", state-data hashes to " + toHex(pre));
  if (p.post != Hash32{} && !(p.post == r.postHash))
    throw Error("post-state hash mismatch: proof file says " + toHex(p.post) + ", verifier computed " + toHex(r.postHash));
  return 0;
}

}  // namespace fpvm::cli
