// `fpvm submit`: the producer side of the Redis Streams scale-out. XADDs one validation request
// to the prestate's stream and waits for its result; prints the result JSON.
#include <csignal>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/duration.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "redis/redis_keys.hpp"
#include "redis/redis_producer.hpp"
#include "server/config.hpp"

namespace fpvm::cli {

int runSubmit(const Args& args) {
  FlagSet flags("submit", "submit a validation request over Redis Streams and wait for its result");
  std::string redisUrl, prefix, prestate, input, timeout = "10m", interval = "50ms";
  flags.add("redis-url", &redisUrl, "redis://host:port[/db]");
  flags.add("stream-prefix", &prefix, "prefix of stream and result keys (as the consumers use)");
  flags.add("prestate", &prestate, "0x<state hash> of the prestate to run");
  flags.add("input", &input, "validation input JSON file {id, localKeys, preimages} (- = stdin)");
  flags.add("timeout", &timeout, "give up (and remove the request) after this long");
  flags.add("poll-interval", &interval, "how often to look for the result");
  for (const char* name : {"redis-url", "prestate", "input"}) flags.require(name);
  if (!flags.parse(args)) return 0;

  const Hash32 hash = hash32FromHex(prestate, "--prestate");
  std::string text;
  if (input == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    Bytes b = readFile(input);
    text.assign(b.begin(), b.end());
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw Error("--input " + input + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error("--input " + input + ": expected a JSON object {id, localKeys, preimages}");
  const auto waitFor = parseDuration(timeout, "--timeout");
  const auto every = parseDuration(interval, "--poll-interval");
  if (waitFor.count() <= 0) throw Error("--timeout must be positive");
  if (every.count() <= 0) throw Error("--poll-interval must be positive");
  redis::RedisProducer producer(redisUrl, prefix);
  producer.setCancel(&gInterrupted);
  redis::RedisProducer::Outcome outcome;
  try {
    const std::string id = producer.submit(hash, j);
    // The entry id names the job in the consumers' logs and in Redis (its result key).
    std::cerr << "submit: added " << redis::streamName(prefix, hash) << " entry " << id << std::endl;
    outcome = producer.wait(hash, id, waitFor, every);
  } catch (const std::exception& e) {
    if (!gInterrupted) throw;
    std::cerr << "submit: " << e.what() << std::endl;
    return gSignal.load() == SIGTERM ? kExitTerminated : kExitInterrupted;
  }
  if (!outcome.ok) throw Error("validation failed (code " + std::to_string(outcome.code) + "): " + outcome.message);
  std::cout << outcome.result.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
