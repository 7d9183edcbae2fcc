// Bisection scenarios with parties in this process (issue 8): a different preimage, a wrong
// final claim, divergence at step 0, at the last step and after the exit, inconsistent answers,
// different prestates and agreement (the 10^8-step trace is in long_trace_test.cpp).
#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "rpc/hash_array.hpp"
#include "dispute/report_json.hpp"
#include "dispute_fixtures.hpp"
#include "preimage/keys.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using fpvm::dispute::BisectReport;
using fpvm::dispute::Outcome;
using fpvm::dispute::Verdict;
namespace srv = fpvm::test::srv;

/// The honest reference hash at `step` for `program` run on `input`.
Hash32 refHash(const vm::VmState& program, const Json& input, uint64_t step) { return srv::referenceHashAt(program, input, step); }

void expectDecidedAt(const BisectReport& r, uint64_t step, Verdict verdict) {
  EXPECT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, verdict) << r.reason;
  EXPECT_EQ(r.disputedStep, step) << r.reason;
}

TEST(Bisection, DifferentLocalValueIsJudgedWithTheGamesData) {
  const uint64_t count = 3000;
  auto program = lateReaderProgram();
  const Json inA = lateReaderInput(count, 7), inB = lateReaderInput(count, 9);
  const uint64_t d = lateReaderDivergence(count);
  ASSERT_EQ(refHash(program, inA, d), refHash(program, inB, d));
  ASSERT_NE(refHash(program, inA, d + 1), refHash(program, inB, d + 1));

  fpvm::dispute::TrustedData trusted;
  trusted.locals = runs::parseValidationInput(inB, "trusted").locals;
  auto opt = smallLevels();
  opt.trusted = &trusted;
  auto a = localParty(program, inA, "A", 1000);
  auto b = localParty(program, inB, "B", 1000);
  BisectReport r = fpvm::dispute::bisect(*a, *b, opt);
  expectDecidedAt(r, d, Verdict::ClaimBHolds);
  EXPECT_EQ(r.agreedHash, refHash(program, inA, d));
  EXPECT_EQ(r.claimA, refHash(program, inA, d + 1));
  EXPECT_EQ(r.claimB, refHash(program, inB, d + 1));
  ASSERT_TRUE(r.verifiedPost);
  EXPECT_EQ(*r.verifiedPost, r.claimB);
  ASSERT_TRUE(r.proofA && r.proofB);
  EXPECT_FALSE(r.proofA->valid);
  EXPECT_NE(r.proofA->problem.find("local value 2"), std::string::npos) << r.proofA->problem;
  EXPECT_TRUE(r.proofB->valid);
  EXPECT_TRUE(r.proofB->oracleDataChecked);
  ASSERT_TRUE(r.winningProof);
  EXPECT_EQ(r.winningProof->step, d);
  EXPECT_EQ(r.finalA, refHash(program, inA, lateReaderSteps(count)));
  EXPECT_EQ(r.finalB, refHash(program, inB, lateReaderSteps(count)));
  EXPECT_EQ(r.roundTripsA, 0u);
  EXPECT_EQ(r.levels.size(), 3u);
}

TEST(Bisection, DifferentLocalValueWithoutTheGamesDataIsUndecided) {
  const uint64_t count = 500;
  auto program = lateReaderProgram();
  auto a = localParty(program, lateReaderInput(count, 7), "A");
  auto b = localParty(program, lateReaderInput(count, 9), "B");
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  expectDecidedAt(r, lateReaderDivergence(count), Verdict::Undecided);
  EXPECT_TRUE(r.proofA->valid && r.proofB->valid);
  EXPECT_FALSE(r.proofA->oracleDataChecked);
  EXPECT_NE(r.reason.find("--trusted-input"), std::string::npos) << r.reason;
  EXPECT_FALSE(r.winningProof);
}

TEST(Bisection, PartyServingAWrongKeccakPreimageLoses) {
  // B answers the keccak key with other bytes (its oracle is broken or dishonest); no trusted
  // data is needed: the part does not hash to its key.
  const Bytes good = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Bytes bad = good;
  bad[0] = 0xEE;
  auto program = srv::preimageProgram();
  const Json inA = srv::preimageInput(good);
  runs::ValidationInput badInput = runs::parseValidationInput(inA, "A");
  badInput.preimages[preimage::keccak256Key(good)] = bad;
  runs::computeInputDigest(badInput);
  auto a = localParty(program, inA, "A", 1000);
  auto b = std::make_unique<fpvm::dispute::LocalParty>(core::machineFromState(program), badInput, testRunSettings(1000), "B");
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  EXPECT_EQ(r.outcome, Outcome::Decided) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_TRUE(r.proofA->valid && r.proofA->oracleDataChecked);
  EXPECT_FALSE(r.proofB->valid);
  EXPECT_NE(r.proofB->problem.find("does not hash to the key"), std::string::npos) << r.proofB->problem;
  EXPECT_EQ(*r.verifiedPost, refHash(program, inA, r.disputedStep + 1));
}

