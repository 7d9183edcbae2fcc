#include "server/rpc_service.hpp"

#include <chrono>
#include <cstdio>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "core/proof_json.hpp"
#include "rpc/rpc_error.hpp"
#include "segment/segment_proof.hpp"

namespace fpvm::server {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string shorten(const std::string& s, size_t n = 240) { return s.size() > n ? s.substr(0, n - 3) + "..." : s; }

std::string formatMs(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fms", seconds * 1000);
  return buf;
}

/// Wraps a result or error into the JSON-RPC envelope. A large result is moved, not copied.
std::string envelope(const std::string& idText, CallResult r) {
  if (r.code != 0) {
    Json err = {{"code", r.code}, {"message", r.message}};
    return "{\"jsonrpc\":\"2.0\",\"id\":" + idText + ",\"error\":" + err.dump() + "}";
  }
  std::string prefix = "{\"jsonrpc\":\"2.0\",\"id\":" + idText + ",\"result\":";
  std::string out = std::move(r.json);
  out.insert(0, prefix);  // in place when the handler reserved room
  out += '}';
  return out;
}

}  // namespace

RpcService::RpcService(const ServerConfig& config, const runs::PrestateStore& prestates, WorkerPool& workers, WorkerPool& queries,
                       RunManager& runs, Metrics& metrics, const std::atomic<bool>& shutdown)
    : config_(config),
      prestates_(prestates),
      workers_(workers),
      queries_(queries),
      runs_(runs),
      metrics_(metrics),
      shutdown_(shutdown) {
  registerMethods();
}

std::string RpcService::errorResponse(int code, const std::string& message) {
  return envelope("null", CallResult::error(code, message));
}

runs::RunLimits RpcService::limits() const {
  runs::RunLimits l;
  l.maxExecutionTime = config_.maxExecutionTime;
  l.memoryLimit = config_.memoryLimit;
  l.preimageServer = config_.preimageServer;
  l.serverLimits.timeout = config_.preimageTimeout;
  return l;
}

std::shared_ptr<const runs::Prestate> RpcService::prestateParam(const rpc::Params& p, size_t i) const {
  const Json& v = p.at(i);
  if (!v.is_string()) p.hash(i, "prestate");  // throws the typed message
  const std::string& name = v.get_ref<const std::string&>();
  if (name != "latest") p.hash(i, "prestate");  // malformed hex is invalid params, not unknown
  auto found = prestates_.find(name);
  if (!found) throw rpc::RpcError(rpc::kUnknownPrestate, "unknown prestate " + name + " (see validation_prestates)");
  return found;
}

std::function<void()> RpcService::validationJob(Json inputJson, std::shared_ptr<const runs::Prestate> prestate, std::string where,
                                                Done done) {
  return [this, inputJson = std::move(inputJson), prestate = std::move(prestate), where = std::move(where), done]() {
    const auto start = Clock::now();
    try {
      auto input = std::make_shared<runs::ValidationInput>(runs::parseValidationInput(inputJson, where));
      runs::ValidationResult r = validate(*prestate, input, limits(), &shutdown_);
      metrics_.inc("fpvm_validations_total", std::string("status=\"") + vm::statusName(r.status) + "\"");
      metrics_.observe("fpvm_validation_duration_seconds", "", r.elapsed);
      metrics_.observe("fpvm_validation_steps", "", double(r.steps));
      metrics_.inc("fpvm_steps_total", "", double(r.steps));
      done(CallResult::ok(toJson(r).dump()));
    } catch (const rpc::RpcError& e) {
      metrics_.inc("fpvm_validations_total", "status=\"error\"");
      metrics_.observe("fpvm_validation_duration_seconds", "", std::chrono::duration<double>(Clock::now() - start).count());
      done(CallResult::error(e.code(), e.what()));
    } catch (const std::exception& e) {
      metrics_.inc("fpvm_validations_total", "status=\"error\"");
      logError("validation failed unexpectedly", {{"error", e.what()}});
      done(CallResult::error(rpc::kInternalError, std::string("internal error: ") + e.what()));
    }
  };
}

void RpcService::validateQueued(Json inputJson, std::shared_ptr<const runs::Prestate> prestate,
                                std::function<void(CallResult)> done) {
  auto job = validationJob(std::move(inputJson), std::move(prestate), "input", done);
  if (!workers_.postWait(
          WorkerPool::Job{std::move(job), [done] { done(CallResult::error(rpc::kShuttingDown, "server shutting down")); }}))
    done(CallResult::error(rpc::kShuttingDown, "server shutting down"));
}

