// The JSON-RPC surface of the validation server: every method, over HTTP and WebSocket, with the
// error cases of spec/validation-server.md (malformed JSON, param count and types, unknown
// prestate/method/run, auth, oversize requests) and the limits (time, memory, busy).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "common/hex.hpp"
#include "server/config.hpp"
#include "rpc/jwt.hpp"
#include "rpc/rpc_error.hpp"
#include "runs/validation_input.hpp"
#include "server_test_support.hpp"
#include "test_support/shared_data.hpp"
#include "image/elf_file.hpp"
#include "image/elf_loader.hpp"
#include "common/file_io.hpp"

namespace fpvm::test::srv {
namespace {

using rpc::RpcError;
namespace fs = std::filesystem;

/// Expects `fn` to throw RpcError with `code` and a message containing `text`.
template <class F>
void expectRpcError(F fn, int code, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "expected error " << code << " containing \"" << text << "\"";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "message: " << e.what() << "\nexpected to contain: " << text;
  }
}

class RpcTest : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer(testConfig(), [] {
      std::vector<vm::VmState> v;
      v.push_back(counterProgram());
      v.push_back(preimageProgram());
      return v;
    }());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::unique_ptr<rpc::RpcClient> client() { return server_->client(GetParam()); }
  static TestServer* server_;
};
TestServer* RpcTest::server_ = nullptr;

TEST_P(RpcTest, NameCapacityRoomPrestates) {
  auto c = client();
  EXPECT_EQ(c->call("validation_name"), "fpvm-fast");
  EXPECT_EQ(c->call("validation_capacity"), 2);
  EXPECT_EQ(c->call("validation_room"), 2);
  Json p = c->call("validation_prestates");
  ASSERT_TRUE(p.is_array());
  EXPECT_EQ(p.size(), 2u);
  EXPECT_NE(std::find(p.begin(), p.end(), server_->prestate(0)), p.end());
}

TEST_P(RpcTest, ValidateReportsStatusExitCodeStepsAndHash) {
  auto c = client();
  for (uint64_t code : {0, 1, 7}) {
    Json r = c->call("validation_validate", Json::array({counterInput(1000, code), server_->prestate(0)}));
    EXPECT_EQ(r["status"], code == 0 ? "valid" : code == 1 ? "invalid" : "panic");
    EXPECT_EQ(r["exitCode"], code);
    EXPECT_EQ(r["steps"], counterSteps(1000));
    const Hash32 expect = referenceHashAt(counterProgram(), counterInput(1000, code), ~uint64_t(0));
    EXPECT_EQ(r["stateHash"], toHex(expect));
    EXPECT_TRUE(r["elapsed"].is_number());
  }
}

TEST_P(RpcTest, ValidateReadsCheckedPreimages) {
  auto c = client();
  Bytes data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  Json r = c->call("validation_validate", Json::array({preimageInput(data), server_->prestate(1)}));
  EXPECT_EQ(r["status"], "valid");
  data[0] = 1;
  r = c->call("validation_validate", Json::array({preimageInput(data), server_->prestate(1)}));
  EXPECT_EQ(r["status"], "invalid");
  // Nitro's form of the key (the plain hash, byte 0 not the type) is accepted as well.
  Json in = preimageInput(data);
  Json group = in["preimages"]["2"];
  std::string key = group.begin().key();
  Bytes raw = fromBase64(key);
  raw[0] = 0xAB;
  in["preimages"]["2"] = Json{{toBase64(raw), group.begin().value()}};
  EXPECT_EQ(c->call("validation_validate", Json::array({in, server_->prestate(1)}))["status"], "invalid");
}

TEST_P(RpcTest, PreimageThatDoesNotMatchItsKeyIsRefusedNamingTheKey) {
  auto c = client();
  Json in = preimageInput({1, 2, 3});
  auto& group = in["preimages"]["2"];
  const std::string key = group.begin().key();
  group[key] = toBase64(Bytes{1, 2, 4});
  expectRpcError([&] { c->call("validation_validate", Json::array({in, server_->prestate(1)})); }, rpc::kInvalidParams,
                 "preimages[\"2\"][\"" + key + "\"]");
  // sha256 keys are checked too.
  Json sha = Json{{"id", 1}, {"preimages", {{"4", {{toBase64(Bytes(32, 7)), toBase64(Bytes{1})}}}}}};
  expectRpcError([&] { c->call("validation_validate", Json::array({sha, server_->prestate(1)})); }, rpc::kInvalidParams,
                 "does not match its sha256 hash");
}

