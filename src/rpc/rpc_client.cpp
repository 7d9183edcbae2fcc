#include "rpc/rpc_client.hpp"

#include <cstdio>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "rpc/jwt.hpp"

namespace fpvm::rpc {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

/// How often a request in flight looks at the cancel flag and the clock.
constexpr auto kSlice = std::chrono::milliseconds(50);

std::string seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

/// At most `n` printable characters of `s`, for error messages about a peer's answer.
std::string excerpt(const std::string& s, size_t n = 120) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < n; ++i) out += (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '.';
  if (s.size() > n) out += "…";
  return out;
}

}  // namespace

struct RpcClient::Impl {
  net::io_context ioc;
  std::optional<beast::tcp_stream> http;
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
};

RpcClient::RpcClient(RpcClientOptions options) : impl_(std::make_unique<Impl>()), options_(std::move(options)) {}

RpcClient::~RpcClient() {
  beast::error_code ec;
  // No close handshake: a peer that does not answer it must not hold up the destructor.
  if (impl_->ws) beast::get_lowest_layer(*impl_->ws).socket().close(ec);
  if (impl_->http) impl_->http->socket().shutdown(tcp::socket::shutdown_both, ec);
}

Clock::time_point RpcClient::requestEnd() const {
  Clock::time_point end = Clock::now() + options_.timeout;
  if (options_.deadline && *options_.deadline < end) end = *options_.deadline;
  return end;
}

