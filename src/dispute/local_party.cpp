#include "dispute/local_party.hpp"

#include "common/error.hpp"
#include "rpc/hash_array.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::dispute {

LocalParty::LocalParty(std::unique_ptr<core::AnyMachine> prestate, runs::ValidationInput input, runs::RunSettings settings,
                       std::string name)
    : input_(std::make_shared<const runs::ValidationInput>(std::move(input))),
      settings_(std::move(settings)),
      name_(std::move(name)) {
  prestate_ = runs::makePrestate(std::move(prestate), name_);
}

LocalParty::~LocalParty() { close(); }

void LocalParty::open() {
  if (run_) return;
  run_ = std::make_unique<runs::ExecutionRun>(prestate_, input_, settings_, input_->digest);
  run_->build(nullptr);
  try {
    run_->checkUsable();
  } catch (const std::exception& e) {
    throw Error(describe() + ": " + e.what());
  }
  finalStep_ = run_->finalStep();
}

uint64_t LocalParty::finalStep() const {
  if (!finalStep_) throw Error(describe() + ": not opened");
  return *finalStep_;
}

std::vector<Hash32> LocalParty::machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) {
  if (!run_) throw Error(describe() + ": not opened");
  if (stepSize == 0 || maxIterations == 0 || maxIterations > runs::kMaxHashesPerQuery)
    throw Error(describe() + ": hash query needs stepSize ≥ 1 and 1.." + std::to_string(runs::kMaxHashesPerQuery) + " hashes");
  try {
    return rpc::parseHashArray(run_->machineHashes(from, stepSize, maxIterations), describe() + " hashes");
  } catch (const rpc::RpcError& e) {
    throw Error(describe() + ": hash query failed: " + e.what());
  }
}

core::OneStepProof LocalParty::proofAt(uint64_t position) {
  if (!run_) throw Error(describe() + ": not opened");
  try {
    return run_->proofAt(position);
  } catch (const rpc::RpcError& e) {
    throw Error(describe() + ": proof at step " + std::to_string(position) + " failed: " + e.what());
  }
}

void LocalParty::close() noexcept {
  if (run_) run_->cancel();
  run_.reset();
}

}  // namespace fpvm::dispute