TEST_P(RpcTest, MissingPreimageIsAnExecutionError) {
  auto c = client();
  Json in = {{"id", 3}, {"localKeys", {{"1", toHex(Bytes(8, 0))}}}};  // no local 2
  expectRpcError([&] { c->call("validation_validate", Json::array({in, server_->prestate(0)})); }, rpc::kExecutionFailed,
                 "missing preimage for local key");
}

TEST_P(RpcTest, UnknownMethodsAreNotReachable) {
  auto c = client();
  for (const char* m : {"validation_foo", "rpc_modules", "admin_nodeInfo", "debug_traceTransaction", "validation_",
                        "Validation_name", "eth_chainId"})
    expectRpcError([&] { c->call(m); }, rpc::kMethodNotFound, "does not exist");
}

TEST_P(RpcTest, WrongParamCountAndTypesNameTheParam) {
  auto c = client();
  expectRpcError([&] { c->call("validation_name", Json::array({1})); }, rpc::kInvalidParams, "wrong number of params");
  expectRpcError([&] { c->call("validation_validate", Json::array({counterInput(1, 0)})); }, rpc::kInvalidParams,
                 "expected 2 [input, prestate]");
  expectRpcError([&] { c->call("validation_getStepAt", Json::array({"x", 1})); }, rpc::kInvalidParams,
                 "params[0] (id)");
  expectRpcError([&] { c->call("validation_getStepAt", Json::array({1, -5})); }, rpc::kInvalidParams,
                 "params[1] (position): expected an unsigned 64-bit integer, got a negative number");
  expectRpcError([&] { c->call("validation_getStepAt", Json::array({1, 1.5})); }, rpc::kInvalidParams,
                 "params[1] (position)");
  expectRpcError([&] { c->call("validation_getStepAt", Json::array({1, "18446744073709551616"})); }, rpc::kInvalidParams,
                 "params[1] (position)");
  expectRpcError([&] { c->call("validation_validate", Json::array({5, server_->prestate(0)})); }, rpc::kInvalidParams,
                 "params[0] (input)");
  expectRpcError([&] { c->call("validation_validate", Json::array({counterInput(1, 0), 5})); }, rpc::kInvalidParams,
                 "params[1] (prestate)");
  expectRpcError([&] { c->call("validation_validate", Json::array({counterInput(1, 0), "0x12"})); }, rpc::kInvalidParams,
                 "params[1] (prestate)");
  Json bad = counterInput(1, 0);
  bad["localKeys"]["1"] = "not base64!";
  expectRpcError([&] { c->call("validation_validate", Json::array({bad, server_->prestate(0)})); }, rpc::kInvalidParams,
                 "params[0] (input).localKeys[\"1\"]");
  bad = counterInput(1, 0);
  bad["preimage"] = Json::object();
  expectRpcError([&] { c->call("validation_validate", Json::array({bad, server_->prestate(0)})); }, rpc::kInvalidParams,
                 "unknown field \"preimage\"");
  expectRpcError([&] { c->call("validation_getMachineHashesWithStepSize", Json::array({1, 0, 0, 5})); }, rpc::kInvalidParams,
                 "params[2] (stepSize): must be at least 1");
}

TEST_P(RpcTest, UnknownPrestate) {
  auto c = client();
  const std::string unknown = "0x" + std::string(64, 'a');
  expectRpcError([&] { c->call("validation_validate", Json::array({counterInput(1, 0), unknown})); }, rpc::kUnknownPrestate,
                 "unknown prestate " + unknown);
  expectRpcError([&] { c->call("validation_createExecutionRun", Json::array({unknown, counterInput(1, 0)})); },
                 rpc::kUnknownPrestate, "unknown prestate");
  expectRpcError([&] { c->call("validation_validate", Json::array({counterInput(1, 0), "latest"})); }, rpc::kUnknownPrestate,
                 "unknown prestate latest");
}

