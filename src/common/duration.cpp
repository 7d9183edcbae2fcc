#include "common/duration.hpp"

#include <cctype>
#include <cmath>

#include "common/error.hpp"

namespace fpvm {

Millis parseDuration(const std::string& text, const std::string& what) {
  auto bad = [&]() {
    return Error("invalid value for " + what + ": \"" + text + "\" (expected a duration such as 90s, 15m, 1h, 250ms)");
  };
  if (text.empty()) throw bad();
  // A plain number means seconds.
  bool plain = true;
  for (char c : text)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) plain = false;
  if (plain) {
    double secs = 0;
    try {
      secs = std::stod(text);
    } catch (const std::exception&) {
      throw bad();
    }
    return Millis(static_cast<int64_t>(std::llround(secs * 1000)));
  }
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) throw bad();
    double v = 0;
    try {
      v = std::stod(text.substr(start, i - start));
    } catch (const std::exception&) {
      throw bad();
    }
    size_t u = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string unit = text.substr(u, i - u);
    double ms;
    if (unit == "ms") ms = 1;
    else if (unit == "s") ms = 1000;
    else if (unit == "m") ms = 60000;
    else if (unit == "h") ms = 3600000;
    else throw bad();
    total += v * ms;
  }
  if (total > 1e15) throw bad();
  return Millis(static_cast<int64_t>(std::llround(total)));
}

uint64_t parseByteSize(const std::string& text, const std::string& what) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  auto bad = [&]() {
    return Error("invalid value for " + what + ": \"" + text + "\" (expected bytes such as 1048576, 512MiB or 4GiB)");
  };
  if (i == 0 || i > 20) throw bad();
  uint64_t n;
  try {
    n = std::stoull(text.substr(0, i));
  } catch (const std::exception&) {
    throw bad();
  }
  std::string unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  uint64_t mul;
  if (unit.empty() || unit == "B") mul = 1;
  else if (unit == "KiB" || unit == "K" || unit == "k") mul = uint64_t(1) << 10;
  else if (unit == "MiB" || unit == "M") mul = uint64_t(1) << 20;
  else if (unit == "GiB" || unit == "G") mul = uint64_t(1) << 30;
  else if (unit == "TiB" || unit == "T") mul = uint64_t(1) << 40;
  else if (unit == "KB" || unit == "kB") mul = 1000;
  else if (unit == "MB") mul = 1000000;
  else if (unit == "GB") mul = 1000000000;
  else throw bad();
  if (n != 0 && mul > ~uint64_t(0) / n) throw bad();
  return n * mul;
}

std::string formatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  int64_t s = ms / 1000;
  std::string out;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0 || out.empty()) out += std::to_string(s) + "s";
  return out;
}

}  // namespace fpvm
