#include "dispute/rpc_party.hpp"

#include <exception>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "proof/proof_json.hpp"
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

void RpcParty::rethrow(const std::string& method) const {
  try {
    throw;
  } catch (const rpc::RpcError& e) {
    throw rpc::RpcError(e.code(), describe() + ": " + method + " failed: " + e.what());
  } catch (const std::exception& e) {
    throw Error(describe() + ": " + method + " failed: " + e.what());
  }
}

nlohmann::json RpcParty::call(const std::string& method, const nlohmann::json& params) {
  ++roundTrips_;
  try {
    if (!client_) client_ = std::make_unique<rpc::RpcClient>(options_.client);
    return client_->call(method, params);
  } catch (...) {
    rethrow(method);
  }
}

void RpcParty::open() {
  if (open_) return;
  nlohmann::json r = call("validation_createExecutionRun", nlohmann::json::array({toHex(options_.prestate), options_.input}));
  if (!r.is_number_unsigned())
    throw Error(describe() + ": validation_createExecutionRun returned " + r.dump(-1).substr(0, 80) + ", not a run id");
  runId_ = r.get<uint64_t>();
  open_ = true;
}

std::vector<Hash32> RpcParty::machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) {
  const std::string method = "validation_getMachineHashesWithStepSize";
  ++roundTrips_;
  try {
    if (!client_) client_ = std::make_unique<rpc::RpcClient>(options_.client);
    const std::string text = client_->callText(method, nlohmann::json::array({runId_, from, stepSize, maxIterations}));
    return rpc::parseHashArrayResponse(text, "answer");
  } catch (...) {
    rethrow(method);
  }
}

vm::StepProof RpcParty::proofAt(uint64_t position) {
  nlohmann::json r = call("validation_getProofAt", nlohmann::json::array({runId_, position}));
  try {
    return proof::decodeProofJson(r.dump(), describe() + " proof at step " + std::to_string(position));
  } catch (const std::exception& e) {
    throw Error(describe() + ": validation_getProofAt returned a malformed proof: " + e.what());
  }
}

void RpcParty::close() noexcept {
  if (!open_) return;
  open_ = false;
  try {
    call("validation_closeExec", nlohmann::json::array({runId_}));
  } catch (...) {
    // The run expires on the server by itself; nothing to do here.
  }
}

}  // namespace fpvm::dispute
