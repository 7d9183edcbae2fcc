#include "redis/redis_segment_producer.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "common/duration.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "redis/redis_producer.hpp"
#include "redis/redis_segment_jobs.hpp"

namespace fpvm::redis {
namespace {

using Clock = std::chrono::steady_clock;

/// The jobs of one validation, by segment index; removes the unfinished ones on request.
class SegmentJobs {
 public:
  /// `cleanupTimeout` bounds each command of removeFrom.
  SegmentJobs(RedisProducer& producer, std::string stream, std::chrono::milliseconds cleanupTimeout)
      : producer_(producer), stream_(std::move(stream)), cleanupTimeout_(cleanupTimeout) {}
  void add(size_t index, const segment::SegmentRecord& built, const Bytes& proof) {
    if (ids_.size() <= index) {
      ids_.resize(index + 1);
      withdrawn_.resize(index + 1, false);
    }
    ids_[index] = producer_.add(stream_, segmentJobJson(index, proof, built.pre, built.post));
  }
  /// Removes jobs [from, end) from the stream so that nobody starts them; best effort (Redis may
  /// be the reason we stop): after the first command that fails for want of an answer (a timeout
  /// or a dropped connection) the rest are left, so a hung Redis costs one cleanup timeout. Jobs
  /// already removed are skipped, so calling it again is cheap. Returns how many it removed.
  size_t removeFrom(size_t from) noexcept {
    producer_.setCancel(nullptr);  // the cleanup itself must not be interrupted
    size_t n = 0;
    for (size_t i = from; i < ids_.size(); ++i) {
      if (ids_[i].empty() || withdrawn_[i]) continue;
      withdrawn_[i] = true;
      try {
        producer_.remove(stream_, ids_[i], cleanupTimeout_);
        ++n;
      } catch (const RedisReplyError&) {
        // answered with an error: the connection is fine, go on with the others
      } catch (const std::exception&) {
        break;
      }
    }
    return n;
  }
  const std::string& id(size_t i) const { return ids_.at(i); }
  size_t size() const { return ids_.size(); }
  const std::string& stream() const { return stream_; }

 private:
  RedisProducer& producer_;
  std::string stream_;
  std::vector<std::string> ids_;
  std::vector<bool> withdrawn_;  ///< removal attempted (by removeFrom)
  std::chrono::milliseconds cleanupTimeout_;
};

/// Withdrawing jobs is best effort on the way out (often after a signal): each command gets at
/// most this long, or the command timeout when that is shorter.
constexpr std::chrono::milliseconds kCleanupCommandTimeout{2000};

/// The error for a job whose consumer stored an error result.
Error rejection(size_t index, const SegmentJobs& jobs, const RedisProducer::Outcome& o) {
  const std::string name = "segment " + std::to_string(index);
  const std::string where = " (" + jobs.stream() + " entry " + jobs.id(index) + ", code " + std::to_string(o.code) + ")";
  if (o.message.rfind(name + " ", 0) == 0) return Error(o.message + where);
  return Error(name + ": " + o.message + where);
}

}  // namespace

RedisValidateReport validateSegmentsOverRedis(vm::Machine& machine, const segment::ValidateOptions& opt,
                                              const RedisSegmentOptions& redis) {
  const auto t0 = Clock::now();
  RedisProducer producer(redis.url, redis.prefix, redis.limits);  // fails here, before the run, when Redis is not there
  producer.setCancel(opt.cancel);                                 // a command waiting on Redis fails at once on cancel
  SegmentJobs jobs(producer, segmentStreamName(redis.prefix), std::min(redis.limits.commandTimeout, kCleanupCommandTimeout));
  producer.ensureStream(jobs.stream());

  RedisValidateReport out;
  segment::ValidateReport& rep = out.validation;
  try {
    rep = segment::buildSegmentProofs(
        machine, opt,
        [&jobs](size_t index, const segment::SegmentRecord& built, const Bytes& proof) { jobs.add(index, built, proof); });
  } catch (...) {
    jobs.removeFrom(0);
    if (opt.cancel && opt.cancel->load()) {  // an XADD cut short by the cancel flag
      rep.interrupted = true;
      return out;
    }
    throw;
  }
  if (rep.interrupted) {
    jobs.removeFrom(0);
    return out;
  }
  if (jobs.size() != rep.segments.size())
    throw Error("internal error: " + std::to_string(jobs.size()) + " jobs for " + std::to_string(rep.segments.size()) +
                " segments");

  // Results in segment order: the first rejected segment by index is the one reported.
  const auto tv = Clock::now();
  const auto deadline = tv + redis.timeout;
  segment::ChainReport chain;
  chain.segments.resize(jobs.size());
  out.verifiedBy.resize(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::optional<RedisProducer::Outcome> o;
    try {
      while (!(o = producer.pollStream(jobs.stream(), jobs.id(i)))) {
        if (opt.cancel && opt.cancel->load()) {
          jobs.removeFrom(i);
          rep.interrupted = true;
          return out;
        }
        if (Clock::now() >= deadline) {
          const size_t removed = jobs.removeFrom(i);
          throw Error("no result for segment " + std::to_string(i) + " (" + jobs.stream() + " entry " + jobs.id(i) + ") within " +
                      formatDuration(redis.timeout) + " of the last job: are consumers (fpvm serve --redis-url " + redis.url +
                      ") running? The " + std::to_string(removed) + " unfinished jobs were removed from the stream");
        }
        std::this_thread::sleep_for(redis.pollInterval);
      }
    } catch (const std::exception&) {
      if (opt.cancel && opt.cancel->load()) {  // the cancel flag made the command fail
        jobs.removeFrom(i);
        rep.interrupted = true;
        return out;
      }
      jobs.removeFrom(i);
      throw;
    }
    if (!o->ok) {
      jobs.removeFrom(i + 1);
      throw rejection(i, jobs, *o);
    }
    chain.segments[i] = segmentRecordFromResult(o->result);
    const auto index = o->result.find("index");
    if (index == o->result.end() || !index->is_number_unsigned() || index->get<uint64_t>() != i)
      throw Error("the result of segment " + std::to_string(i) + " (" + jobs.stream() + " entry " + jobs.id(i) +
                  ") names segment " + (index == o->result.end() ? std::string("none") : index->dump()));
    const auto consumer = o->result.find("consumer");
    if (consumer != o->result.end() && consumer->is_string()) out.verifiedBy[i] = consumer->get<std::string>();
  }
  segment::checkSegmentChain(chain, rep.checkpoints.front(), opt.claimedEnd, rep.checkpoints);
  segment::adoptChain(rep, std::move(chain), secondsSince(tv));
  if (!opt.keepProofs) rep.proofs.clear();
  rep.wallSeconds = secondsSince(t0);
  return out;
}

}  // namespace fpvm::redis
