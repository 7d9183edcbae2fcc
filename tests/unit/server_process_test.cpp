// The host side of a preimage server subprocess (spec §6.2, decision 0011): waiting while the
// server lives, failing at once when it dies, start-up errors, inherited descriptors and the
// shutdown sequence, against test_preimage_server.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "preimage/pipe_io.hpp"
#include "preimage/server_process.hpp"

namespace fpvm::preimage {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

const std::string kServer = TEST_PREIMAGE_SERVER;

double secondsSince(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

/// A scratch folder removed at the end of the test.
class ServerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fpvm-server-process-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  Hash32 key_{};
};

TEST_F(ServerProcessTest, DefaultLimitsWaitAsLongAsTheServerLives) {
  const ServerLimits defaults;
  EXPECT_EQ(defaults.timeout.count(), 0) << "no deadline unless one is asked for";
  EXPECT_EQ(defaults.warnInterval, milliseconds(15000));
  EXPECT_EQ(defaults.exitGrace, milliseconds(1000)) << "Asterisc waits 1 s before SIGINT";
}

TEST_F(ServerProcessTest, SlowAnswerIsAwaitedWithWarnings) {
  // The answer takes 2.5 s: five warning intervals of 0.5 s (the default interval is 15 s, the
  // old hard limit); with no deadline the host keeps waiting and gets it.
  ServerLimits limits;
  limits.warnInterval = milliseconds(500);
  ServerProcess server({kServer, "--answer-after-ms", "2500"}, limits);
  testing::internal::CaptureStderr();
  const auto start = Steady::now();
  Bytes value = server.getPreimage(key_);
  const double took = secondsSince(start);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::string(value.begin(), value.end()), "hello");
  EXPECT_GE(took, 2.4);
  EXPECT_GE(count(err, "still waiting for the preimage server"), 4u) << err;
  // The waited= values grow from about one interval to past four (timing slack under load).
  std::vector<double> waited;
  static const std::regex kWaited("waited=([0-9.]+)s");
  for (auto it = std::sregex_iterator(err.begin(), err.end(), kWaited); it != std::sregex_iterator(); ++it)
    waited.push_back(std::stod((*it)[1]));
  ASSERT_GE(waited.size(), 4u) << err;
  EXPECT_GE(waited.front(), 0.5);
  EXPECT_LT(waited.front(), 1.0);
  EXPECT_TRUE(std::is_sorted(waited.begin(), waited.end())) << err;
  EXPECT_GE(waited.back(), 2.0) << err;
  EXPECT_NE(err.find("deadline=none"), std::string::npos) << err;
  EXPECT_NE(err.find("for=\"preimage 0x0000"), std::string::npos) << err;
}

TEST_F(ServerProcessTest, ExplicitDeadlineStillFails) {
  ServerLimits limits;
  limits.timeout = milliseconds(300);
  limits.exitGrace = milliseconds(0);
  ServerProcess server({kServer, "--answer-after-ms", "3000"}, limits);
  const auto start = Steady::now();
  try {
    (void)server.getPreimage(key_);
    FAIL() << "no timeout";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("timed out waiting for the preimage server"), std::string::npos) << e.what();
  }
  EXPECT_LT(secondsSince(start), 1.0);
}

TEST_F(ServerProcessTest, ServerExitingMidRequestFailsAtOnce) {
  ServerProcess server({kServer, "--exit-on-key", "7"});
  const auto start = Steady::now();
  try {
    (void)server.getPreimage(key_);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("preimage server"), std::string::npos) << e.what();
  }
  EXPECT_LT(secondsSince(start), 0.5) << "no deadline is involved: the exit itself ends the wait";
  EXPECT_FALSE(server.alive());
  EXPECT_EQ(server.exitDescription(), "exited with code 7");
}

TEST_F(ServerProcessTest, ServerKilledMidRequestNamesTheSignal) {
  ServerProcess server({kServer, "--signal-on-key", "9"});
  const auto start = Steady::now();
  EXPECT_THROW((void)server.getPreimage(key_), Error);
  EXPECT_LT(secondsSince(start), 0.5);
  EXPECT_EQ(server.exitDescription(), "killed by signal 9 (SIGKILL)");
}

TEST_F(ServerProcessTest, CancelFlagEndsTheWait) {
  std::atomic<bool> cancel{false};
  ServerLimits limits;
  limits.cancel = &cancel;
  ServerProcess server({kServer, "--answer-after-ms", "5000"}, limits);
  std::thread signaller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    cancel = true;
  });
  const auto start = Steady::now();
  EXPECT_THROW((void)server.getPreimage(key_), WaitInterrupted);
  signaller.join();
  EXPECT_LT(secondsSince(start), 0.8);
  const auto stop = Steady::now();
  server.shutdown();  // cancelled: no grace, SIGINT at once (the helper's handler ends it)
  EXPECT_LT(secondsSince(stop), 0.5);
  EXPECT_EQ(server.exitDescription(), "exited with code 130");
}

