#include "server/config.hpp"

#include <cctype>
#include <cmath>
#include <thread>

#include "common/error.hpp"

namespace fpvm::server {
namespace {

using Json = nlohmann::json;

std::string describe(const Json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

uint64_t toUint(const Json& v, const std::string& name, uint64_t max) {
  uint64_t out = 0;
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    out = static_cast<uint64_t>(v.get<int64_t>());
  } else if (v.is_string()) {
    const std::string s = v.get<std::string>();
    size_t used = 0;
    try {
      out = std::stoull(s, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || s[0] == '-')
      throw Error("invalid value for " + name + ": " + describe(v) + " (expected an unsigned integer)");
  } else {
    throw Error("invalid value for " + name + ": " + describe(v) + " (expected an unsigned integer)");
  }
  if (out > max) throw Error("invalid value for " + name + ": " + std::to_string(out) + " exceeds " + std::to_string(max));
  return out;
}

bool toBool(const Json& v, const std::string& name) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
  }
  throw Error("invalid value for " + name + ": " + describe(v) + " (expected true or false)");
}

std::string toString(const Json& v, const std::string& name) {
  if (!v.is_string()) throw Error("invalid value for " + name + ": " + describe(v) + " (expected a string)");
  return v.get<std::string>();
}

Millis toDuration(const Json& v, const std::string& name) {
  if (v.is_number()) {
    double secs = v.get<double>();
    if (!(secs >= 0) || secs > 1e9) throw Error("invalid value for " + name + ": " + describe(v) + " (expected seconds >= 0)");
    return Millis(static_cast<int64_t>(std::llround(secs * 1000)));
  }
  return parseDuration(toString(v, name), name);
}

uint64_t toBytes(const Json& v, const std::string& name) {
  if (v.is_string()) return parseByteSize(v.get<std::string>(), name);
  return toUint(v, name, ~uint64_t(0));
}

std::vector<std::string> toStringList(const Json& v, const std::string& name) {
  std::vector<std::string> out;
  if (v.is_string()) {  // a command line: split on spaces (use the JSON array form for quoting)
    std::string word;
    for (char c : v.get<std::string>()) {
      if (c == ' ') {
        if (!word.empty()) out.push_back(std::move(word));
        word.clear();
      } else {
        word += c;
      }
    }
    if (!word.empty()) out.push_back(word);
    return out;
  }
  if (!v.is_array()) throw Error("invalid value for " + name + ": expected an array of strings");
  for (const auto& e : v) out.push_back(toString(e, name));
  return out;
}

using K = ConfigOption::Kind;

#define FPVM_UINT_OPTION(NAME, FIELD, MAX, HELP)                                                                                 \
  ConfigOption {                                                                                                                 \
    NAME, HELP, K::Uint, [](ServerConfig& c, const Json& v) { c.FIELD = static_cast<decltype(c.FIELD)>(toUint(v, NAME, MAX)); }, \
        [](const ServerConfig& c) { return Json(static_cast<uint64_t>(c.FIELD)); }                                               \
  }
#define FPVM_DURATION_OPTION(NAME, FIELD, HELP)                                                     \
  ConfigOption {                                                                                    \
    NAME, HELP, K::Duration, [](ServerConfig& c, const Json& v) { c.FIELD = toDuration(v, NAME); }, \
        [](const ServerConfig& c) { return Json(formatDuration(c.FIELD)); }                         \
  }
#define FPVM_STRING_OPTION(NAME, FIELD, HELP)                                                   \
  ConfigOption {                                                                                \
    NAME, HELP, K::String, [](ServerConfig& c, const Json& v) { c.FIELD = toString(v, NAME); }, \
        [](const ServerConfig& c) { return Json(c.FIELD); }                                     \
  }
#define FPVM_BOOL_OPTION(NAME, FIELD, HELP)                                                 \
  ConfigOption {                                                                            \
    NAME, HELP, K::Bool, [](ServerConfig& c, const Json& v) { c.FIELD = toBool(v, NAME); }, \
        [](const ServerConfig& c) { return Json(c.FIELD); }                                 \
  }
#define FPVM_BYTES_OPTION(NAME, FIELD, HELP)                                                  \
  ConfigOption {                                                                              \
    NAME, HELP, K::Bytes, [](ServerConfig& c, const Json& v) { c.FIELD = toBytes(v, NAME); }, \
        [](const ServerConfig& c) { return Json(c.FIELD); }                                   \
  }

}  // namespace

