// Redis Streams scale-out against a real redis-server started by the test on a free port:
// results and errors at their keys, acknowledged and deleted entries, retries past
// max-retry-count, producer timeouts, heartbeats, and three consumer processes of which one is
// killed with SIGKILL in the middle of a job.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "common/hex.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_keys.hpp"
#include "redis/redis_producer.hpp"
#include "rpc/rpc_error.hpp"
#include "consumer_process.hpp"
#include "redis_fixture.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

using namespace std::chrono_literals;

using RedisTest = RedisFixture;

TEST_F(RedisTest, ResultsAndErrorsAreStoredAcknowledgedAndDeleted) {
  REQUIRE_REDIS(redis_);
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(consumerConfig(), std::move(v));
  const Hash32 prestate = hash32FromHex(s.prestate(0));
  redis::RedisProducer producer(redis_.url(), "test:");
  const std::string stream = redis::streamName("test:", prestate);
  EXPECT_EQ(stream, "test:stream:" + s.prestate(0));

  const std::string ok = producer.submit(prestate, counterInput(100, 0));
  const std::string invalid = producer.submit(prestate, counterInput(100, 1));
  const std::string broken = producer.submit(prestate, Json{{"id", 1}, {"localKeys", {{"1", "0x00"}}}});  // no local 2
  auto a = producer.wait(prestate, ok, 20s);
  ASSERT_TRUE(a.ok) << a.message;
  EXPECT_EQ(a.result["status"], "valid");
  EXPECT_EQ(a.result["steps"], counterSteps(100));
  auto b = producer.wait(prestate, invalid, 20s);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.result["status"], "invalid");
  auto c = producer.wait(prestate, broken, 20s);
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.code, rpc::kExecutionFailed);
  EXPECT_NE(c.message.find("missing preimage"), std::string::npos) << c.message;
  // Keys and TTLs as specified; the stream and the group's pending list are empty.
  const std::string key = "test:result-key:" + stream + "." + ok;
  EXPECT_FALSE(client_->command({"GET", key}).isNil());
  const long long ttl = client_->command({"PTTL", key}).integer;
  EXPECT_GT(ttl, 3500000);
  EXPECT_LE(ttl, 3600000);
  EXPECT_FALSE(client_->command({"GET", "test:error-key:" + stream + "." + broken}).isNil());
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
  waitForJobs(s.server(), "result", 2);
  waitForJobs(s.server(), "error", 1);
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_jobs_total", "outcome=\"result\""), 2);
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_jobs_total", "outcome=\"error\""), 1);
}

TEST_F(RedisTest, EntriesPastMaxRetryCountGetAnErrorResult) {
  REQUIRE_REDIS(redis_);
  vm::VmState program = counterProgram();
  const Hash32 prestate = program.stateHash();
  const std::string stream = redis::streamName("test:", prestate);
  redis::RedisProducer producer(redis_.url(), "test:");
  const std::string id = producer.submit(prestate, counterInput(10, 0));
  // A consumer takes it and dies without acknowledging (delivery 1).
  redis::RedisReply r = client_->command({"XREADGROUP", "GROUP", stream, "ghost", "COUNT", "1", "STREAMS", stream, ">"});
  ASSERT_EQ(r.at(0).at(1).at(0).at(0).str, id);
  auto cfg = consumerConfig();
  cfg.maxRetryCount = 1;
  std::vector<vm::VmState> v;
  v.push_back(std::move(program));
  TestServer s(cfg, std::move(v));
  auto outcome = producer.wait(prestate, id, 20s);
  ASSERT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("gave up after 2 deliveries (max-retry-count is 1)"), std::string::npos) << outcome.message;
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_claims_total"), 1);
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_retries_total"), 1);
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
}

TEST_F(RedisTest, AClaimedEntryWithinTheRetryLimitRunsAgain) {
  REQUIRE_REDIS(redis_);
  vm::VmState program = counterProgram();
  const Hash32 prestate = program.stateHash();
  const std::string stream = redis::streamName("test:", prestate);
  redis::RedisProducer producer(redis_.url(), "test:");
  const std::string id = producer.submit(prestate, counterInput(10, 0));
  client_->command({"XREADGROUP", "GROUP", stream, "ghost", "COUNT", "1", "STREAMS", stream, ">"});
  std::vector<vm::VmState> v;
  v.push_back(std::move(program));
  TestServer s(consumerConfig(), std::move(v));  // max-retry-count 3
  auto outcome = producer.wait(prestate, id, 20s);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.result["status"], "valid");
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_claims_total"), 1);
}

