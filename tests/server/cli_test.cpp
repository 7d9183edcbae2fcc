// `fpvm serve` as a process: flags and the config file share names (flags win), the JWT secret
// is created on first start, prestate folders load from --prestates, SIGTERM stops it cleanly.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "rpc/jwt.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::srv {
namespace {

/// Runs a command, returns its exit status and stdout.
int run(const std::string& cmd, std::string& out) {
  out.clear();
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const std::string kFpvm = FPVM_TEST_FPVM;

TEST(ServeCli, ConfigFileAndFlagsShareNamesFlagsWin) {
  TempDir dir;
  std::ofstream(dir.path() + "/cfg.json") << R"({"workers": 5, "max-execution-time": "90s", "memory-limit": "1GiB",
      "redis-url": "redis://127.0.0.1:7000", "idletime-to-autoclaim": "2m", "auth": false})";
  std::string out;
  ASSERT_EQ(run(kFpvm + " serve --config " + dir.path() + "/cfg.json --workers 3 --auth --print-config", out), 0) << out;
  Json c = Json::parse(out);
  EXPECT_EQ(c["workers"], 3);
  EXPECT_EQ(c["max-execution-time"], "1m30s");
  EXPECT_EQ(c["memory-limit"], uint64_t(1) << 30);
  EXPECT_EQ(c["redis-url"], "redis://127.0.0.1:7000");
  EXPECT_EQ(c["idletime-to-autoclaim"], "2m");
  EXPECT_EQ(c["auth"], true);
  EXPECT_EQ(c["port"], 8549);
  EXPECT_EQ(c["addr"], "127.0.0.1");
  std::ofstream(dir.path() + "/bad.json") << R"({"wrokers": 5})";
  EXPECT_EQ(run(kFpvm + " serve --config " + dir.path() + "/bad.json --print-config 2>&1", out), 1);
  EXPECT_NE(out.find("unknown option \"wrokers\""), std::string::npos) << out;
  EXPECT_EQ(run(kFpvm + " serve --prestates /nonexistent/folder --no-auth 2>&1", out), 1);
  EXPECT_NE(out.find("is not a folder"), std::string::npos) << out;
}

TEST(ServeCli, ServesPrestateFoldersWithAJwtSecretCreatedOnFirstStart) {
  TempDir dir;
  vm::VmState program = counterProgram();
  runs::writePrestateFolder(dir.path() + "/prestates", program);
  const std::string secret = dir.path() + "/secret/jwt.hex";
  const uint16_t port = freePort();
  const std::string log = dir.path() + "/serve.log";
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    ::dup2(fileno(f), 2);
    const std::string p = std::to_string(port);
    ::execl(kFpvm.c_str(), kFpvm.c_str(), "serve", "--prestates", (dir.path() + "/prestates").c_str(), "--port", p.c_str(),
            "--jwt-secret", secret.c_str(), "--workers", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until it answers.
  rpc::RpcClientOptions o;
  o.port = port;
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!std::filesystem::exists(secret)) continue;
    try {
      o.jwtSecret = rpc::loadOrCreateJwtSecret(secret);
      rpc::RpcClient c(o);
      up = c.call("validation_name") == "fpvm-fast";
    } catch (const std::exception&) {
    }
  }
  ASSERT_TRUE(up) << "server did not come up; log:\n" << std::string(readFile(log).begin(), readFile(log).end());
  rpc::RpcClient c(o);
  EXPECT_EQ(c.call("validation_prestates"), Json::array({toHex(program.stateHash())}));
  Json r = c.call("validation_validate", Json::array({counterInput(10, 1), toHex(program.stateHash())}));
  EXPECT_EQ(r["status"], "invalid");
  // Without the token: refused.
  rpc::RpcClientOptions anon = o;
  anon.jwtSecret.clear();
  rpc::RpcClient a(anon);
  EXPECT_EQ(a.post(R"({"jsonrpc":"2.0","id":1,"method":"validation_name"})").status, 401);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  Bytes text = readFile(log);
  const std::string logText(text.begin(), text.end());
  EXPECT_NE(logText.find("created a new JWT secret"), std::string::npos);
  EXPECT_NE(logText.find("msg=rpc transport=http method=validation_validate"), std::string::npos) << logText;
}

}  // namespace
}  // namespace fpvm::test::srv
