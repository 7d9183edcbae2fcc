// Clients against a misbehaving loopback peer (issue 20): RpcClient over HTTP and WebSocket,
// RpcParty and `fpvm bisect` must fail promptly with a named error — never hang, never read
// without bound — and stop on a signal. Timeouts are shortened here, not the peer's sleeps.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "dispute/bisection.hpp"
#include "dispute/rpc_party.hpp"
#include "dispute_fixtures.hpp"
#include "hostile_peer.hpp"
#include "rpc/rpc_client.hpp"
#include "server_test_support.hpp"

namespace fpvm::test::dispute {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace srv = fpvm::test::srv;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

rpc::RpcClientOptions clientFor(const HostilePeer& peer, std::chrono::milliseconds timeout, bool ws = false) {
  rpc::RpcClientOptions o;
  o.port = peer.port();
  o.timeout = timeout;
  o.websocket = ws;
  return o;
}

/// Runs `f`, expects it to throw E whose message contains `needle`, within `limit` seconds.
template <class E, class F>
void expectFailure(F&& f, const std::string& needle, double limit) {
  const auto t = Clock::now();
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << needle << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong error type: " << e.what();
  }
  EXPECT_LT(since(t), limit);
}

TEST(HostilePeer, SilentServerTimesOut) {
  HostilePeer peer(Misbehaviour::Hang);
  rpc::RpcClient c(clientFor(peer, 500ms));
  expectFailure<rpc::RpcTimeout>([&] { c.call("validation_getHash", {}); }, "request timeout", 3.0);
}

TEST(HostilePeer, TricklingServerTimesOut) {
  HostilePeer peer(Misbehaviour::Trickle);
  rpc::RpcClient c(clientFor(peer, 1500ms));
  expectFailure<rpc::RpcTimeout>([&] { c.call("validation_getHash", {}); }, "reading the answer", 4.0);
}

TEST(HostilePeer, ConnectionClosedMidAnswerIsNamed) {
  HostilePeer peer(Misbehaviour::CloseMid);
  rpc::RpcClient c(clientFor(peer, 5s));
  expectFailure<Error>([&] { c.call("validation_getHash", {}); }, "in the middle of its answer", 4.0);
}

TEST(HostilePeer, HugeAnswerStopsAtTheBound) {
  HostilePeer peer(Misbehaviour::Huge);
  rpc::RpcClient c(clientFor(peer, 20s));
  expectFailure<Error>([&] { c.call("validation_getHash", {}, 100000); }, "larger than 100000 bytes", 10.0);
  // The client stopped reading at the bound: far less than the promised GiB went out (the
  // kernel's socket buffers hold a few MiB at most).
  EXPECT_LT(peer.bytesSent(), uint64_t(64) << 20);
}

/// A WebSocket peer that completes the upgrade, reads one request and answers with one message
/// that never ends: 64 KiB frames of a fragmented message, as fast as the client reads, until
/// the client leaves (or 1 GiB went out).
class EndlessWebSocketPeer {
 public:
  EndlessWebSocketPeer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      try {
        boost::asio::ip::tcp::socket socket = acceptor_.accept();
        boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws(std::move(socket));
        ws.accept();
        boost::beast::flat_buffer request;
        ws.read(request);
        const std::string chunk(64 * 1024, ' ');
        ws.write_some(false, boost::asio::buffer(std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"")));
        for (uint64_t total = 0; total < (uint64_t(1) << 30); total += chunk.size()) {
          ws.write_some(false, boost::asio::buffer(chunk));
          sent_ += chunk.size();
        }
      } catch (const std::exception&) {  // the client left: done
      }
    });
  }
  ~EndlessWebSocketPeer() { thread_.join(); }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  uint64_t bytesSent() const { return sent_.load(); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

TEST(HostilePeer, WebSocketHugeAnswerStopsAtTheBound) {
  EndlessWebSocketPeer peer;
  rpc::RpcClientOptions o;
  o.port = peer.port();
  o.timeout = 20s;
  o.websocket = true;
  {
    rpc::RpcClient c(o);
    expectFailure<Error>([&] { c.call("validation_getHash", {}, 100000); }, "larger than 100000 bytes", 10.0);
  }  // the client is gone: the peer's next write fails and it stops
  EXPECT_LT(peer.bytesSent(), uint64_t(64) << 20);
}

TEST(HostilePeer, GarbageIsAnErrorNotAHang) {
  HostilePeer peer(Misbehaviour::Garbage);
  rpc::RpcClient c(clientFor(peer, 5s));
  expectFailure<Error>([&] { c.call("validation_getHash", {}); }, "HTTP request to 127.0.0.1", 4.0);
}

TEST(HostilePeer, HttpErrorStatusIsNamed) {
  HostilePeer peer(Misbehaviour::Status502);
  rpc::RpcClient c(clientFor(peer, 5s));
  expectFailure<Error>([&] { c.call("validation_getHash", {}); }, "HTTP status 502 Bad Gateway", 4.0);
}

TEST(HostilePeer, CancelFlagStopsARequestInFlight) {
  HostilePeer peer(Misbehaviour::Hang);
  std::atomic<bool> cancel{false};
  auto o = clientFor(peer, 60s);
  o.cancel = &cancel;
  rpc::RpcClient c(o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    cancel = true;
  });
  expectFailure<rpc::RpcInterrupted>([&] { c.call("validation_getHash", {}); }, "interrupted while reading the answer", 2.0);
  stopper.join();
}