void RpcService::onRun(uint64_t id, Done done, std::function<CallResult(runs::ExecutionRun&)> fn) {
  auto run = runs_.get(id);  // throws run not found
  run->whenBuilt([this, run, done, fn = std::move(fn)]() {
    auto job = [run, done, fn]() {
      try {
        run->checkUsable();
        done(fn(*run));
      } catch (const rpc::RpcError& e) {
        done(CallResult::error(e.code(), e.what()));
      } catch (const std::exception& e) {
        logError("execution-run query failed unexpectedly", {{"error", e.what()}});
        done(CallResult::error(rpc::kInternalError, std::string("internal error: ") + e.what()));
      }
    };
    if (!queries_.tryPost(
            WorkerPool::Job{std::move(job), [done] { done(CallResult::error(rpc::kShuttingDown, "server shutting down")); }})) {
      if (shutdown_.load()) {
        done(CallResult::error(rpc::kShuttingDown, "server shutting down"));
      } else {
        metrics_.inc("fpvm_busy_refusals_total");
        done(CallResult::error(rpc::kServerBusy, "server busy: all " + std::to_string(queries_.threads()) +
                                                     " query threads are running and " + std::to_string(queries_.capacity()) +
                                                     " queries are queued; retry later"));
      }
    }
  });
}

