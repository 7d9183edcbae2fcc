#include "gdbstub/transport.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace fpvm::gdbstub {
namespace {

std::string errnoText() { return std::strerror(errno); }

}  // namespace

void parseHostPort(const std::string& text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) throw Error("invalid --gdb address \"" + text + "\" (expected HOST:PORT)");
  host = text.substr(0, colon);
  if (host.empty()) host = "127.0.0.1";
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw Error("invalid --gdb port \"" + digits + "\" (expected 0..65535)");
  const unsigned long value = std::stoul(digits);
  if (value > 65535) throw Error("invalid --gdb port \"" + digits + "\" (expected 0..65535)");
  port = static_cast<uint16_t>(value);
}

TcpListener::TcpListener(const std::string& host, uint16_t port) {
  const std::string name = host == "localhost" ? "127.0.0.1" : host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (rc != 0) throw Error("cannot resolve gdb listen address " + host + ": " + ::gai_strerror(rc));
  std::string failure = "no address";
  for (addrinfo* ai = list; ai && fd_ < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      failure = errnoText();
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1) != 0) {
      failure = errnoText();
      ::close(fd);
      continue;
    }
    fd_ = fd;
  }
  ::freeaddrinfo(list);
  if (fd_ < 0) throw Error("cannot listen on " + host + ":" + std::to_string(port) + ": " + failure);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  char text[INET6_ADDRSTRLEN] = {};
  if (bound.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&bound);
    port_ = ntohs(in->sin_port);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&bound);
    port_ = ntohs(in6->sin6_port);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  }
  address_ = text;
}

TcpListener::~TcpListener() {
  if (fd_ >= 0) ::close(fd_);
}

int TcpListener::accept(int timeoutMs) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeoutMs);
  if (ready < 0 && errno != EINTR) throw Error("cannot wait for a gdb connection: " + errnoText());
  if (ready <= 0) return -1;
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    if (errno != EINTR) throw Error("cannot accept a gdb connection: " + errnoText());
  }
}

SocketChannel::SocketChannel(int fd) : fd_(fd) {}

SocketChannel::~SocketChannel() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SocketChannel::read(int timeoutMs) {
  if (closed_) return {};
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeoutMs);
  if (ready < 0) {
    if (errno == EINTR) return {};
    throw Error("gdb connection: poll failed: " + errnoText());
  }
  if (ready == 0) return {};
  char buf[4096];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return {};
    if (errno == ECONNRESET) {
      closed_ = true;
      return {};
    }
    throw Error("gdb connection: read failed: " + errnoText());
  }
  if (n == 0) closed_ = true;
  return std::string(buf, static_cast<size_t>(n));
}

void SocketChannel::write(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      closed_ = true;
      throw Error("gdb connection: write failed: " + errnoText());
    }
    off += static_cast<size_t>(n);
  }
}

}  // namespace fpvm::gdbstub
