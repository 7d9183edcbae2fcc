#pragma once
/// A party whose execution run lives in this process: the same ExecutionRun (machine cache,
/// checkpoints, per-step hashing) the validation server uses, without the network.
#include <memory>
#include <optional>

#include "dispute/party.hpp"
#include "runs/execution_run.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validation_input.hpp"

namespace fpvm::dispute {

class LocalParty final : public Party {
 public:
  /// `name` is used in reports (e.g. the prestate file's path).
  LocalParty(std::unique_ptr<core::AnyMachine> prestate, runs::ValidationInput input, runs::RunSettings settings,
             std::string name);
  ~LocalParty() override;

  std::string describe() const override { return "local " + name_; }
  /// Executes the whole trace once (on this thread), keeping checkpoints.
  void open() override;
  std::vector<Hash32> machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) override;
  core::OneStepProof proofAt(uint64_t position) override;
  void close() noexcept override;
  uint64_t roundTrips() const override { return 0; }

  /// The prestate's hash.
  const Hash32& prestateHash() const { return prestate_->hash; }
  /// Steps of the whole trace (after open(), also after close()).
  uint64_t finalStep() const;

 private:
  std::shared_ptr<const runs::Prestate> prestate_;
  std::shared_ptr<const runs::ValidationInput> input_;
  runs::RunSettings settings_;
  std::string name_;
  std::unique_ptr<runs::ExecutionRun> run_;
  std::optional<uint64_t> finalStep_;
};

}  // namespace fpvm::dispute