TEST_P(RpcTest, UnknownRunId) {
  auto c = client();
  const uint64_t id = 0xFEDCBA9876543210ULL;  // above 2^53: must round-trip exactly
  for (const char* m : {"validation_getStepAt", "validation_getProofAt"})
    expectRpcError([&] { c->call(m, Json::array({id, 0})); }, rpc::kRunNotFound, "run not found: 18364758544493064720");
  expectRpcError([&] { c->call("validation_getMachineHashesWithStepSize", Json::array({id, 0, 1, 1})); }, rpc::kRunNotFound,
                 "run not found");
  expectRpcError([&] { c->call("validation_prepareRange", Json::array({id, 0, 1})); }, rpc::kRunNotFound, "run not found");
  expectRpcError([&] { c->call("validation_execKeepAlive", Json::array({id})); }, rpc::kRunNotFound, "run not found");
  expectRpcError([&] { c->call("validation_checkAlive", Json::array({id})); }, rpc::kRunNotFound, "run not found");
  EXPECT_TRUE(c->call("validation_closeExec", Json::array({id})).is_null());
}

TEST_P(RpcTest, LargeIdsRoundTrip) {
  auto c = client();
  const std::string body = R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"validation_name","params":[]})";
  std::string text = GetParam() ? c->exchange(body) : c->post(body).body;
  EXPECT_NE(text.find("\"id\":18446744073709551615"), std::string::npos) << text;
  // Run ids above 2^53 come back exactly (checked on the created run in exec_run_test too).
  Json r = c->call("validation_validate", Json::array({counterInput(0, 0, 18446744073709551615ULL), server_->prestate(0)}));
  EXPECT_EQ(r["status"], "valid");
}

TEST_P(RpcTest, MalformedJsonAndRequestsKeepTheServerServing) {
  auto c = client();
  auto send = [&](const std::string& body) {
    std::string text = GetParam() ? c->exchange(body) : c->post(body).body;
    return Json::parse(text);
  };
  Json r = send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
  EXPECT_EQ(r["error"]["code"], rpc::kParseError);
  EXPECT_TRUE(r["id"].is_null());
  r = send("[]");
  EXPECT_EQ(r["error"]["code"], rpc::kInvalidRequest);
  r = send(R"({"id":1,"method":"validation_name"})");
  EXPECT_EQ(r["error"]["code"], rpc::kInvalidRequest);
  r = send(R"({"jsonrpc":"2.0","id":1,"method":5})");
  EXPECT_EQ(r["error"]["code"], rpc::kInvalidRequest);
  r = send(R"({"jsonrpc":"2.0","id":1,"method":"validation_name","params":{"a":1}})");
  EXPECT_EQ(r["error"]["code"], rpc::kInvalidParams);
  r = send("\"just a string\"");
  EXPECT_EQ(r["error"]["code"], rpc::kInvalidRequest);
  // A batch: answers in order, errors per element.
  r = send(R"([{"jsonrpc":"2.0","id":1,"method":"validation_name"},{"jsonrpc":"2.0","id":2,"method":"nope"},{"jsonrpc":"2.0","method":"validation_name"}])");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 2u);  // the notification gets no answer
  EXPECT_EQ(r[0]["result"], "fpvm-fast");
  EXPECT_EQ(r[1]["error"]["code"], rpc::kMethodNotFound);
  EXPECT_EQ(c->call("validation_name"), "fpvm-fast");
}

INSTANTIATE_TEST_SUITE_P(Transports, RpcTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "WebSocket" : "Http"; });

// ---- auth ----

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = testConfig();
    cfg.auth = true;
    std::vector<vm::VmState> v;
    v.push_back(counterProgram());
    server_ = std::make_unique<TestServer>(cfg, std::move(v));
  }
  std::unique_ptr<TestServer> server_;
};

TEST_F(AuthTest, ValidTokenOverHttpAndWebSocket) {
  EXPECT_EQ(server_->client(false)->call("validation_name"), "fpvm-fast");
  EXPECT_EQ(server_->client(true)->call("validation_name"), "fpvm-fast");
}