TEST(HostilePeer, OverallDeadlineCutsARequestShort) {
  HostilePeer peer(Misbehaviour::Hang);
  auto o = clientFor(peer, 60s);
  o.deadline = Clock::now() + 700ms;
  rpc::RpcClient c(o);
  expectFailure<rpc::RpcTimeout>([&] { c.call("validation_getHash", {}); }, "overall deadline", 3.0);
}

TEST(HostilePeer, WebSocketPeerThatNeverUpgradesTimesOut) {
  HostilePeer peer(Misbehaviour::Hang);
  rpc::RpcClient c(clientFor(peer, 500ms, true));
  expectFailure<rpc::RpcTimeout>([&] { c.call("validation_getHash", {}); }, "opening the WebSocket", 3.0);
}

TEST(HostilePeer, HashAnswerBoundIsCountTimesHashSizePlusMargin) {
  EXPECT_EQ(fpvm::dispute::hashAnswerBound(2000), 2000u * 72 + 64 * 1024);
  EXPECT_EQ(fpvm::dispute::hashAnswerBound(~uint64_t(0)), ~uint64_t(0));
}

fpvm::dispute::RpcPartyOptions partyFor(const HostilePeer& peer, std::chrono::milliseconds timeout) {
  fpvm::dispute::RpcPartyOptions o;
  o.client = clientFor(peer, timeout);
  o.input = Json::object();
  return o;
}

TEST(HostilePeer, RpcPartyNamesServerMethodAndElapsedTime) {
  HostilePeer peer(Misbehaviour::Hang);
  fpvm::dispute::RpcParty party(partyFor(peer, 400ms));
  expectFailure<rpc::RpcTimeout>([&] { party.machineHashes(0, 1, 2000); },
                                 peer.url() + ": validation_getMachineHashesWithStepSize failed after 0.", 3.0);
}

TEST(HostilePeer, RpcPartyBoundsAHashAnswerByTheCountAsked) {
  HostilePeer peer(Misbehaviour::Huge);
  fpvm::dispute::RpcParty party(partyFor(peer, 20s));
  const uint64_t bound = fpvm::dispute::hashAnswerBound(2000);
  expectFailure<Error>([&] { party.machineHashes(0, 1, 2000); }, "larger than " + std::to_string(bound) + " bytes", 10.0);
  EXPECT_LT(peer.bytesSent(), uint64_t(64) << 20);
}

TEST(HostilePeer, RpcPartyRejectsAnOversizedProof) {
  HostilePeer peer(Misbehaviour::Huge);
  fpvm::dispute::RpcParty party(partyFor(peer, 20s));
  expectFailure<Error>([&] { party.proofAt(5); }, "validation_getProofAt failed", 15.0);
}

// ---- fpvm bisect against a silent party ----

const std::string kFpvm = FPVM_TEST_FPVM;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct BisectRun {
  int code = -1;
  double seconds = 0;
  std::string err;
};

/// Starts `fpvm bisect` with `args`; sends `signal` after `signalAfter` (0 = none); waits.
BisectRun runBisect(const srv::TempDir& dir, const std::vector<std::string>& args, int signal = 0,
                    std::chrono::milliseconds signalAfter = 0ms) {
  const std::string err = dir.path() + "/stderr";
  const auto t = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* e = std::freopen(err.c_str(), "w", stderr);
    FILE* o = std::freopen("/dev/null", "w", stdout);
    (void)e;
    (void)o;
    std::vector<char*> argv{const_cast<char*>(kFpvm.c_str()), const_cast<char*>("bisect")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kFpvm.c_str(), argv.data());
    ::_exit(127);
  }
  if (signal) {
    std::this_thread::sleep_for(signalAfter);
    ::kill(pid, signal);
  }
  int status = 0;
  // Never wait forever: a hung child is killed after 30 s and the test fails.
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (since(t) > 30) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "fpvm bisect still running after 30 s";
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  return BisectRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, since(t), slurp(err)};
}

