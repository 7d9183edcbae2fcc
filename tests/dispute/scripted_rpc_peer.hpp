#pragma once
/// A JSON-RPC peer on loopback whose answers come from a function: tests use it to put a party
/// that lies in a chosen way (dispute_fixtures.hpp's LyingParty) behind an HTTP endpoint, where
/// `fpvm bisect` reaches it like any validation server. One request per connection; it runs on
/// its own thread, polls in 50 ms slices and stops by itself at destruction.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "dispute/party.hpp"

namespace fpvm::test::dispute {

class ScriptedRpcPeer {
 public:
  /// Answers a call: returns its result, or throws std::exception for an error answer (code
  /// -32000, the exception's text as message).
  using Handler = std::function<nlohmann::json(const std::string& method, const nlohmann::json& params)>;

  explicit ScriptedRpcPeer(Handler handler);
  ~ScriptedRpcPeer();
  ScriptedRpcPeer(const ScriptedRpcPeer&) = delete;
  ScriptedRpcPeer& operator=(const ScriptedRpcPeer&) = delete;

  /// "http://127.0.0.1:PORT".
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve();
  void handle(int fd);

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// A handler that serves `party` with the validation server's execution-run methods
/// (validation_createExecutionRun, validation_getMachineHashesWithStepSize, validation_getProofAt,
/// validation_closeExec); the prestate and input a client sends are ignored: the party has its own.
ScriptedRpcPeer::Handler servePartyHandler(std::shared_ptr<fpvm::dispute::Party> party);

}  // namespace fpvm::test::dispute
