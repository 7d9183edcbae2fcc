#include "runs/validator.hpp"

#include <cinttypes>
#include <cstdio>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "merkle/paged_memory.hpp"
#include "rpc/rpc_error.hpp"
#include "runs/input_oracle.hpp"
#include "vm/revert_message.hpp"

namespace fpvm::runs {

nlohmann::json toJson(const ValidationResult& r) {
  return nlohmann::json{{"status", vm::statusName(r.status)},
                        {"exitCode", r.exitCode},
                        {"steps", r.steps},
                        {"stateHash", toHex(r.stateHash)},
                        {"elapsed", r.elapsed}};
}

size_t pageLimitFor(uint64_t memoryLimit) {
  if (memoryLimit == 0) return 0;
  uint64_t pages = memoryLimit / merkle::kPageSize;
  return pages == 0 ? 1 : static_cast<size_t>(pages);
}

void applyMemoryLimit(core::AnyMachine& machine, uint64_t memoryLimit) {
  const size_t limit = pageLimitFor(memoryLimit);
  if (limit != 0 && machine.pageCount() > limit)
    throw rpc::RpcError(rpc::kMemoryLimit,
                        "memory limit exceeded: the prestate already holds " + std::to_string(machine.pageCount()) + " pages (" +
                            vm::humanBytes(uint64_t(machine.pageCount()) * merkle::kPageSize) + "); memory-limit is " +
                            std::to_string(memoryLimit) + " bytes (" + vm::humanBytes(memoryLimit) + ")");
  machine.setPageLimit(limit);
}

vm::Budget RunContext::budget() const {
  vm::Budget b;
  b.cancel = cancel;
  b.shutdown = shutdown;
  b.deadline = deadline.expiry();
  return b;
}

void rethrowRunFailure(const RunContext& ctx) {
  try {
    throw;
  } catch (const rpc::RpcError&) {
    throw;
  } catch (const vm::HostFailure& f) {
    if (f.kind() == vm::HostFailureKind::MemoryLimit)
      throw rpc::RpcError(rpc::kMemoryLimit, std::string(f.what()) + "; memory-limit is " + std::to_string(ctx.memoryLimit) +
                                                 " bytes (" + vm::humanBytes(ctx.memoryLimit) + "), stopped after " +
                                                 std::to_string(ctx.deadline.elapsed()) + " s");
    if (f.kind() == vm::HostFailureKind::OutOfMemory)
      throw rpc::RpcError(rpc::kMemoryLimit, "memory limit exceeded: the host ran out of memory while running the guest");
    throw rpc::RpcError(rpc::kExecutionFailed,
                        "execution failed at step " + std::to_string(f.step()) + " (PC: " + hex64(f.pc()) + "): " + f.what());
  } catch (const std::bad_alloc&) {
    throw rpc::RpcError(rpc::kMemoryLimit, "memory limit exceeded: the host ran out of memory while running the guest");
  }
}

void throwIncomplete(const core::Outcome& outcome, const core::AnyMachine& machine, const RunContext& ctx, bool proofGen,
                     const std::string& during) {
  switch (outcome.stop) {
    case core::Stop::Reverted:
      throw rpc::RpcError(rpc::kExecutionFailed, "execution failed: " + machine.describeRevert(ctx.symbols, proofGen));
    case core::Stop::ShuttingDown: throw rpc::RpcError(rpc::kShuttingDown, "server shutting down: run stopped");
    case core::Stop::Cancelled:
      throw rpc::RpcError(rpc::kCancelled, during.empty() ? "run cancelled" : "execution run was closed during the query");
    case core::Stop::DeadlinePassed:
      if (!during.empty())
        throw rpc::RpcError(rpc::kTimeLimit, "max-execution-time exceeded " + during + " (max-execution-time is " +
                                                 formatDuration(ctx.deadline.limit()) + ")");
      throw rpc::RpcError(rpc::kTimeLimit, "max-execution-time exceeded: stopped after " +
                                               std::to_string(ctx.deadline.elapsed()) + " s at step " +
                                               std::to_string(machine.step()) + " (max-execution-time is " +
                                               formatDuration(ctx.deadline.limit()) + ")");
    case core::Stop::Reached:
    case core::Stop::Exited: break;
  }
  throw rpc::RpcError(rpc::kInternalError, "internal error: a completed run was reported as a failure");
}

void advanceOrThrow(core::AnyMachine& machine, uint64_t target, const RunContext& ctx, vm::Engine engine, bool checkBudget) {
  core::Outcome outcome;
  try {
    outcome = machine.advance(target, engine, checkBudget ? ctx.budget() : vm::Budget{});
  } catch (...) {
    rethrowRunFailure(ctx);
  }
  if (!outcome.completed()) throwIncomplete(outcome, machine, ctx, false);
}

ValidationResult validate(const Prestate& prestate, std::shared_ptr<const ValidationInput> input, const RunLimits& limits,
                          const std::atomic<bool>* shutdown) {
  Deadline deadline(limits.maxExecutionTime);
  std::unique_ptr<core::AnyMachine> machine = prestate.machine->clone();
  applyMemoryLimit(*machine, limits.memoryLimit);
  InputOracle oracle(std::move(input), limits.preimageServer, limits.serverLimits);
  machine->setOracle(&oracle);
  // Replaying the last complete hint lets a hint-driven preimage server serve a prestate taken
  // in the middle of a read (docs/decisions/0002-hint-replay-on-resume.md).
  if (const Bytes hint = machine->resumeHint(); !hint.empty() && oracle.hasServer()) oracle.hint(hint);
  const RunContext ctx{deadline, limits.memoryLimit, nullptr, shutdown, &prestate.symbols};
  advanceOrThrow(*machine, ~uint64_t(0), ctx);
  machine->setPageLimit(0);  // hashing allocates nothing, but never fail after the run
  ValidationResult r;
  r.status = machine->status();
  r.exitCode = machine->exitCode();
  r.steps = machine->step();
  r.stateHash = machine->stateHash();
  r.elapsed = deadline.elapsed();
  return r;
}

}  // namespace fpvm::runs
