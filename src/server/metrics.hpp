#pragma once
/// Prometheus metrics in the text exposition format (version 0.0.4). Families are declared once
/// with their type and help; series are keyed by a preformatted label set (`status="valid"`).
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fpvm::server {

class Metrics {
 public:
  /// Declares the server's families (names listed in docs/decisions/0004-validation-server.md).
  Metrics();

  void inc(const std::string& name, const std::string& labels = "", double by = 1);
  void set(const std::string& name, const std::string& labels, double value);
  void observe(const std::string& name, const std::string& labels, double value);
  /// A gauge read at render time.
  void gaugeFunction(const std::string& name, std::function<double()> read);

  /// The /metrics document.
  std::string render() const;
  /// Current value of a counter or gauge series (tests); 0 when absent.
  double value(const std::string& name, const std::string& labels = "") const;
  /// Observation count of a histogram series (tests).
  uint64_t count(const std::string& name, const std::string& labels = "") const;

 private:
  enum class Type { Counter, Gauge, Histogram };
  struct Histogram {
    std::vector<uint64_t> buckets;
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;  ///< histogram upper bounds
    std::map<std::string, double> values;
    std::map<std::string, Histogram> histograms;
    std::function<double()> read;
  };
  void declare(const std::string& name, Type type, const std::string& help, std::vector<double> bounds = {});
  Family& family(const std::string& name);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace fpvm::server
