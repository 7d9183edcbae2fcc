#include "scripted_rpc_peer.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

#include "common/hex.hpp"
#include "loopback_socket.hpp"
#include "core/proof_json.hpp"

namespace fpvm::test::dispute {
namespace {

/// The Content-Length of an HTTP header block (0 when absent).
size_t contentLength(const std::string& header) {
  std::string lower(header);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(lower.substr(at + 17));
}

}  // namespace

ScriptedRpcPeer::ScriptedRpcPeer(Handler handler) : handler_(std::move(handler)) {
  listener_ = listenOnLoopback(port_, "ScriptedRpcPeer");
  thread_ = std::thread([this] { serve(); });
}

ScriptedRpcPeer::~ScriptedRpcPeer() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

void ScriptedRpcPeer::serve() {
  while (!stop_) {
    if (!readable(listener_)) continue;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void ScriptedRpcPeer::handle(int fd) {
  std::string request;
  char buf[65536];
  size_t headerEnd = std::string::npos;
  while (!stop_) {
    headerEnd = request.find("\r\n\r\n");
    if (headerEnd != std::string::npos && request.size() >= headerEnd + 4 + contentLength(request.substr(0, headerEnd))) break;
    if (!readable(fd)) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  if (stop_) return;
  const nlohmann::json call = nlohmann::json::parse(request.substr(headerEnd + 4), nullptr, false);
  nlohmann::json answer = {{"jsonrpc", "2.0"}, {"id", call.is_object() && call.contains("id") ? call["id"] : nullptr}};
  try {
    if (!call.is_object() || !call.contains("method")) throw std::runtime_error("not a JSON-RPC call");
    answer["result"] = handler_(call["method"].get<std::string>(), call.value("params", nlohmann::json::array()));
  } catch (const std::exception& e) {
    answer["error"] = {{"code", -32000}, {"message", e.what()}};
  }
  const std::string body = answer.dump();
  const std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  for (size_t done = 0; done < response.size() && !stop_;) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::send(fd, response.data() + done, response.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

ScriptedRpcPeer::Handler servePartyHandler(std::shared_ptr<fpvm::dispute::Party> party) {
  return [party](const std::string& method, const nlohmann::json& params) -> nlohmann::json {
    if (method == "validation_createExecutionRun") {
      party->open();
      return 1;
    }
    if (method == "validation_getMachineHashesWithStepSize") {
      nlohmann::json hashes = nlohmann::json::array();
      for (const Hash32& h : party->machineHashes(params.at(1), params.at(2), params.at(3))) hashes.push_back(toHex(h));
      return hashes;
    }
    if (method == "validation_getProofAt") return nlohmann::json::parse(core::encodeProofJson(party->proofAt(params.at(1))));
    if (method == "validation_closeExec") {
      party->close();
      return true;
    }
    throw std::runtime_error("method not found: " + method);
  };
}

}  // namespace fpvm::test::dispute
