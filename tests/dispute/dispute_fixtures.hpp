#pragma once
/// Programs, inputs and parties for the bisection tests: a program whose parties can diverge
/// late in a long trace, local parties built from inputs, and a party that lies from a chosen
/// step on (a faulty or dishonest VM), wrapped around an honest one.
#include <memory>
#include <nlohmann/json.hpp>

#include "dispute/bisection.hpp"
#include "dispute/local_party.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::test::dispute {

using Json = nlohmann::json;

/// Reads local 1 (u64 LE) = loop count, loops that many times (4 instructions and one store per
/// iteration), then reads local 2 (u64 LE) and exits with it as exit code. Parties that differ in
/// local 2 diverge at lateReaderDivergence(count), after the loop.
vm::VmState lateReaderProgram();
/// {"id": 1, "localKeys": {"1": LE(count), "2": LE(late)}}
Json lateReaderInput(uint64_t count, uint64_t late);
/// The step whose execution reads local 2's bytes into memory.
uint64_t lateReaderDivergence(uint64_t count);
/// Steps of the whole run.
uint64_t lateReaderSteps(uint64_t count);

/// Run settings for tests: checkpoints every `initialSteps`.
runs::RunSettings testRunSettings(uint64_t initialSteps = 100000);

/// A local party for `program` and the input JSON (checked like a server checks it).
std::unique_ptr<fpvm::dispute::LocalParty> localParty(const vm::VmState& program, const Json& input, const std::string& name,
                                                      uint64_t initialSteps = 100000);

/// How a LyingParty lies.
enum class Lie {
  FromStep,        ///< every hash at a position ≥ lieFrom is replaced (and keeps changing after an exit)
  OnlyFineLevels,  ///< like FromStep, but only in queries with step size 1: coarser answers stay honest
};

/// Wraps an honest party and claims different hashes from step `lieFrom` on; its proofs stay
/// honest (a faulty VM's claims cannot be backed by a proof).
class LyingParty final : public fpvm::dispute::Party {
 public:
  LyingParty(std::unique_ptr<fpvm::dispute::Party> inner, uint64_t lieFrom, Lie mode = Lie::FromStep);
  std::string describe() const override { return "lying " + inner_->describe(); }
  void open() override { inner_->open(); }
  std::vector<Hash32> machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) override;
  core::OneStepProof proofAt(uint64_t position) override { return inner_->proofAt(position); }
  void close() noexcept override { inner_->close(); }
  uint64_t roundTrips() const override { return inner_->roundTrips(); }

  /// The hash this party claims at `position` in place of the honest `honest`.
  static Hash32 fake(const Hash32& honest, uint64_t position);

 private:
  std::unique_ptr<fpvm::dispute::Party> inner_;
  uint64_t lieFrom_;
  Lie mode_;
};

/// Levels small enough for unit tests: 2^12, 2^6, 1 with a horizon of 2^12 · (top − 1) steps.
fpvm::dispute::BisectOptions smallLevels(uint64_t topHashes = 4097);

}  // namespace fpvm::test::dispute
