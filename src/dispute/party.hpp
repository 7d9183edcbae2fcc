#pragma once
/// One side of a dispute: whatever answers the execution-run questions of a bisection for that
/// side's own (prestate, input) — a validation server over JSON-RPC (RpcParty) or an execution run
/// inside this process (LocalParty). The bisection driver only talks to this interface.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "core/any_machine.hpp"

namespace fpvm::dispute {

class Party {
 public:
  virtual ~Party() = default;

  /// Who this is, for reports ("http://127.0.0.1:8549", "local prestate.bin.gz").
  virtual std::string describe() const = 0;
  /// Prepares the run (creates the execution run; for a local party, executes the trace once).
  /// Throws Error when the party cannot serve the dispute.
  virtual void open() = 0;
  /// State hashes at `from`, then after every `stepSize` steps: 1..maxIterations of them, fewer
  /// once the machine has exited (the last one is then the exited machine's hash).
  virtual std::vector<Hash32> machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) = 0;
  /// The one-step proof for `position` → `position`+1.
  virtual core::OneStepProof proofAt(uint64_t position) = 0;
  /// Releases the run; never throws.
  virtual void close() noexcept = 0;
  /// Network round trips made so far (0 for a party inside this process).
  virtual uint64_t roundTrips() const = 0;
};

}  // namespace fpvm::dispute
