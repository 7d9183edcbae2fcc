#pragma once
/// Unsigned integers as Go's strconv.ParseUint(s, 0, 64) reads them (the command-line tools fpvm
/// mirrors parse numbers that way).
#include <cstdint>
#include <string>

namespace fpvm {

/// Parses an unsigned integer with Go's base-0 rules (0x, 0o, 0b prefixes; a leading 0 is
/// octal; underscores between digits). Returns false on malformed input or overflow.
bool parseGoUint(const std::string& text, uint64_t& out);

}  // namespace fpvm
