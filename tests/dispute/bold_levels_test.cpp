// BoLD-sized bisection (issue 8, performance): the bottom-level query of 2^23+1 hashes at step
// size 1 on one thread, and a whole dispute with the default levels (2^19+1 hashes of 2^23
// steps, then 2^23+1 single steps) between two validation servers over JSON-RPC on a trace of
// more than 10^8 steps. Label "long": minutes, not part of the default run. The measured times are
// printed (and copied into docs/decisions/0007-bisection.md by hand).
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "common/hex.hpp"
#include "dispute/report_json.hpp"
#include "dispute/rpc_party.hpp"
#include "dispute_fixtures.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

namespace srv = fpvm::test::srv;
constexpr uint64_t kCount = 25'000'000;  // 10^8 + 37 steps
constexpr uint64_t kBottom = (uint64_t(1) << 23) + 1;

TEST(BoldLevels, BottomLevelQueryOnOneThread) {
  auto settings = testRunSettings();
  settings.hashThreads = 1;
  fpvm::dispute::LocalParty party(core::machineFromState(lateReaderProgram()), runs::parseValidationInput(lateReaderInput(kCount, 1), "input"), settings,
                                  "A");
  party.open();
  for (uint64_t from : {uint64_t(0), uint64_t(5) << 23}) {
    const auto t = std::chrono::steady_clock::now();
    std::vector<Hash32> h = party.machineHashes(from, 1, kBottom);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    ASSERT_EQ(h.size(), kBottom);
    EXPECT_EQ(h[0], srv::referenceHashAt(lateReaderProgram(), lateReaderInput(kCount, 1), from));
    std::cout << "bottom-level query from step " << from << ": " << kBottom << " hashes at step size 1 on one thread in " << s
              << " s (" << s * 1e6 / double(kBottom) << " µs per hash)" << std::endl;
  }
}

TEST(BoldLevels, WholeDisputeBetweenTwoServersWithTheDefaultLevels) {
  auto config = srv::testConfig();
  config.maxExecutionTime = std::chrono::minutes(10);
  srv::TestServer serverA(config, {lateReaderProgram()});
  srv::TestServer serverB(config, {lateReaderProgram()});
  const Json inA = lateReaderInput(kCount, 40), inB = lateReaderInput(kCount, 41);
  fpvm::dispute::TrustedData trusted;
  trusted.locals = runs::parseValidationInput(inB, "trusted").locals;
  fpvm::dispute::BisectOptions opt;  // BoLD's levels
  opt.trusted = &trusted;
  opt.progress = [](const std::string& line) { std::cout << "bisect: " << line << std::endl; };
  auto party = [](const srv::TestServer& s, const Json& in) {
    fpvm::dispute::RpcPartyOptions o;
    o.client.port = s.port();
    o.prestate = hash32FromHex(s.prestate(0));
    o.input = in;
    return std::make_unique<fpvm::dispute::RpcParty>(std::move(o));
  };
  auto a = party(serverA, inA);
  auto b = party(serverB, inB);
  fpvm::dispute::BisectReport r = fpvm::dispute::bisect(*a, *b, opt);
  EXPECT_EQ(r.outcome, fpvm::dispute::Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, fpvm::dispute::Verdict::ClaimBHolds) << r.reason;
  EXPECT_EQ(r.disputedStep, lateReaderDivergence(kCount));
  ASSERT_EQ(r.levels.size(), 2u);
  EXPECT_EQ(r.levels[0].hashes, (uint64_t(1) << 19) + 1);
  EXPECT_EQ(r.levels[1].hashes, kBottom);
  EXPECT_EQ(r.roundTripsA, 5u);  // create, two levels, proof, close
  std::cout << fpvm::dispute::reportToJson(r).dump(2) << std::endl;
}

}  // namespace
}  // namespace fpvm::test::dispute
