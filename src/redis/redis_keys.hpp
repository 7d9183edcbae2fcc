#pragma once
/// Names of the Redis Streams keys (spec/validation-server.md "Scale-out over Redis Streams") and
/// the stream set-up both sides share.
#include <string>

#include "common/bytes.hpp"

namespace fpvm::redis {

class RedisClient;

/// `<prefix>stream:0x<prestate>`: the validation jobs of one prestate.
std::string streamName(const std::string& prefix, const Hash32& prestate);
/// `<prefix>result-key:<stream>.<entry id>`: where a job's result is stored.
std::string resultKey(const std::string& prefix, const std::string& stream, const std::string& entryId);
/// `<prefix>error-key:<stream>.<entry id>`: where a job's error is stored.
std::string errorKey(const std::string& prefix, const std::string& stream, const std::string& entryId);
/// Creates `stream` and its consumer group (named like the stream) unless they exist.
void ensureGroup(RedisClient& redis, const std::string& stream);

}  // namespace fpvm::redis
