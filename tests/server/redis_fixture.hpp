#pragma once
/// The fixture the Redis tests share: a redis-server of their own (skipped with a message when it
/// is not installed), a client on it, a consumer configuration for in-process servers, and the
/// stream checks (length, pending entries, waiting until a stream is drained).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "server/metrics.hpp"
#include "redis/redis_client.hpp"
#include "server/server.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {

/// Skips the test, naming why, when the fixture's redis-server could not be started.
#define REQUIRE_REDIS(r) \
  if (!(r).available()) GTEST_SKIP() << "SKIPPED: " << (r).problem()

class RedisFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (redis_.available()) client_ = std::make_unique<redis::RedisClient>(redis_.url());
  }
  /// testConfig() as a Redis consumer only: no RPC, prefix "test:", autoclaim after 400 ms.
  server::ServerConfig consumerConfig() {
    auto cfg = testConfig();
    cfg.rpc = false;
    cfg.redisUrl = redis_.url();
    cfg.streamPrefix = "test:";
    cfg.idletimeToAutoclaim = std::chrono::milliseconds(400);
    return cfg;
  }
  long long xlen(const std::string& stream) { return client_->command({"XLEN", stream}).integer; }
  long long pending(const std::string& stream) { return client_->command({"XPENDING", stream, stream}).at(0).integer; }
  /// A consumer stores the result before it acknowledges and deletes the entry (the spec's
  /// order): wait up to 10 s for the stream and the pending list to empty.
  void waitDrained(const std::string& stream) {
    for (int i = 0; i < 500 && (xlen(stream) != 0 || pending(stream) != 0); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  /// A consumer counts a job in fpvm_redis_jobs_total{outcome} after its XACK and XDEL: wait up to
  /// 10 s for the count to reach `n` (the caller then asserts it).
  static void waitForJobs(server::Server& server, const std::string& outcome, double n) {
    const std::string labels = "outcome=\"" + outcome + "\"";
    for (int i = 0; i < 500 && server.metrics().value("fpvm_redis_jobs_total", labels) < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  RedisServer redis_;
  std::unique_ptr<redis::RedisClient> client_;
};

}  // namespace fpvm::test::srv
