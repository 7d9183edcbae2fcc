// `fpvm bisect` as a user runs it: state files and input files on disk, a validation server for
// one party, the report and the deciding proof written to files, exit codes, and bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "dispute_fixtures.hpp"
#include "image/state_file.hpp"
#include "scripted_rpc_peer.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

namespace srv = fpvm::test::srv;
const std::string kFpvm = FPVM_TEST_FPVM;

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

Outcome fpvm(const srv::TempDir& dir, const std::string& args) {
  const std::string out = dir.path() + "/stdout", err = dir.path() + "/stderr";
  const int status = std::system((kFpvm + " " + args + " >" + out + " 2>" + err).c_str());
  return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

void writeText(const std::string& path, const std::string& text) {
  writeFileAtomic(path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

class BisectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state = dir.path() + "/prestate.bin.gz";
    image::writeStateFile(lateReaderProgram(), state);
    writeText(dir.path() + "/a.json", lateReaderInput(kCount, 21).dump());
    writeText(dir.path() + "/b.json", lateReaderInput(kCount, 22).dump());
  }
  static constexpr uint64_t kCount = 10000;
  srv::TempDir dir;
  std::string state;
};

TEST_F(BisectCli, LocalPartiesTrustedDataReportAndProofThatVerifies) {
  const std::string d = dir.path();
  Outcome o = fpvm(dir, "bisect --a " + state + " --b " + state + " --a-input " + d + "/a.json --b-input " + d +
                            "/b.json --trusted-input " + d + "/b.json --levels 2^12,2^6,1 --top-hashes 4097 --out " + d +
                            "/report.json --proof-out " + d + "/proof.json");
  ASSERT_EQ(o.code, 0) << o.err;
  auto report = nlohmann::json::parse(slurp(d + "/report.json"));
  EXPECT_EQ(report, nlohmann::json::parse(o.out));
  EXPECT_EQ(report["winner"], "B");
  EXPECT_EQ(report["verdict"], "claim-b-holds");
  EXPECT_EQ(report["disputedStep"], lateReaderDivergence(kCount));
  EXPECT_EQ(report["levels"].size(), 3u);
  EXPECT_NE(o.err.find("bisect: level 3/3"), std::string::npos) << o.err;
  Outcome v = fpvm(dir, "verify-step --proof " + d + "/proof.json");
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_EQ(nlohmann::json::parse(v.out)["post"], report["verifiedPost"]);
}

TEST_F(BisectCli, ServerPartyAgainstLocalPartyAndUndecidedExitCode) {
  srv::TestServer server(srv::testConfig(), {lateReaderProgram()});
  const std::string d = dir.path();
  Outcome o = fpvm(dir, "bisect --quiet --a http://127.0.0.1:" + std::to_string(server.port()) + " --b " + state + " --a-input " +
                            d + "/a.json --b-input " + d + "/b.json --prestate " + server.prestate(0) +
                            " --levels 2^12,2^6,1 --top-hashes 4097");
  // No trusted data: both proofs verify to different states.
  EXPECT_EQ(o.code, 3) << o.err;
  auto report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["verdict"], "undecided");
  EXPECT_EQ(report["roundTrips"]["a"], 6);
  EXPECT_EQ(report["roundTrips"]["b"], 0);
  EXPECT_TRUE(o.err.empty()) << o.err;
}

TEST_F(BisectCli, PartyContradictingItselfIsDecidedPrintedAndWrittenWithExitZero) {
  // B is served over JSON-RPC and lies only in step-size-1 queries, from 10 steps before the
  // real divergence: its fine answers contradict its own coarse ones. The game is decided
  // (`inconsistent`, A wins), the report is printed and written, exit 0; no one-step proof
  // decides it, so --proof-out is not written and stderr says why.
  const uint64_t d = lateReaderDivergence(kCount);
  auto liar = std::make_shared<LyingParty>(localParty(lateReaderProgram(), lateReaderInput(kCount, 22), "B"), d - 10,
                                           Lie::OnlyFineLevels);
  ScriptedRpcPeer peer(servePartyHandler(liar));
  vm::VmState program = lateReaderProgram();
  const std::string prestate = toHex(program.stateHash()), dd = dir.path();
  Outcome o = fpvm(dir, "bisect --a " + state + " --a-input " + dd + "/a.json --b " + peer.url() + " --b-input " + dd +
                            "/b.json --prestate " + prestate + " --levels 2^12,2^6,1 --top-hashes 4097 --out " + dd +
                            "/report.json --proof-out " + dd + "/proof.json");
  ASSERT_EQ(o.code, 0) << o.err;
  const auto report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report, nlohmann::json::parse(slurp(dd + "/report.json")));
  EXPECT_EQ(report["outcome"], "inconsistent");
  EXPECT_EQ(report["verdict"], "claim-a-holds");
  EXPECT_EQ(report["winner"], "A");
  EXPECT_NE(report["reason"].get<std::string>().find("B contradicts its earlier answer"), std::string::npos) << report;
  EXPECT_FALSE(std::ifstream(dd + "/proof.json").good()) << "a proof file for a game no proof decides";
  EXPECT_NE(o.err.find("--proof-out " + dd + "/proof.json not written"), std::string::npos) << o.err;
}

TEST_F(BisectCli, BadInputGetsAClearErrorAndExitCodeOne) {
  const std::string d = dir.path();
  struct Case {
    std::string args, message;
  } cases[] = {
      {"--a " + state + " --b " + state, "--a-input (or --input) is required"},
      {"--a " + state + " --b " + state + " --input " + d + "/a.json --levels 2^23,3", "--levels"},
      {"--a " + d + "/missing.bin --b " + state + " --input " + d + "/a.json", "neither http://HOST:PORT"},
      {"--a http://127.0.0.1:" + std::to_string(srv::freePort()) + " --b " + state + " --input " + d + "/a.json --a-prestate 0x" +
           std::string(64, '1'),
       "validation_createExecutionRun failed"},
      {"--a http://127.0.0.1:1 --b " + state + " --input " + d + "/a.json", "--a-prestate (or --prestate) is required"},
      {"--a " + state + " --b " + state + " --input " + d + "/nope.json", "nope.json"},
      {"--a " + state + " --b " + state + " --input " + state, "not valid JSON"},
      {"--a http://127.0.0.1:1 --b " + state + " --input " + d + "/a.json --prestate 0x" + std::string(64, '1') +
           " --jwt-secret " + d + "/no-secret",
       "--a-jwt-secret " + d + "/no-secret: no such file"},
  };
  for (const auto& c : cases) {
    Outcome o = fpvm(dir, "bisect " + c.args);
    EXPECT_EQ(o.code, 1) << c.args << "\n" << o.err;
    EXPECT_NE(o.err.find(c.message), std::string::npos) << c.args << "\n" << o.err;
    EXPECT_TRUE(o.out.empty()) << o.out;
  }
}

}  // namespace
}  // namespace fpvm::test::dispute
