// `fpvm bisect`: plays the dispute game between two parties (validation servers or execution
// runs in this process) down to one step, verifies that step's proofs statelessly and reports
// whose claim holds (src/dispute).
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/duration.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "core/proof_json.hpp"
#include "dispute/bisection.hpp"
#include "dispute/local_party.hpp"
#include "dispute/report_json.hpp"
#include "dispute/rpc_party.hpp"
#include "image/state_file.hpp"
#include "rpc/jwt.hpp"
#include "runs/validation_input.hpp"
#include "server/config.hpp"

namespace fpvm::cli {
namespace {

/// Exit code when no claim could be established (undecided, neither claim holds, prestates differ).
constexpr int kExitNoWinner = 3;

nlohmann::json readJsonFile(const std::string& path, const std::string& flag) {
  Bytes b = readFile(path);
  try {
    return nlohmann::json::parse(b.begin(), b.end());
  } catch (const std::exception& e) {
    throw Error(flag + " " + path + ": not valid JSON: " + e.what());
  }
}

runs::ValidationInput parseInput(const nlohmann::json& j, const std::string& where) {
  try {
    return runs::parseValidationInput(j, where);
  } catch (const std::exception& e) {  // RpcError is not an fpvm::Error
    throw Error(e.what());
  }
}

/// The flags of one side.
struct PartyFlags {
  std::string spec, input, prestate, jwtSecret;
};

struct LocalRunFlags {
  std::string maxExecutionTime = "1h", memoryLimit = "0";
  uint64_t initialSteps = 100000;
  unsigned cachedMachines = 4;
};

/// Time bounds of server parties.
struct NetworkBounds {
  std::chrono::milliseconds requestTimeout;
  std::chrono::steady_clock::time_point deadline;
};

std::unique_ptr<dispute::Party> makeParty(const char* name, const PartyFlags& f, const LocalRunFlags& local,
                                          const std::string& sharedPrestate, const NetworkBounds& bounds) {
  const std::string flag = std::string("--") + name;
  if (f.input.empty()) throw Error(flag + "-input (or --input) is required: the validation input of party " + name);
  nlohmann::json input = readJsonFile(f.input, flag + "-input");
  if (auto url = dispute::parseServerUrl(f.spec)) {
    dispute::RpcPartyOptions o;
    o.client = *url;
    o.client.timeout = bounds.requestTimeout;
    o.client.deadline = bounds.deadline;
    o.client.cancel = &gInterrupted;
    if (!f.jwtSecret.empty()) {
      // A client must not invent a secret: the file has to be the server's.
      if (!fileExists(f.jwtSecret)) throw Error(flag + "-jwt-secret " + f.jwtSecret + ": no such file");
      o.client.jwtSecret = rpc::loadOrCreateJwtSecret(f.jwtSecret);
    }
    const std::string prestate = f.prestate.empty() ? sharedPrestate : f.prestate;
    if (prestate.empty())
      throw Error(flag + "-prestate (or --prestate) is required for a server party: the 0x state hash of its prestate");
    o.prestate = hash32FromHex(prestate, flag + "-prestate");
    o.input = std::move(input);
    return std::make_unique<dispute::RpcParty>(std::move(o));
  }
  if (!fileExists(f.spec))
    throw Error(flag + " " + f.spec + ": neither http://HOST:PORT, ws://HOST:PORT nor an existing state file");
  std::unique_ptr<core::AnyMachine> state = core::machineFromStateFile(f.spec);
  runs::RunSettings settings;
  settings.limits.maxExecutionTime = parseDuration(local.maxExecutionTime, "--max-execution-time");
  settings.limits.memoryLimit = parseByteSize(local.memoryLimit, "--memory-limit");
  if (local.initialSteps == 0) throw Error("--initial-steps must be at least 1");
  if (local.cachedMachines == 0) throw Error("--cached-machines must be at least 1");
  settings.initialSteps = local.initialSteps;
  settings.cachedMachines = local.cachedMachines;
  auto party =
      std::make_unique<dispute::LocalParty>(std::move(state), parseInput(input, flag + "-input " + f.input), settings, f.spec);
  const std::string prestate = f.prestate.empty() ? sharedPrestate : f.prestate;
  if (!prestate.empty() && !(hash32FromHex(prestate, flag + "-prestate") == party->prestateHash()))
    throw Error(flag + " " + f.spec + ": its state hash is " + toHex(party->prestateHash()) + ", not the given prestate " +
                prestate);
  return party;
}

}  // namespace

int runBisect(const Args& args) {
  FlagSet flags("bisect", "bisect a dispute between two parties down to one step and judge it with the stateless verifier");
  PartyFlags a, b;
  LocalRunFlags local;
  std::string input, prestate, jwtSecret, levels = "2^23,1", trustedInput, out, proofOut;
  std::string requestTimeout = "15m", deadline = "2h";
  uint64_t topHashes = (uint64_t(1) << 19) + 1, maxPerQuery = (uint64_t(1) << 23) + 1;
  bool sequential = false, quiet = false;
  flags.add("a", &a.spec, "party A: http://HOST:PORT or ws://HOST:PORT of a validation server, or a state file (run here)");
  flags.add("b", &b.spec, "party B: as --a");
  flags.require("a");
  flags.require("b");
  flags.add("input", &input, "validation input JSON {id, localKeys, preimages} of both parties");
  flags.add("a-input", &a.input, "party A's input (overrides --input)");
  flags.add("b-input", &b.input, "party B's input (overrides --input)");
  flags.add("prestate", &prestate, "0x state hash of the prestate (needed for server parties)");
  flags.add("a-prestate", &a.prestate, "party A's prestate (overrides --prestate)");
  flags.add("b-prestate", &b.prestate, "party B's prestate (overrides --prestate)");
  flags.add("jwt-secret", &jwtSecret, "hex JWT secret file for both servers (none: no Authorization header)");
  flags.add("a-jwt-secret", &a.jwtSecret, "party A's JWT secret file");
  flags.add("b-jwt-secret", &b.jwtSecret, "party B's JWT secret file");
  flags.add("levels", &levels, "step size of each level, e.g. 2^23,1 (BoLD) or 2^20,2^10,1");
  flags.add("top-hashes", &topHashes, "hashes asked for at the first level (horizon = (N-1) × first step size)");
  flags.add("max-hashes-per-query", &maxPerQuery, "longest answer asked for in one query; longer levels come in pieces");
  flags.add("sequential", &sequential, "ask the parties one after the other instead of at the same time");
  flags.add("trusted-input", &trustedInput,
            "the game's own data (input JSON: local values, preimages) to judge reads no hash check covers");
  flags.add("out", &out, "write the report JSON here (atomically) as well as to stdout");
  flags.add("proof-out", &proofOut, "write the one-step proof that decides the dispute (proof JSON)");
  flags.add("max-execution-time", &local.maxExecutionTime, "local parties: limit on executing the trace");
  flags.add("memory-limit", &local.memoryLimit, "local parties: guest memory limit (0 = none)");
  flags.add("initial-steps", &local.initialSteps, "local parties: spacing of the first cached machines");
  flags.add("cached-machines", &local.cachedMachines, "local parties: machines kept at checkpoints");
  flags.add("request-timeout", &requestTimeout,
            "server parties: longest one query may take (connect, send, the whole answer) before that party fails");
  flags.add("deadline", &deadline, "the whole dispute must be over within this long (0 = no deadline)");
  flags.add("quiet", &quiet, "no progress lines on stderr");
  flags.footer(
      "Exit code: 0 when a claim holds (or the parties agree), 3 when no claim can be established, 1 on errors "
      "(a party failing, a timeout, the deadline), 130 on SIGINT and 143 on SIGTERM (no output file written).");
  if (!flags.parse(args)) return 0;

  if (a.input.empty()) a.input = input;
  if (b.input.empty()) b.input = input;
  if (a.jwtSecret.empty()) a.jwtSecret = jwtSecret;
  if (b.jwtSecret.empty()) b.jwtSecret = jwtSecret;

  dispute::BisectOptions options;
  options.stepSizes = dispute::parseLevels(levels);
  options.topHashes = topHashes;
  options.maxHashesPerQuery = maxPerQuery;
  options.parallel = !sequential;
  dispute::checkOptions(options);
  dispute::TrustedData trusted;
  if (!trustedInput.empty()) {
    runs::ValidationInput t = parseInput(readJsonFile(trustedInput, "--trusted-input"), "--trusted-input " + trustedInput);
    trusted.locals = std::move(t.locals);
    trusted.preimages = std::move(t.preimages);
    options.trusted = &trusted;
  }
  if (!quiet) options.progress = [](const std::string& line) { std::cerr << "bisect: " << line << std::endl; };

  NetworkBounds bounds;
  bounds.requestTimeout = parseDuration(requestTimeout, "--request-timeout");
  if (bounds.requestTimeout.count() <= 0) throw Error("--request-timeout must be positive");
  const auto overall = parseDuration(deadline, "--deadline");
  if (overall.count() < 0) throw Error("--deadline must not be negative");
  bounds.deadline =
      overall.count() == 0 ? std::chrono::steady_clock::time_point::max() : std::chrono::steady_clock::now() + overall;
  if (overall.count() > 0) options.deadline = bounds.deadline;
  options.cancel = &gInterrupted;
  // The game fixes a prestate when one is given for both parties.
  if (!prestate.empty() && a.prestate.empty() && b.prestate.empty())
    options.fixedPrestate = hash32FromHex(prestate, "--prestate");
  else if (!a.prestate.empty() && a.prestate == b.prestate) options.fixedPrestate = hash32FromHex(a.prestate, "--a-prestate");

  auto interruptedExit = [] { return gSignal.load() == SIGTERM ? kExitTerminated : kExitInterrupted; };
  dispute::BisectReport report;
  try {
    auto partyA = makeParty("a", a, local, prestate, bounds);
    auto partyB = makeParty("b", b, local, prestate, bounds);
    report = dispute::bisect(*partyA, *partyB, options);
  } catch (const std::exception&) {
    // A failure caused by the signal (a query cut short, a local run cancelled) is an interruption.
    if (gInterrupted) {
      std::cerr << "bisect: interrupted; no report written" << std::endl;
      return interruptedExit();
    }
    throw;
  }
  if (gInterrupted) return interruptedExit();
  const std::string text = dispute::reportToJson(report).dump(2) + "\n";
  // The proof first, then the report: a report on disk always comes with the proof it names.
  if (!proofOut.empty()) {
    if (report.winningProof) {
      const std::string p = core::encodeProofJson(*report.winningProof);
      writeFileAtomic(proofOut, ByteView(reinterpret_cast<const uint8_t*>(p.data()), p.size()));
    } else {
      std::cerr << "bisect: --proof-out " << proofOut << " not written: no one-step proof decides this game ("
                << dispute::outcomeName(report.outcome) << ")" << std::endl;
    }
  }
  if (!out.empty()) writeFileAtomic(out, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  std::cout << text;
  if (!quiet)
    std::cerr << "bisect: " << dispute::outcomeName(report.outcome) << ", " << dispute::verdictName(report.verdict) << ": "
              << report.reason << std::endl;
  const bool decided = report.verdict == dispute::Verdict::ClaimAHolds || report.verdict == dispute::Verdict::ClaimBHolds ||
                       report.outcome == dispute::Outcome::PartiesAgree;
  return decided ? 0 : kExitNoWinner;
}

}  // namespace fpvm::cli
