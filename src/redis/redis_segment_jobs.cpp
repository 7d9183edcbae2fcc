#include "redis/redis_segment_jobs.hpp"

#include "common/error.hpp"
#include "common/hex.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::redis {
namespace {

using Json = nlohmann::json;

[[noreturn]] void badJob(const std::string& field, const std::string& why) {
  throw rpc::RpcError(rpc::kInvalidParams, "invalid segment job: msg." + field + ": " + why);
}

Hash32 hashField(const Json& j, const char* field) {
  if (!j.is_string()) badJob(field, "expected a 0x-prefixed 32-byte hex string");
  try {
    return hash32FromHex(j.get<std::string>(), field);
  } catch (const Error& e) {
    badJob(field, e.what());
  }
}

}  // namespace

std::string segmentStreamName(const std::string& prefix) { return prefix + "stream:segments"; }

Json segmentJobJson(uint64_t index, const Bytes& proof, const Hash32& pre, const Hash32& post) {
  return Json{{"index", index}, {"proof", toBase64(proof)}, {"pre", toHex(pre)}, {"post", toHex(post)}};
}

SegmentJob parseSegmentJob(const std::string& msg) {
  Json j;
  try {
    j = Json::parse(msg);
  } catch (const std::exception& e) {
    throw rpc::RpcError(rpc::kParseError, std::string("invalid segment job: msg is not JSON: ") + e.what());
  }
  if (!j.is_object())
    throw rpc::RpcError(rpc::kInvalidParams, "invalid segment job: msg must be a JSON object {index, proof, pre, post}");
  SegmentJob job;
  for (const auto& [key, value] : j.items()) {
    if (key == "index") {
      if (!value.is_number_unsigned()) badJob("index", "expected an unsigned integer");
      job.index = value.get<uint64_t>();
    } else if (key == "proof") {
      if (!value.is_string()) badJob("proof", "expected a base64 string");
      try {
        job.proof = fromBase64(value.get<std::string>(), "proof");
      } catch (const Error& e) {
        badJob("proof", e.what());
      }
    } else if (key == "pre") {
      job.pre = hashField(value, "pre");
    } else if (key == "post") {
      job.post = hashField(value, "post");
    } else {
      badJob(key, "unknown field (expected index, proof, pre, post)");
    }
  }
  if (!j.contains("index")) badJob("index", "missing");
  if (!j.contains("proof")) badJob("proof", "missing");
  return job;
}

Json verifySegmentJob(const std::string& msg, const segment::SegmentVerifyOptions& options, const std::string& consumer) {
  const SegmentJob job = parseSegmentJob(msg);
  const std::string name = "segment " + std::to_string(job.index);
  segment::SegmentRecord r;
  try {
    r = segment::verifyEncodedSegment(job.proof, name, options);
  } catch (const std::exception& e) {  // Error, or bad_alloc on a hostile proof
    throw rpc::RpcError(rpc::kExecutionFailed, name + " rejected: " + e.what());
  }
  if (job.pre && !(r.pre == *job.pre))
    throw rpc::RpcError(rpc::kExecutionFailed, name + " rejected: it starts at " + toHex(r.pre) + " (step " +
                                                   std::to_string(r.from) + "), the job expects " + toHex(*job.pre));
  if (job.post && !(r.post == *job.post))
    throw rpc::RpcError(rpc::kExecutionFailed, name + " rejected: it ends at " + toHex(r.post) + " (step " +
                                                   std::to_string(r.to) + "), the job expects " + toHex(*job.post));
  return Json{{"index", job.index},
              {"pre", toHex(r.pre)},
              {"post", toHex(r.post)},
              {"from", r.from},
              {"step", r.to},
              {"exited", r.exited},
              {"memoryAccesses", r.memoryProofs},
              {"bytes", r.bytes},
              {"verifySeconds", r.verifySeconds},
              {"consumer", consumer}};
}

segment::SegmentRecord segmentRecordFromResult(const Json& result) {
  auto field = [&](const char* name) -> const Json& {
    if (!result.is_object() || !result.contains(name)) throw Error(std::string("segment result has no field ") + name);
    return result[name];
  };
  segment::SegmentRecord r;
  try {
    r.pre = hash32FromHex(field("pre").get<std::string>(), "pre");
    r.post = hash32FromHex(field("post").get<std::string>(), "post");
    r.from = field("from").get<uint64_t>();
    r.to = field("step").get<uint64_t>();
    r.exited = field("exited").get<bool>();
    r.memoryProofs = field("memoryAccesses").get<uint64_t>();
    r.bytes = field("bytes").get<size_t>();
    r.verifySeconds = field("verifySeconds").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("segment result: a field has the wrong type: ") + e.what());
  }
  return r;
}

}  // namespace fpvm::redis