TEST_F(AuthTest, MissingBadAndStaleTokensAreRefused) {
  const Bytes& secret = server_->server().jwtSecret();
  ASSERT_EQ(secret.size(), 32u);
  auto c = server_->client(false);
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"validation_name","params":[]})";
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Bytes other(32, 9);
  struct Case {
    std::string header, reason;
  } cases[] = {
      {"", "missing token"},
      {"Basic abc", "malformed Authorization header"},
      {"Bearer abc.def", "malformed token"},
      {"Bearer " + rpc::makeJwt(other, now), "signature mismatch"},
      {"Bearer " + rpc::makeJwt(secret, now - 61), "iat too far in the past"},
      {"Bearer " + rpc::makeJwt(secret, now + 120), "iat too far in the future"},
  };
  for (const auto& k : cases) {
    auto a = c->post(body, &k.header);
    EXPECT_EQ(a.status, 401) << k.header;
    Json r = Json::parse(a.body);
    EXPECT_EQ(r["error"]["code"], rpc::kUnauthorized);
    EXPECT_NE(r["error"]["message"].get<std::string>().find(k.reason), std::string::npos) << r.dump();
  }
  // alg "none" is never accepted.
  std::string header = rpc::base64UrlEncode(ByteView(reinterpret_cast<const uint8_t*>("{\"alg\":\"none\"}"), 14));
  std::string payload = "{\"iat\":" + std::to_string(now) + "}";
  std::string none = "Bearer " + header + "." +
                     rpc::base64UrlEncode(ByteView(reinterpret_cast<const uint8_t*>(payload.data()), payload.size())) + ".";
  EXPECT_EQ(c->post(body, &none).status, 401);
  // Within ±60 s is fine.
  std::string edge = "Bearer " + rpc::makeJwt(secret, now - 50);
  EXPECT_EQ(c->post(body, &edge).status, 200);
  // WebSocket upgrades need the token too.
  int status = 0;
  std::string answer;
  EXPECT_FALSE(rpc::tryWebSocketUpgrade("127.0.0.1", server_->port(), "", status, answer));
  EXPECT_EQ(status, 401) << answer;
  EXPECT_TRUE(rpc::tryWebSocketUpgrade("127.0.0.1", server_->port(), "Bearer " + rpc::makeJwt(secret), status, answer));
  // Metrics and health need none.
  EXPECT_EQ(c->get("/health").status, 200);
  EXPECT_EQ(c->get("/metrics").status, 200);
}

TEST(JwtSecret, CreatedOnFirstStartWithMode0600AndReadBack) {
  TempDir dir;
  const std::string path = dir.path() + "/sub/jwtsecret";
  Bytes a = rpc::loadOrCreateJwtSecret(path);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(rpc::loadOrCreateJwtSecret(path), a);
  std::ofstream(dir.path() + "/short") << "0x1234\n";
  EXPECT_THROW(rpc::loadOrCreateJwtSecret(dir.path() + "/short"), Error);
}

// ---- limits ----

TEST(Limits, RequestSizeLimitOverHttpAndWebSocket) {
  auto cfg = testConfig();
  cfg.requestSizeLimit = 64 * 1024;
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto http = s.client(false);
  Json in = counterInput(1, 0);
  in["preimages"] = {{"3", {{toBase64(Bytes(32, 3)), toBase64(Bytes(100 * 1024, 1))}}}};
  const std::string body = Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "validation_validate"}, {"params", {in, s.prestate(0)}}}.dump();
  auto a = http->post(body);
  EXPECT_EQ(a.status, 413);
  Json r = Json::parse(a.body);
  EXPECT_EQ(r["error"]["code"], rpc::kRequestTooLarge);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("request-size-limit"), std::string::npos);
  auto ws = s.client(true);
  try {
    ws->exchange(body);
    ADD_FAILURE() << "oversize WebSocket message accepted";
  } catch (const Error& e) {
    // Close code 1009 (message too big) — or, when the server closes before the client has
    // written the whole message, the client's write fails first (seen ~1 % of runs).
    const std::string m = e.what();
    EXPECT_TRUE(m.find("1009") != std::string::npos || m.find("Broken pipe") != std::string::npos ||
                m.find("reset by peer") != std::string::npos)
        << m;
  }
  // Still serving.
  EXPECT_EQ(s.client(false)->call("validation_name"), "fpvm-fast");
  EXPECT_EQ(s.client(true)->call("validation_name"), "fpvm-fast");
  EXPECT_GE(s.server().metrics().value("fpvm_http_oversize_total"), 2);
}

