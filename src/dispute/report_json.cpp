#include "dispute/report_json.hpp"

#include "common/hex.hpp"
#include "preimage/keys.hpp"

namespace fpvm::dispute {
namespace {

nlohmann::ordered_json proofJson(const std::optional<ProofCheck>& c) {
  if (!c) return nullptr;
  nlohmann::ordered_json j;
  j["valid"] = c->valid;
  if (c->valid) j["post"] = toHex(c->post);
  else j["problem"] = c->problem;
  if (c->oracleKey) {
    j["oracleKey"] = toHex(*c->oracleKey);
    j["oracleKeyType"] = preimage::keyTypeName((*c->oracleKey)[0]);
    j["oracleDataChecked"] = c->oracleDataChecked;
  }
  return j;
}

}  // namespace

std::string winnerName(const BisectReport& r) {
  if (r.verdict == Verdict::ClaimAHolds) return "A";
  if (r.verdict == Verdict::ClaimBHolds) return "B";
  return "";
}

nlohmann::ordered_json reportToJson(const BisectReport& r) {
  nlohmann::ordered_json j;
  j["outcome"] = outcomeName(r.outcome);
  j["verdict"] = verdictName(r.verdict);
  const std::string w = winnerName(r);
  j["winner"] = w.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(w);
  j["reason"] = r.reason;
  j["parties"] = {{"a", r.partyA}, {"b", r.partyB}};
  j["prestates"] = {{"a", toHex(r.prestateA)}, {"b", toHex(r.prestateB)}};
  j["finalClaims"] = {{"a", toHex(r.finalA)}, {"b", toHex(r.finalB)}};
  if (r.outcome == Outcome::Decided) {
    j["disputedStep"] = r.disputedStep;
    j["agreedHash"] = toHex(r.agreedHash);
    j["claims"] = {{"a", toHex(r.claimA)}, {"b", toHex(r.claimB)}};
    j["verifiedPost"] = r.verifiedPost ? nlohmann::ordered_json(toHex(*r.verifiedPost)) : nlohmann::ordered_json(nullptr);
    j["proofs"] = {{"a", proofJson(r.proofA)}, {"b", proofJson(r.proofB)}};
  }
  nlohmann::ordered_json levels = nlohmann::ordered_json::array();
  for (const auto& L : r.levels) {
    nlohmann::ordered_json l;
    l["stepSize"] = L.stepSize;
    l["origin"] = L.origin;
    l["hashes"] = L.hashes;
    l["queries"] = L.queries;
    l["fetched"] = L.fetched;
    l["answered"] = {{"a", L.answeredA}, {"b", L.answeredB}};
    l["firstDifference"] = L.firstDifference ? nlohmann::ordered_json(*L.firstDifference) : nlohmann::ordered_json(nullptr);
    l["seconds"] = {{"a", L.secondsA}, {"b", L.secondsB}, {"wall", L.wallSeconds}};
    levels.push_back(l);
  }
  j["levels"] = levels;
  j["roundTrips"] = {{"a", r.roundTripsA}, {"b", r.roundTripsB}};
  j["seconds"] = {{"open", r.openSeconds}, {"proofs", r.proofSeconds}, {"total", r.totalSeconds}};
  return j;
}

}  // namespace fpvm::dispute
