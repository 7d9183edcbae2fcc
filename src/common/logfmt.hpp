#pragma once
/// Minimal logfmt logger to stderr (`t=… lvl=info msg=… key=value …`), the format Asterisc uses.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace fpvm {

/// Log levels.
enum class LogLevel { Debug, Info, Warn, Error };

/// One key=value pair; values are quoted when they contain spaces, quotes or '='.
using LogField = std::pair<std::string, std::string>;

/// Writes one line to stderr if `level` is at or above the global threshold.
void logLine(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields = {});
/// Sets the global threshold (default Info).
void setLogLevel(LogLevel level);

inline void logInfo(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Info, msg, f); }
inline void logWarn(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Warn, msg, f); }
inline void logError(const std::string& msg, std::initializer_list<LogField> f = {}) { logLine(LogLevel::Error, msg, f); }

}  // namespace fpvm