void RpcService::registerMethods() {
  auto sync = [](std::function<Json(const rpc::Params&)> fn) {
    return Method{[fn](const rpc::Params& p, Json&, Done done) { done(CallResult::ok(fn(p).dump())); }};
  };
  methods_["validation_name"] = sync([](const rpc::Params& p) {
    p.expectCount(0, "[]");
    return Json(kEngineName);
  });
  auto capacity = sync([this](const rpc::Params& p) {
    p.expectCount(0, "[]");
    return Json(workers_.threads());
  });
  methods_["validation_capacity"] = capacity;
  methods_["validation_room"] = capacity;  // legacy alias (Nitro)
  methods_["validation_prestates"] = sync([this](const rpc::Params& p) {
    p.expectCount(0, "[]");
    Json out = Json::array();
    for (const auto& h : prestates_.hashes()) out.push_back(toHex(h));
    return out;
  });

  methods_["validation_validate"] = Method{[this](const rpc::Params& p, Json& params, Done done) {
    p.expectCount(2, "[input, prestate]");
    auto prestate = prestateParam(p, 1);
    if (!p.at(0).is_object())
      throw rpc::RpcError(rpc::kInvalidParams, p.where(0, "input") + ": expected an object {id, localKeys, preimages}");
    auto job = validationJob(std::move(params[0]), prestate, p.where(0, "input"), done);
    if (!workers_.tryPost(
            WorkerPool::Job{std::move(job), [done] { done(CallResult::error(rpc::kShuttingDown, "server shutting down")); }})) {
      if (shutdown_.load()) throw rpc::RpcError(rpc::kShuttingDown, "server shutting down");
      metrics_.inc("fpvm_busy_refusals_total");
      throw rpc::RpcError(rpc::kServerBusy, "server busy: all " + std::to_string(workers_.threads()) +
                                                " workers are running and " + std::to_string(workers_.capacity()) +
                                                " runs are queued; retry later");
    }
  }};

  methods_["validation_createExecutionRun"] = Method{[this](const rpc::Params& p, Json& params, Done done) {
    p.expectCount(2, "[prestate, input]");
    auto prestate = prestateParam(p, 0);
    if (!p.at(1).is_object())
      throw rpc::RpcError(rpc::kInvalidParams, p.where(1, "input") + ": expected an object {id, localKeys, preimages}");
    // Parsing and checking a large input takes a while: do it off the network thread.
    Json inputJson = std::move(params[1]);
    const std::string where = p.where(1, "input");
    auto job = [this, inputJson = std::move(inputJson), prestate, done, where]() {
      try {
        auto input = std::make_shared<const runs::ValidationInput>(runs::parseValidationInput(inputJson, where));
        done(CallResult::ok(Json(runs_.create(prestate, input)).dump()));
      } catch (const rpc::RpcError& e) {
        done(CallResult::error(e.code(), e.what()));
      } catch (const std::exception& e) {
        done(CallResult::error(rpc::kInternalError, std::string("internal error: ") + e.what()));
      }
    };
    if (!queries_.tryPost(
            WorkerPool::Job{std::move(job), [done] { done(CallResult::error(rpc::kShuttingDown, "server shutting down")); }})) {
      metrics_.inc("fpvm_busy_refusals_total");
      throw rpc::RpcError(rpc::kServerBusy, "server busy: too many queued execution-run requests; retry later");
    }
  }};

  methods_["validation_getStepAt"] = Method{[this](const rpc::Params& p, Json&, Done done) {
    p.expectCount(2, "[id, position]");
    const uint64_t id = p.u64(0, "id");
    const uint64_t position = p.u64(1, "position");
    onRun(id, done, [position](runs::ExecutionRun& run) {
      runs::StepInfo s = run.stepAt(position);
      Json out = {{"Hash", toHex(s.hash)}, {"Position", s.position}, {"Status", vm::statusName(s.status)}};
      return CallResult::ok(out.dump());
    });
  }};

  methods_["validation_getMachineHashesWithStepSize"] = Method{[this](const rpc::Params& p, Json&, Done done) {
    p.expectCount(4, "[id, fromStep, stepSize, maxIterations]");
    const uint64_t id = p.u64(0, "id");
    const uint64_t from = p.u64(1, "fromStep");
    const uint64_t stepSize = p.u64(2, "stepSize");
    const uint64_t maxIterations = p.u64(3, "maxIterations");
    if (stepSize == 0) throw rpc::RpcError(rpc::kInvalidParams, p.where(2, "stepSize") + ": must be at least 1");
    if (maxIterations == 0) throw rpc::RpcError(rpc::kInvalidParams, p.where(3, "maxIterations") + ": must be at least 1");
    if (maxIterations > runs::kMaxHashesPerQuery)
      throw rpc::RpcError(rpc::kInvalidParams, p.where(3, "maxIterations") + ": at most " +
                                                   std::to_string(runs::kMaxHashesPerQuery) + " hashes per query");
    onRun(id, done, [from, stepSize, maxIterations](runs::ExecutionRun& run) {
      return CallResult::ok(run.machineHashes(from, stepSize, maxIterations, 256));
    });
  }};

  methods_["validation_getProofAt"] = Method{[this](const rpc::Params& p, Json&, Done done) {
    p.expectCount(2, "[id, position]");
    const uint64_t id = p.u64(0, "id");
    const uint64_t position = p.u64(1, "position");
    onRun(id, done, [position](runs::ExecutionRun& run) { return CallResult::ok(core::encodeProofJson(run.proofAt(position))); });
  }};

  // Steps [from, to) of the run as one segment proof, for clients that hold only hashes:
  // {"fromStep", "endStep", "preHash", "postHash", "proof": base64 of the encoding}.
  methods_["validation_getSegmentProof"] = Method{[this](const rpc::Params& p, Json&, Done done) {
    p.expectCount(3, "[id, fromStep, toStep]");
    const uint64_t id = p.u64(0, "id");
    const uint64_t from = p.u64(1, "fromStep");
    const uint64_t to = p.u64(2, "toStep");
    if (to <= from) throw rpc::RpcError(rpc::kInvalidParams, p.where(2, "toStep") + ": must be after fromStep");
    onRun(id, done, [from, to](runs::ExecutionRun& run) {
      const Bytes encoded = run.segmentProof(from, to);
      const core::SegmentClaim claim = core::readSegmentClaim(encoded, "segment proof");
      Json out = {{"fromStep", claim.fromStep},
                  {"endStep", claim.toStep},
                  {"preHash", toHex(claim.preHash)},
                  {"postHash", toHex(claim.postHash)},
                  {"proof", toBase64(encoded)}};
      return CallResult::ok(out.dump());
    });
  }};

  methods_["validation_prepareRange"] = Method{[this](const rpc::Params& p, Json&, Done done) {
    p.expectCount(3, "[id, start, end]");
    const uint64_t id = p.u64(0, "id");
    const uint64_t start = p.u64(1, "start");
    const uint64_t end = p.u64(2, "end");
    if (end < start) throw rpc::RpcError(rpc::kInvalidParams, p.where(2, "end") + ": must not be before start");
    onRun(id, done, [start, end](runs::ExecutionRun& run) {
      run.prepareRange(start, end);
      return CallResult::ok("null");
    });
  }};

  methods_["validation_execKeepAlive"] = sync([this](const rpc::Params& p) {
    p.expectCount(1, "[id]");
    runs_.get(p.u64(0, "id"));  // refreshes the idle timer; throws run not found
    return Json(nullptr);
  });
  methods_["validation_checkAlive"] = sync([this](const rpc::Params& p) {
    p.expectCount(1, "[id]");
    runs_.get(p.u64(0, "id"))->checkUsable();
    return Json(nullptr);
  });
  methods_["validation_closeExec"] = sync([this](const rpc::Params& p) {
    p.expectCount(1, "[id]");
    runs_.close(p.u64(0, "id"));  // an unknown id is fine
    return Json(nullptr);
  });
}

