#include "testrunner/case_runner.hpp"

#include <chrono>
#include <cstring>
#include <fstream>
#include <limits>

#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "common/text.hpp"
#include "core/any_machine.hpp"
#include "preimage/host_oracle.hpp"

namespace fpvm::testrunner {
namespace {

/// Keeps the guest's stdout and stderr, interleaved as written, up to kMaxGuestOutput bytes.
class CapturedOutput final : public vm::GuestOutput {
 public:
  void write(unsigned fd, ByteView data) override {
    (void)fd;
    size_t room = kMaxGuestOutput - std::min(kMaxGuestOutput, text.size());
    text.append(reinterpret_cast<const char*>(data.data()), std::min(room, data.size()));
  }
  std::string text;
};

/// An ELF (either machine, by its e_machine) or a state file of either machine.
std::unique_ptr<core::AnyMachine> loadProgram(const std::string& path) {
  char magic[4] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open program " + path);
  in.read(magic, 4);
  if (in.gcount() == 4 && std::memcmp(magic,
                                      "\x7f"
                                      "ELF",
                                      4) == 0) {
    Bytes elf = readFile(path);
    return core::machineFromElf(ByteView(elf), path);
  }
  return core::machineFromStateFile(path);
}

std::string describeExit(uint8_t code) { return std::string(verdictOf(code)) + " (exit code " + std::to_string(code) + ")"; }

}  // namespace

const char* resultName(Result r) {
  switch (r) {
    case Result::Pass: return "PASS";
    case Result::Fail: return "FAIL";
    case Result::Error: return "ERROR";
    case Result::Updated: return "UPDATED";
  }
  return "?";
}

const char* verdictOf(uint8_t exitCode) { return exitCode == 0 ? "valid" : exitCode == 1 ? "invalid" : "panic"; }

CaseResult runCase(const Case& c, const std::atomic<bool>* cancel) {
  CaseResult r;
  auto start = std::chrono::steady_clock::now();
  CapturedOutput output;
  try {
    std::unique_ptr<core::AnyMachine> m = loadProgram(c.program);
    preimage::HostOracleConfig config;
    config.locals = c.boot;
    config.inlinePreimages = c.inlinePreimages;
    config.dataDir = c.preimageDir;
    config.serverCommand = c.serverCommand;
    config.serverLimits.timeout = std::chrono::milliseconds(c.serverTimeoutMs);
    config.serverLimits.warnInterval = std::chrono::milliseconds(0);
    config.serverLimits.exitGrace = std::chrono::milliseconds(200);
    config.serverLimits.killAfter = std::chrono::milliseconds(5000);
    config.serverLimits.cancel = cancel;
    preimage::HostOracle oracle(std::move(config));
    m->setOracle(&oracle);
    m->setOutput(&output);
    vm::Budget budget;
    budget.cancel = cancel;
    uint64_t target = c.stepLimit ? m->step() + c.stepLimit : std::numeric_limits<uint64_t>::max();
    core::Outcome out;
    try {
      out = m->advance(target, vm::Engine::Fast, budget);
    } catch (...) {
      oracle.shutdown();
      throw;
    }
    oracle.shutdown();
    r.steps = m->step();
    if (out.stop == core::Stop::Reverted) {
      r.error = "the VM reverted: " + m->describeRevert(nullptr, false);
    } else if (out.stop == core::Stop::Cancelled || out.stop == core::Stop::ShuttingDown) {
      r.error = "interrupted at step " + withCommas(r.steps);
    } else if (!m->exited()) {
      r.error = "did not exit within the step limit of " + withCommas(c.stepLimit) + " steps";
    } else {
      r.exited = true;
      r.exitCode = m->exitCode();
      r.stateHash = m->stateHash();
      r.haveState = true;
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.guestOutput = std::move(output.text);
  return r;
}

void judge(const Expectation& e, CaseResult& r, bool update) {
  if (!r.haveState) {
    r.result = Result::Error;
    return;
  }
  auto add = [&](std::string field, std::string expected, std::string got, bool recorded = false) {
    r.mismatches.push_back({std::move(field), std::move(expected), std::move(got), recorded});
  };
  if (e.verdict && *e.verdict != verdictOf(r.exitCode)) add("verdict", *e.verdict, describeExit(r.exitCode));
  if (e.exitCode && *e.exitCode != r.exitCode) add("exitCode", describeExit(*e.exitCode), describeExit(r.exitCode));
  if (e.minSteps && r.steps < *e.minSteps) add("minSteps", "at least " + withCommas(*e.minSteps), withCommas(r.steps));
  if (e.maxSteps && r.steps > *e.maxSteps) add("maxSteps", "at most " + withCommas(*e.maxSteps), withCommas(r.steps));
  bool authoredOk = r.mismatches.empty();
  if (e.steps && *e.steps != r.steps) {
    int64_t delta = static_cast<int64_t>(r.steps - *e.steps);
    add("steps", withCommas(*e.steps),
        withCommas(r.steps) + " (" + (delta >= 0 ? "+" : "-") + withCommas(static_cast<uint64_t>(delta >= 0 ? delta : -delta)) +
            ")",
        true);
  }
  if (e.stateHash && !(*e.stateHash == r.stateHash)) add("stateHash", toHex(*e.stateHash), toHex(r.stateHash), true);
  if (r.mismatches.empty()) {
    // --update also records fields that were absent.
    r.result = update && (!e.steps || !e.stateHash) ? Result::Updated : Result::Pass;
  } else if (update && authoredOk) {
    r.result = Result::Updated;
  } else {
    r.result = Result::Fail;
  }
}

}  // namespace fpvm::testrunner
