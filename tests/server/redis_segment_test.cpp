// Segment-verification jobs over Redis Streams against a real redis-server on a free loopback
// port: a chain verified by two consumer processes (library and CLI), tampered proofs rejected
// with their segment named, the producer's first rejection and chain checks, a consumer killed
// with SIGKILL in the middle of a segment job, and the CLI's bad-input errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "common/hex.hpp"
#include "runs/input_oracle.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_producer.hpp"
#include "redis/redis_segment_jobs.hpp"
#include "redis/redis_segment_producer.hpp"
#include "rpc/rpc_error.hpp"
#include "runs/validation_input.hpp"
#include "segment/parallel_validation.hpp"
#include "vm/fast_engine.hpp"
#include "image/state_file.hpp"
#include "consumer_process.hpp"
#include "redis_fixture.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

using namespace std::chrono_literals;

/// counterProgram(count) with its input's oracle, ready to validate.
struct CounterRun {
  explicit CounterRun(uint64_t count)
      : oracle(std::make_shared<runs::ValidationInput>(runs::parseValidationInput(counterInput(count, 0), "input")),
               std::vector<std::string>{}, preimage::ServerLimits{}),
        machine(counterProgram()) {
    machine.setOracle(&oracle);
  }
  runs::InputOracle oracle;
  vm::Machine machine;
};

/// The end-state hash of counterProgram(count), by the fast engine.
Hash32 counterEndHash(uint64_t count) {
  CounterRun r(count);
  EXPECT_EQ(r.machine.advance(~uint64_t(0)).reason, vm::StopReason::Exited);
  return r.machine.stateHash();
}

/// Runs a shell command; returns its exit status and output (stdout and stderr).
std::pair<int, std::string> shell(const std::string& cmd) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// A state file of counterProgram and the --local flags of its input.
struct CounterFiles {
  CounterFiles(const TempDir& dir, uint64_t count) : path(dir.path() + "/counter.bin.gz") {
    image::writeStateFile(counterProgram(), path);
    const Json in = counterInput(count, 0);
    flags = " --input " + path + " --local 1=" + in["localKeys"]["1"].get<std::string>() + " --local 2=0x0000000000000000";
  }
  std::string path, flags;
};

class RedisSegmentTest : public RedisFixture {
 protected:
  void TearDown() override {
    for (auto& c : consumers_) stopConsumer(c);
  }
  /// Starts `n` consumer processes (no prestates: segment jobs only) and waits until they read.
  void startConsumers(int n, const std::string& prefix, const std::vector<std::string>& extra = {}) {
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> args = {"--stream-prefix", prefix, "--workers", "1"};
      args.insert(args.end(), extra.begin(), extra.end());
      consumers_.push_back(spawnConsumer(redis_.url(), args, dir_.path() + "/consumer" + std::to_string(i) + ".log"));
    }
    for (auto& c : consumers_)
      for (int i = 0; i < 1000 && countLines(c.log, "redis consumer started") == 0; ++i) std::this_thread::sleep_for(10ms);
    for (auto& c : consumers_) ASSERT_EQ(countLines(c.log, "redis consumer started"), 1) << c.log;
  }
  /// Producer options for the fixture's redis-server.
  redis::RedisSegmentOptions redisOptions(const std::string& prefix, std::chrono::seconds timeout) const {
    redis::RedisSegmentOptions ro;
    ro.url = redis_.url();
    ro.prefix = prefix;
    ro.timeout = timeout;
    return ro;
  }
  /// Checkpoints every `every` steps, one local prover, and the claimed end (if any).
  static segment::ValidateOptions chainOptions(uint64_t every, std::optional<Hash32> end = std::nullopt, unsigned threads = 1) {
    segment::ValidateOptions opt;
    opt.every = every;
    opt.threads = threads;
    opt.claimedEnd = end;
    return opt;
  }
  TempDir dir_;
  std::vector<ConsumerProcess> consumers_;
};

