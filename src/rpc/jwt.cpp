#include "rpc/jwt.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"

namespace fpvm::rpc {
namespace {

Bytes hmacSha256(ByteView key, const std::string& message) {
  CryptoPP::HMAC<CryptoPP::SHA256> mac(key.data(), key.size());
  Bytes out(CryptoPP::SHA256::DIGESTSIZE);
  mac.CalculateDigest(out.data(), reinterpret_cast<const uint8_t*>(message.data()), message.size());
  return out;
}

bool constantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

Bytes randomBytes(size_t n) {
  Bytes out(n);
  std::random_device rd;  // /dev/urandom on Linux
  for (size_t i = 0; i < n; i += 4) {
    uint32_t v = rd();
    for (size_t k = 0; k < 4 && i + k < n; ++k) out[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  return out;
}

}  // namespace

std::string defaultJwtSecretPath() {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return "jwtsecret";
  return std::string(home) + "/.fpvm/jwtsecret";
}

Bytes loadOrCreateJwtSecret(const std::string& path) {
  namespace fs = std::filesystem;
  if (!fs::exists(path)) {
    fs::path p(path);
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    Bytes secret = randomBytes(32);
    std::string text = toHex(secret) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw Error("jwt-secret: cannot create " + path);
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw Error("jwt-secret: cannot write " + path);
    logInfo("created a new JWT secret", {{"path", path}});
    return secret;
  }
  Bytes raw = readFile(path);
  std::string text(raw.begin(), raw.end());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  text = text.substr(start);
  Bytes secret;
  try {
    secret = fromHex(text, "jwt-secret " + path);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (expected 64 hex digits)");
  }
  if (secret.size() != 32)
    throw Error("jwt-secret " + path + ": expected 32 bytes of hex, got " + std::to_string(secret.size()) + " bytes");
  return secret;
}

std::string base64UrlEncode(ByteView data) {
  std::string s = toBase64(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return s;
}

std::optional<Bytes> base64UrlDecode(const std::string& text) {
  std::string s = text;
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/') return std::nullopt;
  }
  while (s.size() % 4 != 0) s += '=';
  try {
    return fromBase64(s, "jwt");
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string makeJwt(ByteView secret, std::optional<int64_t> iat) {
  int64_t now =
      iat ? *iat : std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  const std::string payload = "{\"iat\":" + std::to_string(now) + "}";
  auto enc = [](const std::string& s) { return base64UrlEncode(ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size())); };
  std::string signingInput = enc(header) + "." + enc(payload);
  return signingInput + "." + base64UrlEncode(hmacSha256(secret, signingInput));
}

std::string checkAuthorization(ByteView secret, const std::string& header, int64_t nowSeconds) {
  if (header.empty()) return "missing token (send Authorization: Bearer <JWT>)";
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0)
    return "malformed Authorization header (expected Bearer <JWT>)";
  const std::string token = header.substr(prefix.size());
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string::npos ? std::string::npos : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.find('.', dot2 + 1) != std::string::npos)
    return "malformed token (expected three parts)";
  auto headerBytes = base64UrlDecode(token.substr(0, dot1));
  auto payloadBytes = base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64UrlDecode(token.substr(dot2 + 1));
  if (!headerBytes || !payloadBytes || !signature) return "malformed token (bad base64url)";
  nlohmann::json h, p;
  try {
    h = nlohmann::json::parse(headerBytes->begin(), headerBytes->end());
    p = nlohmann::json::parse(payloadBytes->begin(), payloadBytes->end());
  } catch (const std::exception&) {
    return "malformed token (bad JSON)";
  }
  if (!h.is_object() || !h.contains("alg") || h["alg"] != "HS256") return "token is not signed with HS256";
  Bytes expected = hmacSha256(secret, token.substr(0, dot2));
  if (!constantTimeEqual(expected, *signature)) return "signature mismatch";
  if (!p.is_object() || !p.contains("iat") || !p["iat"].is_number()) return "token has no iat claim";
  const double iat = p["iat"].get<double>();
  if (iat < double(nowSeconds - kJwtIatWindowSeconds)) return "token iat too far in the past (stale token)";
  if (iat > double(nowSeconds + kJwtIatWindowSeconds)) return "token iat too far in the future";
  return "";
}

}  // namespace fpvm::rpc
