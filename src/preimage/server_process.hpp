#pragma once
/// A preimage server subprocess (spec §6.2): started with its hint channel on fds 3 (reads
/// hints) / 4 (writes acks) and its preimage channel on fds 5 (reads keys) / 6 (writes values),
/// stdout/stderr inherited. Every exchange has a deadline; a dead or silent server is an Error.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::preimage {

/// Limits of the host side of the protocol.
struct ServerLimits {
  /// Longest wait for any one answer.
  std::chrono::milliseconds timeout{15000};
  /// Largest preimage length accepted in a response.
  uint64_t maxPreimageBytes = uint64_t(1) << 30;
  /// Grace period between SIGINT and SIGKILL at shutdown.
  std::chrono::milliseconds shutdownGrace{2000};
};

/// The running server.
class ServerProcess {
 public:
  /// Starts `argv` (argv[0] looked up in PATH). Throws Error if it cannot be started.
  ServerProcess(const std::vector<std::string>& argv, ServerLimits limits = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Sends one hint (BE u32 length ‖ bytes) and waits for the 1-byte ack.
  void hint(ByteView hint);
  /// Sends a key and reads BE u64 length ‖ value.
  Bytes getPreimage(const Hash32& key);
  /// Closes the channels, sends SIGINT, waits (then SIGKILL). Idempotent.
  void shutdown();
  /// True while the process has not exited.
  bool alive();
  /// A description of how the server ended ("exited with code 3", "killed by signal 9"), or "".
  std::string exitDescription() const { return exitDescription_; }

 private:
  void reap(int status);
  pid_t pid_ = -1;
  int hintOut_ = -1, hintAckIn_ = -1, keyOut_ = -1, valueIn_ = -1;
  ServerLimits limits_;
  std::string name_;
  std::string exitDescription_;
};

}  // namespace fpvm::preimage
