// The services built on the Redis client against a misbehaving loopback Redis (issue 20): the
// validation server's consumer and the segment producer (`validate-segments --redis-url`). Each
// must fail with a named error within its command timeout, never read more than its reply bound,
// ride out a Redis that stops answering, and stop promptly when asked — however many jobs it
// has in flight. Timeouts are shortened here, not the sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "common/error.hpp"
#include "hostile_peer.hpp"
#include "redis/redis_segment_producer.hpp"
#include "runs/input_oracle.hpp"
#include "runs/validation_input.hpp"
#include "server/server.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace srv = fpvm::test::srv;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- the validation server's Redis consumer ----

/// A consumer-only server (no HTTP) pointed at `peer`, with a short command timeout.
server::ServerConfig consumerConfig(const HostilePeer& peer, std::chrono::milliseconds timeout, uint64_t maxReply) {
  server::ServerConfig c = srv::testConfig();
  c.rpc = false;
  c.redisUrl = peer.redisUrl();
  c.redisConsumers = 2;
  c.redisTimeout = timeout;
  c.redisMaxReply = maxReply;
  return c;
}

/// Starts a consumer-only server against `peer`; expects start() to fail with an Error that
/// contains `needle` within `limit` seconds.
void expectConsumerStartFails(const HostilePeer& peer, std::chrono::milliseconds timeout, uint64_t maxReply,
                              const std::string& needle, double limit) {
  runs::PrestateStore store;
  store.add(srv::counterProgram(), "");
  server::Server s(consumerConfig(peer, timeout, maxReply), std::move(store));
  const auto t = Clock::now();
  try {
    s.start();
    ADD_FAILURE() << "the consumer started against a Redis that " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(peer.redisUrl()), std::string::npos) << e.what();
  }
  EXPECT_LT(since(t), limit);
}

TEST(HostileRedisConsumer, SilentRedisFailsTheStartNamingTheUrl) {
  HostilePeer peer(Misbehaviour::Hang);
  expectConsumerStartFails(peer, 400ms, 1 << 20, "no complete reply within 400 ms", 3.0);
}

TEST(HostileRedisConsumer, GarbageFailsTheStart) {
  HostilePeer peer(Misbehaviour::Garbage);
  expectConsumerStartFails(peer, 2s, 1 << 20, "malformed reply", 3.0);
}

TEST(HostileRedisConsumer, HugeReplyStopsAtTheConfiguredBound) {
  HostilePeer peer(Misbehaviour::RedisHuge);
  expectConsumerStartFails(peer, 20s, 100000, "larger than 100000 bytes", 10.0);
  EXPECT_LT(peer.bytesSent(), uint64_t(64) << 20);
}

TEST(HostileRedisConsumer, RidesOutARedisThatStopsAnsweringAndStopsPromptly) {
  HostilePeer peer(Misbehaviour::RedisSetupThenHang);
  runs::PrestateStore store;
  store.add(srv::counterProgram(), "");
  server::Server s(consumerConfig(peer, 300ms, 1 << 20), std::move(store));
  s.start();  // the groups are created; every later command hangs
  // Its commands time out and it reconnects and retries instead of hanging or giving up.
  const auto t = Clock::now();
  while (s.metrics().value("fpvm_redis_errors_total") < 2 && since(t) < 10) std::this_thread::sleep_for(50ms);
  EXPECT_GE(s.metrics().value("fpvm_redis_errors_total"), 2) << "no command timed out within 10 s";
  // stop() cuts a blocked command short instead of waiting for its timeout (block + 300 ms).
  const auto stopAt = Clock::now();
  s.stop();
  EXPECT_LT(since(stopAt), 1.0);
}

// ---- the segment producer (validate-segments --redis-url) ----

