#pragma once
/// A child process started with exactly the descriptors it should see, and watched without
/// blocking: the low-level half of ServerProcess (spec §6.2, decision 0011).
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace fpvm::preimage {

/// A started child. Not copyable; the destructor reaps nothing (the owner decides when and how
/// the child ends) but closes the exit descriptor.
class ChildProcess {
 public:
  /// Starts `argv` (argv[0] resolved through PATH as execvp does) with stdin/stdout/stderr
  /// inherited, `fds[i]` as its descriptor 3 + i, no other descriptor, default signal
  /// dispositions for SIGINT, SIGTERM and SIGPIPE and an empty signal mask. Throws Error naming
  /// the command when it cannot be executed (not found, not executable, bad format): the exec
  /// result is known before this returns. `environmentPrefix` ("NAME=value" entries) comes before
  /// the inherited environment, so its entries win (getenv returns the first match).
  ChildProcess(const std::vector<std::string>& argv, const std::vector<int>& fds,
               const std::vector<std::string>& environmentPrefix = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The process id (-1 after it was reaped).
  pid_t pid() const { return pid_; }
  /// A descriptor that becomes readable when the child exits (a pidfd), or -1 if the kernel
  /// offers none.
  int exitFd() const { return pidfd_; }
  /// True while the child has not exited; reaps it when it has.
  bool alive();
  /// Waits up to `limit` for the child to exit (reaping it); true when it has.
  bool waitExit(std::chrono::milliseconds limit);
  /// Blocks until the child exits and reaps it.
  void waitExitForever();
  /// How it ended: "exited with code 3", "killed by signal 9 (SIGKILL)"; "" while running.
  const std::string& exitDescription() const { return exitDescription_; }
  /// Whether the child currently ignores `sig` (Linux /proc; false when that cannot be read).
  bool ignores(int sig) const;

 private:
  void reap(int status);
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::string exitDescription_;
};

/// "exited with code N" / "killed by signal N (SIGNAME)" for a waitpid status.
std::string describeWaitStatus(int status);

}  // namespace fpvm::preimage
