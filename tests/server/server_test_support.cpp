#include "server_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "preimage/keys.hpp"
#include "runs/validation_input.hpp"
#include "test_support/rv_asm.hpp"
#include "image/elf_file.hpp"
#include "image/elf_loader.hpp"
#include "vm/interpreter.hpp"

namespace fpvm::test::srv {
namespace fs = std::filesystem;
using namespace fpvm::test::rvasm;

namespace {

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x20000;

/// Places `code` at kCode, sets pc, and returns the state.
vm::VmState program(const std::vector<uint32_t>& code) {
  vm::VmState st;
  for (size_t i = 0; i < code.size(); ++i) st.memory.store(kCode + 4 * i, 4, code[i]);
  st.pc = kCode;
  st.heap = 0x7F0000000000ULL;
  st.registers[2] = 0x1000000000000000ULL;
  return st;
}

void putLocalKey(vm::VmState& st, uint64_t addr, uint64_t index) {
  Hash32 k = preimage::localKey(index);
  st.memory.writeBytes(addr, k.data(), 32);
}

/// Appends "a7 = nr; a0 = fd; a1 = s0 + off; a2 = n; ecall".
void sys(std::vector<uint32_t>& c, uint32_t nr, uint32_t fd, int32_t off, int32_t n) {
  appendSyscall(c, nr, fd, s0, off, n);
}

Bytes le64(uint64_t v) {
  Bytes b(8);
  putLE(b.data(), v, 8);
  return b;
}

size_t counterPrologue() {
  // lui + 2 × (key write + 2 reads + ld) = 1 + 2 × (15 + 1)
  return 1 + 2 * (3 * 5 + 1);
}

}  // namespace

vm::VmState counterProgram() {
  std::vector<uint32_t> c;
  c.push_back(lui(s0, kData >> 12));
  // local 1 → s1 (count), local 2 → s2 (exit code)
  sys(c, 64, 6, 0, 32);
  sys(c, 63, 5, 64, 8);
  sys(c, 63, 5, 72, 8);
  c.push_back(ld(s1, s0, 72));
  sys(c, 64, 6, 32, 32);
  sys(c, 63, 5, 96, 8);
  sys(c, 63, 5, 104, 8);
  c.push_back(ld(s2, s0, 104));
  // loop: beq s1, zero, done; addi s1, s1, -1; sd s1, 128(s0); jal loop
  c.push_back(beq(s1, zero, 16));
  c.push_back(addi(s1, s1, -1));
  c.push_back(sd(s1, s0, 128));
  c.push_back(jal(zero, -12));
  // done: exit(s2)
  c.push_back(addi(a0, s2, 0));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st = program(c);
  putLocalKey(st, kData, 1);
  putLocalKey(st, kData + 32, 2);
  return st;
}

uint64_t counterSteps(uint64_t count) {
  // prologue, 4 per iteration, the final beq, and the 3-instruction exit
  return counterPrologue() + kCounterStepsPerIteration * count + 1 + 3;
}

vm::VmState spinProgram() { return program({addi(t0, t0, 1), jal(zero, -4)}); }

vm::VmState allocProgram() {
  return program({
      lui(s0, 0x40000),        // s0 = 0x40000000
      lui(t1, 1),              // t1 = 4096
      sd(t1, s0, 0),           // loop: touch a new page
      add(s0, s0, t1),
      jal(zero, -8),
  });
}

vm::VmState preimageProgram() {
  std::vector<uint32_t> c;
  c.push_back(lui(s0, kData >> 12));
  sys(c, 64, 6, 0, 32);       // select local 1
  sys(c, 63, 5, 0xF8, 8);     // its length prefix (8 bytes before the aligned value)
  sys(c, 63, 5, 0x100, 32);   // the 32-byte value: a keccak key, now at kData+0x100
  sys(c, 64, 6, 0x100, 32);   // select that key
  sys(c, 63, 5, 0x140, 8);    // length prefix
  sys(c, 63, 5, 0x148, 8);    // first 8 data bytes
  c.push_back(lbu(a0, s0, 0x148));
  c.push_back(addi(a7, zero, 93));
  c.push_back(ecall());
  vm::VmState st = program(c);
  putLocalKey(st, kData, 1);
  return st;
}

Json counterInput(uint64_t count, uint64_t exitCode, uint64_t id) {
  return Json{{"id", id}, {"localKeys", {{"1", toHex(le64(count))}, {"2", toBase64(le64(exitCode))}}}};
}

Json preimageInput(const Bytes& data, uint64_t id) {
  Hash32 key = preimage::keccak256Key(data);
  return Json{{"id", id},
              {"localKeys", {{"1", toHex(key)}}},
              {"preimages", {{"2", {{toBase64(ByteView(key.b)), toBase64(data)}}}}}};
}

namespace {

struct RefOracle final : vm::PreimageOracle {
  runs::ValidationInput in;
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override {
    if (key[0] == 1) {
      auto it = in.locals.find(getBE64(key.data() + 24));
      if (it != in.locals.end()) return it->second;
    }
    auto it = in.preimages.find(key);
    if (it == in.preimages.end()) throw Error("reference oracle: missing " + toHex(key));
    return it->second;
  }
};

}  // namespace

std::vector<Hash32> referenceHashes(const vm::VmState& programState, const Json& input, uint64_t from, uint64_t count) {
  vm::VmState st = programState;
  RefOracle oracle;
  oracle.in = runs::parseValidationInput(input, "input");
  vm::HostContext host;
  host.oracle = &oracle;
  vm::NoTracker tracker;
  vm::Interpreter<vm::NoTracker> interp(st, host, tracker);
  while (!st.exited && st.step < from)
    if (interp.step() != vm::kOk) throw Error("reference run reverted at step " + std::to_string(st.step));
  std::vector<Hash32> out{st.stateHash()};
  while (!st.exited && out.size() < count) {
    if (interp.step() != vm::kOk) throw Error("reference run reverted at step " + std::to_string(st.step));
    out.push_back(st.stateHash());
  }
  return out;
}

std::vector<Hash32> referenceHashes(const core::AnyMachine& program, const Json& input, uint64_t from, uint64_t count) {
  std::unique_ptr<core::AnyMachine> m = program.clone();
  RefOracle oracle;
  oracle.in = runs::parseValidationInput(input, "input");
  m->setOracle(&oracle);
  auto move = [&](uint64_t target, vm::Engine engine) {
    const core::Outcome o = m->advance(target, engine, {});
    if (!o.completed()) throw Error("reference run stopped at step " + std::to_string(m->step()) + ": " + o.revert);
  };
  move(from, vm::Engine::Fast);
  std::vector<Hash32> out{m->stateHash()};
  while (!m->exited() && out.size() < count) {
    move(m->step() + 1, vm::Engine::Reference);
    out.push_back(m->stateHash());
  }
  return out;
}

DirectRun runToEnd(const core::AnyMachine& program, const Json& input) {
  std::unique_ptr<core::AnyMachine> m = program.clone();
  RefOracle oracle;
  oracle.in = runs::parseValidationInput(input, "input");
  m->setOracle(&oracle);
  const core::Outcome o = m->advance(~uint64_t(0), vm::Engine::Fast, {});
  if (o.stop != core::Stop::Exited) throw Error("direct run did not exit: " + o.revert);
  return {m->step(), m->exitCode(), m->stateHash()};
}

Hash32 referenceHashAt(const vm::VmState& programState, const Json& input, uint64_t steps) {
  return referenceHashes(programState, input, steps, 1).front();
}

TempDir::TempDir() {
  std::random_device rd;
  fs::path base = fs::temp_directory_path() / "fpvm-server-tests";
  fs::create_directories(base);
  for (;;) {
    char name[32];
    std::snprintf(name, sizeof name, "t%08x%08x", rd(), rd());
    fs::path p = base / name;
    if (fs::create_directory(p)) {
      path_ = p.string();
      break;
    }
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

server::ServerConfig testConfig() {
  server::ServerConfig c;
  c.port = 0;
  c.auth = false;
  c.workers = 2;
  c.httpThreads = 2;
  c.maxExecutionTime = std::chrono::seconds(60);
  c.memoryLimit = uint64_t(256) << 20;
  c.logLevel = "warn";
  return c;
}

TestServer::TestServer(server::ServerConfig config, std::vector<vm::VmState> programs) {
  dir_ = std::make_unique<TempDir>();
  runs::PrestateStore store;
  for (auto& p : programs) hashes_.push_back(toHex(store.add(std::move(p), "")->hash));
  if (config.auth && config.jwtSecret.empty()) config.jwtSecret = dir_->path() + "/jwtsecret";
  server_ = std::make_unique<server::Server>(config, std::move(store));
  server_->start();
}

TestServer::TestServer(server::ServerConfig config, std::vector<std::unique_ptr<core::AnyMachine>> machines) {
  dir_ = std::make_unique<TempDir>();
  runs::PrestateStore store;
  for (auto& m : machines) hashes_.push_back(toHex(store.add(std::move(m), "")->hash));
  if (config.auth && config.jwtSecret.empty()) config.jwtSecret = dir_->path() + "/jwtsecret";
  server_ = std::make_unique<server::Server>(config, std::move(store));
  server_->start();
}

TestServer::~TestServer() { server_->stop(); }

std::unique_ptr<rpc::RpcClient> TestServer::client(bool websocket) const {
  rpc::RpcClientOptions o;
  o.port = server_->port();
  o.websocket = websocket;
  if (server_->config().auth) o.jwtSecret = server_->jwtSecret();
  return std::make_unique<rpc::RpcClient>(o);
}

std::string rollupGuest() {
  std::string p = FPVM_TEST_ROLLUP_GUEST;
  return fs::exists(p) ? p : "";
}

std::string rollupHost() {
  std::string p = FPVM_TEST_ROLLUP_HOST;
  return fs::exists(p) ? p : "";
}

std::string rollupGuestMips64() {
  std::string p = FPVM_TEST_ROLLUP_GUEST_MIPS64;
  return fs::exists(p) ? p : "";
}

const RollupData& rollupData() {
  static RollupData data = [] {
    RollupData d;
    if (rollupGuest().empty() || rollupHost().empty()) return d;
    static TempDir dir;
    const std::string out = dir.path() + "/chain";
    const std::string cmd = "'" + rollupHost() + "' generate --out '" + out + "' --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null";
    if (std::system(cmd.c_str()) != 0) return d;
    d.prestate = image::loadElf(image::parseElf(readFile(rollupGuest()), rollupGuest()));
    auto readJson = [](const std::string& path) {
      Bytes b = readFile(path);
      return Json::parse(b.begin(), b.end());
    };
    Json chain = readJson(out + "/chain.json");
    Json preimages = Json::object();
    for (const auto& p : chain["preimages"]) {
      Bytes key = fromHex(p["hash"].get<std::string>());
      Bytes value = fromHex(p["value"].get<std::string>());
      preimages[toBase64(key)] = toBase64(value);
    }
    d.validInput = Json{{"id", 1}, {"localKeys", readJson(out + "/boot-valid.json")}, {"preimages", {{"2", preimages}}}};
    d.invalidInput = Json{{"id", 2}, {"localKeys", readJson(out + "/boot-invalid.json")}, {"preimages", {{"2", preimages}}}};
    d.chainDir = out;
    if (!rollupGuestMips64().empty()) d.mips64Prestate = core::machineFromElf(readFile(rollupGuestMips64()), rollupGuestMips64());
    d.available = true;
    return d;
  }();
  return data;
}

uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  uint16_t port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

namespace {

std::string findRedisServer() {
  for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"})
    if (fs::exists(p)) return p;
  return "";
}

bool canConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer() {
  std::string bin = findRedisServer();
  if (bin.empty()) {
    problem_ = "redis-server is not installed (scripts/install-deps.sh installs it)";
    return;
  }
  dir_ = std::make_unique<TempDir>();
  for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
    port_ = freePort();
    pid_t pid = ::fork();
    if (pid == 0) {
      std::string log = dir_->path() + "/redis.log";
      std::string port = std::to_string(port_);
      ::execl(bin.c_str(), bin.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--dir", dir_->path().c_str(), "--logfile", log.c_str(), "--daemonize", "no", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (canConnect(port_)) {
        pid_ = pid;
        break;
      }
      int status;
      if (::waitpid(pid, &status, WNOHANG) == pid) break;  // it died (port taken?)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ < 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  if (pid_ < 0) problem_ = "redis-server did not start";
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

double peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

double rssMiB(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

}  // namespace fpvm::test::srv
