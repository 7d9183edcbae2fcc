#include "dispute/bisection.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "runs/execution_run.hpp"

namespace fpvm::dispute {
namespace {

using Clock = std::chrono::steady_clock;

/// Runs `fa` and `fb` (at the same time when `parallel`) and rethrows the first failure, A's first.
template <class FA, class FB>
void onBoth(bool parallel, FA&& fa, FB&& fb) {
  if (!parallel) {
    fa();
    fb();
    return;
  }
  std::exception_ptr errorA, errorB;
  std::thread other([&] {
    try {
      fb();
    } catch (...) {
      errorB = std::current_exception();
    }
  });
  try {
    fa();
  } catch (...) {
    errorA = std::current_exception();
  }
  other.join();
  if (errorA) std::rethrow_exception(errorA);
  if (errorB) std::rethrow_exception(errorB);
}

/// `count` hashes of `party` from `from` at `stepSize`; a short answer (the machine exited) is
/// padded with its last hash, as BoLD's client does.
std::vector<Hash32> fetchPadded(Party& party, const char* name, uint64_t from, uint64_t stepSize, uint64_t count,
                                uint64_t& answered, double& seconds) {
  const auto t = Clock::now();
  std::vector<Hash32> h = party.machineHashes(from, stepSize, count);
  seconds += secondsSince(t);
  answered += h.size();
  if (h.empty())
    throw Error(std::string("party ") + name + " (" + party.describe() + ") returned no hashes for step " + std::to_string(from));
  if (h.size() > count)
    throw Error(std::string("party ") + name + " (" + party.describe() + ") returned " + std::to_string(h.size()) +
                " hashes where at most " + std::to_string(count) + " were asked for");
  h.resize(count, h.back());
  return h;
}

/// Fetches and checks one party's proof; a party that cannot produce one has no valid proof.
ProofCheck fetchAndCheck(Party& party, uint64_t step, const Hash32& agreed, const TrustedData* trusted,
                         std::optional<core::OneStepProof>& proof) {
  try {
    proof = party.proofAt(step);
  } catch (const std::exception& e) {
    ProofCheck c;
    c.problem = std::string("it could not produce a proof: ") + e.what();
    return c;
  }
  return checkStepProof(*proof, agreed, trusted);
}

std::string stepRange(uint64_t origin, uint64_t stepSize, uint64_t index) {
  return "step " + std::to_string(origin + index * stepSize);
}

}  // namespace

std::vector<uint64_t> parseLevels(const std::string& text) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t comma = text.find(',', i);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(i, comma - i);
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    uint64_t value = 0;
    auto number = [&](const std::string& s) {
      if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
        throw Error("--levels: '" + item + "' is not a step size (a number or 2^N)");
      return std::stoull(s);
    };
    if (size_t caret = item.find('^'); caret != std::string::npos) {
      if (item.substr(0, caret) != "2") throw Error("--levels: '" + item + "': only powers of 2 may be written with ^");
      const uint64_t e = number(item.substr(caret + 1));
      if (e > 62) throw Error("--levels: '" + item + "' is too large");
      value = uint64_t(1) << e;
    } else {
      value = number(item);
    }
    out.push_back(value);
    i = comma + 1;
  }
  BisectOptions o;
  o.stepSizes = out;
  checkOptions(o);
  return out;
}

void checkOptions(const BisectOptions& o) {
  const auto& s = o.stepSizes;
  if (s.empty()) throw Error("--levels: at least one level is needed");
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == 0) throw Error("--levels: step sizes must be at least 1");
    if (k > 0 && (s[k] >= s[k - 1] || s[k - 1] % s[k] != 0))
      throw Error("--levels: each step size must be smaller than the one before and divide it (" + std::to_string(s[k - 1]) +
                  " then " + std::to_string(s[k]) + ")");
  }
  if (s.back() != 1) throw Error("--levels: the last level must have step size 1 (single steps)");
  if (o.topHashes < 2) throw Error("--top-hashes must be at least 2");
  if (o.topHashes - 1 > ~uint64_t(0) / s[0]) throw Error("--top-hashes × the first step size overflows 64 bits");
  if (o.maxHashesPerQuery < 2 || o.maxHashesPerQuery > runs::kMaxHashesPerQuery)
    throw Error("--max-hashes-per-query must be 2.." + std::to_string(runs::kMaxHashesPerQuery));
}

