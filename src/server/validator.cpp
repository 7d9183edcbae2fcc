#include "server/validator.hpp"

#include <cinttypes>
#include <cstdio>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "merkle/paged_memory.hpp"
#include "server/config.hpp"
#include "server/input_oracle.hpp"
#include "server/rpc_error.hpp"
#include "vm/runner.hpp"

namespace fpvm::server {
namespace {

/// Steps per fast-engine call between deadline checks (a few milliseconds of guest code).
constexpr uint64_t kChunk = uint64_t(1) << 22;

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
  return buf;
}

}  // namespace

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

void rethrowRunFailure(const vm::VmState& state, const Deadline& deadline, uint64_t memoryLimit) {
  try {
    throw;
  } catch (const RpcError&) {
    throw;
  } catch (const merkle::MemoryLimitError& e) {
    throw RpcError(kMemoryLimit, std::string(e.what()) + "; memory-limit is " + std::to_string(memoryLimit) + " bytes (" +
                                     vm::humanBytes(memoryLimit) + "), stopped after " + std::to_string(deadline.elapsed()) + " s");
  } catch (const std::bad_alloc&) {
    throw RpcError(kMemoryLimit, "memory limit exceeded: the host ran out of memory while running the guest");
  } catch (const Error& e) {
    // Host failures inside a step (missing preimage, oracle errors) leave Step = failing step + 1
    // and PC at the failing instruction.
    const uint64_t step = state.step > 0 ? state.step - 1 : 0;
    throw RpcError(kExecutionFailed, "execution failed at step " + std::to_string(step) + " (PC: " + hex64(state.pc) + "): " + e.what());
  }
}

void advanceFast(vm::VmState& state, vm::FastEngine& engine, uint64_t target, const Deadline& deadline,
                 const std::atomic<bool>* cancel, const std::atomic<bool>* shutdown, const vm::SymbolTable* symbols) {
  while (!state.exited && state.step < target) {
    if (shutdown && shutdown->load(std::memory_order_relaxed)) throw RpcError(kShuttingDown, "server shutting down: run stopped");
    if (cancel && cancel->load(std::memory_order_relaxed)) throw RpcError(kCancelled, "run cancelled");
    if (deadline.passed())
      throw RpcError(kTimeLimit, "max-execution-time exceeded: stopped after " + std::to_string(deadline.elapsed()) +
                                     " s at step " + std::to_string(state.step) + " (max-execution-time is " +
                                     formatDuration(deadline.limit()) + ")");
    const uint64_t n = std::min<uint64_t>(kChunk, target - state.step);
    vm::FastStop stop = engine.run(n, cancel);
    if (stop == vm::FastStop::Reverted) {
      const uint64_t at = state.step - 1;
      throw RpcError(kExecutionFailed, "execution failed: " + vm::describeRevert(state, at, state.pc, engine.revert(),
                                                                                  engine.lastSyscall(), symbols, false));
    }
  }
}

ValidationResult validate(const Prestate& prestate, std::shared_ptr<const ValidationInput> input, const RunLimits& limits,
                          const std::atomic<bool>* shutdown) {
  Deadline deadline(limits.maxExecutionTime);
  vm::VmState state = prestate.state;
  state.memory.setPageLimit(pageLimitFor(limits.memoryLimit));
  InputOracle oracle(std::move(input), limits.preimageServer, limits.serverLimits);
  vm::HostContext host;
  host.oracle = &oracle;
  // Replaying the last complete hint lets a hint-driven preimage server serve a prestate taken
  // in the middle of a read (docs/decisions/0002-hint-replay-on-resume.md).
  if (!state.lastCompleteHint.empty() && oracle.hasServer()) oracle.hint(state.lastCompleteHint);
  vm::FastEngine engine(state, host);
  try {
    advanceFast(state, engine, ~uint64_t(0), deadline, nullptr, shutdown, &prestate.symbols);
  } catch (...) {
    rethrowRunFailure(state, deadline, limits.memoryLimit);
  }
  state.memory.setPageLimit(0);  // hashing allocates nothing, but never fail after the run
  ValidationResult r;
  r.status = state.status();
  r.exitCode = state.exitCode;
  r.steps = state.step;
  r.stateHash = state.stateHash();
  r.elapsed = deadline.elapsed();
  return r;
}

}  // namespace fpvm::server