class BisectAgainstSilentParty : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string in = Json::object({{"id", 1}, {"localKeys", Json::object()}, {"preimages", Json::object()}}).dump();
    writeFileAtomic(dir.path() + "/in.json", ByteView(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
  }
  std::vector<std::string> args(const std::string& timeout) {
    return {"--a",
            a.url(),
            "--b",
            b.url(),
            "--input",
            dir.path() + "/in.json",
            "--prestate",
            "0x" + std::string(64, '3'),
            "--request-timeout",
            timeout,
            "--out",
            dir.path() + "/report.json",
            "--quiet"};
  }
  srv::TempDir dir;
  HostilePeer a{Misbehaviour::Hang}, b{Misbehaviour::Hang};
};

TEST_F(BisectAgainstSilentParty, RequestTimeoutFailsNamingPartyAndMethod) {
  BisectRun r = runBisect(dir, args("1s"));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_LT(r.seconds, 10);
  EXPECT_NE(r.err.find("validation_createExecutionRun failed after 1."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("http://127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_FALSE(fileExists(dir.path() + "/report.json"));
}

TEST_F(BisectAgainstSilentParty, DeadlineEndsTheDispute) {
  auto a = args("1m");
  a.insert(a.end(), {"--deadline", "1s"});
  BisectRun r = runBisect(dir, a);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_LT(r.seconds, 10);
  EXPECT_NE(r.err.find("overall deadline"), std::string::npos) << r.err;
}

TEST_F(BisectAgainstSilentParty, SigtermStopsPromptlyWith143) {
  BisectRun r = runBisect(dir, args("10m"), SIGTERM, 700ms);
  EXPECT_EQ(r.code, 143) << r.err;
  EXPECT_LT(r.seconds, 5);
  EXPECT_FALSE(fileExists(dir.path() + "/report.json"));
}

TEST_F(BisectAgainstSilentParty, SigintStopsPromptlyWith130) {
  BisectRun r = runBisect(dir, args("10m"), SIGINT, 700ms);
  EXPECT_EQ(r.code, 130) << r.err;
  EXPECT_LT(r.seconds, 5);
}

TEST_F(BisectAgainstSilentParty, BadTimeoutIsRejected) {
  BisectRun r = runBisect(dir, args("soon"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--request-timeout"), std::string::npos) << r.err;
}

// ---- a fixed prestate decides step-0 disagreements ----

TEST(FixedPrestate, PartyDisagreeingWithTheGamesPrestateLoses) {
  auto a = localParty(lateReaderProgram(), lateReaderInput(10, 1), "A");
  auto b = localParty(srv::counterProgram(), srv::counterInput(10, 1), "B");
  auto options = smallLevels();
  options.fixedPrestate = a->prestateHash();
  auto r = fpvm::dispute::bisect(*a, *b, options);
  EXPECT_EQ(r.outcome, fpvm::dispute::Outcome::WrongPrestate) << r.reason;
  EXPECT_EQ(r.verdict, fpvm::dispute::Verdict::ClaimAHolds) << r.reason;
  EXPECT_NE(r.reason.find("B loses"), std::string::npos) << r.reason;
}

TEST(FixedPrestate, NeitherHoldsWhenBothDisagree) {
  auto a = localParty(lateReaderProgram(), lateReaderInput(10, 1), "A");
  auto b = localParty(lateReaderProgram(), lateReaderInput(10, 1), "B");
  auto options = smallLevels();
  options.fixedPrestate = Hash32{};
  auto r = fpvm::dispute::bisect(*a, *b, options);
  EXPECT_EQ(r.outcome, fpvm::dispute::Outcome::WrongPrestate) << r.reason;
  EXPECT_EQ(r.verdict, fpvm::dispute::Verdict::NeitherHolds) << r.reason;
}

TEST(FixedPrestate, CancelFlagStopsTheGame) {
  auto a = localParty(lateReaderProgram(), lateReaderInput(10, 1), "A");
  auto b = localParty(lateReaderProgram(), lateReaderInput(10, 1), "B");
  std::atomic<bool> cancel{true};
  auto options = smallLevels();
  options.cancel = &cancel;
  EXPECT_THROW(fpvm::dispute::bisect(*a, *b, options), fpvm::dispute::BisectInterrupted);
}

}  // namespace
}  // namespace fpvm::test::dispute