/// counterProgram with its input's oracle, ready to validate.
struct CounterRun {
  explicit CounterRun(uint64_t count)
      : oracle(std::make_shared<runs::ValidationInput>(runs::parseValidationInput(srv::counterInput(count, 0), "input")),
               std::vector<std::string>{}, preimage::ServerLimits{}),
        machine(srv::counterProgram()) {
    machine.setOracle(&oracle);
  }
  runs::InputOracle oracle;
  vm::Machine machine;
};

/// 400 segments of 1,000 steps: every job is added before the first result is polled.
constexpr uint64_t kCount = 100'000, kEvery = 1'000;

segment::ValidateOptions segmentOptions(const std::atomic<bool>* cancel = nullptr) {
  segment::ValidateOptions o;
  o.every = kEvery;
  o.cancel = cancel;
  return o;
}

redis::RedisSegmentOptions producerOptions(const HostilePeer& peer, std::chrono::milliseconds commandTimeout) {
  redis::RedisSegmentOptions o;
  o.url = peer.redisUrl();
  o.timeout = 60s;
  o.limits.commandTimeout = commandTimeout;
  o.limits.maxReplyBytes = 1 << 20;
  return o;
}

/// Runs validateSegmentsOverRedis against `peer`; expects an Error containing `needle` within
/// `limit` seconds.
void expectProducerFails(const HostilePeer& peer, std::chrono::milliseconds commandTimeout, const std::string& needle,
                         double limit) {
  CounterRun run(kCount);
  const auto t = Clock::now();
  try {
    (void)redis::validateSegmentsOverRedis(run.machine, segmentOptions(), producerOptions(peer, commandTimeout));
    ADD_FAILURE() << "validation passed against a Redis that " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_LT(since(t), limit);
}

TEST(HostileRedisSegmentProducer, SilentRedisFailsBeforeTheRun) {
  HostilePeer peer(Misbehaviour::Hang);
  expectProducerFails(peer, 400ms, "no complete reply within 400 ms", 3.0);
}

TEST(HostileRedisSegmentProducer, GarbageIsAProtocolError) {
  HostilePeer peer(Misbehaviour::Garbage);
  expectProducerFails(peer, 2s, "malformed reply", 3.0);
}

TEST(HostileRedisSegmentProducer, HungRedisAfterTheJobsCostsOneTimeoutForTheCleanupNotOnePerJob) {
  // 400 jobs are added, then Redis stops answering: the first poll times out, and removing the
  // jobs stops at the first removal Redis does not answer (400 × 400 ms otherwise).
  HostilePeer peer(Misbehaviour::RedisSetupThenHang);
  expectProducerFails(peer, 400ms, "no complete reply within 400 ms", 5.0);
}

TEST(HostileRedisSegmentProducer, ResultThatIsNotJsonIsNamed) {
  HostilePeer peer(Misbehaviour::RedisGarbageResult);
  expectProducerFails(peer, 2s, "is not a JSON object", 10.0);
}

TEST(HostileRedisSegmentProducer, CancelStopsAPollStuckInRedis) {
  HostilePeer peer(Misbehaviour::RedisSetupThenHang);
  CounterRun run(kCount);
  std::atomic<bool> cancel{false};
  const segment::ValidateOptions opt = segmentOptions(&cancel);
  auto result = std::async(std::launch::async,
                           [&] { return redis::validateSegmentsOverRedis(run.machine, opt, producerOptions(peer, 30s)); });
  // Wait until the jobs are added and the first poll is stuck, then cancel.
  std::this_thread::sleep_for(1500ms);
  const auto t = Clock::now();
  cancel = true;
  ASSERT_EQ(result.wait_for(20s), std::future_status::ready) << "still waiting 20 s after the cancel flag";
  const double stopped = since(t);
  const redis::RedisValidateReport r = result.get();
  EXPECT_TRUE(r.validation.interrupted);
  // The stuck GET is cut short at once; withdrawing the 400 jobs then stops at the first XACK
  // the peer does not answer, after the 2 s cleanup bound (not the 30 s command timeout, and
  // not once per job).
  EXPECT_LT(stopped, 4.0);
}

}  // namespace
}  // namespace fpvm::test::dispute
