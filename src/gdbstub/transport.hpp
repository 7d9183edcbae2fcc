#pragma once
/// The byte channel the stub talks over: an interface (so the protocol can be driven without a
/// socket) and its TCP implementation (one listening socket, one accepted connection).
#include <cstddef>
#include <cstdint>
#include <string>

namespace fpvm::gdbstub {

/// A bidirectional byte stream to the debugger.
class Channel {
 public:
  virtual ~Channel() = default;
  /// Reads what is available, waiting at most `timeoutMs` (-1 = forever). Returns the bytes read:
  /// empty on a timeout. Sets closed() when the peer closed the stream. Throws Error on failure.
  virtual std::string read(int timeoutMs) = 0;
  /// Writes all of `bytes`. Throws Error when the stream is broken.
  virtual void write(const std::string& bytes) = 0;
  /// True once the peer closed the stream.
  virtual bool closed() const = 0;
};

/// A listening TCP socket.
class TcpListener {
 public:
  /// Binds and listens on `host` (a numeric address or a name; "localhost" = 127.0.0.1) and
  /// `port` (0 = a free port). Throws Error naming the address when that fails.
  TcpListener(const std::string& host, uint16_t port);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  /// The bound port (the chosen one when 0 was asked for).
  uint16_t port() const { return port_; }
  /// The bound address as text ("127.0.0.1").
  const std::string& address() const { return address_; }
  /// Waits up to `timeoutMs` (-1 = forever) for one connection and returns its socket (owned by
  /// the caller), or -1 on a timeout or a signal. Throws Error.
  int accept(int timeoutMs);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::string address_;
};

/// A Channel over a connected socket; closes it when destroyed.
class SocketChannel final : public Channel {
 public:
  /// Takes ownership of `fd`.
  explicit SocketChannel(int fd);
  ~SocketChannel() override;
  SocketChannel(const SocketChannel&) = delete;
  SocketChannel& operator=(const SocketChannel&) = delete;
  std::string read(int timeoutMs) override;
  void write(const std::string& bytes) override;
  bool closed() const override { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

/// Splits "HOST:PORT" (the host may be empty = 127.0.0.1). Throws Error on a malformed value.
void parseHostPort(const std::string& text, std::string& host, uint16_t& port);

}  // namespace fpvm::gdbstub
