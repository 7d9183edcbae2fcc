#include "redis/redis_keys.hpp"

#include "common/hex.hpp"
#include "redis/redis_client.hpp"

namespace fpvm::redis {

std::string streamName(const std::string& prefix, const Hash32& prestate) { return prefix + "stream:" + toHex(prestate); }

std::string resultKey(const std::string& prefix, const std::string& stream, const std::string& entryId) {
  return prefix + "result-key:" + stream + "." + entryId;
}

std::string errorKey(const std::string& prefix, const std::string& stream, const std::string& entryId) {
  return prefix + "error-key:" + stream + "." + entryId;
}

/// Creates the stream and its group (named like the stream) unless they exist.
void ensureGroup(RedisClient& redis, const std::string& stream) {
  try {
    redis.command({"XGROUP", "CREATE", stream, stream, "0", "MKSTREAM"});
  } catch (const RedisReplyError& e) {
    if (std::string(e.what()).rfind("BUSYGROUP", 0) != 0) throw;
  }
}

}  // namespace fpvm::redis
