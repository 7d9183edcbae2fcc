// `fpvm validate-segments`: validates a whole run by segments — one fast-engine pass for the
// commitments every K steps, proofs built on N threads and verified statelessly, either on N
// threads here or (with --redis-url) by the validation servers' Redis consumers; the
// commitments must chain from the start hash to the claimed end (MT64 states:
// cli/mips64_segments.hpp).
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/mips64_segments.hpp"
#include "cli/oracle_flags.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"
#include "preimage/host_oracle.hpp"
#include "segment/parallel_validation.hpp"
#include "vm/machine.hpp"
#ifdef FPVM_WITH_SERVER
#include "redis/redis_client.hpp"
#include "redis/redis_segment_jobs.hpp"
#include "redis/redis_segment_producer.hpp"
#include "server/config.hpp"
#endif

namespace fpvm::cli {
namespace {

nlohmann::ordered_json validateJson(const segment::ValidateReport& r) {
  nlohmann::ordered_json j;
  j["segments"] = r.segments.size();
  j["from"] = r.startStep;
  j["to"] = r.endStep;
  j["exited"] = r.exited;
  j["start"] = toHex(r.checkpoints.front());
  j["end"] = toHex(r.checkpoints.back());
  j["proof-bytes"] = r.proofBytes;
  j["single-step-bytes"] = r.singleStepBytes;
  j["run-seconds"] = r.runSeconds;
  j["run-cpu-seconds"] = r.runCpuSeconds;
  j["build-wall-seconds"] = r.buildWallSeconds;
  j["prove-cpu-seconds"] = r.proveCpuSeconds;
  j["verify-wall-seconds"] = r.verifyWallSeconds;
  j["verify-cpu-seconds"] = r.verifyCpuSeconds;
  j["wall-seconds"] = r.wallSeconds;
  return j;
}

/// Where the verification happens: here on threads, or on Redis consumers.
struct RedisFlags {
  std::string url, prefix, timeout = "10m", interval = "20ms";
  void add(FlagSet& flags) {
#ifdef FPVM_WITH_SERVER
    flags.add("redis-url", &url,
              "verify on the validation servers' Redis consumers (redis://host:port[/db]) instead of local threads; "
              "--threads then counts the local provers");
    flags.add("stream-prefix", &prefix, "with --redis-url: prefix of the stream and result keys (as the consumers use)");
    flags.add("timeout", &timeout, "with --redis-url: give up (and remove the jobs) when results are this late");
    flags.add("poll-interval", &interval, "with --redis-url: how often to look for results");
#else
    (void)flags;
#endif
  }
};

}  // namespace

int runValidateSegments(const Args& args) {
  FlagSet flags("validate-segments",
                "validate a run by segments: fast-engine commitments every K steps, segment proofs built and "
                "verified statelessly on N threads (or by Redis consumers), commitments chained to the end");
  std::string input, claimedEnd, proofDir;
  segment::ValidateOptions opt;
  opt.threads = std::max(1u, std::thread::hardware_concurrency());
  bool baseline = false;
  OracleFlags oracleFlags;
  RedisFlags redisFlags;
  flags.add("input", &input, "input state file (JSON or binary, optional .gz; a Cannon MT64 .bin state too)");
  flags.require("input");
  flags.add("every", &opt.every, "checkpoint interval K in steps (at least 1)");
  flags.add("threads", &opt.threads, "provers and verifiers (1 = single-threaded, at most 1024)");
  flags.add("max-steps", &opt.maxSteps, "stop after this many steps");
  flags.add("claimed-end", &claimedEnd, "state hash the run must end in (hex)");
  flags.add("proof-dir", &proofDir, "write the segment proofs here as segment-<i>.fpsg");
  flags.add("baseline", &baseline, "also run single-threaded (no Redis) and report the speed-up");
  oracleFlags.add(flags);
  redisFlags.add(flags);
  flags.takesServerCommand();
  if (!flags.parse(args)) return 0;
  const Args& serverCommand = flags.serverCommand();
  if (opt.every == 0) throw Error("validate-segments: --every must be at least 1");
  if (opt.threads < 1 || opt.threads > 1024) throw Error("validate-segments: --threads must be between 1 and 1024");
  if (!claimedEnd.empty()) opt.claimedEnd = hash32FromHex(claimedEnd, "--claimed-end");
  opt.keepProofs = !proofDir.empty();
  opt.cancel = &gInterrupted;
#ifdef FPVM_WITH_SERVER
  const bool overRedis = !redisFlags.url.empty();
  redis::RedisSegmentOptions redisOptions;
  if (overRedis) {
    redis::RedisUrl::parse(redisFlags.url);  // a bad URL fails before the state is read
    redisOptions.url = redisFlags.url;
    redisOptions.prefix = redisFlags.prefix;
    redisOptions.timeout = parseDuration(redisFlags.timeout, "--timeout");
    redisOptions.pollInterval = parseDuration(redisFlags.interval, "--poll-interval");
  } else if (!redisFlags.prefix.empty()) {
    throw Error("--stream-prefix needs --redis-url");
  }
#else
  const bool overRedis = false;
#endif

  if (isMips64StateFile(input)) {
    if (overRedis || baseline) throw Error("validate-segments: --redis-url and --baseline are for RISC-V states only");
    preimage::HostOracle oracle(oracleFlags.config(serverCommand));
    return withOracle(oracle, [&] { return validateMips64Segments(input, opt, proofDir, oracle); });
  }
  vm::VmState state = image::readStateFile(input);
  std::optional<vm::VmState> copy;
  if (baseline) copy = state;
  const preimage::HostOracleConfig config = oracleFlags.config(serverCommand);
  nlohmann::ordered_json redisJson;
  auto validate = [&](vm::VmState st, const segment::ValidateOptions& o, bool remote) {
    preimage::HostOracle oracle(config);
    if (!st.lastCompleteHint.empty() && oracle.server()) oracle.hint(st.lastCompleteHint);
    vm::Machine machine(std::move(st));
    machine.setOracle(&oracle);
    segment::ValidateReport rep;
    withOracle(oracle, [&] {
      try {
#ifdef FPVM_WITH_SERVER
        if (remote) {
          redis::RedisValidateReport r = redis::validateSegmentsOverRedis(machine, o, redisOptions);
          rep = std::move(r.validation);
          std::map<std::string, size_t> perConsumer;
          for (const auto& c : r.verifiedBy) ++perConsumer[c];
          redisJson["url"] = redisOptions.url;
          redisJson["stream"] = redis::segmentStreamName(redisOptions.prefix);
          redisJson["consumers"] = perConsumer.size();
          redisJson["segments-per-consumer"] = perConsumer;
          return 0;
        }
#endif
        (void)remote;
        rep = segment::validateSegments(machine, o);
      } catch (const Error&) {
        if (!gInterrupted) throw;
        rep.interrupted = true;
      }
      return 0;
    });
    return rep;
  };
  segment::ValidateReport rep = validate(std::move(state), opt, overRedis);
  if (rep.interrupted) return kExitInterrupted;
  nlohmann::ordered_json j = validateJson(rep);
  j["every"] = opt.every;
  j["threads"] = opt.threads;
  if (overRedis) j["redis"] = redisJson;
  if (baseline) {
    segment::ValidateOptions one = opt;
    one.threads = 1;
    one.keepProofs = false;
    segment::ValidateReport base = validate(std::move(*copy), one, false);
    if (base.interrupted) return kExitInterrupted;
    j["baseline"] = validateJson(base);
    j["speedup"] = rep.wallSeconds > 0 ? base.wallSeconds / rep.wallSeconds : 0;
    j["verify-speedup"] = rep.verifyWallSeconds > 0 ? base.verifyWallSeconds / rep.verifyWallSeconds : 0;
  }
  if (!proofDir.empty()) {
    for (size_t i = 0; i < rep.proofs.size(); ++i)
      writeFileAtomic(proofDir + "/segment-" + std::to_string(i) + ".fpsg", rep.proofs[i]);
  }
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
