// End to end: `fpvm debug` serving a real gdb-multiarch (batch mode) on guest programs with
// symbols. Breakpoints stop at the symbol's address, registers and memory match the machine,
// stepi/reverse-stepi and `monitor goto` land on the state hashes of a forward run,
// reverse-continue finds the previous hit, and detaching ends fpvm with exit code 0.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/hex.hpp"
#include "gdbstub/controller.hpp"
#include "gdbstub/test_programs.hpp"

namespace fpvm::gdbstub {
namespace {

/// The path of gdb-multiarch, or "" when it is not installed.
std::string findGdb() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = dir + "/gdb-multiarch";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

#define REQUIRE_GDB(gdb) \
  if ((gdb).empty()) GTEST_SKIP() << "SKIPPED: gdb-multiarch not installed (apt-get install gdb-multiarch)"

/// A child process with its stderr (and stdout, when `mergeStdout`) on a pipe; killed if still
/// running when destroyed.
class Child {
 public:
  Child(const std::vector<std::string>& argv, bool mergeStdout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 2);
      if (mergeStdout) {
        ::dup2(fds[1], 1);
      } else {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// Reads output until `pattern` appears in it or `seconds` pass; returns all read so far.
  std::string readUntil(const std::string& pattern, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (output_.find(pattern) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (!readSome(100)) break;
    }
    return output_;
  }
  /// Reads everything until the child closes its end, then its exit status (-1 on a timeout).
  int finish(int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline && readSome(100)) {
    }
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return -1;
      ::usleep(20000);
    }
  }
  const std::string& output() const { return output_; }

 private:
  /// False once the pipe is closed.
  bool readSome(int timeoutMs) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return true;
    char buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::string output_;
};

/// Starts `fpvm debug` on `program` at a free loopback port; returns the port.
int startStub(std::unique_ptr<Child>& stub, const std::string& program) {
  stub = std::make_unique<Child>(std::vector<std::string>{FPVM_TEST_FPVM, "debug", "--input", program, "--gdb", "127.0.0.1:0"},
                                 false);
  const std::string out = stub->readUntil("\n", 30);
  std::smatch m;
  const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  if (!std::regex_search(out, m, listening)) {
    ADD_FAILURE() << "fpvm debug did not report its port: " << out;
    return 0;
  }
  return std::stoi(m[1]);
}

/// gdb's output split by the `echo @@label` markers placed before each command.
std::map<std::string, std::string> runGdb(const std::string& gdb, const std::string& program, const std::string& arch,
                                          int port, const std::vector<std::pair<std::string, std::string>>& commands,
                                          std::string& all) {
  std::vector<std::string> argv{"/usr/bin/timeout", "120", gdb, "-batch", "-nx", program};
  auto ex = [&](const std::string& c) {
    argv.push_back("-ex");
    argv.push_back(c);
  };
  ex("set architecture " + arch);
  ex("target remote 127.0.0.1:" + std::to_string(port));
  for (const auto& [label, command] : commands) {
    ex("echo @@" + label + "\\n");
    ex(command);
  }
  ex("echo @@end\\n");
  Child g(argv, true);
  const int rc = g.finish(150);
  all = g.output();
  EXPECT_EQ(rc, 0) << all;
  std::map<std::string, std::string> sections;
  std::string label;
  std::istringstream lines(all);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("@@", 0) == 0) {
      label = line.substr(2);
      continue;
    }
    if (!label.empty()) sections[label] += line + "\n";
  }
  return sections;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

