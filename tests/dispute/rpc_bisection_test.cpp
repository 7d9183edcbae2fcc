// Bisection against validation servers over JSON-RPC (HTTP and WebSocket), one per party, as a
// challenger plays it: each party's run is created once, queried per level, asked for its proof
// and closed; round trips are counted.
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "dispute/rpc_party.hpp"
#include "rpc/jwt.hpp"
#include "server/run_manager.hpp"
#include "dispute_fixtures.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using fpvm::dispute::BisectReport;
using fpvm::dispute::Outcome;
using fpvm::dispute::Verdict;
namespace srv = fpvm::test::srv;

std::unique_ptr<fpvm::dispute::RpcParty> rpcParty(const srv::TestServer& server, const Json& input, bool websocket) {
  fpvm::dispute::RpcPartyOptions o;
  o.client.port = server.port();
  o.client.websocket = websocket;
  o.prestate = hash32FromHex(server.prestate(0));
  o.input = input;
  return std::make_unique<fpvm::dispute::RpcParty>(std::move(o));
}

TEST(RpcBisection, TwoServersDifferentLocalValueTrustedDataDecides) {
  const uint64_t count = 50000;
  srv::TestServer serverA(srv::testConfig(), {lateReaderProgram()});
  srv::TestServer serverB(srv::testConfig(), {lateReaderProgram()});
  const Json inA = lateReaderInput(count, 11), inB = lateReaderInput(count, 12);
  fpvm::dispute::TrustedData trusted;
  trusted.locals = runs::parseValidationInput(inA, "trusted").locals;
  auto opt = smallLevels();
  opt.trusted = &trusted;
  auto a = rpcParty(serverA, inA, false);
  auto b = rpcParty(serverB, inB, true);
  BisectReport r = fpvm::dispute::bisect(*a, *b, opt);
  EXPECT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, lateReaderDivergence(count));
  EXPECT_EQ(*r.verifiedPost, srv::referenceHashAt(lateReaderProgram(), inA, r.disputedStep + 1));
  // create + one query per level + proof + close
  EXPECT_EQ(r.roundTripsA, 1u + 3u + 1u + 1u);
  EXPECT_EQ(r.roundTripsB, r.roundTripsA);
  // The runs were closed.
  EXPECT_EQ(serverA.server().runs().openIds(), 0u);
  EXPECT_EQ(serverB.server().runs().openIds(), 0u);
}

TEST(RpcBisection, ServerAgainstLocalPartyWithALyingServerSide) {
  const uint64_t count = 20000;
  srv::TestServer server(srv::testConfig(), {lateReaderProgram()});
  const Json in = lateReaderInput(count, 1);
  const uint64_t lieFrom = 31337;
  auto a = localParty(lateReaderProgram(), in, "A");
  auto b = std::make_unique<LyingParty>(rpcParty(server, in, false), lieFrom);
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, lieFrom - 1);
  EXPECT_EQ(r.roundTripsA, 0u);
  EXPECT_EQ(r.roundTripsB, 6u);
}

TEST(RpcBisection, JwtAuthenticatedServers) {
  srv::TempDir dir;
  const std::string secretPath = dir.path() + "/jwtsecret";
  auto config = srv::testConfig();
  config.auth = true;
  config.jwtSecret = secretPath;
  const Bytes secret = rpc::loadOrCreateJwtSecret(secretPath);  // created like `fpvm serve` does
  srv::TestServer server(config, {lateReaderProgram()});
  const Json in = lateReaderInput(1000, 1);
  auto signedParty = rpcParty(server, in, true);
  fpvm::dispute::RpcPartyOptions o;
  o.client.port = server.port();
  o.client.jwtSecret = secret;
  o.prestate = hash32FromHex(server.prestate(0));
  o.input = in;
  auto b = std::make_unique<LyingParty>(std::make_unique<fpvm::dispute::RpcParty>(o), 2000);
  // A has no secret: the server refuses it, and the error says so.
  try {
    (void)fpvm::dispute::bisect(*signedParty, *b, smallLevels());
    FAIL() << "a party without the secret must be refused";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("validation_createExecutionRun failed"), std::string::npos) << e.what();
  }
  auto a = std::make_unique<fpvm::dispute::RpcParty>(o);
  auto b2 = std::make_unique<LyingParty>(std::make_unique<fpvm::dispute::RpcParty>(o), 2000);
  auto r = fpvm::dispute::bisect(*a, *b2, smallLevels());
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, 1999u);
}

TEST(RpcBisection, ServerErrorsNameTheServerAndMethod) {
  srv::TestServer server(srv::testConfig(), {lateReaderProgram()});
  fpvm::dispute::RpcPartyOptions o;
  o.client.port = server.port();
  o.prestate = Hash32{};  // not loaded there
  o.input = lateReaderInput(1, 1);
  fpvm::dispute::RpcParty unknown(o);
  try {
    unknown.open();
    FAIL() << "an unknown prestate must fail";
  } catch (const std::exception& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << m;
    EXPECT_NE(m.find("validation_createExecutionRun failed"), std::string::npos) << m;
  }
  o.client.port = srv::freePort();
  o.client.timeout = std::chrono::seconds(5);
  fpvm::dispute::RpcParty nobody(o);
  EXPECT_THROW(nobody.open(), Error);
}

TEST(RpcBisection, ServerUrlsAreParsed) {
  auto h = fpvm::dispute::parseServerUrl("http://127.0.0.1:8549");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->port, 8549);
  EXPECT_FALSE(h->websocket);
  auto w = fpvm::dispute::parseServerUrl("ws://localhost:9/");
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->websocket);
  EXPECT_EQ(w->host, "localhost");
  EXPECT_FALSE(fpvm::dispute::parseServerUrl("/tmp/state.bin.gz"));
  for (const char* bad : {"http://host", "http://:80", "http://h:0", "http://h:70000", "http://h:8x", "http://h:80/path/x:1"})
    EXPECT_THROW(fpvm::dispute::parseServerUrl(bad), Error) << bad;
}

}  // namespace
}  // namespace fpvm::test::dispute
