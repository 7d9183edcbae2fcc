#pragma once
/// Durations and byte sizes as operators write them ("90s", "15m", "1h", "250ms"; "512MiB", "2G").
#include <chrono>
#include <cstdint>
#include <string>

namespace fpvm {

/// Milliseconds, the unit of every configured timeout.
using Millis = std::chrono::milliseconds;

/// "90s", "15m", "1h", "250ms", "1h30m" or a plain number of seconds; throws Error naming `what`.
Millis parseDuration(const std::string& text, const std::string& what);
/// "1024", "512KiB", "16MiB", "4GiB" (also KB/MB/GB as powers of 1000); throws Error naming `what`.
uint64_t parseByteSize(const std::string& text, const std::string& what);
/// "1m30s"-style text for a duration.
std::string formatDuration(Millis d);

}  // namespace fpvm
