#include "server/metrics.hpp"

#include <cmath>
#include <cstdio>

#include "common/error.hpp"

namespace fpvm::server {
namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string series(const std::string& name, const std::string& labels, const std::string& extra = "") {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? name : name + "{" + all + "}";
}

const std::vector<double> kSecondsBuckets = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900};
const std::vector<double> kStepsBuckets = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11};

}  // namespace

Metrics::Metrics() {
  declare("fpvm_validations_total", Type::Counter, "Validations by result status (valid, invalid, panic, unfinished, error)");
  declare("fpvm_validation_duration_seconds", Type::Histogram, "Wall time of validation runs", kSecondsBuckets);
  declare("fpvm_validation_steps", Type::Histogram, "Steps executed per validation", kStepsBuckets);
  declare("fpvm_steps_total", Type::Counter, "Guest steps executed by validations and execution-run builds");
  declare("fpvm_rpc_requests_total", Type::Counter, "JSON-RPC calls by method and outcome");
  declare("fpvm_rpc_duration_seconds", Type::Histogram, "JSON-RPC call duration by method", kSecondsBuckets);
  declare("fpvm_queue_depth", Type::Gauge, "Runs waiting for a worker");
  declare("fpvm_workers_busy", Type::Gauge, "Workers executing a run");
  declare("fpvm_query_queue_depth", Type::Gauge, "Execution-run queries waiting for a query thread");
  declare("fpvm_execution_runs_active", Type::Gauge, "Execution runs held in memory (open or kept for reuse)");
  declare("fpvm_execution_run_handles", Type::Gauge, "Open execution-run ids");
  declare("fpvm_execution_runs_created_total", Type::Counter,
          "Execution runs created (reused=true: an existing machine cache served)");
  declare("fpvm_execution_runs_pruned_total", Type::Counter, "Execution-run ids closed by the idle pruner");
  declare("fpvm_cache_build_seconds", Type::Histogram, "Time to build an execution run's machine cache", kSecondsBuckets);
  declare("fpvm_busy_refusals_total", Type::Counter, "Requests refused because workers and queue were full");
  declare("fpvm_redis_jobs_total", Type::Counter, "Redis stream entries finished by outcome (result, error, retries_exceeded)");
  declare("fpvm_redis_claims_total", Type::Counter, "Redis entries taken over from another consumer with XAUTOCLAIM");
  declare("fpvm_redis_retries_total", Type::Counter, "Redis entries delivered again after a consumer stopped working on them");
  declare("fpvm_redis_heartbeats_total", Type::Counter, "XCLAIM JUSTID refreshes of running Redis entries");
  declare("fpvm_redis_errors_total", Type::Counter, "Redis command or connection failures");
  declare("fpvm_segment_jobs_total", Type::Counter, "Segment-verification jobs from Redis by outcome (verified, rejected)");
  declare("fpvm_segment_steps_total", Type::Counter, "Steps re-executed by verified segment jobs");
  declare("fpvm_http_oversize_total", Type::Counter, "Requests refused for exceeding request-size-limit");
  declare("fpvm_auth_failures_total", Type::Counter, "Requests refused for a missing or bad JWT");
}

void Metrics::declare(const std::string& name, Type type, const std::string& help, std::vector<double> bounds) {
  Family f;
  f.type = type;
  f.help = help;
  f.bounds = std::move(bounds);
  families_.emplace(name, std::move(f));
}

Metrics::Family& Metrics::family(const std::string& name) {
  auto it = families_.find(name);
  if (it == families_.end()) throw Error("internal error: undeclared metric " + name);
  return it->second;
}

void Metrics::inc(const std::string& name, const std::string& labels, double by) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name).values[labels] += by;
}

void Metrics::set(const std::string& name, const std::string& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name).values[labels] = value;
}

void Metrics::observe(const std::string& name, const std::string& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name);
  Histogram& h = f.histograms[labels];
  if (h.buckets.empty()) h.buckets.assign(f.bounds.size(), 0);
  for (size_t i = 0; i < f.bounds.size(); ++i)
    if (value <= f.bounds[i]) ++h.buckets[i];
  ++h.count;
  h.sum += value;
}

void Metrics::gaugeFunction(const std::string& name, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name).read = std::move(read);
}

double Metrics::value(const std::string& name, const std::string& labels) const {
  std::function<double()> read;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) return 0;
    if (!it->second.read) {
      auto v = it->second.values.find(labels);
      return v == it->second.values.end() ? 0 : v->second;
    }
    read = it->second.read;
  }
  return read();  // outside the lock: readers take other locks, which may be held by callers of inc()
}

uint64_t Metrics::count(const std::string& name, const std::string& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto h = it->second.histograms.find(labels);
  return h == it->second.histograms.end() ? 0 : h->second.count;
}

std::string Metrics::render() const {
  // Gauge functions run without the lock (they take the pools' and run manager's locks, whose
  // holders may be waiting for this one in inc()).
  std::map<std::string, std::function<double()>> readers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, f] : families_)
      if (f.read) readers[name] = f.read;
  }
  std::map<std::string, double> read;
  for (const auto& [name, fn] : readers) read[name] = fn();
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::Counter ? "counter" : f.type == Type::Gauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + type + "\n";
    if (auto r = read.find(name); r != read.end()) {
      out += name + " " + number(r->second) + "\n";
      continue;
    }
    if (f.type != Type::Histogram) {
      if (f.values.empty() && f.type == Type::Counter) out += name + " 0\n";
      for (const auto& [labels, v] : f.values) out += series(name, labels) + " " + number(v) + "\n";
      continue;
    }
    for (const auto& [labels, h] : f.histograms) {
      for (size_t i = 0; i < f.bounds.size(); ++i)
        out += series(name + "_bucket", labels, "le=\"" + number(f.bounds[i]) + "\"") + " " + std::to_string(h.buckets[i]) + "\n";
      out += series(name + "_bucket", labels, "le=\"+Inf\"") + " " + std::to_string(h.count) + "\n";
      out += series(name + "_sum", labels) + " " + number(h.sum) + "\n";
      out += series(name + "_count", labels) + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace fpvm::server
