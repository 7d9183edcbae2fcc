// Proof and per-step hashing throughput on a long guest program.
//
//   fpvm_proof_bench PROGRAM.elf [--snapshots N] [--hash-steps N] [--json OUT]
//
// 1. Runs the program once with the fast engine to learn its length, then takes N snapshots at
//    random steps (state files written and read back, as an operator restarts from snapshots).
// 2. Cold proof: read the snapshot file, Merkleize all memory, prove one step (what answering
//    "proof at step N" costs with no machine in memory).
// 3. Warm proofs: prove the next 1000 steps from that machine (incremental roots).
// 4. Per-step hashes: from a snapshot, step the proving engine and compute the state hash after
//    every step (the bottom level of a bisection).
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "proof/step_verifier.hpp"
#include "image/elf_loader.hpp"
#include "vm/fast_engine.hpp"
#include "vm/proving_step.hpp"
#include "image/state_file.hpp"

using namespace fpvm;
using Clock = std::chrono::steady_clock;

static double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROGRAM.elf [--snapshots N] [--hash-steps N] [--json OUT]\n", argv[0]);
    return 2;
  }
  std::string elfPath = argv[1], jsonOut;
  int snapshots = 20;
  uint64_t hashSteps = 1000000;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--snapshots")) snapshots = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--hash-steps")) hashSteps = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--json")) jsonOut = argv[i + 1];
  }
  try {
    vm::VmState pre = image::loadElf(image::parseElf(readFile(elfPath), elfPath));
    uint64_t total;
    {
      vm::VmState st = pre;
      vm::HostContext host;
      vm::FastEngine fast(st, host);
      (void)fast.run(~uint64_t(0));
      total = st.step;
    }
    std::mt19937_64 rng(7);
    std::vector<uint64_t> points;
    for (int i = 0; i < snapshots; ++i) points.push_back(rng() % (total - 2000));
    std::sort(points.begin(), points.end());

    // Snapshots at the chosen steps, written as .bin.gz files.
    std::string dir = "/tmp/fpvm-proof-bench";
    std::filesystem::create_directories(dir);
    std::vector<std::string> files;
    {
      vm::VmState st = pre;
      vm::HostContext host;
      vm::FastEngine fast(st, host);
      for (uint64_t p : points) {
        (void)fast.run(p - st.step);
        files.push_back(dir + "/snap-" + std::to_string(p) + ".bin.gz");
        image::writeStateFile(st, files.back());
      }
    }

    double coldTotal = 0, warmTotal = 0, verifyTotal = 0;
    uint64_t warmProofs = 0, proofBytes = 0;
    for (const auto& f : files) {
      auto t0 = Clock::now();
      vm::VmState st = image::readStateFile(f);
      vm::HostContext host;
      vm::StepProof proof;
      if (vm::proveStep(st, host, proof) != vm::kOk) throw Error("step reverted in " + f);
      coldTotal += secondsSince(t0);
      auto t1 = Clock::now();
      for (int k = 0; k < 1000 && !st.exited; ++k) {
        if (vm::proveStep(st, host, proof) != vm::kOk) throw Error("step reverted");
        ++warmProofs;
        proofBytes += proof.proofData.size();
      }
      warmTotal += secondsSince(t1);
      auto t2 = Clock::now();
      proof::VerifyResult r = proof::verifyStep(proof.stateData, proof.proofData, nullptr);
      verifyTotal += secondsSince(t2);
      if (!r.ok() || !(r.postHash == proof.post)) throw Error("proof did not verify");
    }

    // Per-step state hashes from the middle of the program.
    vm::VmState st = image::readStateFile(files[files.size() / 2]);
    vm::HostContext host;
    vm::NoTracker nt;
    vm::Interpreter<vm::NoTracker> interp(st, host, nt);
    st.stateHash();
    auto t3 = Clock::now();
    uint64_t hashed = 0;
    for (; hashed < hashSteps && !st.exited; ++hashed) {
      if (interp.step() != vm::kOk) throw Error("step reverted");
      st.stateHash();
    }
    double hashSecs = secondsSince(t3);

    std::printf("program: %s (%llu steps)\n", elfPath.c_str(), (unsigned long long)total);
    std::printf("cold proofs (read snapshot + full Merkleization + proof): %.1f per second (%.1f ms each, %d snapshots)\n",
                files.size() / coldTotal, 1000 * coldTotal / files.size(), snapshots);
    std::printf("warm proofs (next steps, incremental roots): %.0f per second, %.0f bytes of proof data on average\n",
                warmProofs / warmTotal, double(proofBytes) / warmProofs);
    std::printf("stateless verification: %.0f per second\n", files.size() / verifyTotal);
    std::printf("state hash after every step: %.0f hashes per second over %llu steps\n", hashed / hashSecs,
                (unsigned long long)hashed);
    if (!jsonOut.empty()) {
      FILE* f = std::fopen(jsonOut.c_str(), "w");
      if (!f) throw Error("cannot write " + jsonOut);
      std::fprintf(f,
                   "{\n  \"program\": \"%s\",\n  \"steps\": %llu,\n  \"cold_proofs_per_s\": %.2f,\n"
                   "  \"warm_proofs_per_s\": %.1f,\n  \"avg_proof_bytes\": %.1f,\n  \"verifications_per_s\": %.1f,\n"
                   "  \"per_step_hashes_per_s\": %.1f\n}\n",
                   elfPath.c_str(), (unsigned long long)total, files.size() / coldTotal, warmProofs / warmTotal,
                   double(proofBytes) / warmProofs, files.size() / verifyTotal, hashed / hashSecs);
      std::fclose(f);
    }
    std::filesystem::remove_all(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
