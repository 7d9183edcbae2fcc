#pragma once
/// Validation (spec/validation-server.md "Roles"): runs a prestate with an input to the end on
/// the fast engine, under the server's time and memory limits, and reports the result.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "preimage/server_process.hpp"
#include "server/prestate_store.hpp"
#include "server/validation_input.hpp"
#include "vm/fast_engine.hpp"

namespace fpvm::server {

/// Limits of one run.
struct RunLimits {
  std::chrono::milliseconds maxExecutionTime{600000};
  uint64_t memoryLimit = 0;  ///< bytes of guest memory (0 = unlimited)
  std::vector<std::string> preimageServer;
  preimage::ServerLimits serverLimits;
};

/// What a validation reports.
struct ValidationResult {
  vm::VmStatus status = vm::VmStatus::Unfinished;
  uint8_t exitCode = 0;
  uint64_t steps = 0;
  Hash32 stateHash;
  double elapsed = 0;  ///< seconds
};

/// {"status": "valid", "exitCode": 0, "steps": N, "stateHash": "0x…", "elapsed": seconds}.
nlohmann::json toJson(const ValidationResult& r);

/// A wall-clock budget started at construction.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds limit) : limit_(limit), start_(std::chrono::steady_clock::now()) {}
  bool passed() const { return std::chrono::steady_clock::now() - start_ > limit_; }
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  std::chrono::milliseconds limit() const { return limit_; }

 private:
  std::chrono::milliseconds limit_;
  std::chrono::steady_clock::time_point start_;
};

/// Runs `engine` (over `state`) until the machine exits or reaches step `target`. Enforces the
/// deadline and the cancel flags (either may be null) and turns every failure into an RpcError:
/// kTimeLimit, kMemoryLimit (the state's page limit must be set by the caller), kExecutionFailed
/// (revert or host error, with step and pc), kCancelled.
void advanceFast(vm::VmState& state, vm::FastEngine& engine, uint64_t target, const Deadline& deadline,
                 const std::atomic<bool>* cancel, const std::atomic<bool>* shutdown, const vm::SymbolTable* symbols);

/// Turns an exception thrown while stepping `state` into the RpcError a caller gets.
[[noreturn]] void rethrowRunFailure(const vm::VmState& state, const Deadline& deadline, uint64_t memoryLimit);

/// Page limit for a byte limit (0 = none).
size_t pageLimitFor(uint64_t memoryLimit);

/// Runs one validation. Throws RpcError as advanceFast does.
ValidationResult validate(const Prestate& prestate, std::shared_ptr<const ValidationInput> input, const RunLimits& limits,
                          const std::atomic<bool>* shutdown);

}  // namespace fpvm::server