TEST(Limits, LargePreimageSetsAreAcceptedByDefault) {
  auto cfg = testConfig();  // default request-size-limit (1 GiB)
  std::vector<vm::VmState> v;
  v.push_back(preimageProgram());
  TestServer s(cfg, std::move(v));
  Bytes big(24 << 20, 0);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  big[0] = 0;
  Json r = s.client()->call("validation_validate", Json::array({preimageInput(big), s.prestate(0)}));
  EXPECT_EQ(r["status"], "valid");
}

TEST(Limits, MaxExecutionTimeStopsALoopingGuest) {
  auto cfg = testConfig();
  cfg.maxExecutionTime = std::chrono::milliseconds(300);
  std::vector<vm::VmState> v;
  v.push_back(spinProgram());
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  const auto start = std::chrono::steady_clock::now();
  expectRpcError([&] { c->call("validation_validate", Json::array({Json{{"id", 1}}, s.prestate(0)})); }, rpc::kTimeLimit,
                 "max-execution-time exceeded");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // The worker was freed.
  EXPECT_EQ(c->call("validation_validate", Json::array({counterInput(10, 0), s.prestate(1)}))["status"], "valid");
  EXPECT_EQ(s.server().metrics().value("fpvm_validations_total", "status=\"error\""), 1);
}

TEST(Limits, MemoryLimitStopsAnAllocatingGuest) {
  auto cfg = testConfig();
  cfg.memoryLimit = 16 << 20;
  std::vector<vm::VmState> v;
  v.push_back(allocProgram());
  v.push_back(counterProgram());
  TestServer s(cfg, std::move(v));
  auto c = s.client(true);
  expectRpcError([&] { c->call("validation_validate", Json::array({Json{{"id", 1}}, s.prestate(0)})); }, rpc::kMemoryLimit,
                 "memory limit exceeded");
  EXPECT_EQ(c->call("validation_validate", Json::array({counterInput(10, 0), s.prestate(1)}))["status"], "valid");
}

TEST(Limits, SaturatedServerQueuesThenRefusesAsBusy) {
  auto cfg = testConfig();
  cfg.workers = 1;
  cfg.queueSize = 1;
  cfg.maxExecutionTime = std::chrono::milliseconds(1500);
  std::vector<vm::VmState> v;
  v.push_back(spinProgram());
  TestServer s(cfg, std::move(v));
  // One runs, one waits, the third is refused at once.
  auto slow = [&] {
    return std::async(std::launch::async, [&] {
      try {
        s.client()->call("validation_validate", Json::array({Json{{"id", 1}}, s.prestate(0)}));
        return 0;
      } catch (const RpcError& e) {
        return e.code();
      }
    });
  };
  auto first = slow();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto second = slow();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  expectRpcError([&] { s.client()->call("validation_validate", Json::array({Json{{"id", 3}}, s.prestate(0)})); },
                 rpc::kServerBusy, "server busy");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  EXPECT_EQ(first.get(), rpc::kTimeLimit);
  EXPECT_EQ(second.get(), rpc::kTimeLimit);  // it was queued, then ran
  EXPECT_EQ(s.server().metrics().value("fpvm_busy_refusals_total"), 1);
}

// ---- metrics, health ----

TEST(Metrics, ExposesValidationsRunsQueueAndRedisFamilies) {
  std::vector<vm::VmState> v;
  v.push_back(counterProgram());
  TestServer s(testConfig(), std::move(v));
  auto c = s.client();
  c->call("validation_validate", Json::array({counterInput(5, 0), s.prestate(0)}));
  c->call("validation_validate", Json::array({counterInput(5, 1), s.prestate(0)}));
  const std::string text = c->get("/metrics").body;
  for (const char* want : {"fpvm_validations_total{status=\"valid\"} 1", "fpvm_validations_total{status=\"invalid\"} 1",
                           "fpvm_validation_duration_seconds_count 2", "fpvm_validation_steps_bucket", "fpvm_queue_depth 0",
                           "fpvm_execution_runs_active 0", "fpvm_cache_build_seconds", "fpvm_redis_claims_total 0",
                           "fpvm_redis_retries_total 0", "fpvm_rpc_requests_total{method=\"validation_validate\",outcome=\"ok\"} 2",
                           "# TYPE fpvm_rpc_duration_seconds histogram"})
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
  Json h = Json::parse(c->get("/health").body);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["prestates"], 1);
  EXPECT_EQ(c->get("/nothing").status, 404);
}

