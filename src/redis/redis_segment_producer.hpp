#pragma once
/// Parallel validation with the verifiers behind Redis: the fast engine runs once here and takes
/// a commitment every K steps, the proofs are built here (on options.threads threads) and each
/// is XADDed to `<prefix>stream:segments` as soon as it is built; the validation servers'
/// consumers (`fpvm serve --redis-url …`) verify them statelessly; the results are polled in
/// segment order and must chain from the start hash through every commitment to the claimed end,
/// exactly as segment::validateSegments checks its own threads' results.
#include <chrono>
#include <string>
#include <vector>

#include "redis/redis_client.hpp"
#include "segment/parallel_validation.hpp"
#include "vm/machine.hpp"

namespace fpvm::redis {

/// Where the jobs go and how long to wait for them.
struct RedisSegmentOptions {
  std::string url;                                              ///< redis://host:port[/db]
  std::string prefix;                                           ///< stream and result key prefix (as the consumers use)
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  ///< for the results, after the last job is added
  std::chrono::milliseconds pollInterval{20};
  RedisLimits limits;  ///< per command and reply
};

/// The report of validateSegmentsOverRedis.
struct [[nodiscard]] RedisValidateReport {
  segment::ValidateReport validation;   ///< as validateSegments; verifyWallSeconds = the wait after the build
  std::vector<std::string> verifiedBy;  ///< per segment, the consumer that verified it
};

/// Validates `start` (left at the end state) with segment proofs verified by Redis consumers.
/// Connects before running, so a bad URL or an unreachable Redis fails at once. Throws Error
/// when a step fails, a segment is rejected ("segment i … rejected: why", the first by index),
/// the chain breaks, the end differs from options.claimedEnd, or the results do not arrive
/// within the timeout; outstanding jobs are removed from the stream on every failure (best
/// effort: the removal stops at the first command Redis does not answer, so a hung Redis costs
/// one command timeout, not one per job). With options.cancel set it stops, also in the middle of
/// a Redis command, removes the jobs and returns a report that says `interrupted`.
RedisValidateReport validateSegmentsOverRedis(vm::Machine& machine, const segment::ValidateOptions& options,
                                              const RedisSegmentOptions& redis);

}  // namespace fpvm::redis