struct LieCase {
  const char* name;
  uint64_t count;
  int64_t lieFromOffset;  ///< relative to the final step when fromEnd, else absolute
  bool fromEnd;
};

class LyingB : public ::testing::TestWithParam<LieCase> {};

TEST_P(LyingB, HonestAWinsAtTheFirstLie) {
  const LieCase c = GetParam();
  auto program = lateReaderProgram();
  const Json in = lateReaderInput(c.count, 3);
  const uint64_t steps = lateReaderSteps(c.count);
  const uint64_t lieFrom = c.fromEnd ? uint64_t(int64_t(steps) + c.lieFromOffset) : uint64_t(c.lieFromOffset);
  auto a = localParty(program, in, "A", 1000);
  auto b = std::make_unique<LyingParty>(localParty(program, in, "B", 1000), lieFrom);
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  expectDecidedAt(r, lieFrom - 1, Verdict::ClaimAHolds);
  EXPECT_EQ(r.claimA, refHash(program, in, lieFrom));
  EXPECT_EQ(*r.verifiedPost, r.claimA);
  // B's own (honest) proof contradicts its claim: both proofs verify to A's hash.
  EXPECT_TRUE(r.proofA->valid && r.proofB->valid);
  EXPECT_EQ(r.proofB->post, r.claimA);
  EXPECT_NE(r.finalA, r.finalB);
  EXPECT_EQ(r.finalA, refHash(program, in, steps));
}

INSTANTIATE_TEST_SUITE_P(Scenarios, LyingB,
                         ::testing::Values(LieCase{"WrongFinalClaimFromTheMiddle", 20000, 45678, false},
                                           LieCase{"DivergenceAtStepZero", 1000, 1, false},
                                           LieCase{"DivergenceAtTheLastStep", 1000, 0, true},
                                           LieCase{"DivergenceAfterTheExit", 1000, 5, true},
                                           LieCase{"DivergenceLongAfterTheExit", 1000, 100000, true}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Bisection, AfterTheExitShortAnswersArePadded) {
  const uint64_t count = 1000;
  auto program = lateReaderProgram();
  const Json in = lateReaderInput(count, 3);
  const uint64_t steps = lateReaderSteps(count);
  auto a = localParty(program, in, "A");
  auto b = std::make_unique<LyingParty>(localParty(program, in, "B"), steps + 5);
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  // A's machine exited within the first 2^12-step interval: it answers 2 hashes, padded to 4097.
  ASSERT_FALSE(r.levels.empty());
  EXPECT_EQ(r.levels[0].answeredA, 2u);
  EXPECT_EQ(r.levels[0].hashes, 4097u);
  EXPECT_EQ(r.levels[0].answeredB, 4097u);
  // The step after the exit is proven from the exited machine: nothing changes.
  EXPECT_EQ(r.agreedHash, refHash(program, in, steps));
  EXPECT_EQ(*r.verifiedPost, r.agreedHash);
  ASSERT_TRUE(r.winningProof);
  EXPECT_TRUE(r.winningProof->proofData.empty());
}

TEST(Bisection, PartyContradictingItselfLoses) {
  const uint64_t count = 3000;
  auto program = lateReaderProgram();
  const uint64_t d = lateReaderDivergence(count);
  auto a = localParty(program, lateReaderInput(count, 1), "A");
  auto b = std::make_unique<LyingParty>(localParty(program, lateReaderInput(count, 2), "B"), d - 10, Lie::OnlyFineLevels);
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  EXPECT_EQ(r.outcome, Outcome::Inconsistent) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::ClaimAHolds) << r.reason;
  EXPECT_NE(r.reason.find("B contradicts its earlier answer"), std::string::npos) << r.reason;
}

TEST(Bisection, DifferentPrestatesHaveNothingToBisect) {
  auto a = localParty(lateReaderProgram(), lateReaderInput(10, 1), "A");
  auto b = localParty(srv::counterProgram(), srv::counterInput(10, 1), "B");
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  EXPECT_EQ(r.outcome, Outcome::PrestatesDiffer) << r.reason;
  EXPECT_EQ(r.verdict, Verdict::Undecided);
  EXPECT_NE(r.prestateA, r.prestateB);
  EXPECT_EQ(r.levels.size(), 1u);
}

