// Per-step state hashing (the bottom-level BoLD query's work) on a guest program: the state hash
// after every step, computed (a) one step at a time with VmState::stateHash() and (b) in batches
// by vm::StepHashBatcher with the default Keccak path (set FPVM_KECCAK=scalar|avx2x4|avx512x8 to
// pick another). Both start at the same step; their hashes are compared. Reported, never asserted.
//
//   fpvm_step_hash_bench PROGRAM.elf [--skip N] [--steps N] [--batched-only 1]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "common/keccak_multi.hpp"
#include "vm/step_hash_batcher.hpp"
#include "image/elf_loader.hpp"
#include "vm/fast_engine.hpp"

using namespace fpvm;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROGRAM.elf [--skip N] [--steps N]\n", argv[0]);
    return 2;
  }
  const std::string elfPath = argv[1];
  uint64_t skip = 1000000, steps = 1000000;
  bool batchedOnly = false;  // for profiling the batched path alone
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--skip")) skip = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--steps")) steps = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--batched-only")) batchedOnly = std::atoi(argv[i + 1]) != 0;
  }
  try {
    vm::VmState start = image::loadElf(image::parseElf(readFile(elfPath), elfPath));
    vm::HostContext host;
    {
      vm::FastEngine engine(start, host);
      (void)engine.run(skip);
    }
    start.memory.merkleRoot();
    if (start.exited) throw Error("the program exits within --skip steps");

    std::vector<Hash32> seq(steps), batched(steps);
    vm::VmState a = start;
    auto t0 = Clock::now();
    {
      vm::NoTracker tracker;
      vm::Interpreter<vm::NoTracker> interp(a, host, tracker);
      for (uint64_t i = 0; i < (batchedOnly ? 0 : steps); ++i) {
        if (interp.step() != vm::kOk) throw Error("guest reverted");
        seq[i] = a.stateHash();
      }
    }
    const double seqSecs = std::chrono::duration<double>(Clock::now() - t0).count();

    vm::VmState b = start;
    t0 = Clock::now();
    {
      vm::StepHashBatcher hasher(b, host);
      if (hasher.run(steps, batched.data())) throw Error("guest reverted");
    }
    const double batchSecs = std::chrono::duration<double>(Clock::now() - t0).count();
    const bool equal = batchedOnly || seq == batched;
    std::printf("{\"program\":\"%s\",\"skip\":%llu,\"steps\":%llu,\"keccak\":\"%s\",\"per_step_us\":%.3f,\"batched_us\":%.3f,"
                "\"speedup\":%.2f,\"equal\":%s}\n",
                elfPath.c_str(), static_cast<unsigned long long>(skip), static_cast<unsigned long long>(steps),
                keccakPathName(keccakDefaultPath()), seqSecs * 1e6 / double(steps), batchSecs * 1e6 / double(steps),
                seqSecs / batchSecs, equal ? "true" : "false");
    return equal ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
