#pragma once
/// Segment-verification jobs over Redis Streams (docs/decisions/0005-segment-proofs.md, "Over
/// Redis Streams"): one stream `<prefix>stream:segments` with a consumer group of the same name;
/// each entry's field `msg` is a JSON job
///
///     {"index": <segment number>, "proof": "<base64 segment proof>", "pre": "0x…", "post": "0x…"}
///
/// (`pre`/`post`, optional, are the commitments the producer expects). A consumer verifies the
/// proof statelessly — no prestate, no preimage oracle — and stores the result JSON
/// `{"index", "pre", "post", "from", "step", "exited", "memoryAccesses", "bytes",
/// "verifySeconds", "consumer"}` at the result key, or an error naming why the proof was
/// rejected at the error key, with the same keys, retries and acknowledgements as validation jobs
/// (redis_queue.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "segment/parallel_validation.hpp"
#include "segment/segment_verifier.hpp"

namespace fpvm::redis {

/// `<prefix>stream:segments`.
std::string segmentStreamName(const std::string& prefix);

/// A parsed job.
struct SegmentJob {
  uint64_t index = 0;
  Bytes proof;
  std::optional<Hash32> pre, post;  ///< expected commitments, when the producer sent them
};

/// The `msg` JSON of a job.
nlohmann::json segmentJobJson(uint64_t index, const Bytes& proof, const Hash32& pre, const Hash32& post);

/// Parses a job's `msg`; throws RpcError(kInvalidParams) naming the field.
SegmentJob parseSegmentJob(const std::string& msg);

/// Verifies a job: decodes and re-executes the proof, and checks its pre/post hashes against the
/// expected ones. Returns the result JSON (`consumer` names who verified it). Throws RpcError:
/// kInvalidParams for a malformed job, kExecutionFailed "segment <i> rejected: <why>" for a
/// proof that does not verify or does not match the expected commitments.
nlohmann::json verifySegmentJob(const std::string& msg, const segment::SegmentVerifyOptions& options,
                                const std::string& consumer);

/// A verified segment's record read back from a result JSON; throws Error naming the field.
segment::SegmentRecord segmentRecordFromResult(const nlohmann::json& result);

}  // namespace fpvm::redis
