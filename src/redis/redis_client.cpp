#include "redis/redis_client.hpp"

#include <poll.h>
#include <sys/time.h>

#include <algorithm>

#include <hiredis/hiredis.h>

#include "common/error.hpp"

namespace fpvm::redis {
namespace {

timeval toTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

RedisUrl RedisUrl::parse(const std::string& url) {
  RedisUrl u;
  const std::string scheme = "redis://";
  if (url.compare(0, scheme.size(), scheme) != 0) throw Error("redis-url: \"" + url + "\" must start with redis://");
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string hostPart = rest.substr(0, slash);
  if (slash != std::string::npos && slash + 1 < rest.size()) {
    try {
      u.db = std::stoi(rest.substr(slash + 1));
    } catch (const std::exception&) {
      throw Error("redis-url: bad database number in \"" + url + "\"");
    }
  }
  size_t at = hostPart.rfind('@');
  if (at != std::string::npos) {
    std::string cred = hostPart.substr(0, at);
    size_t colon = cred.find(':');
    u.password = colon == std::string::npos ? cred : cred.substr(colon + 1);
    hostPart = hostPart.substr(at + 1);
  }
  size_t colon = hostPart.rfind(':');
  if (colon != std::string::npos) {
    try {
      u.port = std::stoi(hostPart.substr(colon + 1));
    } catch (const std::exception&) {
      throw Error("redis-url: bad port in \"" + url + "\"");
    }
    hostPart = hostPart.substr(0, colon);
  }
  if (!hostPart.empty()) u.host = hostPart;
  return u;
}

RedisReply::RedisReply(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      type = Type::String;
      str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      type = Type::Status;
      str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      type = Type::Error;
      str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      type = Type::Integer;
      integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      type = Type::Array;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) elements.emplace_back(r->element[i]);
      break;
    default: type = Type::Nil; break;
  }
}

const RedisReply& RedisReply::at(size_t i) const {
  if (type != Type::Array || i >= elements.size()) throw Error("unexpected Redis reply shape");
  return elements[i];
}

RedisClient::RedisClient(const std::string& url, std::chrono::milliseconds timeout, uint64_t maxReplyBytes)
    : url_(url), parsed_(RedisUrl::parse(url)), timeout_(timeout), maxReplyBytes_(maxReplyBytes) {
  connect();
}

RedisClient::~RedisClient() { disconnect(); }

void RedisClient::disconnect() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

void RedisClient::connect() {
  disconnect();
  timeval tv = toTimeval(timeout_);
  ctx_ = redisConnectWithTimeout(parsed_.host.c_str(), parsed_.port, tv);
  if (!ctx_ || ctx_->err) {
    std::string why = ctx_ ? ctx_->errstr : "out of memory";
    disconnect();
    throw Error("cannot connect to Redis at " + url_ + ": " + why);
  }
  redisSetTimeout(ctx_, tv);
  if (!parsed_.password.empty()) command({"AUTH", parsed_.password});
  if (parsed_.db != 0) command({"SELECT", std::to_string(parsed_.db)});
}

RedisReply RedisClient::command(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  if (!ctx_) connect();
  const std::string name = args.empty() ? std::string("command") : args[0];
  auto fail = [&](const std::string& why) -> Error {
    disconnect();
    return Error("Redis " + name + " to " + url_ + " failed: " + why);
  };
  const auto limit = timeout.count() > 0 ? timeout : timeout_;
  const auto started = std::chrono::steady_clock::now();
  const auto end = started + limit;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  // hiredis' blocking read waits up to the socket timeout per read() call, so a peer trickling
  // one byte at a time would never time out and a huge reply would be buffered whole: the reply
  // is read here in poll() slices under one deadline for the whole command and a byte bound.
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK)
    throw fail(ctx_->err ? ctx_->errstr : "cannot queue the command");
  for (int done = 0; !done;) {
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) throw fail(ctx_->errstr);
    if (std::chrono::steady_clock::now() >= end) throw fail("could not send within " + std::to_string(limit.count()) + " ms");
  }
  void* rawReply = nullptr;
  uint64_t received = 0;
  for (;;) {
    if (redisGetReplyFromReader(ctx_, &rawReply) != REDIS_OK) throw fail(std::string("malformed reply: ") + ctx_->errstr);
    if (rawReply) break;
    if (cancel_ && cancel_->load()) throw fail("interrupted");
    const auto now = std::chrono::steady_clock::now();
    if (now >= end)
      throw fail("no complete reply within " + std::to_string(limit.count()) + " ms (" + std::to_string(received) +
                 " bytes received)");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - now).count();
    pollfd p{ctx_->fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 50)));
    if (ready <= 0) continue;
    const size_t before = ctx_->reader->len;
    if (redisBufferRead(ctx_) != REDIS_OK) throw fail(ctx_->errstr);
    received += ctx_->reader->len > before ? ctx_->reader->len - before : 0;
    if (received > maxReplyBytes_)
      throw fail("the reply is larger than " + std::to_string(maxReplyBytes_) + " bytes, the bound; stopped reading there");
  }
  auto* raw = static_cast<redisReply*>(rawReply);
  RedisReply reply(raw);
  freeReplyObject(raw);
  if (reply.type == RedisReply::Type::Error) throw RedisReplyError(reply.str);
  return reply;
}

}  // namespace fpvm::redis
