#pragma once
/// Minimal logfmt logger to stderr (`t=… lvl=info msg=… key=value …`), the format Asterisc uses,
/// or the time-less `level=INFO msg=… key=value …` of Go's slog text handler, which Cannon uses
/// when its stdout is not a terminal.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace fpvm {

/// Log levels.
enum class LogLevel { Debug, Info, Warn, Error };

/// One key=value pair; values are quoted when they contain spaces, quotes or '='.
using LogField = std::pair<std::string, std::string>;

/// Writes one line to stderr if `level` is at or above the global threshold.
void logLine(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields = {});
/// The same with the fields in a vector.
void logLine(LogLevel level, const std::string& msg, const std::vector<LogField>& fields);
/// Sets the global threshold (default Info).
void setLogLevel(LogLevel level);

/// Line shapes.
enum class LogStyle {
  Logfmt,    ///< `t=<time> lvl=info msg=… k=v` (go-ethereum's logfmt handler; the default)
  SlogText,  ///< `level=INFO msg=… k=v`, values quoted as Go's strconv.Quote when needed
};
/// Sets the global line shape.
void setLogStyle(LogStyle style);

inline void logInfo(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Info, msg, f); }
inline void logWarn(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Warn, msg, f); }
inline void logError(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Error, msg, f); }

}  // namespace fpvm
