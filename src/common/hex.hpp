#pragma once
/// Hex encoding used in state files, proofs and JSON-RPC (lowercase, optional 0x prefix).
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace fpvm {

/// The value of one hex digit (either case), or -1 when `c` is none.
int hexDigitValue(char c);
/// Appends the two lowercase hex digits of `b` to `out`.
void appendHexByte(std::string& out, uint8_t b);
/// Lowercase hex of `data`, with a "0x" prefix when `prefix` is true.
std::string toHex(ByteView data, bool prefix = true);
/// "0x" + 64 lowercase hex digits.
std::string toHex(const Hash32& h);
/// "0x" + 16 lowercase hex digits: how addresses and pcs appear in messages.
std::string hex64(uint64_t v);
/// Parses hex with or without "0x"; throws Error naming `what` on odd length or a bad digit.
Bytes fromHex(std::string_view text, std::string_view what = "hex string");
/// Parses exactly 32 bytes of hex; throws Error naming `what` otherwise.
Hash32 hash32FromHex(std::string_view text, std::string_view what = "32-byte hex value");

/// Standard base64 with padding.
std::string toBase64(ByteView data);
/// Parses standard base64 (padding required when length is not a multiple of 4);
/// throws Error naming `what`.
Bytes fromBase64(std::string_view text, std::string_view what = "base64 string");

}  // namespace fpvm