TEST_F(RedisSegmentTest, TwoConsumerProcessesVerifyTheChainFromStartToClaimedEnd) {
  REQUIRE_REDIS(redis_);
  startConsumers(2, "seg:");
  constexpr uint64_t kCount = 4'000'000, kEvery = 1'000'000;  // 16 M steps, 17 segments
  const Hash32 end = counterEndHash(kCount);

  CounterRun run(kCount);
  const segment::ValidateOptions opt = chainOptions(kEvery, end);
  const redis::RedisSegmentOptions ro = redisOptions("seg:", 60s);
  redis::RedisValidateReport r = redis::validateSegmentsOverRedis(run.machine, opt, ro);
  const segment::ValidateReport& rep = r.validation;
  ASSERT_FALSE(rep.interrupted);
  const uint64_t steps = counterSteps(kCount);
  EXPECT_EQ(rep.segments.size(), (steps + kEvery - 1) / kEvery);
  EXPECT_EQ(rep.endStep, steps);
  EXPECT_TRUE(rep.exited);
  ASSERT_EQ(rep.checkpoints.size(), rep.segments.size() + 1);
  EXPECT_EQ(rep.checkpoints.back(), end);
  // The consumers' verified hashes are the fast engine's commitments, segment by segment.
  for (size_t i = 0; i < rep.segments.size(); ++i) {
    EXPECT_EQ(rep.segments[i].pre, rep.checkpoints[i]) << i;
    EXPECT_EQ(rep.segments[i].post, rep.checkpoints[i + 1]) << i;
    EXPECT_EQ(rep.segments[i].from, i * kEvery);
    EXPECT_GT(rep.segments[i].verifySeconds, 0);
  }
  EXPECT_TRUE(rep.proofs.empty());  // keepProofs off
  const std::set<std::string> by(r.verifiedBy.begin(), r.verifiedBy.end());
  EXPECT_EQ(by.size(), 2u) << "both consumer processes took jobs";
  EXPECT_EQ(by.count(""), 0u);
  const std::string stream = redis::segmentStreamName("seg:");
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
  int stored = 0;
  for (const auto& c : consumers_) stored += countLines(c.log, "stored=yes");
  EXPECT_EQ(stored, int(rep.segments.size()));

  // The same through the CLI, with the single-threaded baseline.
  CounterFiles files(dir_, kCount);
  auto [rc, out] = shell(std::string(FPVM_TEST_FPVM) + " validate-segments" + files.flags + " --every " + std::to_string(kEvery) +
                         " --threads 1 --redis-url " + redis_.url() + " --stream-prefix seg: --timeout 60s --baseline --claimed-end " +
                         toHex(end));
  ASSERT_EQ(rc, 0) << out;
  Json j = Json::parse(out);
  EXPECT_EQ(j["end"], toHex(end));
  EXPECT_EQ(j["segments"], rep.segments.size());
  EXPECT_EQ(j["redis"]["stream"], stream);
  EXPECT_EQ(j["redis"]["consumers"], 2);
  EXPECT_EQ(j["baseline"]["end"], toHex(end));
  EXPECT_GT(j["speedup"].get<double>(), 0);
  for (auto& c : consumers_) {
    const int status = stopConsumer(c);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << c.log << " status " << status;
  }
}

