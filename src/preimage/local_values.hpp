#pragma once
/// Local boot values (type-1 keys): `--local INDEX=HEX` arguments or a JSON file
/// {"1": "0x…", "4": "0x…"} (values may also be JSON numbers, stored as 8-byte BE u64).
#include <map>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::preimage {

/// index → value.
using LocalValues = std::map<uint64_t, Bytes>;

/// Parses "INDEX=HEX" (INDEX in Go base-0 syntax); throws Error naming the argument.
void addLocalArgument(LocalValues& out, const std::string& arg);
/// Parses a JSON object of index → hex string or number; throws Error naming the file.
void addLocalJson(LocalValues& out, const std::string& text, const std::string& what);

}  // namespace fpvm::preimage
