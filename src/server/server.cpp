#include "server/server.hpp"

#include "common/error.hpp"
#include "common/logfmt.hpp"
#include "rpc/jwt.hpp"
#include "server/http_server.hpp"
#include "server/redis_consumer.hpp"
#include "server/rpc_service.hpp"
#include "server/run_manager.hpp"
#include "server/worker_pool.hpp"

namespace fpvm::server {

Server::Server(ServerConfig config) : config_(std::move(config)) {
  config_.validate();
  // A Redis consumer of segment jobs needs no prestate: segment proofs are verified statelessly.
  const bool segmentsOnly = !config_.redisUrl.empty() && config_.segmentJobs;
  if (config_.prestates.empty() && !segmentsOnly) throw Error("prestates: no prestate folder given (--prestates DIR)");
  if (!config_.prestates.empty()) prestates_ = runs::PrestateStore::load(config_.prestates);
  if (prestates_.size() == 0)
    logWarn("no prestate loaded", {{"folder", config_.prestates.empty() ? "(none)" : config_.prestates}});
  init();
}

Server::Server(ServerConfig config, runs::PrestateStore prestates)
    : config_(std::move(config)), prestates_(std::move(prestates)) {
  config_.validate();
  init();
}

void Server::init() {
  if (config_.auth && config_.rpc) {
    const std::string path = config_.jwtSecret.empty() ? rpc::defaultJwtSecretPath() : config_.jwtSecret;
    jwtSecret_ = rpc::loadOrCreateJwtSecret(path);
  }
  const unsigned workers = config_.effectiveWorkers();
  workers_ = std::make_unique<WorkerPool>("workers", workers, config_.queueSize);
  // Queries of execution runs get their own threads so that they never wait behind validations
  // (and a query waiting for a cache build never holds the worker that would build it).
  queries_ = std::make_unique<WorkerPool>("queries", std::max(2u, workers), config_.queueSize);
  runs::RunSettings settings;
  settings.limits.maxExecutionTime = config_.maxExecutionTime;
  settings.limits.memoryLimit = config_.memoryLimit;
  settings.limits.preimageServer = config_.preimageServer;
  settings.limits.serverLimits.timeout = config_.preimageTimeout;
  settings.cachedMachines = config_.cachedChallengeMachines;
  settings.initialSteps = config_.initialSteps;
  settings.hashThreads = config_.hashThreads;
  runs_ = std::make_unique<RunManager>(settings, *workers_, metrics_, config_.executionRunTimeout, config_.keptClosedRuns,
                                       &shutdown_);
  rpc_ = std::make_unique<RpcService>(config_, prestates_, *workers_, *queries_, *runs_, metrics_, shutdown_);
  WorkerPool* w = workers_.get();
  WorkerPool* q = queries_.get();
  RunManager* r = runs_.get();
  metrics_.gaugeFunction("fpvm_queue_depth", [w] { return double(w->queued()); });
  metrics_.gaugeFunction("fpvm_workers_busy", [w] { return double(w->active()); });
  metrics_.gaugeFunction("fpvm_query_queue_depth", [q] { return double(q->queued()); });
  metrics_.gaugeFunction("fpvm_execution_runs_active", [r] { return double(r->activeRuns()); });
  metrics_.gaugeFunction("fpvm_execution_run_handles", [r] { return double(r->openIds()); });
}

Server::~Server() { stop(); }

RunManager& Server::runs() { return *runs_; }

uint16_t Server::port() const { return http_ ? http_->port() : 0; }

std::string Server::health() const {
  nlohmann::json h = {{"status", "ok"},
                      {"engine", kEngineName},
                      {"prestates", prestates_.size()},
                      {"workers", workers_->threads()},
                      {"busyWorkers", workers_->active()},
                      {"queued", workers_->queued()},
                      {"executionRuns", runs_->activeRuns()},
                      {"redis", redis_ != nullptr}};
  return h.dump();
}

void Server::start() {
  if (started_) return;
  started_ = true;
  setLogLevel(config_.logLevel == "debug"   ? LogLevel::Debug
              : config_.logLevel == "warn"  ? LogLevel::Warn
              : config_.logLevel == "error" ? LogLevel::Error
                                            : LogLevel::Info);
  runs_->startPruner();
  if (config_.rpc) {
    HttpOptions o;
    o.addr = config_.addr;
    o.port = config_.port;
    o.threads = config_.httpThreads;
    o.requestSizeLimit = config_.requestSizeLimit;
    o.auth = config_.auth;
    o.jwtSecret = jwtSecret_;
    http_ = std::make_unique<HttpServer>(o, *rpc_, metrics_, [this] { return health(); });
    http_->start();
    const bool loopback = config_.addr == "127.0.0.1" || config_.addr == "::1" || config_.addr == "localhost";
    if (!loopback && !config_.auth) logWarn("serving without authentication on a non-loopback address", {{"addr", config_.addr}});
  }
  if (!config_.redisUrl.empty()) {
    redis_ = std::make_unique<RedisConsumer>(config_, *rpc_, *workers_, metrics_, shutdown_);
    redis_->start();
  }
  logInfo("validation server started", {{"addr", config_.addr},
                                        {"port", std::to_string(port())},
                                        {"rpc", config_.rpc ? "on" : "off"},
                                        {"auth", config_.auth ? "jwt" : "off"},
                                        {"workers", std::to_string(workers_->threads())},
                                        {"prestates", std::to_string(prestates_.size())},
                                        {"redis", config_.redisUrl.empty() ? "off" : config_.redisUrl}});
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  shutdown_.store(true);
  if (http_) http_->stopAccepting();
  if (redis_) redis_->stop();
  runs_->stop();  // cancels builds and queries in progress
  // Pools before the network: their jobs answer through the I/O threads.
  workers_->stop();
  queries_->stop();
  if (http_) http_->stop();
  if (started_) logInfo("validation server stopped");
}

}  // namespace fpvm::server
