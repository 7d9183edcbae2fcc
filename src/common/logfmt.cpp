#include "common/logfmt.hpp"

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <mutex>

namespace fpvm {
namespace {
std::atomic<LogLevel> gLevel{LogLevel::Info};
std::mutex gMutex;

void appendValue(std::string& out, const std::string& v) {
  bool quote = v.empty();
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t' || c == '\\') quote = true;
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  out += '"';
}

const char* levelName(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}
}  // namespace

void setLogLevel(LogLevel level) { gLevel = level; }

void logLine(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields) {
  if (level < gLevel.load()) return;
  char ts[40];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  std::string line = "t=";
  line += ts;
  line += " lvl=";
  line += levelName(level);
  line += " msg=";
  appendValue(line, msg);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    appendValue(line, v);
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(gMutex);
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(2, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace fpvm
