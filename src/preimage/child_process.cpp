#include "preimage/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "common/error.hpp"

extern char** environ;

namespace fpvm::preimage {
namespace {

/// The lowest descriptor number the child may keep besides 0–2 and its channels.
constexpr int kFirstChannelFd = 3;

/// RAII for posix_spawn's attribute and file-action objects.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

/// Descriptors closed when the scope ends.
struct TempFds {
  std::vector<int> fds;
  TempFds() = default;
  ~TempFds() {
    for (int fd : fds) ::close(fd);
  }
  TempFds(const TempFds&) = delete;
  TempFds& operator=(const TempFds&) = delete;
};

int openPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return static_cast<int>(fd);
  }
#else
  (void)pid;
#endif
  return -1;  // older kernels: callers poll waitpid instead
}

}  // namespace

std::string describeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (abbrev ? std::string(" (SIG") + abbrev + ")" : std::string());
  }
  return "ended with wait status " + std::to_string(status);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<int>& fds,
                           const std::vector<std::string>& environmentPrefix) {
  if (argv.empty() || argv[0].empty()) throw Error("empty preimage server command");
  SpawnSetup s;
  // Each channel end becomes 3 + i by dup2 (which clears FD_CLOEXEC on the copy only); an end
  // that itself lies in 3 … 3+n-1 is first copied above that range so no dup2 overwrites a source.
  // Every descriptor above the channels is closed in the child, inherited CLOEXEC or not.
  const int firstFree = kFirstChannelFd + static_cast<int>(fds.size());
  TempFds temps;
  for (size_t i = 0; i < fds.size(); ++i) {
    int src = fds[i];
    if (src < firstFree) {
      src = ::fcntl(src, F_DUPFD_CLOEXEC, firstFree);
      if (src < 0) throw Error(std::string("cannot prepare the preimage server's descriptors: ") + std::strerror(errno));
      temps.fds.push_back(src);
    }
    if (posix_spawn_file_actions_adddup2(&s.actions, src, kFirstChannelFd + static_cast<int>(i)) != 0)
      throw Error("cannot prepare the preimage server's descriptors");
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&s.actions, firstFree);
#endif  // older C libraries: only descriptors opened with CLOEXEC (all of fpvm's) stay out
  sigset_t defaults, mask;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP}) sigaddset(&defaults, sig);
  sigemptyset(&mask);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setsigmask(&s.attr, &mask);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  // glibc's posix_spawnp reports the exec failure itself (the child shares the error word with
  // us until exec), and blocks every signal across the clone, resetting handlers in the child
  // before unblocking: a SIGINT sent right after this returns reaches the new program or kills
  // the child, it never lands in a copy of our handler.
  std::vector<char*> env;
  for (const auto& e : environmentPrefix) env.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; e && *e; ++e) env.push_back(*e);
  env.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid, args[0], &s.actions, &s.attr, args.data(), env.data());
  if (rc != 0) {
    std::string why = std::strerror(rc);
    if (rc == ENOENT && argv[0].find('/') == std::string::npos) why = "not found in PATH";
    throw Error("cannot start the preimage server \"" + argv[0] + "\": " + why);
  }
  pid_ = pid;
  pidfd_ = openPidfd(pid);
}

ChildProcess::~ChildProcess() {
  if (pidfd_ >= 0) ::close(pidfd_);
}

void ChildProcess::reap(int status) {
  exitDescription_ = describeWaitStatus(status);
  pid_ = -1;
}

bool ChildProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reap(status);
    return false;
  }
  return true;
}

bool ChildProcess::waitExit(std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (!alive()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) return false;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(end - now);
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      (void)::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(10)));
    }
  }
}

void ChildProcess::waitExitForever() {
  if (pid_ < 0) return;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) reap(status);
  else pid_ = -1;  // ECHILD: someone else reaped it
}

bool ChildProcess::ignores(int sig) const {
  if (pid_ < 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SigIgn:", 0) != 0) continue;
    unsigned long long mask = std::strtoull(line.c_str() + 7, nullptr, 16);
    return (mask >> (sig - 1)) & 1;
  }
  return false;
}

}  // namespace fpvm::preimage