// ---- riscv-tests through the server ----

struct Vector {
  const char* suite;
  const char* test;
  uint64_t steps;
  const char* finalHash;
  const char* initialHash;
};
const Vector kVectors[] = {
#include "conformance/riscv_tests_vectors.inc"
};

TEST(RiscvTests, ValidateMatchesTheSpecVectors) {
  if (sharedDir().empty()) GTEST_SKIP() << kSharedMissing;
  std::vector<vm::VmState> programs;
  std::vector<const Vector*> used;
  for (const auto& v : kVectors) {
    std::string path = riscvTestPath(v.suite, v.test);
    if (path.empty()) continue;
    programs.push_back(image::loadElf(image::parseElf(readFile(path), path), image::LoadOptions{.patchAndStack = false}));
    used.push_back(&v);
  }
  if (programs.empty()) GTEST_SKIP() << kSharedMissing;
  TestServer s(testConfig(), std::move(programs));
  auto c = s.client(true);
  for (size_t i = 0; i < used.size(); ++i) {
    Json r = c->call("validation_validate", Json::array({Json{{"id", i}}, s.prestate(i)}));
    EXPECT_EQ(r["status"], "valid") << used[i]->test;
    EXPECT_EQ(r["steps"], used[i]->steps) << used[i]->test;
    EXPECT_EQ(r["stateHash"], std::string("0x") + used[i]->finalHash) << used[i]->test;
  }
}

// ---- the example rollup ----

TEST(Rollup, ValidAndInvalidClaims) {
  const RollupData& d = rollupData();
  if (!d.available) GTEST_SKIP() << "SKIPPED: the rollup guest or host was not built (riscv64-unknown-elf-gcc missing?)";
  std::vector<vm::VmState> v;
  v.push_back(d.prestate);
  TestServer s(testConfig(), std::move(v));
  auto c = s.client();
  Json r = c->call("validation_validate", Json::array({d.validInput, s.prestate(0)}));
  EXPECT_EQ(r["status"], "valid");
  EXPECT_GT(r["steps"].get<uint64_t>(), 1000000u);
  r = c->call("validation_validate", Json::array({d.invalidInput, s.prestate(0)}));
  EXPECT_EQ(r["status"], "invalid");
  EXPECT_EQ(r["exitCode"], 1);
}

TEST(Rollup, PreimagesFromAConfiguredPreimageServer) {
  const RollupData& d = rollupData();
  if (!d.available) GTEST_SKIP() << "SKIPPED: the rollup guest or host was not built (riscv64-unknown-elf-gcc missing?)";
  auto cfg = testConfig();
  cfg.preimageServer = {rollupHost(), "serve", "--chain", d.chainDir};
  std::vector<vm::VmState> v;
  v.push_back(d.prestate);
  TestServer s(cfg, std::move(v));
  auto c = s.client();
  // Only the boot values inline: every keccak preimage comes from the server (after its hint).
  Json in = {{"id", 9}, {"localKeys", d.validInput["localKeys"]}};
  Json r = c->call("validation_validate", Json::array({in, s.prestate(0)}));
  EXPECT_EQ(r["status"], "valid");
  Json inline_ = c->call("validation_validate", Json::array({d.validInput, s.prestate(0)}));
  EXPECT_EQ(r["stateHash"], inline_["stateHash"]);
  EXPECT_EQ(r["steps"], inline_["steps"]);
}

// ---- prestate folders, config ----