const std::vector<ConfigOption>& configOptions() {
  static const std::vector<ConfigOption> options = {
      FPVM_STRING_OPTION("addr", addr, "address to listen on"),
      FPVM_UINT_OPTION("port", port, 65535, "port for HTTP and WebSocket (0 = any free port)"),
      FPVM_UINT_OPTION("http-threads", httpThreads, 256, "network I/O threads"),
      FPVM_BOOL_OPTION("rpc", rpc, "serve JSON-RPC, /metrics and /health (off: Redis consumer only)"),
      FPVM_BOOL_OPTION("auth", auth, "require a JWT (HS256) in Authorization: Bearer"),
      FPVM_STRING_OPTION("jwt-secret", jwtSecret, "32-byte hex secret file, created if missing (default ~/.fpvm/jwtsecret)"),
      FPVM_STRING_OPTION("prestates", prestates, "folder of prestate folders named 0x<state hash> or latest"),
      FPVM_UINT_OPTION("workers", workers, 4096, "runs executing at once (0 = number of cores)"),
      FPVM_UINT_OPTION("queue-size", queueSize, 1000000, "runs waiting for a worker before requests are refused as busy"),
      FPVM_DURATION_OPTION("max-execution-time", maxExecutionTime, "longest run (validation or execution-run build)"),
      FPVM_BYTES_OPTION("memory-limit", memoryLimit, "guest memory per machine, e.g. 4GiB (0 = unlimited)"),
      FPVM_BYTES_OPTION("request-size-limit", requestSizeLimit, "largest HTTP body or WebSocket message"),
      FPVM_DURATION_OPTION("execution-run-timeout", executionRunTimeout, "idle execution runs are closed after this"),
      FPVM_UINT_OPTION("cached-challenge-machines", cachedChallengeMachines, 1 << 20, "machines cached per execution run"),
      FPVM_UINT_OPTION("initial-steps", initialSteps, ~uint64_t(0), "spacing of the first cached machines"),
      FPVM_UINT_OPTION("kept-closed-runs", keptClosedRuns, 1 << 20, "closed execution runs kept for a new run on the same input"),
      FPVM_UINT_OPTION("hash-threads", hashThreads, 64, "threads one long per-step hash query uses (0 = min(cores, 8))"),
      ConfigOption{"preimage-server", "preimage server command for preimages not supplied inline (also: serve … -- cmd)",
                   K::StringList, [](ServerConfig& c, const Json& v) { c.preimageServer = toStringList(v, "preimage-server"); },
                   [](const ServerConfig& c) { return Json(c.preimageServer); }},
      FPVM_DURATION_OPTION("preimage-timeout", preimageTimeout, "longest wait for one answer of the preimage server"),
      FPVM_STRING_OPTION("redis-url", redisUrl, "redis://host:port[/db] to consume validation requests from (\"\" = off)"),
      FPVM_STRING_OPTION("stream-prefix", streamPrefix, "prefix of Redis stream and result keys"),
      FPVM_DURATION_OPTION("idletime-to-autoclaim", idletimeToAutoclaim, "Redis entries idle this long are taken over"),
      FPVM_DURATION_OPTION("response-entry-timeout", responseEntryTimeout, "TTL of Redis result and error keys"),
      FPVM_UINT_OPTION("max-retry-count", maxRetryCount, 1 << 20, "Redis deliveries of one entry before an error result"),
      FPVM_UINT_OPTION("redis-consumers", redisConsumers, 4096, "Redis consumer threads (0 = workers)"),
      FPVM_DURATION_OPTION("redis-timeout", redisTimeout, "longest Redis command (connecting, sending, the whole reply)"),
      FPVM_BYTES_OPTION("redis-max-reply", redisMaxReply, "largest Redis reply a consumer reads"),
      FPVM_BOOL_OPTION("segment-jobs", segmentJobs, "with redis-url: also verify segment proofs from <prefix>stream:segments"),
      FPVM_UINT_OPTION("segment-max-steps", segmentMaxSteps, ~uint64_t(0), "longest segment (steps) a segment job may claim"),
      FPVM_STRING_OPTION("log-level", logLevel, "debug, info, warn or error"),
  };
  return options;
}

unsigned ServerConfig::effectiveWorkers() const {
  if (workers != 0) return workers;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void ServerConfig::validate() const {
  if (httpThreads == 0) throw Error("invalid value for http-threads: must be at least 1");
  if (cachedChallengeMachines < 2) throw Error("invalid value for cached-challenge-machines: must be at least 2");
  if (initialSteps == 0) throw Error("invalid value for initial-steps: must be at least 1");
  if (maxExecutionTime.count() <= 0) throw Error("invalid value for max-execution-time: must be positive");
  if (executionRunTimeout.count() <= 0) throw Error("invalid value for execution-run-timeout: must be positive");
  if (idletimeToAutoclaim.count() < 2) throw Error("invalid value for idletime-to-autoclaim: must be at least 2ms");
  if (redisTimeout.count() <= 0) throw Error("invalid value for redis-timeout: must be positive");
  if (redisMaxReply < 1024) throw Error("invalid value for redis-max-reply: must be at least 1024 bytes");
  if (responseEntryTimeout.count() <= 0) throw Error("invalid value for response-entry-timeout: must be positive");
  if (preimageTimeout.count() <= 0) throw Error("invalid value for preimage-timeout: must be positive");
  if (requestSizeLimit < 1024) throw Error("invalid value for request-size-limit: must be at least 1024 bytes");
  if (memoryLimit != 0 && memoryLimit < 4096) throw Error("invalid value for memory-limit: must be 0 or at least 4096 bytes");
  if (logLevel != "debug" && logLevel != "info" && logLevel != "warn" && logLevel != "error")
    throw Error("invalid value for log-level: \"" + logLevel + "\" (expected debug, info, warn or error)");
  if (!rpc && redisUrl.empty()) throw Error("nothing to do: rpc is off and no redis-url is set");
  if (segmentMaxSteps == 0) throw Error("invalid value for segment-max-steps: must be at least 1");
}

void applyConfigJson(ServerConfig& config, const nlohmann::json& object, const std::string& what) {
  if (!object.is_object()) throw Error(what + ": expected a JSON object of option names and values");
  for (const auto& [key, value] : object.items()) {
    const ConfigOption* found = nullptr;
    for (const auto& o : configOptions())
      if (key == o.name) found = &o;
    if (!found) throw Error(what + ": unknown option \"" + key + "\"");
    try {
      found->set(config, value);
    } catch (const Error& e) {
      throw Error(what + ": " + e.what());
    }
  }
}

nlohmann::json configToJson(const ServerConfig& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& o : configOptions()) out[o.name] = o.get(config);
  return out;
}

}  // namespace fpvm::server