TEST_F(RedisTest, ProducerTimeoutFailsAndTrimsTheRequest) {
  REQUIRE_REDIS(redis_);
  const Hash32 prestate = counterProgram().stateHash();
  const std::string stream = redis::streamName("test:", prestate);
  redis::RedisProducer producer(redis_.url(), "test:");
  const std::string id = producer.submit(prestate, counterInput(10, 0));
  EXPECT_EQ(xlen(stream), 1);
  try {
    (void)producer.wait(prestate, id, 300ms);
    ADD_FAILURE() << "no consumer, yet a result";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("removed from the stream"), std::string::npos) << e.what();
  }
  EXPECT_EQ(xlen(stream), 0);
}

TEST_F(RedisTest, HeartbeatsKeepALongJobFromBeingTakenOver) {
  REQUIRE_REDIS(redis_);
  auto cfg = consumerConfig();
  cfg.idletimeToAutoclaim = 300ms;
  cfg.workers = 2;
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));  // two consumer threads: the idle one would take the entry over
  const Hash32 prestate = hash32FromHex(s.prestate(0));
  redis::RedisProducer producer(redis_.url(), "test:");
  // ~4.8 G steps: about 2 s with the native tier, many heartbeat periods (150 ms) long.
  const std::string id = producer.submit(prestate, counterInput(1'200'000'000, 0));
  auto outcome = producer.wait(prestate, id, 60s);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  waitForJobs(s.server(), "result", 1);
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_claims_total"), 0);
  EXPECT_GE(s.server().metrics().value("fpvm_redis_heartbeats_total"), 2);
  EXPECT_EQ(s.server().metrics().value("fpvm_redis_jobs_total", "outcome=\"result\""), 1);
}

TEST_F(RedisTest, SubmitCommandPrintsTheResult) {
  REQUIRE_REDIS(redis_);
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(consumerConfig(), std::move(v));
  TempDir dir;
  std::ofstream(dir.path() + "/in.json") << counterInput(1000, 1).dump();
  const std::string cmd = std::string(FPVM_TEST_FPVM) + " submit --redis-url " + redis_.url() + " --stream-prefix test: --prestate " +
                          s.prestate(0) + " --input " + dir.path() + "/in.json --timeout 20s";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::string out;
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  Json r = Json::parse(out);
  EXPECT_EQ(r["status"], "invalid");
  EXPECT_EQ(r["steps"], counterSteps(1000));
  // A prestate nobody consumes: the command times out, fails and trims its request.
  const std::string other = "0x" + std::string(64, 'e');
  const std::string cmd2 = std::string(FPVM_TEST_FPVM) + " submit --redis-url " + redis_.url() + " --stream-prefix test: --prestate " +
                           other + " --input " + dir.path() + "/in.json --timeout 300ms 2>&1";
  p = ::popen(cmd2.c_str(), "r");
  out.clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(WEXITSTATUS(::pclose(p)), 1);
  EXPECT_NE(out.find("removed from the stream"), std::string::npos) << out;
  EXPECT_NE(out.find("submit: added test:stream:" + other + " entry "), std::string::npos) << out;  // names its job
  EXPECT_EQ(xlen("test:stream:" + other), 0);
}

// ---- three consumer processes, one killed mid-job ----

ConsumerProcess spawnKillConsumer(const std::string& prestates, const std::string& url, const std::string& log) {
  return spawnConsumer(url,
                       {"--prestates", prestates, "--stream-prefix", "kill:", "--workers", "1", "--idletime-to-autoclaim", "1s",
                        "--max-retry-count", "3", "--no-segment-jobs"},
                       log);
}

TEST_F(RedisTest, ThreeConsumersOneKilledMidJobEveryJobGetsExactlyOneResult) {
  REQUIRE_REDIS(redis_);
  TempDir dir;
  vm::VmState program = counterProgram();
  const Hash32 prestate = program.stateHash();
  runs::writePrestateFolder(dir.path() + "/prestates", program);
  std::vector<ConsumerProcess> consumers;
  for (int i = 0; i < 3; ++i)
    consumers.push_back(spawnKillConsumer(dir.path() + "/prestates", redis_.url(), dir.path() + "/consumer" + std::to_string(i) + ".log"));

  redis::RedisProducer producer(redis_.url(), "kill:");
  const std::string stream = redis::streamName("kill:", prestate);
  constexpr int kJobs = 50;
  constexpr uint64_t kCount = 8'000'000;  // 32 M steps per job
  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back(producer.submit(prestate, counterInput(kCount, i % 2, i)));

  // Kill consumer 0 while it is running a job (started more jobs than it finished).
  const std::string victim = consumers[0].log;
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    const int started = countLines(victim, "redis job started");
    const int finished = countLines(victim, "msg=\"redis job\"");
    if (started >= 2 && started > finished) {
      ::kill(consumers[0].pid, SIGKILL);
      ::waitpid(consumers[0].pid, nullptr, 0);
      killed = true;
    } else {
      std::this_thread::sleep_for(10ms);
    }
  }
  ASSERT_TRUE(killed) << "consumer 0 never ran a job";

  std::set<std::string> done;
  for (int i = 0; i < kJobs; ++i) {
    auto o = producer.wait(prestate, ids[i], 120s);
    ASSERT_TRUE(o.ok) << "job " << i << ": " << o.message;
    EXPECT_EQ(o.result["status"], i % 2 ? "invalid" : "valid");
    EXPECT_EQ(o.result["steps"], counterSteps(kCount));
    // Exactly one outcome: the result, no error.
    EXPECT_TRUE(client_->command({"GET", redis::errorKey("kill:", stream, ids[i])}).isNil());
    done.insert(ids[i]);
  }
  EXPECT_EQ(done.size(), size_t(kJobs));
  // A consumer stores the result before it acknowledges and deletes the entry (the spec's
  // order), so the last entry may still be in the stream for a moment after its result appears.
  waitDrained(stream);
  EXPECT_EQ(xlen(stream), 0);
  EXPECT_EQ(pending(stream), 0);
  // Results stored: every job once across the survivors and the victim. The victim may have
  // stored its result and died before logging it; the survivor that re-ran that entry then
  // logged that a result existed.
  std::vector<std::string> logs;
  for (const auto& c : consumers) logs.push_back(c.log);
  const auto [stored, alreadyStored] = storedResultLines(logs, kJobs);
  // The killed consumer's job was taken over by a survivor.
  const int takeovers = countLines(consumers[1].log, "redis entry taken over") + countLines(consumers[2].log, "redis entry taken over");
  EXPECT_GE(takeovers, 1);
  EXPECT_EQ(stored + alreadyStored, kJobs);
  EXPECT_LE(alreadyStored, 1);
  for (size_t i = 1; i < consumers.size(); ++i) {
    const int status = stopConsumer(consumers[i]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "consumer " << i << " status " << status;
  }
  std::cout << "[ redis ] 50 jobs over 3 consumers, one SIGKILLed mid-job; takeovers: " << takeovers << std::endl;
}

// ---- a Cannon MT64 prestate ----

TEST_F(RedisTest, ConsumerProcessValidatesCannonMt64Prestates) {
  REQUIRE_REDIS(redis_);
  const RollupData& d = rollupData();
  if (!d.available || !d.mips64Prestate)
    GTEST_SKIP() << "SKIPPED: the MIPS64 rollup guest or the rollup host was not built (mips64-linux-gnuabi64-gcc missing?)";
  TempDir dir;
  std::unique_ptr<core::AnyMachine> machine = d.mips64Prestate->clone();
  const Hash32 prestate = machine->stateHash();
  runs::writePrestateFolder(dir.path() + "/prestates", *machine);  // Cannon's binary state file
  ConsumerProcess consumer = spawnConsumer(
      redis_.url(), {"--prestates", dir.path() + "/prestates", "--stream-prefix", "mt64:", "--workers", "1", "--no-segment-jobs"},
      dir.path() + "/consumer.log");
  redis::RedisProducer producer(redis_.url(), "mt64:");
  const std::string valid = producer.submit(prestate, d.validInput);
  const std::string invalid = producer.submit(prestate, d.invalidInput);
  for (const auto& [id, input, status] : {std::tuple{valid, d.validInput, "valid"}, std::tuple{invalid, d.invalidInput, "invalid"}}) {
    const auto o = producer.wait(prestate, id, 60s);
    ASSERT_TRUE(o.ok) << o.message;
    const DirectRun direct = runToEnd(*d.mips64Prestate, input);
    EXPECT_EQ(o.result["status"], status);
    EXPECT_EQ(o.result["steps"], direct.steps);
    EXPECT_EQ(o.result["exitCode"], direct.exitCode);
    EXPECT_EQ(o.result["stateHash"], toHex(direct.hash));
  }
  const int exit = stopConsumer(consumer);
  EXPECT_TRUE(WIFEXITED(exit) && WEXITSTATUS(exit) == 0) << "consumer status " << exit;
}

}  // namespace
}  // namespace fpvm::test::srv
