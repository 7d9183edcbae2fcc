#pragma once
/// JWT HS256 as geth's authenticated RPC uses it: `Authorization: Bearer <token>`, the token
/// signed with a 32-byte secret, its `iat` claim within ±60 s of the server's clock.
#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.hpp"

namespace fpvm::rpc {

/// Allowed distance between `iat` and the server's clock.
inline constexpr int64_t kJwtIatWindowSeconds = 60;

/// Reads the hex secret (optional 0x, surrounding whitespace ignored; exactly 32 bytes). When the
/// file does not exist it is created (mode 0600, parent folders too) with 32 random bytes.
/// Throws Error naming the path on any other problem.
Bytes loadOrCreateJwtSecret(const std::string& path);
/// $HOME/.fpvm/jwtsecret (./jwtsecret without HOME).
std::string defaultJwtSecretPath();

/// A token for `secret` with the given `iat` (seconds since the epoch); now when absent.
std::string makeJwt(ByteView secret, std::optional<int64_t> iat = std::nullopt);

/// Checks an Authorization header value. Returns "" when valid, else the reason
/// ("missing token", "token is not HS256", "signature mismatch", "iat too far in the past", …).
std::string checkAuthorization(ByteView secret, const std::string& header, int64_t nowSeconds);

/// Base64url without padding.
std::string base64UrlEncode(ByteView data);
/// Parses base64url with or without padding; nullopt on bad input.
std::optional<Bytes> base64UrlDecode(const std::string& text);

}  // namespace fpvm::rpc
