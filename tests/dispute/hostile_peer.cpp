#include "hostile_peer.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <vector>

#include "loopback_socket.hpp"

namespace fpvm::test::dispute {
namespace {

/// Takes one complete RESP command (an array of bulk strings) off the front of `buf`.
std::optional<std::vector<std::string>> takeCommand(std::string& buf) {
  size_t pos = 0;
  auto line = [&]() -> std::optional<std::string> {
    const size_t end = buf.find("\r\n", pos);
    if (end == std::string::npos) return std::nullopt;
    std::string l = buf.substr(pos, end - pos);
    pos = end + 2;
    return l;
  };
  const auto head = line();
  if (!head || head->empty() || (*head)[0] != '*') return std::nullopt;
  const size_t n = std::stoul(head->substr(1));
  std::vector<std::string> args;
  for (size_t i = 0; i < n; ++i) {
    const auto len = line();
    if (!len || len->empty() || (*len)[0] != '$') return std::nullopt;
    const size_t l = std::stoul(len->substr(1));
    if (buf.size() < pos + l + 2) return std::nullopt;
    args.push_back(buf.substr(pos, l));
    pos += l + 2;
  }
  buf.erase(0, pos);
  return args;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

HostilePeer::HostilePeer(Misbehaviour how, std::string body) : how_(how), body_(std::move(body)) {
  listener_ = listenOnLoopback(port_, "HostilePeer");
  thread_ = std::thread([this] { serve(); });
}

HostilePeer::~HostilePeer() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

bool HostilePeer::send(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size() && !stop_) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
    sent_ += static_cast<uint64_t>(n);
  }
  return done == data.size();
}

void HostilePeer::serve() {
  while (!stop_) {
    if (!readable(listener_)) continue;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void HostilePeer::hangUntilClosed(int fd) {
  char buf[4096];
  while (!stop_) {
    if (readable(fd) && ::recv(fd, buf, sizeof buf, 0) <= 0) return;  // the client gave up
  }
}

void HostilePeer::serveRedisScript(int fd) {
  std::string pending;
  char buf[4096];
  while (!stop_) {
    while (auto cmd = takeCommand(pending)) {
      const std::string name = cmd->empty() ? "" : upper(cmd->front());
      if (name == "XGROUP" || name == "PING" || name == "SELECT" || name == "AUTH" || name == "CLIENT") {
        if (!send(fd, "+OK\r\n")) return;
      } else if (name == "XADD") {
        const std::string id = std::to_string(nextEntryId_++) + "-0";
        if (!send(fd, "$" + std::to_string(id.size()) + "\r\n" + id + "\r\n")) return;
      } else if (name == "GET" && how_ == Misbehaviour::RedisGarbageResult) {
        const std::string garbage = "<html>not a result</html>";
        if (!send(fd, "$" + std::to_string(garbage.size()) + "\r\n" + garbage + "\r\n")) return;
      } else {
        hangUntilClosed(fd);
        return;
      }
    }
    if (!readable(fd)) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    pending.append(buf, static_cast<size_t>(n));
  }
}

void HostilePeer::handle(int fd) {
  if (how_ == Misbehaviour::RedisSetupThenHang || how_ == Misbehaviour::RedisGarbageResult) {
    serveRedisScript(fd);
    return;
  }
  // Read until the end of the request header (the bodies sent by the clients are small and
  // arrive with it).
  std::string request;
  char buf[4096];
  const bool resp = how_ == Misbehaviour::RedisTrickle || how_ == Misbehaviour::RedisHuge || how_ == Misbehaviour::RedisCloseMid;
  auto complete = [&] {
    if (resp || request.rfind("*", 0) == 0) return request.size() >= 2 && request.compare(request.size() - 2, 2, "\r\n") == 0;
    return request.find("\r\n\r\n") != std::string::npos;
  };
  while (!stop_ && !complete()) {
    if (!readable(fd)) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  using namespace std::chrono;
  switch (how_) {
    case Misbehaviour::Hang: hangUntilClosed(fd); return;
    case Misbehaviour::Trickle:
    case Misbehaviour::RedisTrickle: {
      const std::string header = how_ == Misbehaviour::RedisTrickle
                                     ? "$100000\r\n"
                                     : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
      if (!send(fd, header)) return;
      for (auto next = steady_clock::now(); !stop_;) {
        if (readable(fd) && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
        if (steady_clock::now() < next) continue;
        if (!send(fd, "[")) return;
        next += seconds(1);
      }
      return;
    }
    case Misbehaviour::CloseMid:
      send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\"");
      return;
    case Misbehaviour::RedisCloseMid: send(fd, "$1000\r\n0123456789"); return;
    case Misbehaviour::Huge:
    case Misbehaviour::RedisHuge: {
      const std::string header = how_ == Misbehaviour::RedisHuge
                                     ? "$1073741824\r\n"
                                     : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n";
      if (!send(fd, header)) return;
      const std::string chunk(64 * 1024, ' ');
      for (uint64_t total = 0; total < (uint64_t(1) << 30) && !stop_; total += chunk.size())
        if (!send(fd, chunk)) return;
      return;
    }
    case Misbehaviour::Garbage: send(fd, "\x16\x03\x01 this is not HTTP at all \xff\xfe\r\n\r\n"); return;
    case Misbehaviour::Status502: {
      const std::string body = "<html><body>502 Bad Gateway</body></html>";
      send(fd, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\nConnection: close\r\n\r\n" + body);
      return;
    }
    case Misbehaviour::ValidJson:
      send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_.size()) +
                   "\r\nConnection: close\r\n\r\n" + body_);
      return;
    case Misbehaviour::RedisSetupThenHang:
    case Misbehaviour::RedisGarbageResult: return;  // served by serveRedisScript
  }
}

}  // namespace fpvm::test::dispute
