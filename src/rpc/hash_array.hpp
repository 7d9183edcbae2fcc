#pragma once
/// Reading the answer of validation_getMachineHashesWithStepSize: a JSON array of "0x…" 32-byte
/// hashes, up to 2^24+1 of them (≈ 1.1 GiB of text), so it is scanned directly instead of being
/// built into a JSON document first.
#include <string_view>
#include <vector>

#include "common/bytes.hpp"

namespace fpvm::rpc {

/// Parses a JSON array of 0x-prefixed 32-byte hex strings (whitespace allowed between tokens).
/// Throws Error naming `what` and the offending index or offset.
std::vector<Hash32> parseHashArray(std::string_view text, const std::string& what);

/// Parses a whole JSON-RPC response whose result is such an array. An error answer is thrown as
/// rpc::RpcError with its code and message; anything else malformed as Error naming `what`.
std::vector<Hash32> parseHashArrayResponse(std::string_view text, const std::string& what);

}  // namespace fpvm::rpc
