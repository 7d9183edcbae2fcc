#include "server/http_server.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "common/error.hpp"
#include "common/logfmt.hpp"
#include "rpc/jwt.hpp"
#include "rpc/rpc_error.hpp"

namespace fpvm::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// How long an idle keep-alive connection (or a slow request) may take.
constexpr auto kReadTimeout = std::chrono::seconds(120);

/// Time allowed to write `bytes` to a client (slow readers of large answers get longer).
std::chrono::seconds writeTimeout(size_t bytes) { return std::chrono::seconds(60 + bytes / (4u << 20)); }

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  RpcService& rpc;
  Metrics& metrics;
  std::function<std::string()> health;
  net::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t boundPort = 0;
  bool stopped = false;

  Impl(HttpOptions o, RpcService& r, Metrics& m, std::function<std::string()> h)
      : options(std::move(o)), rpc(r), metrics(m), health(std::move(h)), ioc(static_cast<int>(options.threads)) {}

  /// "" when the request may call RPC methods, else the reason.
  std::string authFailure(const http::request_header<>& req) const {
    if (!options.auth) return "";
    auto it = req.find(http::field::authorization);
    const std::string header = it == req.end() ? std::string() : std::string(it->value());
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return rpc::checkAuthorization(options.jwtSecret, header, now);
  }

  void doAccept();
};

