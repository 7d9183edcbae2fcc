#include "dispute/rpc_party.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "core/proof_json.hpp"
#include "rpc/hash_array.hpp"

namespace fpvm::dispute {

std::optional<rpc::RpcClientOptions> parseServerUrl(const std::string& text) {
  rpc::RpcClientOptions o;
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("ws://", 0) == 0) {
    rest = text.substr(5);
    o.websocket = true;
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
    throw Error("server URL " + text + ": expected http://HOST:PORT or ws://HOST:PORT");
  o.host = rest.substr(0, colon);
  if (o.host.find('/') != std::string::npos)
    throw Error("server URL " + text + ": paths are not supported (the server answers on /)");
  const std::string port = rest.substr(colon + 1);
  uint64_t p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) throw Error("server URL " + text + ": bad port '" + port + "'");
    p = p * 10 + static_cast<uint64_t>(c - '0');
  }
  if (p == 0 || p > 65535) throw Error("server URL " + text + ": port must be 1..65535");
  o.port = static_cast<uint16_t>(p);
  return o;
}

RpcParty::RpcParty(RpcPartyOptions options) : options_(std::move(options)) {}

RpcParty::~RpcParty() { close(); }

std::string RpcParty::describe() const {
  return std::string(options_.client.websocket ? "ws://" : "http://") + options_.client.host + ":" +
         std::to_string(options_.client.port);
}

namespace {

using Clock = std::chrono::steady_clock;

std::string elapsedSince(Clock::time_point t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(Clock::now() - t).count());
  return buf;
}

}  // namespace

uint64_t hashAnswerBound(uint64_t count) {
  // "0x" + 64 hex digits in quotes and a comma is 69 bytes (what fpvm serve sends); 72 also admits
  // a two-space indented, one-per-line answer. The envelope fits in the margin.
  constexpr uint64_t kPerHash = 72, kMargin = 64 * 1024;
  return count > (~uint64_t(0) - kMargin) / kPerHash ? ~uint64_t(0) : count * kPerHash + kMargin;
}

void RpcParty::rethrow(const std::string& method, Clock::time_point started) const {
  const std::string prefix = describe() + ": " + method + " failed after " + elapsedSince(started) + ": ";
  try {
    throw;
  } catch (const rpc::RpcError& e) {
    throw rpc::RpcError(e.code(), prefix + e.what());
  } catch (const rpc::RpcInterrupted& e) {
    throw rpc::RpcInterrupted(prefix + e.what());
  } catch (const rpc::RpcTimeout& e) {
    throw rpc::RpcTimeout(prefix + e.what());
  } catch (const std::exception& e) {
    throw Error(prefix + e.what());
  }
}

nlohmann::json RpcParty::call(const std::string& method, const nlohmann::json& params, uint64_t maxBytes) {
  ++roundTrips_;
  const auto started = Clock::now();
  try {
    if (!client_) client_ = std::make_unique<rpc::RpcClient>(options_.client);
    return client_->call(method, params, maxBytes);
  } catch (...) {
    failed_ = true;
    rethrow(method, started);
  }
}

void RpcParty::open() {
  if (open_) return;
  nlohmann::json r =
      call("validation_createExecutionRun", nlohmann::json::array({toHex(options_.prestate), options_.input}), kSmallAnswerBytes);
  if (!r.is_number_unsigned())
    throw Error(describe() + ": validation_createExecutionRun returned " + r.dump(-1).substr(0, 80) + ", not a run id");
  runId_ = r.get<uint64_t>();
  open_ = true;
}

std::vector<Hash32> RpcParty::machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) {
  const std::string method = "validation_getMachineHashesWithStepSize";
  ++roundTrips_;
  const auto started = Clock::now();
  try {
    if (!client_) client_ = std::make_unique<rpc::RpcClient>(options_.client);
    const std::string text =
        client_->callText(method, nlohmann::json::array({runId_, from, stepSize, maxIterations}), hashAnswerBound(maxIterations));
    return rpc::parseHashArrayResponse(text, "answer");
  } catch (...) {
    failed_ = true;
    rethrow(method, started);
  }
}

core::OneStepProof RpcParty::proofAt(uint64_t position) {
  nlohmann::json r = call("validation_getProofAt", nlohmann::json::array({runId_, position}), kProofAnswerBytes);
  try {
    return core::decodeProofJson(r.dump(), describe() + " proof at step " + std::to_string(position));
  } catch (const std::exception& e) {
    throw Error(describe() + ": validation_getProofAt returned a malformed proof: " + e.what());
  }
}

void RpcParty::close() noexcept {
  if (!open_) return;
  open_ = false;
  // After a failure the server may be hung or hostile: do not wait on it again; the run expires
  // on the server by itself.
  if (failed_) return;
  try {
    call("validation_closeExec", nlohmann::json::array({runId_}), kSmallAnswerBytes);
  } catch (...) {
    // The run expires on the server by itself; nothing to do here.
  }
}

}  // namespace fpvm::dispute
