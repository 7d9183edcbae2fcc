#include "dispute/step_judge.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "preimage/keys.hpp"

namespace fpvm::dispute {
namespace {

std::string shortHex(ByteView data) {
  std::string h = toHex(data);
  return h.size() > 42 ? h.substr(0, 42) + "…(" + std::to_string(data.size()) + " bytes)" : h;
}

/// Checks the preimage data of the proof; returns the problem, or "" when acceptable.
std::string checkOracleData(const core::OneStepProof& p, const TrustedData* trusted, bool& checked) {
  checked = false;
  const Hash32& key = *p.oracleKey;
  const Bytes& v = p.oracleValue;
  if (v.size() < 8 || getBE64(v.data()) != v.size() - 8)
    return "its preimage value is not an 8-byte big-endian length followed by that many bytes";
  const ByteView data(v.data() + 8, v.size() - 8);
  const auto type = static_cast<preimage::KeyType>(key[0]);
  const std::string keyName = preimage::keyTypeName(key[0]) + " key " + toHex(key);
  if (type == preimage::KeyType::Keccak256 || type == preimage::KeyType::Sha256) {
    try {
      preimage::checkPreimage(key, data);
    } catch (const Error&) {
      return "its preimage for " + keyName + " does not hash to the key";
    }
    checked = true;
    return "";
  }
  if (!trusted) return "";
  if (type == preimage::KeyType::Local) {
    const uint64_t index = getBE64(key.data() + 24);
    auto it = trusted->locals.find(index);
    if (it == trusted->locals.end()) return "it reads local value " + std::to_string(index) + ", which the game does not define";
    checked = true;
    if (!std::equal(it->second.begin(), it->second.end(), data.begin(), data.end()))
      return "its local value " + std::to_string(index) + " is " + shortHex(data) + ", the game's is " + shortHex(it->second);
    return "";
  }
  auto it = trusted->preimages.find(key);
  if (it == trusted->preimages.end()) return "";
  checked = true;
  if (!std::equal(it->second.begin(), it->second.end(), data.begin(), data.end()))
    return "its preimage for " + keyName + " differs from the one loaded in the oracle";
  return "";
}

}  // namespace

ProofCheck checkStepProof(const core::OneStepProof& proof, const Hash32& agreedPre, const TrustedData* trusted) {
  ProofCheck c;
  c.oracleKey = proof.oracleKey;
  Hash32 pre;
  try {
    pre = core::hashWitness(proof.isa, proof.stateData);
  } catch (const Error& e) {
    c.problem = std::string("its state data is malformed: ") + e.what();
    return c;
  }
  if (!(pre == agreedPre)) {
    c.problem = "its pre-state hashes to " + toHex(pre) + ", not to the agreed " + toHex(agreedPre);
    return c;
  }
  if (proof.oracleKey) {
    c.problem = checkOracleData(proof, trusted, c.oracleDataChecked);
    if (!c.problem.empty()) return c;
  }
  core::VerifyOutcome r;
  try {
    r = core::verifyOneStep(proof, /*exactLength=*/true);
  } catch (const Error& e) {
    c.problem = std::string("the verifier rejects it: ") + e.what();
    return c;
  }
  if (!r.ok) {
    std::string code;
    if (r.revertCode) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%x ", *r.revertCode);
      code = buf;
    }
    c.problem = "the step reverts with " + code + "(" + r.revert + ")";
    return c;
  }
  c.valid = true;
  c.post = r.post;
  return c;
}

Judgement judgeStep(const ProofCheck& a, const ProofCheck& b, const Hash32& claimA, const Hash32& claimB) {
  Judgement j;
  if (!a.valid && !b.valid) {
    j.reason = "neither proof verifies (A: " + a.problem + "; B: " + b.problem + ")";
    return j;
  }
  if (a.valid && b.valid && !(a.post == b.post)) {
    j.reason = "both proofs verify but reach different states (A " + toHex(a.post) + ", B " + toHex(b.post) +
               "): the step reads data the referee cannot check";
    if (a.oracleKey) j.reason += " (" + preimage::keyTypeName((*a.oracleKey)[0]) + " key " + toHex(*a.oracleKey) + ")";
    j.reason += "; give the game's data (--trusted-input) to decide";
    return j;
  }
  const Hash32 truth = a.valid ? a.post : b.post;
  j.truth = truth;
  const std::string basis = a.valid && b.valid ? "both proofs verify and reach " + toHex(truth)
                            : a.valid          ? "only A's proof verifies (B's: " + b.problem + "); it reaches " + toHex(truth)
                                               : "only B's proof verifies (A's: " + a.problem + "); it reaches " + toHex(truth);
  if (truth == claimA) {
    j.verdict = Verdict::ClaimAHolds;
    j.reason = basis + ", A's claim";
  } else if (truth == claimB) {
    j.verdict = Verdict::ClaimBHolds;
    j.reason = basis + ", B's claim";
  } else {
    j.verdict = Verdict::NeitherHolds;
    j.reason = basis + ", which neither party claimed";
  }
  return j;
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::ClaimAHolds: return "claim-a-holds";
    case Verdict::ClaimBHolds: return "claim-b-holds";
    case Verdict::NeitherHolds: return "neither-claim-holds";
    case Verdict::Undecided: return "undecided";
  }
  return "undecided";
}

}  // namespace fpvm::dispute
