#include "common/logfmt.hpp"

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <mutex>

namespace fpvm {
namespace {
std::atomic<LogLevel> gLevel{LogLevel::Info};
std::atomic<LogStyle> gStyle{LogStyle::Logfmt};
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

/// slog's TextHandler: quoted (strconv.Quote) when empty or holding a space, '"', '=' or a
/// character that is not printable ASCII; UTF-8 above ASCII is kept as is.
void appendSlogValue(std::string& out, const std::string& v) {
  bool quote = v.empty();
  for (unsigned char c : v)
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) quote = true;
  if (!quote) {
    out += v;
    return;
  }
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void writeLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(gMutex);
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(2, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

const char* slogLevelName(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "INFO";
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
void setLogStyle(LogStyle style) { gStyle = style; }

void logLine(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields) {
  logLine(level, msg, std::vector<LogField>(fields));
}

void logLine(LogLevel level, const std::string& msg, const std::vector<LogField>& fields) {
  if (level < gLevel.load()) return;
  std::string line;
  if (gStyle.load() == LogStyle::SlogText) {
    line = "level=";
    line += slogLevelName(level);
    line += " msg=";
    appendSlogValue(line, msg);
    for (const auto& [k, v] : fields) {
      line += ' ';
      line += k;
      line += '=';
      appendSlogValue(line, v);
    }
    line += '\n';
    writeLine(line);
    return;
  }
  char ts[40];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  line = "t=";
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
  writeLine(line);
}

}  // namespace fpvm
