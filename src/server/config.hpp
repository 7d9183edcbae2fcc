#pragma once
/// The validation server's configuration (spec/validation-server.md "Operations"): plain data
/// with defaults, and one table of named options that both the command line (`--name value`)
/// and the JSON config file (`{"name": value}`) go through, so the two always agree.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/duration.hpp"
#include "redis/redis_client.hpp"

namespace fpvm::server {

using fpvm::Millis;

/// Every setting of `fpvm serve`. Durations are milliseconds, sizes bytes.
struct ServerConfig {
  // --- listening ---
  std::string addr = "127.0.0.1";  ///< bind address (loopback by default)
  uint16_t port = 8549;            ///< 0 = pick a free port (logged at start)
  unsigned httpThreads = 2;        ///< threads running the network I/O
  bool rpc = true;                 ///< serve JSON-RPC/metrics at all (off: Redis consumer only)
  // --- auth ---
  bool auth = true;       ///< require a JWT (HS256, iat within ±60 s) on RPC requests
  std::string jwtSecret;  ///< path of the 32-byte hex secret; "" = $HOME/.fpvm/jwtsecret
  // --- prestates ---
  std::string prestates;  ///< folder of prestate folders (0x<hash> or latest)
  // --- execution limits ---
  unsigned workers = 0;                               ///< runs executing at once; 0 = number of cores
  unsigned queueSize = 128;                           ///< waiting runs beyond the workers before "busy"
  Millis maxExecutionTime{std::chrono::minutes(10)};  ///< per run (validation or cache build)
  uint64_t memoryLimit = uint64_t(4) << 30;           ///< guest memory per machine (0 = none)
  uint64_t requestSizeLimit = uint64_t(1) << 30;      ///< largest request body / WS message
  // --- execution runs ---
  Millis executionRunTimeout{std::chrono::minutes(15)};  ///< idle runs are closed after this
  unsigned cachedChallengeMachines = 4;                  ///< checkpoints kept per run (>= 2)
  uint64_t initialSteps = 100000;                        ///< first checkpoint spacing
  unsigned keptClosedRuns = 2;                           ///< closed runs kept for reuse by the same (prestate, input)
  unsigned hashThreads = 0;                              ///< threads of one long per-step hash query; 0 = min(cores, 8)
  // --- preimages not supplied inline ---
  std::vector<std::string> preimageServer;  ///< `run -- cmd` style server command (per run)
  Millis preimageTimeout{15000};
  // --- Redis Streams ---
  std::string redisUrl;                                         ///< "" = no Redis consumer
  std::string streamPrefix;                                     ///< key prefix of streams and results
  Millis idletimeToAutoclaim{std::chrono::minutes(5)};          ///< idle entries are taken over after this
  Millis responseEntryTimeout{std::chrono::hours(1)};           ///< TTL of result/error keys
  unsigned maxRetryCount = 3;                                   ///< deliveries before an error result
  unsigned redisConsumers = 0;                                  ///< consumer threads; 0 = workers
  Millis redisTimeout{5000};                                    ///< connecting and one whole Redis command
  uint64_t redisMaxReply = redis::RedisLimits{}.maxReplyBytes;  ///< largest Redis reply read
  bool segmentJobs = true;                                      ///< also verify segment proofs from <prefix>stream:segments
  uint64_t segmentMaxSteps = 4'000'000'000;                     ///< longest segment a job may claim (untrusted input)
  // --- logging ---
  std::string logLevel = "info";

  /// workers with 0 resolved to the number of cores.
  unsigned effectiveWorkers() const;
  /// Checks ranges; throws Error naming the option.
  void validate() const;
};

/// One named option.
struct ConfigOption {
  const char* name;
  const char* help;
  enum class Kind { String, Bool, Uint, Duration, Bytes, StringList } kind;
  /// Applies a JSON value (flags arrive as strings); throws Error naming the option.
  std::function<void(ServerConfig&, const nlohmann::json&)> set;
  /// The current value (for `--print-config` and tests).
  std::function<nlohmann::json(const ServerConfig&)> get;
};

/// The option table (names as in the spec: workers, max-execution-time, …).
const std::vector<ConfigOption>& configOptions();

/// Applies a config file's object; an unknown key is an Error naming it and `what`.
void applyConfigJson(ServerConfig& config, const nlohmann::json& object, const std::string& what);
/// The whole configuration as a JSON object (same names).
nlohmann::json configToJson(const ServerConfig& config);

}  // namespace fpvm::server
