#pragma once
/// The JSON-RPC 2.0 layer: parses a request body (single or batch), checks the method against the
/// allow-list of spec/validation-server.md, validates params and dispatches. Cheap methods answer
/// on the calling (network) thread; validations and execution-run queries run on the worker and
/// query pools and answer through the callback. One log line per request.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "rpc/params.hpp"
#include "runs/prestate_store.hpp"
#include "runs/validator.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"
#include "server/run_manager.hpp"
#include "server/worker_pool.hpp"

namespace fpvm::server {

/// The engine name validation_name reports.
inline constexpr const char* kEngineName = "fpvm-fast";

/// A handler's answer: the result as JSON text, or an error.
struct CallResult {
  std::string json;  ///< result JSON text when code == 0
  int code = 0;
  std::string message;
  static CallResult ok(std::string text) { return CallResult{std::move(text), 0, {}}; }
  static CallResult error(int code, std::string message) { return CallResult{{}, code, std::move(message)}; }
};

class RpcService {
 public:
  /// Receives the response body; "" = nothing to send (notifications only).
  using Respond = std::function<void(std::string)>;

  RpcService(const ServerConfig& config, const runs::PrestateStore& prestates, WorkerPool& workers, WorkerPool& queries,
             RunManager& runs, Metrics& metrics, const std::atomic<bool>& shutdown);

  /// Handles one HTTP body or WebSocket message. `respond` is called exactly once, possibly on
  /// another thread, possibly before handle() returns.
  void handle(std::string body, const char* transport, Respond respond);

  /// The JSON-RPC error response text for `code`/`message` with a null id (transport errors).
  static std::string errorResponse(int code, const std::string& message);

  /// Runs a validation parsed from `inputJson` against `prestate`, as a job of the worker pool.
  /// Blocks while the queue is full; `done` gets the result or the error.
  void validateQueued(nlohmann::json inputJson, std::shared_ptr<const runs::Prestate> prestate,
                      std::function<void(CallResult)> done);

  const runs::PrestateStore& prestates() const { return prestates_; }

 private:
  using Done = std::function<void(CallResult)>;
  struct Method {
    /// Handles params; calls done exactly once (maybe later, from a pool).
    std::function<void(const rpc::Params&, nlohmann::json& params, Done)> call;
  };
  void dispatch(nlohmann::json& request, const char* transport, std::function<void(std::string)> reply);
  void registerMethods();
  std::shared_ptr<const runs::Prestate> prestateParam(const rpc::Params& p, size_t i) const;
  /// Runs `fn` on the query pool once the run's cache is built.
  void onRun(uint64_t id, Done done, std::function<CallResult(runs::ExecutionRun&)> fn);
  runs::RunLimits limits() const;
  /// The worker job of one validation: parses and checks the input, runs, reports to `done`.
  std::function<void()> validationJob(nlohmann::json inputJson, std::shared_ptr<const runs::Prestate> prestate, std::string where,
                                      Done done);

  const ServerConfig& config_;
  const runs::PrestateStore& prestates_;
  WorkerPool& workers_;
  WorkerPool& queries_;
  RunManager& runs_;
  Metrics& metrics_;
  const std::atomic<bool>& shutdown_;
  std::unordered_map<std::string, Method> methods_;
};

}  // namespace fpvm::server