void RpcService::handle(std::string body, const char* transport, Respond respond) {
  Json request;
  try {
    request = Json::parse(body);
  } catch (const Json::parse_error& e) {
    logInfo("rpc", {{"transport", transport},
                    {"method", "-"},
                    {"outcome", "error -32700 parse error"},
                    {"bytes", std::to_string(body.size())}});
    metrics_.inc("fpvm_rpc_requests_total", "method=\"-\",outcome=\"error\"");
    respond(errorResponse(rpc::kParseError, std::string("parse error: ") + shorten(e.what(), 200)));
    return;
  }
  body.clear();
  body.shrink_to_fit();
  if (!request.is_array()) {
    dispatch(request, transport, std::move(respond));
    return;
  }
  if (request.empty()) {
    respond(errorResponse(rpc::kInvalidRequest, "invalid request: empty batch"));
    return;
  }
  // Batch: answer once every element has answered (notifications add nothing).
  struct Batch {
    std::mutex mutex;
    std::vector<std::string> parts;
    size_t pending;
    Respond respond;
  };
  auto batch = std::make_shared<Batch>();
  batch->parts.resize(request.size());
  batch->pending = request.size();
  batch->respond = std::move(respond);
  for (size_t i = 0; i < request.size(); ++i) {
    dispatch(request[i], transport, [batch, i](std::string part) {
      std::unique_lock<std::mutex> lock(batch->mutex);
      batch->parts[i] = std::move(part);
      if (--batch->pending > 0) return;
      std::string out = "[";
      bool first = true;
      for (auto& s : batch->parts) {
        if (s.empty()) continue;
        if (!first) out += ',';
        out += s;
        first = false;
      }
      out += ']';
      lock.unlock();
      batch->respond(first ? std::string() : std::move(out));
    });
  }
}

void RpcService::dispatch(Json& request, const char* transport, std::function<void(std::string)> reply) {
  const auto start = Clock::now();
  if (!request.is_object()) {
    reply(errorResponse(rpc::kInvalidRequest, "invalid request: expected a JSON-RPC 2.0 request object"));
    return;
  }
  const bool notification = !request.contains("id");
  std::string idText = "null";
  if (!notification) {
    const Json& id = request["id"];
    if (!(id.is_null() || id.is_string() || id.is_number())) {
      reply(errorResponse(rpc::kInvalidRequest, "invalid request: id must be a string, a number or null"));
      return;
    }
    idText = id.dump();
  }
  std::string method = "-";
  auto finish = [this, start, transport, idText, notification, reply](const std::string& method, const std::string& metricName,
                                                                      CallResult r) {
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string outcome = r.code == 0 ? "ok" : "error " + std::to_string(r.code) + " " + shorten(r.message, 160);
    logInfo("rpc", {{"transport", transport},
                    {"method", method},
                    {"id", shorten(idText, 80)},
                    {"outcome", outcome},
                    {"duration", formatMs(secs)}});
    metrics_.inc("fpvm_rpc_requests_total", "method=\"" + metricName + "\",outcome=\"" + (r.code == 0 ? "ok" : "error") + "\"");
    metrics_.observe("fpvm_rpc_duration_seconds", "method=\"" + metricName + "\"", secs);
    reply(notification ? std::string() : envelope(idText, std::move(r)));
  };
  if (!request.contains("jsonrpc") || request["jsonrpc"] != "2.0") {
    finish(method, "-", CallResult::error(rpc::kInvalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\""));
    return;
  }
  if (!request.contains("method") || !request["method"].is_string()) {
    finish(method, "-", CallResult::error(rpc::kInvalidRequest, "invalid request: \"method\" must be a string"));
    return;
  }
  method = request["method"].get<std::string>();
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    finish(shorten(method, 80), "unknown",
           CallResult::error(rpc::kMethodNotFound, "the method " + shorten(method, 80) + " does not exist/is not available"));
    return;
  }
  const Json* params = request.contains("params") ? &request["params"] : nullptr;
  auto done = [finish, method](CallResult r) { finish(method, method, std::move(r)); };
  try {
    rpc::Params p(method, params);
    Json empty = Json::array();
    it->second.call(p, params && params->is_array() ? request["params"] : empty, done);
  } catch (const rpc::RpcError& e) {
    done(CallResult::error(e.code(), e.what()));
  } catch (const std::exception& e) {
    logError("rpc handler failed unexpectedly", {{"method", method}, {"error", e.what()}});
    done(CallResult::error(rpc::kInternalError, std::string("internal error: ") + e.what()));
  }
}

}  // namespace fpvm::server
