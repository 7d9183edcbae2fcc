#include "preimage/pipe_io.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace fpvm::preimage {
namespace {

using std::chrono::milliseconds;

milliseconds until(Clock::time_point t, Clock::time_point now) {
  return t <= now ? milliseconds(0) : std::chrono::ceil<milliseconds>(t - now);
}

std::string seconds(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

PeerExchange::PeerExchange(WaitPolicy policy) : policy_(std::move(policy)), started_(Clock::now()) {
  nextWarn_ = started_ + policy_.warnEvery;
}

void PeerExchange::waitReady(int fd, short events, const char* what) {
  for (;;) {
    if (policy_.cancel && policy_.cancel->load(std::memory_order_relaxed))
      throw WaitInterrupted(std::string("interrupted while waiting for the preimage server (") + what + ")");
    const auto now = Clock::now();
    if (policy_.deadline && now >= *policy_.deadline)
      throw Error(std::string("timed out waiting for the preimage server (") + what + ") after " +
                  seconds(std::chrono::duration_cast<milliseconds>(now - started_)));
    if (policy_.warnEvery.count() > 0 && now >= nextWarn_) {
      if (policy_.onSlow) policy_.onSlow(std::chrono::duration_cast<milliseconds>(now - started_));
      while (nextWarn_ <= now) nextWarn_ += policy_.warnEvery;
    }
    const bool useExitFd = policy_.peerExitFd >= 0 && !exitFdFired_;
    milliseconds wait(useExitFd ? 100 : 50);
    if (policy_.deadline) wait = std::min(wait, until(*policy_.deadline, now));
    if (policy_.warnEvery.count() > 0) wait = std::min(wait, until(nextWarn_, now));
    pollfd p[2] = {{fd, events, 0}, {useExitFd ? policy_.peerExitFd : -1, POLLIN, 0}};
    const int rc = ::poll(p, 2, static_cast<int>(wait.count()));
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("poll failed while talking to the preimage server: ") + std::strerror(errno));
    }
    if (p[0].revents != 0) return;  // ready, or HUP/ERR which the read/write reports
    const bool exitSignalled = useExitFd && p[1].revents != 0;
    if (exitSignalled) exitFdFired_ = true;  // from now on ask alive() (the fd stays readable)
    if ((exitSignalled || !useExitFd) && policy_.alive && !policy_.alive())
      throw Error(std::string("preimage server exited (") + what + ")");
  }
}

void PeerExchange::write(int fd, ByteView data, const char* what) {
  size_t off = 0;
  while (off < data.size()) {
    waitReady(fd, POLLOUT, what);
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error(std::string("preimage server closed its input (") + what + "): " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

void PeerExchange::read(int fd, uint8_t* out, size_t n, const char* what) {
  size_t off = 0;
  while (off < n) {
    waitReady(fd, POLLIN, what);
    ssize_t r = ::read(fd, out + off, n - off);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error(std::string("cannot read from the preimage server (") + what + "): " + std::strerror(errno));
    }
    if (r == 0) throw Error(std::string("preimage server closed its output (") + what + ")");
    off += static_cast<size_t>(r);
  }
}

bool readExact(int fd, uint8_t* out, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t r = ::read(fd, out + off, n - off);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("read failed: ") + std::strerror(errno));
    }
    if (r == 0) {
      if (off == 0) return false;
      throw Error("unexpected end of stream in the middle of a message");
    }
    off += static_cast<size_t>(r);
  }
  return true;
}

void writeAll(int fd, ByteView data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("write failed: ") + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

}  // namespace fpvm::preimage
