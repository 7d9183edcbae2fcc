#pragma once
/// Redis consumers as separate `fpvm serve --no-rpc` processes (so a test can SIGKILL one in the
/// middle of a job), and counting the log lines they write. Needs FPVM_TEST_FPVM (the fpvm
/// binary), which the server test executables define.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fpvm::test::srv {

/// A consumer process and the file its stdout and stderr go to.
struct ConsumerProcess {
  pid_t pid = -1;
  std::string log;
};

/// Starts `fpvm serve --no-rpc --redis-url URL ARGS…` with its output in `log`.
inline ConsumerProcess spawnConsumer(const std::string& url, const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {FPVM_TEST_FPVM, "serve", "--no-rpc", "--redis-url", url};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  ConsumerProcess c;
  c.log = log;
  c.pid = ::fork();
  if (c.pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::dup2(fd, 1);
    ::execv(FPVM_TEST_FPVM, cargv.data());
    ::_exit(127);
  }
  return c;
}

/// Lines of the file at `path` containing `needle`.
inline int countLines(const std::string& path, const std::string& needle) {
  std::ifstream f(path);
  std::string line;
  int n = 0;
  while (std::getline(f, line))
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}

/// Results the consumers' logs account for when one of them was SIGKILLed mid-job: the lines
/// saying a result was stored, plus the lines of a survivor that found a result already stored.
/// The second kind is the victim's: killed after its SET but before its log line, its stored
/// result is logged by nobody, and the survivor that re-ran the taken-over entry says so.
/// The producer may read the victim's stored result and finish before the survivor has taken the
/// entry over (it waits for the entry to sit idle), and a consumer logs only after its XDEL, so
/// this waits up to 20 s for the logs to account for `expected` results before counting.
/// Returns {stored lines, already-stored lines}.
inline std::pair<int, int> storedResultLines(const std::vector<std::string>& logs, int expected) {
  auto count = [&] {
    std::pair<int, int> n{0, 0};
    for (const auto& log : logs) {
      n.first += countLines(log, "stored=yes");
      n.second += countLines(log, "stored=\"no (a result existed)\"");
    }
    return n;
  };
  std::pair<int, int> n = count();
  for (int i = 0; i < 1000 && n.first + n.second < expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n = count();
  }
  return n;
}

/// Stops a consumer with SIGTERM and returns its wait status.
inline int stopConsumer(ConsumerProcess& c) {
  int status = 0;
  if (c.pid > 0) {
    ::kill(c.pid, SIGTERM);
    ::waitpid(c.pid, &status, 0);
    c.pid = -1;
  }
  return status;
}

}  // namespace fpvm::test::srv