TEST(Bisection, AgreeingPartiesAreReported) {
  auto program = lateReaderProgram();
  auto a = localParty(program, lateReaderInput(100, 1), "A");
  auto b = localParty(program, lateReaderInput(100, 1), "B");
  BisectReport r = fpvm::dispute::bisect(*a, *b, smallLevels());
  EXPECT_EQ(r.outcome, Outcome::PartiesAgree) << r.reason;
  EXPECT_EQ(r.finalA, r.finalB);
}

TEST(Bisection, PiecesSequentialAndParallelFindTheSameStep) {
  const uint64_t count = 20000;
  auto program = lateReaderProgram();
  const uint64_t d = lateReaderDivergence(count);
  std::vector<uint64_t> queries;
  for (int variant = 0; variant < 3; ++variant) {
    auto opt = smallLevels();
    if (variant == 1) opt.parallel = false;
    if (variant == 2) opt.maxHashesPerQuery = 7;  // every level in pieces
    auto a = localParty(program, lateReaderInput(count, 1), "A", 5000);
    auto b = localParty(program, lateReaderInput(count, 2), "B", 5000);
    BisectReport r = fpvm::dispute::bisect(*a, *b, opt);
    expectDecidedAt(r, d, Verdict::Undecided);
    uint64_t q = 0;
    for (const auto& L : r.levels) q += L.queries;
    queries.push_back(q);
  }
  EXPECT_EQ(queries[0], 3u);
  EXPECT_EQ(queries[1], 3u);
  EXPECT_GT(queries[2], 3u);
}

TEST(HashList, ParsesServerAnswersAndNamesBadEntries) {
  const std::string h1 = "\"0x" + std::string(64, 'a') + "\"", h2 = "\"0x" + std::string(63, '0') + "1\"";
  auto v = fpvm::rpc::parseHashArrayResponse("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[" + h1 + "," + h2 + "]}", "t");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0][0], 0xAA);
  EXPECT_EQ(v[1][31], 0x01);
  EXPECT_EQ(fpvm::rpc::parseHashArray(" [ " + h1 + " , " + h2 + " ] ", "t").size(), 2u);
  EXPECT_TRUE(fpvm::rpc::parseHashArray("[]", "t").empty());
  try {
    fpvm::rpc::parseHashArrayResponse("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32001,\"message\":\"run not found\"}}", "t");
    FAIL() << "an error answer must throw";
  } catch (const rpc::RpcError& e) {
    EXPECT_EQ(e.code(), -32001);
    EXPECT_STREQ(e.what(), "run not found");
  }
  // Found by fuzz_jsonrpc: an error object whose code is not a number (regress-error-code-string).
  try {
    fpvm::rpc::parseHashArrayResponse(R"({"jsonrpc":"2.0","id":2,"error":{"code":"run not found"}})", "t");
    FAIL() << "an error answer must throw";
  } catch (const rpc::RpcError& e) {
    EXPECT_EQ(e.code(), 0);
    EXPECT_NE(std::string(e.what()).find("without a message"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fpvm::rpc::parseHashArrayResponse(R"({"jsonrpc":"2.0","id":2,"error":[1,{"message":7}]})", "t"),
               rpc::RpcError);
  EXPECT_THROW(fpvm::rpc::parseHashArray("[" + h1 + ",\"0x12\"]", "t"), Error);
  EXPECT_THROW(fpvm::rpc::parseHashArray("[" + h1 + "", "t"), Error);
  EXPECT_THROW(fpvm::rpc::parseHashArray("[" + h1 + "] x", "t"), Error);
  std::string badHex = h1;
  badHex[10] = 'g';
  try {
    fpvm::rpc::parseHashArray("[" + h2 + "," + badHex + "]", "answer");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("entry 1"), std::string::npos) << e.what();
  }
}

TEST(Levels, ParsesAndChecksStepSizes) {
  EXPECT_EQ(fpvm::dispute::parseLevels("2^23,1"), (std::vector<uint64_t>{8388608, 1}));
  EXPECT_EQ(fpvm::dispute::parseLevels("1048576, 2^10 ,1"), (std::vector<uint64_t>{1048576, 1024, 1}));
  EXPECT_EQ(fpvm::dispute::parseLevels("1"), (std::vector<uint64_t>{1}));
  for (const char* bad : {"", "2^23", "2^23,3", "8,4,2", "4,8,1", "3^4,1", "x,1", "2^99,1", "6,4,1"})
    EXPECT_THROW(fpvm::dispute::parseLevels(bad), Error) << bad;
}

}  // namespace
}  // namespace fpvm::test::dispute