TEST_F(RedisSegmentTest, TamperedProofsAreRejectedWithTheirSegmentNamed) {
  REQUIRE_REDIS(redis_);
  TestServer s(consumerConfig(), std::vector<vm::VmState>{});  // no prestates: segment jobs need none
  CounterRun run(100'000);
  segment::ValidateOptions opt;
  opt.every = 100'000;
  opt.threads = 1;
  segment::ValidateReport built = segment::buildSegmentProofs(run.machine, opt);
  ASSERT_EQ(built.proofs.size(), 5u);

  redis::RedisProducer producer(redis_.url(), "test:");
  const std::string stream = redis::segmentStreamName("test:");
  producer.ensureStream(stream);
  auto job = [&](size_t i, const Bytes& proof) {
    return producer.add(stream, redis::segmentJobJson(i, proof, built.checkpoints[i], built.checkpoints[i + 1]));
  };
  auto outcome = [&](const std::string& id) {
    for (int k = 0; k < 1000; ++k) {
      if (auto o = producer.pollStream(stream, id)) return *o;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no outcome for " << id;
    return redis::RedisProducer::Outcome{};
  };
  // The untampered proof verifies; its result names the commitments and steps.
  auto good = outcome(job(2, built.proofs[2]));
  ASSERT_TRUE(good.ok) << good.message;
  EXPECT_EQ(good.result["index"], 2);
  EXPECT_EQ(good.result["pre"], toHex(built.checkpoints[2]));
  EXPECT_EQ(good.result["post"], toHex(built.checkpoints[3]));
  EXPECT_EQ(good.result["from"], 200'000);
  EXPECT_EQ(good.result["step"], 300'000);

  // Tampered copies of segment 2, each rejected for its own reason.
  segment::SegmentProof p = segment::decodeSegmentProof(built.proofs[2], "segment 2");
  segment::SegmentProof leaf = p;
  leaf.leaves.back().value.b[0] ^= 1;
  segment::SegmentProof post = p;
  post.postHash.b[5] ^= 1;
  Bytes truncated = built.proofs[2];
  truncated.resize(truncated.size() - 1);
  const std::vector<std::pair<Bytes, std::string>> cases = {
      {segment::encodeSegmentProof(leaf), "multiproof does not match the pre-state"},
      {segment::encodeSegmentProof(post), "post-state mismatch"},
      {truncated, "segment 2"},
      {built.proofs[3], "it starts at " + toHex(built.checkpoints[3])},  // another segment's proof under index 2
  };
  for (const auto& [bytes, why] : cases) {
    auto o = outcome(job(2, bytes));
    ASSERT_FALSE(o.ok) << why;
    EXPECT_EQ(o.code, rpc::kExecutionFailed);
    EXPECT_EQ(o.message.rfind("segment 2 rejected: ", 0), 0u) << o.message;
    EXPECT_NE(o.message.find(why), std::string::npos) << o.message;
  }
  // Malformed jobs are refused naming the field.
  const std::vector<std::pair<Json, std::string>> malformed = {
      {Json{{"index", 1}, {"proof", "not base64!"}}, "msg.proof"},
      {Json{{"index", 1}}, "msg.proof: missing"},
      {Json{{"index", -1}, {"proof", ""}}, "msg.index"},
      {Json{{"index", 1}, {"proof", ""}, {"extra", 1}}, "msg.extra: unknown field"},
      {Json{{"index", 1}, {"proof", ""}, {"pre", "0x12"}}, "msg.pre"},
  };
  for (const auto& [msg, why] : malformed) {
    auto o = outcome(producer.add(stream, msg));
    ASSERT_FALSE(o.ok) << why;
    EXPECT_EQ(o.code, rpc::kInvalidParams);
    EXPECT_NE(o.message.find(why), std::string::npos) << o.message;
  }
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
  EXPECT_EQ(s.server().metrics().value("fpvm_segment_jobs_total", "outcome=\"verified\""), 1);
  EXPECT_EQ(s.server().metrics().value("fpvm_segment_jobs_total", "outcome=\"rejected\""), double(cases.size() + malformed.size()));
}

TEST_F(RedisSegmentTest, ProducerReportsTheFirstRejectedSegmentAndABrokenClaim) {
  REQUIRE_REDIS(redis_);
  auto cfg = consumerConfig();
  cfg.segmentMaxSteps = 150'000;  // the consumers refuse segments longer than this
  TestServer s(cfg, std::vector<vm::VmState>{});
  const redis::RedisSegmentOptions ro = redisOptions("test:", 30s);
  const std::string stream = redis::segmentStreamName("test:");
  {
    // Segments of 200 000 steps (and a short tail): all but the tail are refused, and the first
    // by index is the one reported.
    CounterRun run(200'000);
    const segment::ValidateOptions opt = chainOptions(200'000);
    try {
      (void)redis::validateSegmentsOverRedis(run.machine, opt, ro);
      ADD_FAILURE() << "segments of 200 000 steps passed a limit of 150 000";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.rfind("segment 0 rejected: ", 0), 0u) << m;
      EXPECT_NE(m.find("exceeds the limit of 150000 steps"), std::string::npos) << m;
      EXPECT_NE(m.find(stream + " entry "), std::string::npos) << m;
    }
  }
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0) << "the jobs after the rejected one were removed";
  EXPECT_EQ(pending(stream), 0);
  {
    // Every segment verifies, but the claimed end is not where the chain ends.
    CounterRun run(100'000);
    segment::ValidateOptions opt;
    opt.every = 100'000;
    opt.threads = 2;
    Hash32 wrong = counterEndHash(100'000);
    wrong.b[31] ^= 1;
    opt.claimedEnd = wrong;
    try {
      (void)redis::validateSegmentsOverRedis(run.machine, opt, ro);
      ADD_FAILURE() << "a wrong claimed end passed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("the claimed end is " + toHex(wrong)), std::string::npos) << e.what();
    }
  }
}

TEST_F(RedisSegmentTest, ConsumerKilledMidJobLosesNothing) {
  REQUIRE_REDIS(redis_);
  startConsumers(2, "kill:", {"--idletime-to-autoclaim", "1s", "--max-retry-count", "3"});
  constexpr uint64_t kCount = 20'000'000, kEvery = 16'000'000;  // 80 M steps, 6 segments of ~0.2 s
  const Hash32 end = counterEndHash(kCount);
  CounterRun run(kCount);
  const segment::ValidateOptions opt = chainOptions(kEvery, end);
  const redis::RedisSegmentOptions ro = redisOptions("kill:", 120s);
  auto result = std::async(std::launch::async, [&] { return redis::validateSegmentsOverRedis(run.machine, opt, ro); });

  // Kill consumer 0 while it runs a job (started more than it finished).
  const std::string victim = consumers_[0].log;
  bool killed = false;
  for (int i = 0; i < 6000 && !killed; ++i) {
    const int started = countLines(victim, "redis job started");
    const int finished = countLines(victim, "msg=\"redis job\"");
    if (started >= 1 && started > finished) {
      ::kill(consumers_[0].pid, SIGKILL);
      ::waitpid(consumers_[0].pid, nullptr, 0);
      consumers_[0].pid = -1;
      killed = true;
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  ASSERT_TRUE(killed) << "consumer 0 never ran a job";
  redis::RedisValidateReport r = result.get();
  EXPECT_EQ(r.validation.checkpoints.back(), end);
  EXPECT_EQ(r.validation.endStep, counterSteps(kCount));
  const size_t n = r.validation.segments.size();
  EXPECT_EQ(n, (counterSteps(kCount) + kEvery - 1) / kEvery);
  // The victim may have stored its result and died before logging it; the producer then has all
  // results while the entry is still pending, and the survivor takes it over once it has sat idle
  // and finds the result stored. Either way every segment has one logged account.
  const auto [stored, alreadyStored] = storedResultLines({consumers_[0].log, consumers_[1].log}, int(n));
  EXPECT_EQ(stored + alreadyStored, int(n));
  EXPECT_LE(alreadyStored, 1);
  EXPECT_GE(countLines(consumers_[1].log, "redis entry taken over"), 1);
  const std::string stream = redis::segmentStreamName("kill:");
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
}

TEST(RedisSegmentCli, BadInputFailsWithAClearError) {
  TempDir dir;
  CounterFiles files(dir, 1000);
  const std::string base = std::string(FPVM_TEST_FPVM) + " validate-segments" + files.flags + " --every 1000";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --redis-url http://127.0.0.1:1", "redis-url: \"http://127.0.0.1:1\" must start with redis://"},
      {" --redis-url redis://127.0.0.1:notaport", "bad port"},
      {" --redis-url redis://127.0.0.1:" + std::to_string(freePort()), "cannot connect to Redis at redis://127.0.0.1:"},
      {" --stream-prefix x:", "--stream-prefix needs --redis-url"},
      {" --redis-url redis://127.0.0.1:1 --timeout soon", "--timeout"},
  };
  for (const auto& [flags, why] : cases) {
    auto [rc, out] = shell(base + flags);
    EXPECT_EQ(rc, 1) << flags << ": " << out;
    EXPECT_NE(out.find("error: "), std::string::npos) << out;
    EXPECT_NE(out.find(why), std::string::npos) << flags << ": " << out;
  }
}

}  // namespace
}  // namespace fpvm::test::srv