template <class Start>
boost::system::error_code RpcClient::await(Start&& start, Clock::time_point until, const char* what) {
  boost::system::error_code result;
  bool done = false;
  start([&](boost::system::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  auto stopSocket = [&] {
    beast::error_code ignored;
    if (impl_->http) impl_->http->socket().close(ignored);
    if (impl_->ws) beast::get_lowest_layer(*impl_->ws).socket().close(ignored);
    impl_->ioc.restart();
    while (!done && impl_->ioc.run_one_for(std::chrono::seconds(1))) {
    }
    impl_->http.reset();
    impl_->ws.reset();
    impl_->buffer.consume(impl_->buffer.size());
  };
  const auto started = Clock::now();
  while (!done) {
    impl_->ioc.restart();
    impl_->ioc.run_for(kSlice);
    if (done) break;
    if (options_.cancel && options_.cancel->load()) {
      stopSocket();
      throw RpcInterrupted(std::string("interrupted while ") + what + " (after " + seconds(Clock::now() - started) + ")");
    }
    if (Clock::now() >= until) {
      stopSocket();
      const bool overall = options_.deadline && until >= *options_.deadline;
      throw RpcTimeout(std::string("no complete answer while ") + what + " within " +
                       (overall ? "the overall deadline" : "the request timeout of " + seconds(options_.timeout)) + " (waited " +
                       seconds(Clock::now() - started) + ")");
    }
  }
  impl_->ioc.restart();
  return result;
}

boost::system::error_code RpcClient::readBounded(http::response_parser<http::string_body>& parser, uint64_t limit,
                                                 Clock::time_point until) {
  // The bound is checked here rather than left to the parser's body_limit alone: a declared
  // Content-Length over it fails before any of the body is read, and a body arriving without
  // one (chunked, or until close) fails as soon as it passes the bound.
  auto ec = await([&](auto h) { http::async_read_header(*impl_->http, impl_->buffer, parser, h); }, until, "reading the answer");
  if (ec) return ec;
  if (parser.content_length() && *parser.content_length() > limit) return http::error::body_limit;
  while (!parser.is_done()) {
    ec = await([&](auto h) { http::async_read_some(*impl_->http, impl_->buffer, parser, h); }, until, "reading the answer");
    if (ec) return ec;
    if (parser.get().body().size() > limit) return http::error::body_limit;
  }
  return ec;
}

namespace {

std::string bearer(const Bytes& secret) { return secret.empty() ? std::string() : "Bearer " + makeJwt(secret); }

std::string limitMessage(uint64_t limit) {
  return "the answer is larger than " + std::to_string(limit) + " bytes, the bound for this request; stopped reading there";
}

}  // namespace

RpcClient::HttpAnswer RpcClient::post(const std::string& body, const std::string* authorization, uint64_t maxBytes) {
  if (options_.websocket) throw Error("post() needs an HTTP client");
  const uint64_t limit = maxBytes ? maxBytes : options_.maxResponseBytes;
  const std::string peer = options_.host + ":" + std::to_string(options_.port);
  const auto until = requestEnd();
  for (int attempt = 0;; ++attempt) {
    boost::system::error_code ec;
    bool reused = impl_->http.has_value();
    if (!impl_->http) {
      tcp::resolver resolver(impl_->ioc);
      tcp::resolver::results_type endpoints;
      try {
        endpoints = resolver.resolve(options_.host, std::to_string(options_.port));
      } catch (const boost::system::system_error& e) {
        throw Error("HTTP request to " + peer + " failed: cannot resolve the host: " + e.code().message());
      }
      impl_->http.emplace(impl_->ioc);
      ec = await([&](auto h) { impl_->http->async_connect(endpoints, [h](auto e, auto&&) mutable { h(e); }); }, until,
                 "connecting");
      if (ec) {
        impl_->http.reset();
        throw Error("HTTP request to " + peer + " failed: cannot connect: " + ec.message());
      }
      impl_->http->socket().set_option(tcp::no_delay(true), ec);
    }
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, options_.host);
    req.set(http::field::content_type, "application/json");
    const std::string auth = authorization ? *authorization : bearer(options_.jwtSecret);
    if (!auth.empty()) req.set(http::field::authorization, auth);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    ec = await([&](auto h) { http::async_write(*impl_->http, req, h); }, until, "sending the request");
    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(limit);
    if (!ec) ec = readBounded(parser, limit, until);
    if (ec) {
      impl_->http.reset();
      impl_->buffer.consume(impl_->buffer.size());
      // A keep-alive connection the server closed meanwhile: retry once on a fresh one.
      if (attempt == 0 && reused && !parser.got_some() &&
          (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::eof))
        continue;
      if (ec == http::error::body_limit) throw Error("HTTP answer from " + peer + ": " + limitMessage(limit));
      if (ec == http::error::header_limit)
        throw Error("HTTP answer from " + peer + ": its header is larger than 64 KiB; stopped reading there");
      if (ec == http::error::end_of_stream || ec == net::error::eof || ec == http::error::partial_message)
        throw Error("HTTP request to " + peer + " failed: the server closed the connection " +
                    (parser.got_some() ? "in the middle of its answer" : "without answering"));
      throw Error("HTTP request to " + peer + " failed: " + ec.message());
    }
    auto res = parser.release();
    HttpAnswer a{static_cast<int>(res.result_int()), std::move(res.body())};
    if (!res.keep_alive()) impl_->http.reset();
    return a;
  }
}

RpcClient::HttpAnswer RpcClient::get(const std::string& path) {
  if (options_.websocket) throw Error("get() needs an HTTP client");
  const auto until = requestEnd();
  const std::string peer = options_.host + ":" + std::to_string(options_.port);
  impl_->http.reset();
  tcp::resolver resolver(impl_->ioc);
  tcp::resolver::results_type endpoints;
  try {
    endpoints = resolver.resolve(options_.host, std::to_string(options_.port));
  } catch (const boost::system::system_error& e) {
    throw Error("HTTP GET " + path + " from " + peer + " failed: " + e.code().message());
  }
  impl_->buffer.consume(impl_->buffer.size());
  impl_->http.emplace(impl_->ioc);
  auto ec =
      await([&](auto h) { impl_->http->async_connect(endpoints, [h](auto e, auto&&) mutable { h(e); }); }, until, "connecting");
  http::request<http::empty_body> req{http::verb::get, path, 11};
  req.set(http::field::host, options_.host);
  if (!ec) ec = await([&](auto h) { http::async_write(*impl_->http, req, h); }, until, "sending the request");
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.maxResponseBytes);
  if (!ec) ec = readBounded(parser, options_.maxResponseBytes, until);
  impl_->http.reset();
  impl_->buffer.consume(impl_->buffer.size());
  if (ec == http::error::body_limit)
    throw Error("HTTP GET " + path + " from " + peer + ": " + limitMessage(options_.maxResponseBytes));
  if (ec) throw Error("HTTP GET " + path + " from " + peer + " failed: " + ec.message());
  auto res = parser.release();
  return HttpAnswer{static_cast<int>(res.result_int()), std::move(res.body())};
}