TEST(GdbSession, RiscvBreakStepReverseGotoDetach) {
  const std::string gdb = findGdb();
  REQUIRE_GDB(gdb);
  const std::string program = test::riscvDemo();
  REQUIRE_PROGRAM(program);
  const uint64_t accumulate = test::symbolAddress(program, "accumulate");
  ASSERT_NE(accumulate, 0u);

  // What a forward run says: the steps of the first two hits and the machine there.
  Controller expect(test::loadElf(program), nullptr, nullptr);
  expect.addBreakpoint(accumulate);
  ASSERT_EQ(expect.continueForward({}).kind, StopEvent::Kind::Breakpoint);
  const uint64_t hit1 = expect.machine().step();
  const core::ThreadRegisters regs = expect.machine().registers();
  uint8_t stack[16];
  expect.machine().readMemory(regs.gpr[2], stack, sizeof stack);
  const std::string hash1 = toHex(expect.machine().stateHash());
  ASSERT_EQ(expect.continueForward({}).kind, StopEvent::Kind::Breakpoint);
  const uint64_t hit2 = expect.machine().step();

  std::unique_ptr<Child> stub;
  const int port = startStub(stub, program);
  ASSERT_NE(port, 0);
  std::string all;
  auto out = runGdb(gdb, program, "riscv:rv64", port,
                    {{"break", "break *accumulate"},
                     {"cont1", "continue"},
                     {"pc", "info registers pc"},
                     {"sp", "info registers sp"},
                     {"x", "x/4xw $sp"},
                     {"step1", "monitor step"},
                     {"hash1", "monitor hash"},
                     {"stepi", "stepi"},
                     {"hash2", "monitor hash"},
                     {"rstepi", "reverse-stepi"},
                     {"hash3", "monitor hash"},
                     {"cont2", "continue"},
                     {"step2", "monitor step"},
                     {"rcont", "reverse-continue"},
                     {"step3", "monitor step"},
                     {"goto", "monitor goto 100"},
                     {"hash4", "monitor hash"},
                     {"flush", "maintenance flush register-cache"},
                     {"pc100", "print/x $pc"},
                     {"detach", "detach"}},
                    all);
  SCOPED_TRACE(all);
  EXPECT_NE(out["cont1"].find("Breakpoint 1"), std::string::npos);
  EXPECT_NE(out["pc"].find(hex(accumulate)), std::string::npos);
  EXPECT_NE(out["pc"].find("<accumulate>"), std::string::npos);
  EXPECT_NE(out["sp"].find(hex(regs.gpr[2])), std::string::npos);
  // x/4xw: four little-endian words at sp.
  for (int i = 0; i < 4; ++i) {
    uint32_t w = 0;
    for (int b = 3; b >= 0; --b) w = w << 8 | stack[i * 4 + b];
    char word[16];
    std::snprintf(word, sizeof word, "0x%08x", w);
    EXPECT_NE(out["x"].find(word), std::string::npos) << word;
  }
  EXPECT_EQ(trim(out["step1"]), std::to_string(hit1));
  EXPECT_EQ(trim(out["hash1"]), hash1);
  EXPECT_EQ(trim(out["hash2"]), toHex(test::forwardHash(program, hit1 + 1)));
  EXPECT_EQ(trim(out["hash3"]), hash1);
  EXPECT_EQ(trim(out["step2"]), std::to_string(hit2));
  EXPECT_EQ(trim(out["step3"]), std::to_string(hit1));
  EXPECT_NE(out["goto"].find("step 100"), std::string::npos);
  EXPECT_EQ(trim(out["hash4"]), toHex(test::forwardHash(program, 100)));
  auto at100 = test::loadElf(program);
  (void)at100->advance(100, vm::Engine::Reference, {});
  EXPECT_NE(out["pc100"].find(hex(at100->pc())), std::string::npos);
  EXPECT_NE(out["detach"].find("detached"), std::string::npos);  // gdb 13: "[Inferior 1 (Remote target) detached]"
  EXPECT_EQ(stub->finish(30), 0) << stub->output();
}

TEST(GdbSession, RiscvRunsToTheExit) {
  const std::string gdb = findGdb();
  REQUIRE_GDB(gdb);
  const std::string program = test::riscvDemo();
  REQUIRE_PROGRAM(program);
  std::unique_ptr<Child> stub;
  const int port = startStub(stub, program);
  ASSERT_NE(port, 0);
  std::string all;
  auto out = runGdb(gdb, program, "riscv:rv64", port, {{"cont", "continue"}}, all);
  EXPECT_NE(out["cont"].find("exited normally"), std::string::npos) << all;
  EXPECT_EQ(stub->finish(30), 0);
  // The guest's output went to fpvm's stderr, once.
  const std::string& log = stub->output();
  const size_t first = log.find("total 60");
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("total 60", first + 1), std::string::npos) << log;
}

TEST(GdbSession, Mips64BreakStepReverse) {
  const std::string gdb = findGdb();
  REQUIRE_GDB(gdb);
  const std::string program = test::mips64Guest("hello");
  REQUIRE_PROGRAM(program);
  const uint64_t mainAddr = test::symbolAddress(program, "main");
  ASSERT_NE(mainAddr, 0u);
  Controller expect(test::loadElf(program), nullptr, nullptr);
  expect.addBreakpoint(mainAddr);
  ASSERT_EQ(expect.continueForward({}).kind, StopEvent::Kind::Breakpoint);
  const uint64_t hit = expect.machine().step();
  const core::ThreadRegisters regs = expect.machine().registers();

  std::unique_ptr<Child> stub;
  const int port = startStub(stub, program);
  ASSERT_NE(port, 0);
  std::string all;
  auto out = runGdb(gdb, program, "mips:isa64", port,
                    {{"break", "break *main"},
                     {"cont", "continue"},
                     {"pc", "info registers pc"},
                     {"sp", "print/x $sp"},
                     {"ra", "print/x $ra"},
                     {"step", "monitor step"},
                     {"hash1", "monitor hash"},
                     {"stepi", "stepi"},
                     {"hash2", "monitor hash"},
                     {"rstepi", "reverse-stepi"},
                     {"hash3", "monitor hash"},
                     {"threads", "info threads"},
                     {"detach", "detach"}},
                    all);
  SCOPED_TRACE(all);
  EXPECT_NE(out["pc"].find(hex(mainAddr)), std::string::npos);
  EXPECT_NE(out["sp"].find(hex(regs.gpr[29])), std::string::npos);
  EXPECT_NE(out["ra"].find(hex(regs.gpr[31])), std::string::npos);
  EXPECT_EQ(trim(out["step"]), std::to_string(hit));
  const std::string hash1 = toHex(test::forwardHash(program, hit));
  EXPECT_EQ(trim(out["hash1"]), hash1);
  EXPECT_EQ(trim(out["hash2"]), toHex(test::forwardHash(program, hit + 1)));
  EXPECT_EQ(trim(out["hash3"]), hash1);
  EXPECT_EQ(stub->finish(30), 0) << stub->output();
}

}  // namespace
}  // namespace fpvm::gdbstub