TEST(Prestates, FolderNamesMustMatchTheStateHash) {
  TempDir dir;
  vm::VmState a = counterProgram();
  vm::VmState b = spinProgram();
  const std::string good = runs::writePrestateFolder(dir.path(), a, "{\"symbols\":[]}");
  runs::writePrestateFolder(dir.path(), b, "", "latest");
  runs::writePrestateFolder(dir.path(), b, "", "0x" + std::string(64, '1'));  // wrong name
  fs::create_directories(dir.path() + "/not-a-hash");
  fs::create_directories(dir.path() + "/0x" + std::string(64, '2'));  // no state file
  runs::PrestateStore store = runs::PrestateStore::load(dir.path());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_NE(store.find(fs::path(good).filename().string()), nullptr);
  ASSERT_NE(store.find("latest"), nullptr);
  EXPECT_EQ(store.find("latest")->hash, b.stateHash());
  ASSERT_EQ(store.refused().size(), 3u);
  std::string all;
  for (const auto& r : store.refused()) all += r + "\n";
  EXPECT_NE(all.find("does not match the hash of its state"), std::string::npos) << all;
  EXPECT_NE(all.find("no state file"), std::string::npos) << all;
  EXPECT_NE(all.find("neither 0x"), std::string::npos) << all;
}

TEST(Config, FlagsAndFileShareNamesAndParseUnits) {
  server::ServerConfig c;
  server::applyConfigJson(c, Json{{"workers", 3}, {"max-execution-time", "1m30s"}, {"memory-limit", "512MiB"},
                                  {"request-size-limit", 2048}, {"execution-run-timeout", 90}, {"auth", false},
                                  {"cached-challenge-machines", "8"}, {"initial-steps", 1000},
                                  {"redis-url", "redis://127.0.0.1:1"}, {"idletime-to-autoclaim", "250ms"},
                                  {"response-entry-timeout", "1h"}, {"max-retry-count", 5}, {"stream-prefix", "x:"}},
                          "test.json");
  EXPECT_EQ(c.workers, 3u);
  EXPECT_EQ(c.maxExecutionTime, std::chrono::seconds(90));
  EXPECT_EQ(c.memoryLimit, uint64_t(512) << 20);
  EXPECT_EQ(c.requestSizeLimit, 2048u);
  EXPECT_EQ(c.executionRunTimeout, std::chrono::seconds(90));
  EXPECT_FALSE(c.auth);
  EXPECT_EQ(c.cachedChallengeMachines, 8u);
  EXPECT_EQ(c.idletimeToAutoclaim, std::chrono::milliseconds(250));
  EXPECT_EQ(c.maxRetryCount, 5u);
  EXPECT_THROW(server::applyConfigJson(c, Json{{"worker", 3}}, "test.json"), Error);
  EXPECT_THROW(server::applyConfigJson(c, Json{{"workers", -1}}, "test.json"), Error);
  EXPECT_THROW(server::applyConfigJson(c, Json{{"max-execution-time", "soon"}}, "test.json"), Error);
  EXPECT_THROW(parseByteSize("12XB", "x"), Error);
  // The defaults the spec names.
  server::ServerConfig d;
  EXPECT_EQ(d.port, 8549);
  EXPECT_EQ(d.addr, "127.0.0.1");
  EXPECT_TRUE(d.auth);
  EXPECT_EQ(d.cachedChallengeMachines, 4u);
  EXPECT_EQ(d.initialSteps, 100000u);
  EXPECT_EQ(d.executionRunTimeout, std::chrono::minutes(15));
  EXPECT_EQ(d.idletimeToAutoclaim, std::chrono::minutes(5));
  EXPECT_EQ(d.responseEntryTimeout, std::chrono::hours(1));
  Json all = server::configToJson(d);
  for (const char* name : {"workers", "max-execution-time", "execution-run-timeout", "cached-challenge-machines", "initial-steps",
                           "redis-url", "stream-prefix", "idletime-to-autoclaim", "response-entry-timeout", "max-retry-count",
                           "memory-limit", "request-size-limit"})
    EXPECT_TRUE(all.contains(name)) << name;
}

TEST(Input, DigestIgnoresIdAndOrder) {
  Json a = counterInput(5, 0, 1), b = counterInput(5, 0, 2), c = counterInput(6, 0, 1);
  auto pa = runs::parseValidationInput(a, "a"), pb = runs::parseValidationInput(b, "b"), pc = runs::parseValidationInput(c, "c");
  EXPECT_EQ(pa.digest, pb.digest);
  EXPECT_FALSE(pa.digest == pc.digest);
  auto round = runs::parseValidationInput(runs::encodeValidationInput(pa), "r");
  EXPECT_EQ(round.digest, pa.digest);
}

}  // namespace
}  // namespace fpvm::test::srv
