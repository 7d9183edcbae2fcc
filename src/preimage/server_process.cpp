#include "preimage/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::preimage {
namespace {

using std::chrono::milliseconds;

/// A CLOEXEC pipe whose ends are numbered above 6, so that they can never be mistaken for the
/// child's channel descriptors 3–6.
void makePipe(int fds[2]) {
  int raw[2];
  if (::pipe2(raw, O_CLOEXEC) != 0) throw Error(std::string("cannot create pipe: ") + std::strerror(errno));
  for (int i = 0; i < 2; ++i) {
    fds[i] = raw[i] > 6 ? raw[i] : ::fcntl(raw[i], F_DUPFD_CLOEXEC, 7);
    if (fds[i] != raw[i]) ::close(raw[i]);
  }
  if (fds[0] < 0 || fds[1] < 0) throw Error(std::string("cannot create pipe: ") + std::strerror(errno));
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string secondsText(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv, ServerLimits limits) : limits_(std::move(limits)) {
  if (argv.empty()) throw Error("empty preimage server command");
  name_ = argv[0];
  int hint[2] = {-1, -1}, ack[2] = {-1, -1}, key[2] = {-1, -1}, value[2] = {-1, -1};
  try {
    makePipe(hint);
    makePipe(ack);
    makePipe(key);
    makePipe(value);
    child_ = std::make_unique<ChildProcess>(argv, std::vector<int>{hint[0], ack[1], key[0], value[1]}, limits_.environmentPrefix);
  } catch (...) {
    for (int* p : {hint, ack, key, value}) {
      closeFd(p[0]);
      closeFd(p[1]);
    }
    throw;
  }
  ::close(hint[0]);
  ::close(ack[1]);
  ::close(key[0]);
  ::close(value[1]);
  hintOut_ = hint[1];
  hintAckIn_ = ack[0];
  keyOut_ = key[1];
  valueIn_ = value[0];
}

ServerProcess::~ServerProcess() {
  try {
    shutdown();
  } catch (...) {
  }
}

bool ServerProcess::alive() { return child_ && child_->alive(); }

std::string ServerProcess::exitDescription() const { return child_ ? child_->exitDescription() : std::string(); }

namespace {

/// The wait policy of one exchange, with a warning line naming `what` when it is slow.
WaitPolicy policyFor(const ServerLimits& limits, ChildProcess& child, const std::string& name, const std::string& what) {
  WaitPolicy p;
  if (limits.timeout.count() > 0) p.deadline = Clock::now() + limits.timeout;
  p.warnEvery = limits.warnInterval;
  p.onSlow = [name, what, limits](milliseconds waited) {
    logWarn("still waiting for the preimage server",
            {{"waited", secondsText(waited)},
             {"for", what},
             {"server", name},
             {"deadline", limits.timeout.count() > 0 ? formatDuration(limits.timeout) : std::string("none")}});
  };
  p.cancel = limits.cancel;
  p.peerExitFd = child.exitFd();
  p.alive = [&child] { return child.alive(); };
  return p;
}

}  // namespace

template <class Exchange>
auto ServerProcess::guarded(Exchange&& exchange) {
  if (!alive()) throw Error("preimage server " + name_ + " is not running (" + exitDescription() + ")");
  try {
    return exchange();
  } catch (const WaitInterrupted&) {
    throw;
  } catch (const Error&) {
    // A closed pipe usually means the server is on its way out: give it a moment to end so that
    // the caller can say how it ended.
    (void)child_->waitExit(milliseconds(200));
    throw;
  }
}

void ServerProcess::hint(ByteView hint) {
  guarded([&] {
    PeerExchange io(policyFor(limits_, *child_, name_, "hint ack"));
    Bytes msg(4 + hint.size());
    putBE32(msg.data(), static_cast<uint32_t>(hint.size()));
    std::copy(hint.begin(), hint.end(), msg.begin() + 4);
    io.write(hintOut_, msg, "sending hint");
    uint8_t ack;
    io.read(hintAckIn_, &ack, 1, "waiting for hint ack");
  });
}

Bytes ServerProcess::getPreimage(const Hash32& key) {
  return guarded([&] {
    PeerExchange io(policyFor(limits_, *child_, name_, "preimage " + toHex(key)));
    io.write(keyOut_, ByteView(key.b), "sending preimage key");
    uint8_t lenBuf[8];
    io.read(valueIn_, lenBuf, 8, "reading preimage length");
    uint64_t len = getBE64(lenBuf);
    if (len > limits_.maxPreimageBytes)
      throw Error("malformed response from preimage server: length " + std::to_string(len) + " for key " + toHex(key) +
                  " exceeds the " + std::to_string(limits_.maxPreimageBytes) + "-byte limit");
    Bytes value(len);
    io.read(valueIn_, value.data(), len, "reading preimage value");
    return value;
  });
}

void ServerProcess::closeChannels() {
  closeFd(hintOut_);
  closeFd(hintAckIn_);
  closeFd(keyOut_);
  closeFd(valueIn_);
}

void ServerProcess::shutdown() {
  closeChannels();
  if (!child_ || !child_->alive()) return;
  // A well-behaved server sees EOF on fds 3 and 5 and exits: that needs no signal. Asterisc
  // sleeps a full second; waiting for the exit returns as soon as it happens. An operator's
  // Ctrl-C skips the grace.
  const bool cancelled = limits_.cancel && limits_.cancel->load(std::memory_order_relaxed);
  if (!cancelled && child_->waitExit(limits_.exitGrace)) return;
  interruptAndWait();
}

void ServerProcess::interruptAndWait() {
  // SIGINT once it can be acted on: a server that still ignores SIGINT (it has not set up its
  // handler yet) gets it again every 100 ms until it no longer ignores it, so the signal is never
  // dropped; a handler or the default action then ends it. Never more than one delivered SIGINT
  // (a second one makes some programs skip their cleanup).
  const auto start = Clock::now();
  bool delivered = false;
  for (;;) {
    if (!delivered) {
      const bool ignored = child_->ignores(SIGINT);
      if (child_->pid() > 0) ::kill(child_->pid(), SIGINT);
      delivered = !ignored;
    }
    const auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    milliseconds slice(100);
    if (limits_.killAfter.count() > 0) {
      if (waited >= limits_.killAfter) break;
      slice = std::min(slice, limits_.killAfter - waited);
    }
    if (child_->waitExit(slice)) return;
  }
  if (child_->pid() > 0) ::kill(child_->pid(), SIGKILL);
  child_->waitExitForever();
  killed_ = true;
  logWarn("preimage server did not exit after SIGINT; killed it with SIGKILL",
          {{"server", name_}, {"waited", secondsText(limits_.killAfter)}});
}

}  // namespace fpvm::preimage
