#include "rpc/rpc_client.hpp"

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
  if (impl_->ws && impl_->ws->is_open()) impl_->ws->close(websocket::close_code::normal, ec);
  if (impl_->http) impl_->http->socket().shutdown(tcp::socket::shutdown_both, ec);
}

namespace {

std::string bearer(const Bytes& secret) { return secret.empty() ? std::string() : "Bearer " + makeJwt(secret); }

}  // namespace

RpcClient::HttpAnswer RpcClient::post(const std::string& body, const std::string* authorization) {
  if (options_.websocket) throw Error("post() needs an HTTP client");
  for (int attempt = 0;; ++attempt) {
    try {
      if (!impl_->http) {
        tcp::resolver resolver(impl_->ioc);
        impl_->http.emplace(impl_->ioc);
        impl_->http->expires_after(options_.timeout);
        impl_->http->connect(resolver.resolve(options_.host, std::to_string(options_.port)));
        impl_->http->socket().set_option(tcp::no_delay(true));
      }
      http::request<http::string_body> req{http::verb::post, "/", 11};
      req.set(http::field::host, options_.host);
      req.set(http::field::content_type, "application/json");
      const std::string auth = authorization ? *authorization : bearer(options_.jwtSecret);
      if (!auth.empty()) req.set(http::field::authorization, auth);
      req.keep_alive(true);
      req.body() = body;
      req.prepare_payload();
      impl_->http->expires_after(options_.timeout);
      http::write(*impl_->http, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(options_.maxResponseBytes);
      http::read(*impl_->http, impl_->buffer, parser);
      auto res = parser.release();
      HttpAnswer a{static_cast<int>(res.result_int()), std::move(res.body())};
      if (!res.keep_alive()) impl_->http.reset();
      return a;
    } catch (const beast::system_error& e) {
      impl_->http.reset();
      impl_->buffer.consume(impl_->buffer.size());
      // A keep-alive connection the server closed meanwhile: retry once on a fresh one.
      if (attempt == 0 && (e.code() == http::error::end_of_stream || e.code() == net::error::connection_reset ||
                           e.code() == net::error::broken_pipe))
        continue;
      throw Error("HTTP request to " + options_.host + ":" + std::to_string(options_.port) + " failed: " + e.code().message());
    }
  }
}

RpcClient::HttpAnswer RpcClient::get(const std::string& path) {
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(options_.timeout);
    stream.connect(resolver.resolve(options_.host, std::to_string(options_.port)));
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, options_.host);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.maxResponseBytes);
    http::read(stream, buffer, parser);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    auto res = parser.release();
    return HttpAnswer{static_cast<int>(res.result_int()), std::move(res.body())};
  } catch (const beast::system_error& e) {
    throw Error("HTTP GET " + path + " failed: " + e.code().message());
  }
}

std::string RpcClient::exchange(const std::string& message) {
  if (!options_.websocket) throw Error("exchange() needs a WebSocket client");
  try {
    if (!impl_->ws) {
      tcp::resolver resolver(impl_->ioc);
      impl_->ws.emplace(impl_->ioc);
      auto& lowest = beast::get_lowest_layer(*impl_->ws);
      lowest.expires_after(options_.timeout);
      lowest.connect(resolver.resolve(options_.host, std::to_string(options_.port)));
      lowest.socket().set_option(tcp::no_delay(true));
      const std::string auth = bearer(options_.jwtSecret);
      impl_->ws->set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
        if (!auth.empty()) req.set(http::field::authorization, auth);
      }));
      impl_->ws->read_message_max(options_.maxResponseBytes);
      impl_->ws->handshake(options_.host, "/");
    }
    beast::get_lowest_layer(*impl_->ws).expires_after(options_.timeout);
    impl_->ws->text(true);
    impl_->buffer.consume(impl_->buffer.size());
    beast::error_code writeError;
    impl_->ws->write(net::buffer(message), writeError);
    if (writeError) {
      // The server may have refused the message and closed (e.g. 1009, too big): read its close
      // frame if it arrived, to report the reason.
      beast::error_code ec;
      impl_->ws->read(impl_->buffer, ec);
      throw beast::system_error(ec == websocket::error::closed ? ec : writeError);
    }
    impl_->ws->read(impl_->buffer);
    std::string out = beast::buffers_to_string(impl_->buffer.data());
    impl_->buffer.consume(impl_->buffer.size());
    return out;
  } catch (const beast::system_error& e) {
    std::string reason;
    if (impl_->ws) reason = std::string(impl_->ws->reason().reason);
    int closeCode = impl_->ws ? static_cast<int>(impl_->ws->reason().code) : 0;
    impl_->ws.reset();
    throw Error("WebSocket exchange failed: " + e.code().message() +
                (closeCode ? " (close code " + std::to_string(closeCode) + (reason.empty() ? "" : ": " + reason) + ")" : ""));
  }
}

std::string RpcClient::callText(const std::string& method, const Json& params) {
  Json req = {{"jsonrpc", "2.0"}, {"id", nextId_++}, {"method", method}, {"params", params}};
  const std::string body = req.dump();
  if (options_.websocket) return exchange(body);
  HttpAnswer a = post(body);
  if (a.body.empty()) throw Error("HTTP " + std::to_string(a.status) + " with an empty body");
  return std::move(a.body);
}

Json RpcClient::call(const std::string& method, const Json& params) {
  const std::string text = callText(method, params);
  Json res;
  try {
    res = Json::parse(text);
  } catch (const std::exception& e) {
    throw Error("malformed JSON-RPC answer: " + std::string(e.what()));
  }
  if (res.is_object() && res.contains("error")) throw RpcError::fromAnswer(res["error"]);
  if (!res.contains("result")) throw Error("JSON-RPC answer without result");
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
