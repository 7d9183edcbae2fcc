#pragma once
/// Pipe I/O between a host and its preimage server. The host side waits for its peer with a
/// policy (decision 0011): as long as the peer process lives unless a deadline is set, with a
/// warning every so often, failing at once when the peer dies and ending early when a cancel
/// flag is raised. The server side (plain blocking helpers) has no deadline.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

#include "common/bytes.hpp"
#include "common/error.hpp"

namespace fpvm::preimage {

using Clock = std::chrono::steady_clock;

/// Returns false once the peer is known to be gone.
using PeerAlive = std::function<bool()>;

/// Thrown when a wait ends because the cancel flag was raised (SIGINT/SIGTERM).
class WaitInterrupted : public Error {
 public:
  using Error::Error;
};

/// How the host waits for its peer during one exchange.
struct WaitPolicy {
  /// Fail (Error "timed out …") when the exchange is not complete by then; none = no deadline.
  std::optional<Clock::time_point> deadline;
  /// Call `onSlow` with the time waited so far every this long while waiting; 0 = never.
  std::chrono::milliseconds warnEvery{0};
  /// Told how long the exchange has waited (at warnEvery, 2 × warnEvery, …).
  std::function<void(std::chrono::milliseconds waited)> onSlow;
  /// When it becomes true the wait ends with WaitInterrupted (checked at least every 100 ms).
  const std::atomic<bool>* cancel = nullptr;
  /// A descriptor that becomes readable when the peer process exits (a pidfd), or -1: then
  /// `alive` is asked every 50 ms.
  int peerExitFd = -1;
  /// Whether the peer process still runs; a dead peer ends the wait with an Error at once.
  PeerAlive alive;
};

/// One exchange with the peer under a WaitPolicy; the time waited counts from construction.
class PeerExchange {
 public:
  explicit PeerExchange(WaitPolicy policy);
  /// Writes all of `data`; throws Error mentioning `what` on timeout, a closed pipe or peer exit.
  void write(int fd, ByteView data, const char* what);
  /// Reads exactly `n` bytes; throws Error mentioning `what` on timeout, EOF or peer exit.
  void read(int fd, uint8_t* out, size_t n, const char* what);

 private:
  void waitReady(int fd, short events, const char* what);
  WaitPolicy policy_;
  Clock::time_point started_, nextWarn_;
  bool exitFdFired_ = false;
};

/// Plain blocking helpers for the server side (no deadline). Return false on EOF before the
/// first byte; throw Error on a short read or I/O error.
bool readExact(int fd, uint8_t* out, size_t n);
/// Writes all of `data`; throws Error on an I/O error.
void writeAll(int fd, ByteView data);

}  // namespace fpvm::preimage