std::string RpcClient::exchange(const std::string& message, uint64_t maxBytes) {
  if (!options_.websocket) throw Error("exchange() needs a WebSocket client");
  const uint64_t limit = maxBytes ? maxBytes : options_.maxResponseBytes;
  const auto until = requestEnd();
  auto fail = [&](const boost::system::error_code& ec) -> Error {
    std::string reason;
    int closeCode = 0;
    if (impl_->ws) {
      reason = std::string(impl_->ws->reason().reason);
      closeCode = static_cast<int>(impl_->ws->reason().code);
    }
    impl_->ws.reset();
    impl_->buffer.consume(impl_->buffer.size());
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow)
      return Error("WebSocket exchange failed: " + limitMessage(limit));
    return Error("WebSocket exchange failed: " + ec.message() +
                 (closeCode ? " (close code " + std::to_string(closeCode) + (reason.empty() ? "" : ": " + reason) + ")" : ""));
  };
  boost::system::error_code ec;
  if (!impl_->ws) {
    tcp::resolver resolver(impl_->ioc);
    tcp::resolver::results_type endpoints;
    try {
      endpoints = resolver.resolve(options_.host, std::to_string(options_.port));
    } catch (const boost::system::system_error& e) {
      throw Error("WebSocket exchange failed: cannot resolve " + options_.host + ": " + e.code().message());
    }
    impl_->ws.emplace(impl_->ioc);
    auto& lowest = beast::get_lowest_layer(*impl_->ws);
    ec = await([&](auto h) { lowest.async_connect(endpoints, [h](auto e, auto&&) mutable { h(e); }); }, until, "connecting");
    if (ec) throw fail(ec);
    lowest.socket().set_option(tcp::no_delay(true), ec);
    const std::string auth = bearer(options_.jwtSecret);
    impl_->ws->set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
      if (!auth.empty()) req.set(http::field::authorization, auth);
    }));
    ec = await([&](auto h) { impl_->ws->async_handshake(options_.host, "/", h); }, until, "opening the WebSocket");
    if (ec) throw fail(ec);
  }
  impl_->ws->read_message_max(limit);
  impl_->ws->text(true);
  impl_->buffer.consume(impl_->buffer.size());
  ec = await([&](auto h) { impl_->ws->async_write(net::buffer(message), h); }, until, "sending the request");
  if (ec) {
    // The server may have refused the message and closed (e.g. 1009, too big): read its close
    // frame if it arrived, to report the reason.
    auto closeEc = await([&](auto h) { impl_->ws->async_read(impl_->buffer, h); },
                         std::min(until, Clock::now() + std::chrono::seconds(1)), "reading the close frame");
    throw fail(closeEc == websocket::error::closed ? closeEc : ec);
  }
  ec = await([&](auto h) { impl_->ws->async_read(impl_->buffer, h); }, until, "reading the answer");
  if (ec) throw fail(ec);
  std::string out = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return out;
}

std::string RpcClient::callText(const std::string& method, const Json& params, uint64_t maxBytes) {
  Json req = {{"jsonrpc", "2.0"}, {"id", nextId_++}, {"method", method}, {"params", params}};
  const std::string body = req.dump();
  if (options_.websocket) return exchange(body, maxBytes);
  HttpAnswer a = post(body, nullptr, maxBytes);
  // An error status with a JSON-RPC body (401 from the JWT check, 413) is reported by the body;
  // any other (a proxy's 502 page, a 404) by its status.
  const bool jsonBody = !a.body.empty() && a.body.find_first_not_of(" \t\r\n") != std::string::npos &&
                        a.body[a.body.find_first_not_of(" \t\r\n")] == '{';
  if ((a.status < 200 || a.status >= 300) && !jsonBody)
    throw Error("HTTP status " + std::to_string(a.status) + " " +
                std::string(http::obsolete_reason(static_cast<http::status>(a.status))) +
                (a.body.empty() ? " with an empty body" : ", body: '" + excerpt(a.body) + "'"));
  if (a.body.empty()) throw Error("HTTP " + std::to_string(a.status) + " with an empty body");
  return std::move(a.body);
}

Json RpcClient::call(const std::string& method, const Json& params, uint64_t maxBytes) {
  const std::string text = callText(method, params, maxBytes);
  Json res;
  try {
    res = Json::parse(text);
  } catch (const std::exception& e) {
    throw Error("malformed JSON-RPC answer ('" + excerpt(text, 60) + "'): " + std::string(e.what()));
  }
  if (res.is_object() && res.contains("error")) throw RpcError::fromAnswer(res["error"]);
  if (!res.is_object() || !res.contains("result")) throw Error("JSON-RPC answer without result: '" + excerpt(text, 60) + "'");
  return res["result"];
}

bool tryWebSocketUpgrade(const std::string& host, uint16_t port, const std::string& authorization, int& status,
                         std::string& body) {
  // A plain HTTP upgrade request, so that a refusal's status and body can be read (Beast's
  // handshake does not return the response of a declined upgrade).
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, std::to_string(port)));
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  req.set(http::field::host, host);
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(false);
  beast::error_code ec;
  http::read_header(stream, buffer, parser, ec);
  if (ec) throw Error("WebSocket upgrade request failed: " + ec.message());
  status = static_cast<int>(parser.get().result_int());
  if (status != 101) {
    http::read(stream, buffer, parser, ec);
    body = parser.get().body();
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return status == 101;
}

}  // namespace fpvm::rpc
