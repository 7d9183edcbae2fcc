#pragma once
/// Validation (spec/validation-server.md "Roles"): runs a prestate (of either machine) with an
/// input to the end on the fast engine, under the server's time and memory limits, and reports
/// the result.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/any_machine.hpp"
#include "image/symbols.hpp"
#include "preimage/server_process.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validation_input.hpp"
#include "vm/machine.hpp"

namespace fpvm::runs {

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
  /// The instant it passes (time_point::max() for limits beyond a century).
  std::chrono::steady_clock::time_point expiry() const {
    if (limit_ > std::chrono::hours(24 * 365 * 100)) return std::chrono::steady_clock::time_point::max();
    return start_ + limit_;
  }

 private:
  std::chrono::milliseconds limit_;
  std::chrono::steady_clock::time_point start_;
};

/// What bounds a machine moved on behalf of an RPC call, and how its failures are named.
struct RunContext {
  const Deadline& deadline;
  uint64_t memoryLimit = 0;  ///< bytes (0 = none), named in memory-limit errors
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* shutdown = nullptr;
  const image::SymbolTable* symbols = nullptr;
  /// The Budget for Machine calls.
  vm::Budget budget() const;
};

/// Moves `machine` to step `target` (or its exit), on `engine` when given. Every way it stops
/// short becomes the RpcError a caller gets: kTimeLimit, kMemoryLimit (the machine's page limit
/// must be set by the caller), kExecutionFailed (revert or host error, with step and pc),
/// kCancelled, kShuttingDown.
/// `checkBudget` = false ignores ctx's deadline and flags (for short moves between checks).
void advanceOrThrow(core::AnyMachine& machine, uint64_t target, const RunContext& ctx, vm::Engine engine = vm::Engine::Fast,
                    bool checkBudget = true);

/// Throws the RpcError for an outcome that did not complete (a revert or a budget stop).
/// `during` names the work in time-limit messages (e.g. "while hashing steps 5..9"); empty = the
/// step reached.
[[noreturn]] void throwIncomplete(const core::Outcome& outcome, const core::AnyMachine& machine, const RunContext& ctx,
                                  bool proofGen, const std::string& during = {});

/// Turns a HostFailure (or another exception thrown while stepping) into the RpcError a caller
/// gets.
[[noreturn]] void rethrowRunFailure(const RunContext& ctx);

/// Page limit for a byte limit (0 = none).
size_t pageLimitFor(uint64_t memoryLimit);

/// Puts `machine` under `memoryLimit` bytes of guest memory (0 = none). A machine that already
/// holds more is refused at once with RpcError(kMemoryLimit): its guest is over the limit before
/// its first step.
void applyMemoryLimit(core::AnyMachine& machine, uint64_t memoryLimit);

/// Runs one validation. Throws RpcError as advanceFast does.
ValidationResult validate(const Prestate& prestate, std::shared_ptr<const ValidationInput> input, const RunLimits& limits,
                          const std::atomic<bool>* shutdown);

}  // namespace fpvm::runs
