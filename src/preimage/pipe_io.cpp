#include "preimage/pipe_io.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace fpvm::preimage {
namespace {

/// Waits until fd is ready for `events`, checking the peer every 50 ms.
void waitReady(int fd, short events, Clock::time_point deadline, const PeerAlive& alive, const char* what) {
  for (;;) {
    auto now = Clock::now();
    if (now >= deadline) throw Error(std::string("timed out waiting for the preimage server (") + what + ")");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 50)));
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("poll failed while talking to the preimage server: ") + std::strerror(errno));
    }
    if (rc > 0) return;  // readable/writable, or HUP/ERR which the read/write reports
    if (alive && !alive()) throw Error(std::string("preimage server exited (") + what + ")");
  }
}

}  // namespace

void writeAllBefore(int fd, ByteView data, Clock::time_point deadline, const PeerAlive& alive, const char* what) {
  size_t off = 0;
  while (off < data.size()) {
    waitReady(fd, POLLOUT, deadline, alive, what);
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error(std::string("preimage server closed its input (") + what + "): " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

void readExactBefore(int fd, uint8_t* out, size_t n, Clock::time_point deadline, const PeerAlive& alive, const char* what) {
  size_t off = 0;
  while (off < n) {
    waitReady(fd, POLLIN, deadline, alive, what);
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
