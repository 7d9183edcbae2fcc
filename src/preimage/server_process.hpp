#pragma once
/// A preimage server subprocess (spec §6.2): started with its hint channel on fds 3 (reads
/// hints) / 4 (writes acks) and its preimage channel on fds 5 (reads keys) / 6 (writes values),
/// stdout/stderr inherited, no other descriptor. Its lifecycle follows Asterisc's host, made safe
/// for unattended use (decision 0011): a command that cannot be executed fails at construction;
/// an answer is awaited as long as the process lives (a warning line every so often, a deadline
/// only when asked for); a dead server fails the exchange at once, naming its exit status; at
/// shutdown the server gets a grace period, then SIGINT (never lost), then a bounded wait.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "preimage/child_process.hpp"

namespace fpvm::preimage {

/// Limits of the host side of the protocol.
struct ServerLimits {
  /// Deadline for one exchange (a hint and its ack, a key and its value); 0 = none: wait as
  /// long as the server process lives.
  std::chrono::milliseconds timeout{0};
  /// A warning line (stderr, logfmt) every this long while an exchange waits; 0 = none.
  std::chrono::milliseconds warnInterval{15000};
  /// Largest preimage length accepted in a response.
  uint64_t maxPreimageBytes = uint64_t(1) << 30;
  /// Shutdown: how long the server may take to exit by itself once its pipes are closed,
  /// before it is sent SIGINT (Asterisc sleeps 1 s, then signals).
  std::chrono::milliseconds exitGrace{1000};
  /// Shutdown: how long to wait after SIGINT before SIGKILL (reported); 0 = no limit.
  std::chrono::milliseconds killAfter{60000};
  /// Raised by a signal handler: a waiting exchange ends with WaitInterrupted, and shutdown
  /// skips the grace period.
  const std::atomic<bool>* cancel = nullptr;
  /// "NAME=value" entries put before the inherited environment of the server (Cannon starts its
  /// server with NO_COLOR=1 first; Asterisc adds nothing).
  std::vector<std::string> environmentPrefix;
};

/// The running server.
class ServerProcess {
 public:
  /// Starts `argv` (argv[0] looked up in PATH). Throws Error if it cannot be executed.
  ServerProcess(const std::vector<std::string>& argv, ServerLimits limits = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Sends one hint (BE u32 length ‖ bytes) and waits for the 1-byte ack.
  void hint(ByteView hint);
  /// Sends a key and reads BE u64 length ‖ value.
  Bytes getPreimage(const Hash32& key);
  /// Closes the channels; waits up to exitGrace for the server to exit, sends SIGINT (again
  /// while the server ignores it), waits up to killAfter, then SIGKILLs it with a warning.
  /// Idempotent.
  void shutdown();
  /// True while the process has not exited.
  bool alive();
  /// How the server ended ("exited with code 3", "killed by signal 9 (SIGKILL)"), or "".
  std::string exitDescription() const;
  /// True when shutdown() had to SIGKILL the server.
  bool killedAtShutdown() const { return killed_; }

 private:
  /// Runs one exchange; on a failure other than an interruption, waits briefly for the server to
  /// end so that exitDescription() can name how.
  template <class Exchange>
  auto guarded(Exchange&& exchange);
  void closeChannels();
  void interruptAndWait();
  std::unique_ptr<ChildProcess> child_;
  int hintOut_ = -1, hintAckIn_ = -1, keyOut_ = -1, valueIn_ = -1;
  ServerLimits limits_;
  std::string name_;
  bool killed_ = false;
};

}  // namespace fpvm::preimage
