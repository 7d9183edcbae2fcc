#pragma once
/// Helpers for the validation-server tests: tiny guest programs assembled in code, inputs for
/// them, an in-process server on a free loopback port, clients, scratch folders, and a
/// redis-server started on a random free port.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/any_machine.hpp"
#include "server/config.hpp"
#include "runs/prestate_store.hpp"
#include "rpc/rpc_client.hpp"
#include "server/server.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::test::srv {

using Json = nlohmann::json;

// ---- guest programs (VmStates built directly, no ELF) ----

/// Reads local 1 (u64, little-endian bytes) = loop count and local 2 (u64 LE) = exit code, loops
/// `count` times (4 instructions and one store per iteration), then exits with the code.
/// Steps: 4·count + kCounterOverhead.
vm::VmState counterProgram();
inline constexpr uint64_t kCounterStepsPerIteration = 4;
/// Steps of counterProgram(count) = 4·count + this.
uint64_t counterSteps(uint64_t count);
/// Loops forever without touching memory.
vm::VmState spinProgram();
/// Writes to a new page every iteration, forever.
vm::VmState allocProgram();
/// Reads local 1 (a 32-byte keccak key), reads that preimage and exits with its first byte.
vm::VmState preimageProgram();

/// {"id": id, "localKeys": {"1": LE(count), "2": LE(exitCode)}}
Json counterInput(uint64_t count, uint64_t exitCode, uint64_t id = 1);
/// Input for preimageProgram: local 1 = keccak key of `data`, preimage group "2" holds `data`.
Json preimageInput(const Bytes& data, uint64_t id = 1);

/// The state hash of `program` after running `input` for exactly `steps` steps (reference
/// interpreter; stops early when the program exits).
Hash32 referenceHashAt(const vm::VmState& program, const Json& input, uint64_t steps);
/// State hashes of the run for steps from, from+1, … (index i = step from+i), `count` of them or
/// up to the exit, with the reference interpreter.
std::vector<Hash32> referenceHashes(const vm::VmState& program, const Json& input, uint64_t from = 0,
                                    uint64_t count = 50'000'000);
/// The same for a machine of either instruction set: moved to `from` on its fast engine, then one
/// reference step at a time (advance to step + 1), the state hash after each.
std::vector<Hash32> referenceHashes(const core::AnyMachine& program, const Json& input, uint64_t from, uint64_t count);

/// A whole run outside the server: steps, exit code and final state hash.
struct DirectRun {
  uint64_t steps = 0;
  uint8_t exitCode = 0;
  Hash32 hash;
};
/// Runs a copy of `program` with `input` (inline data only) to its exit on the fast engine.
DirectRun runToEnd(const core::AnyMachine& program, const Json& input);

// ---- scratch folders ----

/// A fresh folder under the build tree's temporary area, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- an in-process server ----

/// Defaults for tests: port 0, auth off, 2 workers, small limits.
server::ServerConfig testConfig();

class TestServer {
 public:
  /// Starts a server with `programs` as prestates (registered under their hashes).
  TestServer(server::ServerConfig config, std::vector<vm::VmState> programs);
  /// The same with machines of either instruction set.
  TestServer(server::ServerConfig config, std::vector<std::unique_ptr<core::AnyMachine>> machines);
  ~TestServer();
  uint16_t port() const { return server_->port(); }
  server::Server& server() { return *server_; }
  /// A client (HTTP or WebSocket) that signs requests when auth is on.
  std::unique_ptr<rpc::RpcClient> client(bool websocket = false) const;
  /// The prestate hash of program `i`.
  std::string prestate(size_t i) const { return hashes_.at(i); }

 private:
  std::unique_ptr<server::Server> server_;
  std::vector<std::string> hashes_;
  std::unique_ptr<TempDir> dir_;
};

// ---- example rollup (built by examples/rollup) ----

/// Paths of the rollup guest and host tool; empty when not built.
std::string rollupGuest();
std::string rollupHost();
/// The rollup guest built for MIPS64 (Cannon MT64); empty when not built.
std::string rollupGuestMips64();
/// Chain data generated once per process into a temporary folder: {prestate, valid input,
/// invalid input}. Empty prestate when the rollup is not built.
struct RollupData {
  vm::VmState prestate;
  Json validInput, invalidInput;
  std::string chainDir;  ///< for `fpvm-rollup-host serve --chain DIR`
  /// The MIPS64 build's prestate (same boot values and preimages); null when not built.
  std::shared_ptr<const core::AnyMachine> mips64Prestate;
  bool available = false;
};
const RollupData& rollupData();

// ---- redis-server ----

/// A redis-server on 127.0.0.1 with a random free port and no persistence, stopped (and its
/// folder removed) at destruction. available() is false when redis-server is not installed.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  bool available() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  /// Why it is unavailable.
  const std::string& problem() const { return problem_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string problem_;
  std::unique_ptr<TempDir> dir_;
};

/// A TCP port nobody listens on right now.
uint16_t freePort();
/// Peak resident memory of this process in MiB.
double peakRssMiB();
/// Current resident memory of a process in MiB (0 when unknown).
double rssMiB(pid_t pid);

}  // namespace fpvm::test::srv
