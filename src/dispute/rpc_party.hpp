#pragma once
/// A party served by an fpvm (or any spec-conforming) validation server: one execution run is
/// created for (prestate, input) and every bisection query goes to it over one keep-alive
/// connection; the run is closed at the end.
#include <chrono>
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

/// Largest answer read for a run id or a close (the JSON-RPC envelope and a number).
inline constexpr uint64_t kSmallAnswerBytes = 64 * 1024;
/// Largest answer read for a one-step proof (state, memory proofs and a preimage part are a few
/// KiB; this leaves room for any spec-conforming encoding).
inline constexpr uint64_t kProofAnswerBytes = 16 * 1024 * 1024;
/// Largest answer read for `count` hashes: 72 bytes a hash plus 64 KiB.
uint64_t hashAnswerBound(uint64_t count);

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
  core::OneStepProof proofAt(uint64_t position) override;
  void close() noexcept override;
  uint64_t roundTrips() const override { return roundTrips_; }

  /// The execution run's id (after open()).
  uint64_t runId() const { return runId_; }

 private:
  /// Calls `method`, counting the round trip and naming the method and server in errors.
  nlohmann::json call(const std::string& method, const nlohmann::json& params, uint64_t maxBytes);
  /// Rethrows the current exception with this server, `method` and the time since `started`.
  [[noreturn]] void rethrow(const std::string& method, std::chrono::steady_clock::time_point started) const;

  RpcPartyOptions options_;
  std::unique_ptr<rpc::RpcClient> client_;
  uint64_t runId_ = 0;
  bool open_ = false;
  bool failed_ = false;  ///< a call failed: close() makes no further round trip
  uint64_t roundTrips_ = 0;
};

}  // namespace fpvm::dispute