namespace {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, HttpServer::Impl& server) : ws_(std::move(socket)), server_(server) {}

  void run(http::request<http::string_body> req) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(server_.options.requestSizeLimit);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "fpvm-validation-server"); }));
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::onAccept, shared_from_this()));
  }

 private:
  void onAccept(beast::error_code ec) {
    if (ec) return;
    doRead();
  }

  void doRead() { ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::onRead, shared_from_this())); }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec == websocket::error::message_too_big) {
      // Beast closes the connection with code 1009 ("message too big").
      server_.metrics.inc("fpvm_http_oversize_total");
      logWarn("websocket message over request-size-limit; connection closed",
              {{"limit", std::to_string(server_.options.requestSizeLimit)}});
      return;
    }
    if (ec) return;  // closed or failed
    std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    auto self = shared_from_this();
    server_.rpc.handle(std::move(message), "ws", [self](std::string out) {
      if (out.empty()) return;
      net::post(self->ws_.get_executor(), [self, out = std::move(out)]() mutable { self->enqueue(std::move(out)); });
    });
    doRead();
  }

  void enqueue(std::string out) {
    queue_.push_back(std::make_shared<std::string>(std::move(out)));
    if (!writing_) doWrite();
  }

  void doWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()), beast::bind_front_handler(&WsSession::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    queue_.pop_front();
    if (ec) {
      writing_ = false;
      queue_.clear();
      return;
    }
    if (!queue_.empty()) doWrite();
    else writing_ = false;
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  HttpServer::Impl& server_;
  std::deque<std::shared_ptr<std::string>> queue_;
  bool writing_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::doRead, shared_from_this())); }

 private:
  void doRead() {
    parser_.emplace();
    parser_->body_limit(server_.options.requestSizeLimit);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) return refuseOversize();
    if (ec) return;
    http::request<http::string_body> req = parser_->release();
    if (websocket::is_upgrade(req)) {
      std::string why = server_.authFailure(req);
      if (!why.empty()) return refuseAuth(req, why);
      std::make_shared<WsSession>(stream_.release_socket(), server_)->run(std::move(req));
      return;
    }
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    if (req.method() == http::verb::get && path == "/metrics") {
      return send(makeResponse(req, http::status::ok, server_.metrics.render(), "text/plain; version=0.0.4; charset=utf-8"));
    }
    if (req.method() == http::verb::get && path == "/health") {
      return send(makeResponse(req, http::status::ok, server_.health(), "application/json"));
    }
    if (req.method() != http::verb::post) {
      return send(makeResponse(req, path == "/" ? http::status::method_not_allowed : http::status::not_found,
                               RpcService::errorResponse(rpc::kInvalidRequest,
                                                         "invalid request: use POST / for JSON-RPC, GET /metrics or GET /health"),
                               "application/json"));
    }
    if (path != "/") {
      return send(makeResponse(req, http::status::not_found,
                               RpcService::errorResponse(rpc::kInvalidRequest, "invalid request: JSON-RPC is served at POST /"),
                               "application/json"));
    }
    std::string why = server_.authFailure(req);
    if (!why.empty()) return refuseAuth(req, why);
    const bool keepAlive = req.keep_alive();
    const unsigned version = req.version();
    auto self = shared_from_this();
    server_.rpc.handle(std::move(req.body()), "http", [self, keepAlive, version](std::string out) {
      net::post(self->stream_.get_executor(), [self, keepAlive, version, out = std::move(out)]() mutable {
        auto res = std::make_shared<http::response<http::string_body>>(out.empty() ? http::status::no_content : http::status::ok,
                                                                       version);
        res->set(http::field::server, "fpvm-validation-server");
        if (!out.empty()) res->set(http::field::content_type, "application/json");
        res->keep_alive(keepAlive);
        res->body() = std::move(out);
        res->prepare_payload();
        self->send(std::move(res));
      });
    });
  }

  std::shared_ptr<http::response<http::string_body>> makeResponse(const http::request<http::string_body>& req,
                                                                  http::status status, std::string body, const char* type) {
    auto res = std::make_shared<http::response<http::string_body>>(status, req.version());
    res->set(http::field::server, "fpvm-validation-server");
    res->set(http::field::content_type, type);
    res->keep_alive(req.keep_alive());
    res->body() = std::move(body);
    res->prepare_payload();
    return res;
  }

  void refuseAuth(const http::request<http::string_body>& req, const std::string& why) {
    server_.metrics.inc("fpvm_auth_failures_total");
    logWarn("request refused", {{"reason", "unauthorized: " + why}});
    auto res = makeResponse(req, http::status::unauthorized,
                            RpcService::errorResponse(rpc::kUnauthorized, "unauthorized: " + why), "application/json");
    res->keep_alive(false);
    send(std::move(res));
  }

  void send(std::shared_ptr<http::response<http::string_body>> res) {
    stream_.expires_after(writeTimeout(res->body().size()));
    const bool close = !res->keep_alive();
    http::async_write(stream_, *res, [self = shared_from_this(), res, close](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (close) return self->close();
      self->doRead();
    });
  }

  /// Answers 413 with a JSON-RPC error, then reads (and drops) what the client still sends so
  /// that it sees the answer instead of a reset connection.
  void refuseOversize() {
    server_.metrics.inc("fpvm_http_oversize_total");
    const uint64_t limit = server_.options.requestSizeLimit;
    std::string size = "more than " + std::to_string(limit);
    // content_length() is only defined once the header is parsed (Beast asserts otherwise).
    if (parser_ && parser_->is_header_done() && parser_->content_length()) size = std::to_string(*parser_->content_length());
    logWarn("request refused", {{"reason", "request too large"}, {"bytes", size}, {"limit", std::to_string(limit)}});
    auto res = std::make_shared<http::response<http::string_body>>(http::status::payload_too_large, 11);
    res->set(http::field::server, "fpvm-validation-server");
    res->set(http::field::content_type, "application/json");
    res->keep_alive(false);
    res->body() =
        RpcService::errorResponse(rpc::kRequestTooLarge, "request too large: " + size + " bytes exceeds request-size-limit of " +
                                                             std::to_string(limit) + " bytes");
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return;
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->drained_ = 0;
      self->drain();
    });
  }

  void drain() {
    drainBuffer_.resize(64 * 1024);
    stream_.expires_after(std::chrono::seconds(10));
    stream_.async_read_some(net::buffer(drainBuffer_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      // Give up after 4 GiB or at the first error/EOF/timeout.
      if (ec || self->drained_ > (uint64_t(4) << 30)) {
        beast::error_code ignored;
        self->stream_.socket().close(ignored);
        return;
      }
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  HttpServer::Impl& server_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::vector<char> drainBuffer_;
  uint64_t drained_ = 0;
};

}  // namespace

void HttpServer::Impl::doAccept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      logWarn("accept failed", {{"error", ec.message()}});
    } else {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpSession>(std::move(socket), *this)->run();
    }
    if (acceptor->is_open()) doAccept();
  });
}

HttpServer::HttpServer(HttpOptions options, RpcService& rpc, Metrics& metrics, std::function<std::string()> health)
    : impl_(std::make_unique<Impl>(std::move(options), rpc, metrics, std::move(health))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.addr, ec);
  if (ec) throw Error("addr: \"" + impl_->options.addr + "\" is not an IP address");
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor = std::make_unique<tcp::acceptor>(net::make_strand(impl_->ioc));
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw Error("cannot listen on " + impl_->options.addr + ":" + std::to_string(impl_->options.port) + ": " + ec.message());
  impl_->boundPort = impl_->acceptor->local_endpoint().port();
  impl_->doAccept();
  for (unsigned i = 0; i < impl_->options.threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

uint16_t HttpServer::port() const { return impl_->boundPort; }

void HttpServer::stopAccepting() {
  if (!impl_->acceptor) return;
  net::post(impl_->acceptor->get_executor(), [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

}  // namespace fpvm::server
