// The Redis client (used by `fpvm submit`, the producers and the consumers) against a
// misbehaving loopback peer (issue 20): a silent or trickling server times out per command, a
// huge reply stops at the byte bound, a cut or garbled reply is a named error, the cancel flag
// stops a command in flight, and `fpvm submit` exits 143 on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "hostile_peer.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_producer.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace srv = fpvm::test::srv;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Runs one GET against `peer` and expects an fpvm::Error containing `needle` within `limit` s.
void expectGetFails(const HostilePeer& peer, std::chrono::milliseconds timeout, uint64_t maxBytes, const std::string& needle,
                    double limit, const std::atomic<bool>* cancel = nullptr) {
  redis::RedisClient c(peer.redisUrl(), timeout, maxBytes);
  c.setCancel(cancel);
  const auto t = Clock::now();
  try {
    c.command({"GET", "key"});
    ADD_FAILURE() << "no error; expected one containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Redis GET to " + peer.redisUrl()), std::string::npos) << e.what();
  }
  EXPECT_LT(since(t), limit);
}

TEST(HostileRedis, SilentServerTimesOut) {
  HostilePeer peer(Misbehaviour::Hang);
  expectGetFails(peer, 500ms, 1 << 20, "no complete reply within 500 ms", 3.0);
}

TEST(HostileRedis, TricklingServerTimesOutForTheWholeCommand) {
  HostilePeer peer(Misbehaviour::RedisTrickle);
  expectGetFails(peer, 1500ms, 1 << 20, "no complete reply within 1500 ms", 4.0);
}

TEST(HostileRedis, HugeReplyStopsAtTheBound) {
  HostilePeer peer(Misbehaviour::RedisHuge);
  expectGetFails(peer, 20s, 100000, "larger than 100000 bytes", 10.0);
  EXPECT_LT(peer.bytesSent(), uint64_t(64) << 20);
}

TEST(HostileRedis, ReplyCutShortIsAnError) {
  HostilePeer peer(Misbehaviour::RedisCloseMid);
  expectGetFails(peer, 5s, 1 << 20, "failed", 4.0);
}

TEST(HostileRedis, GarbageIsAProtocolError) {
  HostilePeer peer(Misbehaviour::Garbage);
  expectGetFails(peer, 5s, 1 << 20, "malformed reply", 4.0);
}

TEST(HostileRedis, CancelFlagStopsACommandInFlight) {
  HostilePeer peer(Misbehaviour::Hang);
  std::atomic<bool> cancel{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    cancel = true;
  });
  expectGetFails(peer, 60s, 1 << 20, "interrupted", 2.0, &cancel);
  stopper.join();
}

TEST(HostileRedis, SubmitStopsOnSigtermWith143) {
  HostilePeer peer(Misbehaviour::Hang);
  srv::TempDir dir;
  const std::string in = R"({"id":1,"localKeys":{},"preimages":{}})";
  writeFileAtomic(dir.path() + "/in.json", ByteView(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
  const std::string fpvm = FPVM_TEST_FPVM, url = peer.redisUrl(), input = dir.path() + "/in.json",
                    prestate = "0x" + std::string(64, '3');
  const auto t = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* o = std::freopen("/dev/null", "w", stdout);
    FILE* e = std::freopen("/dev/null", "w", stderr);
    (void)o;
    (void)e;
    ::execl(fpvm.c_str(), fpvm.c_str(), "submit", "--redis-url", url.c_str(), "--prestate", prestate.c_str(), "--input",
            input.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(700ms);
  ::kill(pid, SIGTERM);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    if (since(t) > 30) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL() << "fpvm submit still running 30 s after SIGTERM";
    }
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_LT(since(t), 5);
}

}  // namespace
}  // namespace fpvm::test::dispute
