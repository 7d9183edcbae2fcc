// fpvm_mips64_run: runs a MIPS64 ELF on the Cannon MT64 machine from load-elf to exit with one
// engine, for bench/run_mips64_bench.py. The guest's stdout/stderr go to this process's; the
// last line on stderr is JSON: {"engine", "steps", "exitCode", "stateHash", "seconds",
// "referenceSteps"}. Exit status: the guest's exit code, or 100 + n on a failure.
//
//   fpvm_mips64_run --engine fast|reference PROGRAM.elf
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/fast_engine.hpp"

namespace {

using namespace fpvm;
using namespace fpvm::mips64;

/// Guest fd 1 and 2 to this process's stdout and stderr.
class StdioOutput final : public GuestOutput {
 public:
  void write(uint64_t fd, ByteView data) override {
    std::fwrite(data.data(), 1, data.size(), fd == 2 ? stderr : stdout);
  }
};

int run(const std::string& engine, const std::string& path) {
  State state = loadElf(readFile(path));
  StdioOutput output;
  Interpreter reference(state, nullptr, &output);
  FastEngine fast(state, reference);
  const auto t0 = std::chrono::steady_clock::now();
  if (engine == "fast") {
    const RunResult r = fast.run(~uint64_t(0));
    if (r.stop != RunStop::Exited) {
      std::fprintf(stderr, "error: step %llu reverted: %s\n", static_cast<unsigned long long>(state.step),
                   revertName(r.outcome.revert));
      return 102;
    }
  } else if (engine == "reference") {
    while (!state.exited) {
      const StepOutcome o = reference.step();
      if (!o.ok()) {
        std::fprintf(stderr, "error: step %llu reverted: %s\n", static_cast<unsigned long long>(state.step),
                     revertName(o.revert));
        return 102;
      }
    }
  } else {
    std::fprintf(stderr, "error: unknown engine %s (fast or reference)\n", engine.c_str());
    return 101;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fflush(stdout);
  std::fprintf(stderr,
               "{\"engine\": \"%s\", \"steps\": %llu, \"exitCode\": %d, \"stateHash\": \"%s\", \"seconds\": %.6f, "
               "\"referenceSteps\": %llu}\n",
               engine.c_str(), static_cast<unsigned long long>(state.step), state.exitCode, toHex(state.hash()).c_str(),
               seconds, static_cast<unsigned long long>(fast.stats().referenceSteps));
  return state.exitCode;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[1], "--engine") != 0) {
    std::fprintf(stderr, "usage: fpvm_mips64_run --engine fast|reference PROGRAM.elf\n");
    return 101;
  }
  try {
    return run(argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 103;
  }
}
