#pragma once
/// A party served by an fpvm (or any spec-conforming) validation server: one execution run is
/// created for (prestate, input) and every bisection query goes to it over one keep-alive
/// connection; the run is closed at the end.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "dispute/party.hpp"
#include "rpc/rpc_client.hpp"

namespace fpvm::dispute {

/// Where the server is and what to run there.
struct RpcPartyOptions {
  rpc::RpcClientOptions client;
  Hash32 prestate;       ///< a prestate the server has loaded
  nlohmann::json input;  ///< the validation input {id, localKeys, preimages}
};

/// Parses "http://HOST:PORT" or "ws://HOST:PORT" (a trailing '/' allowed) into client options;
/// nullopt when `text` is not such a URL. Throws Error for a URL with a bad host or port.
std::optional<rpc::RpcClientOptions> parseServerUrl(const std::string& text);

class RpcParty final : public Party {
 public:
  explicit RpcParty(RpcPartyOptions options);
  ~RpcParty() override;

  std::string describe() const override;
  void open() override;
  std::vector<Hash32> machineHashes(uint64_t from, uint64_t stepSize, uint64_t maxIterations) override;
  vm::StepProof proofAt(uint64_t position) override;
  void close() noexcept override;
  uint64_t roundTrips() const override { return roundTrips_; }

  /// The execution run's id (after open()).
  uint64_t runId() const { return runId_; }

 private:
  /// Calls `method`, counting the round trip and naming the method and server in errors.
  nlohmann::json call(const std::string& method, const nlohmann::json& params);
  [[noreturn]] void rethrow(const std::string& method) const;

  RpcPartyOptions options_;
  std::unique_ptr<rpc::RpcClient> client_;
  uint64_t runId_ = 0;
  bool open_ = false;
  uint64_t roundTrips_ = 0;
};

}  // namespace fpvm::dispute