TEST_F(ServerProcessTest, MissingExecutableFailsAtStartUp) {
  try {
    ServerProcess server({"/nonexistent/op-program", "--server"});
    FAIL() << "started";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start the preimage server \"/nonexistent/op-program\": No such file"),
              std::string::npos)
        << e.what();
  }
  try {
    ServerProcess server({"fpvm-no-such-preimage-server"});
    FAIL() << "started";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not found in PATH"), std::string::npos) << e.what();
  }
  const std::string plain = path("not-executable");
  std::ofstream(plain) << "#!/bin/sh\nexit 0\n";
  ::chmod(plain.c_str(), 0644);
  try {
    ServerProcess server({plain});
    FAIL() << "started";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Permission denied"), std::string::npos) << e.what();
  }
}

TEST_F(ServerProcessTest, ServerSeesOnlyDescriptorsZeroToSix) {
  // A descriptor opened without O_CLOEXEC must not leak into the server either.
  const int stray = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(stray, 0);
  {
    ServerProcess server({kServer, "--fd-list", path("fds")});
    EXPECT_EQ(server.getPreimage(key_).size(), 5u);
  }
  ::close(stray);
  EXPECT_EQ(readText(path("fds")), "0 1 2 3 4 5 6\n");
}

TEST_F(ServerProcessTest, ServerThatExitsOnEofNeedsNoSignal) {
  ServerLimits limits;
  limits.exitGrace = milliseconds(5000);
  ServerProcess server({kServer, "--marker", path("marker")}, limits);
  (void)server.getPreimage(key_);
  const auto start = Steady::now();
  server.shutdown();
  EXPECT_LT(secondsSince(start), 1.0) << "the grace ends when the server exits";
  EXPECT_EQ(server.exitDescription(), "exited with code 0");
  EXPECT_FALSE(std::filesystem::exists(path("marker"))) << "no SIGINT was needed";
}

TEST_F(ServerProcessTest, SlowCleanupAfterSigintIsWaitedFor) {
  // Asterisc: grace, SIGINT, wait. The server needs 2.5 s to clean up and is not killed.
  ServerLimits limits;
  limits.exitGrace = milliseconds(200);
  ServerProcess server({kServer, "--stay", "--on-sigint-sleep-ms", "2500", "--marker", path("marker")}, limits);
  testing::internal::CaptureStderr();
  const auto start = Steady::now();
  server.shutdown();
  const double took = secondsSince(start);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_GE(took, 2.6);
  EXPECT_EQ(readText(path("marker")), "clean exit after sigint\n");
  EXPECT_EQ(server.exitDescription(), "exited with code 0");
  EXPECT_FALSE(server.killedAtShutdown());
  EXPECT_EQ(err.find("SIGKILL"), std::string::npos) << err;
}

TEST_F(ServerProcessTest, SigintSentBeforeTheHandlerIsNotLost) {
  // The server ignores SIGINT for its first 0.8 s (it has not set up its handler yet). With no
  // grace the first SIGINT arrives while it is ignored; the host sends it again until the server
  // no longer ignores it, so the handler runs and the server exits cleanly, unkilled.
  ServerLimits limits;
  limits.exitGrace = milliseconds(0);
  limits.killAfter = milliseconds(5000);
  ServerProcess server({kServer, "--stay", "--ignore-sigint-ms", "800", "--marker", path("marker")}, limits);
  (void)server.getPreimage(key_);  // the server is up (and ignoring SIGINT)
  const auto start = Steady::now();
  server.shutdown();
  EXPECT_LT(secondsSince(start), 2.0);
  EXPECT_EQ(readText(path("marker")), "clean exit after sigint\n");
  EXPECT_EQ(server.exitDescription(), "exited with code 0");
  EXPECT_FALSE(server.killedAtShutdown());
}

TEST_F(ServerProcessTest, ServerDeafToSigintIsKilledAndReported) {
  ServerLimits limits;
  limits.exitGrace = milliseconds(100);
  limits.killAfter = milliseconds(700);
  ServerProcess server({kServer, "--stay", "--ignore-sigint"}, limits);
  testing::internal::CaptureStderr();
  const auto start = Steady::now();
  server.shutdown();
  const double took = secondsSince(start);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_GE(took, 0.75);
  EXPECT_LT(took, 2.0);
  EXPECT_TRUE(server.killedAtShutdown());
  EXPECT_EQ(server.exitDescription(), "killed by signal 9 (SIGKILL)");
  EXPECT_NE(err.find("preimage server did not exit after SIGINT; killed it with SIGKILL"), std::string::npos) << err;
}

}  // namespace
}  // namespace fpvm::preimage
