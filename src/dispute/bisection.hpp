#pragma once
/// The bisection game between two parties over the execution trace of the same program: at each
/// level both are asked for their state hashes at a fixed step size over the range still in
/// dispute, the first index where they differ narrows the range to one step of that level, and
/// the last level (step size 1) leaves one disputed instruction, whose one-step proofs the
/// referee verifies statelessly (step_judge.hpp). The default levels are BoLD's on Arbitrum One:
/// 2^19 big steps of 2^23 steps, then 2^23 single steps.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "dispute/party.hpp"
#include "dispute/step_judge.hpp"

namespace fpvm::dispute {

/// How the game is played.
struct BisectOptions {
  /// Step size of each level, strictly decreasing, each dividing the one before, the last 1.
  std::vector<uint64_t> stepSizes{uint64_t(1) << 23, 1};
  /// Hashes asked for at the first level (BoLD: 2^19 + 1); the trace horizon is
  /// (topHashes − 1) · stepSizes[0] steps.
  uint64_t topHashes = (uint64_t(1) << 19) + 1;
  /// Longest answer asked for in one query; longer levels are fetched in pieces, and later pieces
  /// are skipped once a difference is found.
  uint64_t maxHashesPerQuery = (uint64_t(1) << 23) + 1;
  /// Ask both parties at the same time (they are independent machines).
  bool parallel = true;
  /// The game's own data, to judge preimage reads that no hash check covers.
  const TrustedData* trusted = nullptr;
  /// The prestate the game fixes: a party whose hash at step 0 differs from it has lied and
  /// loses. When unset, differing step-0 hashes mean the parties run different programs.
  std::optional<Hash32> fixedPrestate;
  /// The whole game must end by then (checked before every query; server parties also stop a
  /// query in flight at it, see RpcClientOptions::deadline). None when unset.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// When set and true, the game stops before the next query with BisectInterrupted.
  const std::atomic<bool>* cancel = nullptr;
  /// Progress lines (one per level and phase); none when empty.
  std::function<void(const std::string&)> progress;
};

/// The game was stopped by BisectOptions::cancel.
class BisectInterrupted : public Error {
 public:
  using Error::Error;
};

/// Parses levels as "8388608,1" or "2^23,2^11,1" and checks them (see stepSizes).
std::vector<uint64_t> parseLevels(const std::string& text);
/// Throws Error when `options` cannot describe a game.
void checkOptions(const BisectOptions& options);

/// One level of the game.
struct LevelReport {
  uint64_t stepSize = 0;
  uint64_t origin = 0;                      ///< step of index 0 (agreed by both parties)
  uint64_t hashes = 0;                      ///< hashes this level covers per party
  uint64_t queries = 0;                     ///< queries per party
  uint64_t fetched = 0;                     ///< hashes fetched per party (before padding)
  uint64_t answeredA = 0, answeredB = 0;    ///< hashes the parties returned (short = exited)
  std::optional<uint64_t> firstDifference;  ///< index of the first differing hash
  double secondsA = 0, secondsB = 0;        ///< time each party took to answer
  double wallSeconds = 0;
};

/// How the game ended.
enum class [[nodiscard]] Outcome{
    Decided,          ///< a disputed step was found and judged (see verdict)
    PartiesAgree,     ///< no difference up to the horizon
    PrestatesDiffer,  ///< the parties disagree on the state before step 0: nothing to bisect
    Inconsistent,     ///< a party contradicted its own earlier answer (see verdict)
    WrongPrestate,    ///< a party's hash at step 0 is not the fixed prestate's (see verdict)
};

/// The whole result.
struct [[nodiscard]] BisectReport {
  Outcome outcome = Outcome::Decided;
  Verdict verdict = Verdict::Undecided;
  std::string reason;
  std::string partyA, partyB;
  Hash32 prestateA, prestateB;         ///< each party's hash at step 0
  Hash32 finalA, finalB;               ///< each party's hash at the horizon (its final claim)
  uint64_t disputedStep = 0;           ///< the step whose execution is disputed (pre-state step)
  Hash32 agreedHash;                   ///< both parties' hash at disputedStep
  Hash32 claimA, claimB;               ///< each party's hash at disputedStep + 1
  std::optional<Hash32> verifiedPost;  ///< the verifier's hash at disputedStep + 1
  std::optional<ProofCheck> proofA, proofB;
  std::optional<core::OneStepProof> winningProof;  ///< a proof that verifies to verifiedPost
  std::vector<LevelReport> levels;
  uint64_t roundTripsA = 0, roundTripsB = 0;
  double openSeconds = 0;   ///< creating the runs (executing the traces)
  double proofSeconds = 0;  ///< fetching and checking the proofs
  double totalSeconds = 0;
};

/// Plays the game. Opens both parties, bisects, judges, and closes them. Throws Error when a
/// party fails (a server error, a malformed or oversized answer).
BisectReport bisect(Party& a, Party& b, const BisectOptions& options);

/// "decided", "parties-agree", "prestates-differ", "inconsistent", "wrong-prestate".
const char* outcomeName(Outcome o);

}  // namespace fpvm::dispute