const char* outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Decided: return "decided";
    case Outcome::PartiesAgree: return "parties-agree";
    case Outcome::PrestatesDiffer: return "prestates-differ";
    case Outcome::Inconsistent: return "inconsistent";
    case Outcome::WrongPrestate: return "wrong-prestate";
  }
  return "decided";
}

BisectReport bisect(Party& a, Party& b, const BisectOptions& o) {
  checkOptions(o);
  const auto start = Clock::now();
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  BisectReport r;
  r.partyA = a.describe();
  r.partyB = b.describe();
  struct CloseBoth {
    Party &a, &b;
    ~CloseBoth() {
      a.close();
      b.close();
    }
  } closeBoth{a, b};

  // Before every round of queries: stop on a signal or once the game's deadline has passed.
  auto checkpoint = [&](const std::string& next) {
    if (o.cancel && o.cancel->load()) throw BisectInterrupted("bisection interrupted before " + next);
    if (o.deadline && Clock::now() >= *o.deadline)
      throw Error("the dispute deadline passed after " + std::to_string(secondsSince(start)) + " s, before " + next);
  };
  checkpoint("opening the runs");
  onBoth(
      o.parallel, [&] { a.open(); }, [&] { b.open(); });
  r.openSeconds = secondsSince(start);
  say("runs open in " + std::to_string(r.openSeconds) + " s");

  uint64_t origin = 0;
  Hash32 agreed;              // both parties' hash at `origin`
  Hash32 earlierA, earlierB;  // each party's hash at the end of the range, from the level before
  auto finish = [&](Outcome outcome, Verdict verdict, std::string reason) {
    a.close();  // closing is a round trip too
    b.close();
    r.outcome = outcome;
    r.verdict = verdict;
    r.reason = std::move(reason);
    r.roundTripsA = a.roundTrips();
    r.roundTripsB = b.roundTrips();
    r.totalSeconds = secondsSince(start);
    return r;
  };

  const size_t levels = o.stepSizes.size();
  for (size_t k = 0; k < levels; ++k) {
    const uint64_t S = o.stepSizes[k];
    const uint64_t n = k == 0 ? o.topHashes : o.stepSizes[k - 1] / S + 1;
    LevelReport L;
    L.stepSize = S;
    L.origin = origin;
    L.hashes = n;
    const auto levelStart = Clock::now();
    std::optional<uint64_t> diff;
    Hash32 before;  // the hash just before the current piece (agreed so far)
    std::string inconsistentA, inconsistentB;
    for (uint64_t i0 = 0; i0 < n; i0 += o.maxHashesPerQuery) {
      // The first level is read to its end (it holds the final claims); later ones stop at the
      // piece with the first difference.
      if (diff && k > 0) break;
      const uint64_t count = std::min(o.maxHashesPerQuery, n - i0);
      const uint64_t from = origin + i0 * S;
      std::vector<Hash32> ha, hb;
      checkpoint("querying " + std::to_string(count) + " hashes from step " + std::to_string(from));
      onBoth(
          o.parallel, [&] { ha = fetchPadded(a, "A", from, S, count, L.answeredA, L.secondsA); },
          [&] { hb = fetchPadded(b, "B", from, S, count, L.answeredB, L.secondsB); });
      ++L.queries;
      L.fetched += count;
      if (i0 == 0 && k == 0) {
        r.prestateA = ha[0];
        r.prestateB = hb[0];
      }
      if (i0 == 0 && k > 0) {
        if (!(ha[0] == agreed))
          inconsistentA = "its hash at step " + std::to_string(origin) + " is now " + toHex(ha[0]) + ", earlier " + toHex(agreed);
        if (!(hb[0] == agreed))
          inconsistentB = "its hash at step " + std::to_string(origin) + " is now " + toHex(hb[0]) + ", earlier " + toHex(agreed);
      }
      if (i0 + count == n) {
        if (k == 0) {
          r.finalA = ha.back();
          r.finalB = hb.back();
        } else {
          const std::string at = std::to_string(origin + (n - 1) * S);
          if (inconsistentA.empty() && !(ha.back() == earlierA))
            inconsistentA = "its hash at step " + at + " is now " + toHex(ha.back()) + ", earlier " + toHex(earlierA);
          if (inconsistentB.empty() && !(hb.back() == earlierB))
            inconsistentB = "its hash at step " + at + " is now " + toHex(hb.back()) + ", earlier " + toHex(earlierB);
        }
      }
      if (!diff) {
        for (uint64_t j = 0; j < count; ++j) {
          if (!(ha[j] == hb[j])) {
            diff = i0 + j;
            if (j > 0) before = ha[j - 1];
            r.claimA = ha[j];
            r.claimB = hb[j];
            break;
          }
        }
        if (!diff) before = ha.back();
      }
    }
    L.firstDifference = diff;
    L.wallSeconds = secondsSince(levelStart);
    r.levels.push_back(L);
    say("level " + std::to_string(k + 1) + "/" + std::to_string(levels) + ": step size " + std::to_string(S) + " from step " +
        std::to_string(origin) + ", " + std::to_string(L.fetched) + " hashes per party in " + std::to_string(L.queries) +
        " queries, " + std::to_string(L.wallSeconds) +
        " s: " + (diff ? "first difference at " + stepRange(origin, S, *diff) : std::string("no difference")));

    const bool aWrong = k == 0 && o.fixedPrestate && !(r.prestateA == *o.fixedPrestate);
    const bool bWrong = k == 0 && o.fixedPrestate && !(r.prestateB == *o.fixedPrestate);
    if (aWrong || bWrong) {
      const std::string fixed = toHex(*o.fixedPrestate);
      if (aWrong && !bWrong)
        return finish(Outcome::WrongPrestate, Verdict::ClaimBHolds,
                      "A's hash at step 0 is " + toHex(r.prestateA) + ", not the game's prestate " + fixed + ": A loses");
      if (bWrong && !aWrong)
        return finish(Outcome::WrongPrestate, Verdict::ClaimAHolds,
                      "B's hash at step 0 is " + toHex(r.prestateB) + ", not the game's prestate " + fixed + ": B loses");
      return finish(Outcome::WrongPrestate, Verdict::NeitherHolds,
                    "neither party starts from the game's prestate " + fixed + " (A " + toHex(r.prestateA) + ", B " +
                        toHex(r.prestateB) + ")");
    }
    if (!inconsistentA.empty() || !inconsistentB.empty()) {
      if (!inconsistentA.empty() && !inconsistentB.empty())
        return finish(Outcome::Inconsistent, Verdict::Undecided,
                      "both parties contradict their earlier answers (A: " + inconsistentA + "; B: " + inconsistentB + ")");
      if (!inconsistentA.empty())
        return finish(Outcome::Inconsistent, Verdict::ClaimBHolds, "A contradicts its earlier answer: " + inconsistentA);
      return finish(Outcome::Inconsistent, Verdict::ClaimAHolds, "B contradicts its earlier answer: " + inconsistentB);
    }
    if (!diff) {
      // Only possible at the first level (later ones start and end as the level before said).
      return finish(Outcome::PartiesAgree, Verdict::Undecided,
                    "the parties agree on every hash up to step " + std::to_string((n - 1) * S));
    }
    if (*diff == 0)
      return finish(Outcome::PrestatesDiffer, Verdict::Undecided,
                    "the parties disagree on the state at step 0 (A " + toHex(r.prestateA) + ", B " + toHex(r.prestateB) +
                        "): they run different prestates; there is no step to dispute");
    origin += (*diff - 1) * S;
    agreed = before;
    earlierA = r.claimA;
    earlierB = r.claimB;
  }

  r.disputedStep = origin;
  r.agreedHash = agreed;
  say("disputed step " + std::to_string(origin) + ": agreed pre-state " + toHex(agreed) + ", A claims " + toHex(r.claimA) +
      ", B claims " + toHex(r.claimB));
  checkpoint("fetching the proofs of step " + std::to_string(origin));
  const auto proofStart = Clock::now();
  std::optional<core::OneStepProof> pa, pb;
  ProofCheck ca, cb;
  onBoth(
      o.parallel, [&] { ca = fetchAndCheck(a, origin, agreed, o.trusted, pa); },
      [&] { cb = fetchAndCheck(b, origin, agreed, o.trusted, pb); });
  r.proofSeconds = secondsSince(proofStart);
  r.proofA = ca;
  r.proofB = cb;
  Judgement j = judgeStep(ca, cb, r.claimA, r.claimB);
  r.verifiedPost = j.truth;
  if (j.truth) r.winningProof = ca.valid && ca.post == *j.truth ? pa : pb;
  return finish(Outcome::Decided, j.verdict, j.reason);
}

}  // namespace fpvm::dispute
