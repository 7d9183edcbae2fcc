// Segment proofs on a long program: sizes, build and verify times, merge savings, parallel
// validation. Timings are reported, never asserted.
//
//   fpvm_segment_bench PROGRAM.elf [--preimage-dir D] [--local-file F] [--lengths 1000,10000,…]
//       [--starts N] [--range STEPS] [--every K] [--threads N] [--validate-steps M] [--json OUT]
//
// 1. Runs the program once with the fast engine (up to --range steps) and picks N start steps
//    spread over it; keeps a state copy at each.
// 2. For every length L and start A: proves [A, A+L) (proving engine + multiproof), encodes,
//    decodes and re-executes it statelessly; records bytes (by part), leaves, siblings, the
//    one-step-proof equivalent, and times.
// 3. Merge: proves [A, A+L/2) and [A+L/2, A+L), merges them (inputs verified), and compares the
//    merged size with the two inputs and with the direct proof (which it must equal).
// 4. Parallel validation of the first --validate-steps steps, checkpoints every K, on 1 and on N
//    threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.hpp"
#include "preimage/host_oracle.hpp"
#include "segment/parallel_validation.hpp"
#include "segment/segment_merge.hpp"
#include "segment/segment_prover.hpp"
#include "image/elf_loader.hpp"
#include "vm/fast_engine.hpp"

using namespace fpvm;
using Clock = std::chrono::steady_clock;

static double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Row {
  uint64_t length = 0;
  int samples = 0;
  double bytes = 0, header = 0, leafBytes = 0, multiproofBytes = 0, preimageBytes = 0;
  double leaves = 0, siblings = 0, singleStep = 0, proveSec = 0, verifySec = 0;
  double mergedBytes = 0, halvesBytes = 0, mergeSec = 0;
  bool mergedEqualsDirect = true;
};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s PROGRAM.elf [--preimage-dir D] [--local-file F] [--lengths L1,L2,…] [--starts N] [--range STEPS]\n"
                 "       [--every K] [--threads N] [--validate-steps M] [--json OUT]\n",
                 argv[0]);
    return 2;
  }
  std::string elfPath = argv[1], jsonOut, preimageDir, localFile;
  std::vector<uint64_t> lengths = {1000, 10000, 100000, 1000000};
  int starts = 5;
  uint64_t range = 200000000, every = 100000, validateSteps = 20000000;
  unsigned threads = std::max(2u, std::thread::hardware_concurrency());
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--preimage-dir") preimageDir = v;
    else if (a == "--local-file") localFile = v;
    else if (a == "--starts") starts = std::atoi(v.c_str());
    else if (a == "--range") range = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--every") every = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--threads") threads = static_cast<unsigned>(std::atoi(v.c_str()));
    else if (a == "--validate-steps") validateSteps = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--json") jsonOut = v;
    else if (a == "--lengths") {
      lengths.clear();
      for (size_t p = 0; p < v.size();) {
        size_t q = v.find(',', p);
        lengths.push_back(std::strtoull(v.substr(p, q - p).c_str(), nullptr, 10));
        p = q == std::string::npos ? v.size() : q + 1;
      }
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  try {
    preimage::HostOracleConfig config;
    if (!preimageDir.empty()) config.dataDir = preimageDir;
    if (!localFile.empty()) {
      Bytes text = readFile(localFile);
      preimage::addLocalJson(config.locals, std::string(text.begin(), text.end()), localFile);
    }
    preimage::HostOracle oracle(config);
    const vm::VmState pre = image::loadElf(image::parseElf(readFile(elfPath), elfPath));

    // 1. Length and start points.
    uint64_t total;
    {
      vm::VmState st = pre;
      vm::HostContext host;
      host.oracle = &oracle;
      vm::FastEngine fast(st, host);
      (void)fast.run(range);
      total = st.step;
    }
    const uint64_t maxLen = *std::max_element(lengths.begin(), lengths.end());
    if (total <= maxLen) throw Error("program too short for segments of " + std::to_string(maxLen) + " steps");
    std::vector<uint64_t> points;
    for (int i = 0; i < starts; ++i) points.push_back((total - maxLen) * (i + 1) / (starts + 1));
    std::vector<vm::VmState> states;
    {
      vm::VmState st = pre;
      vm::HostContext host;
      host.oracle = &oracle;
      vm::FastEngine fast(st, host);
      for (uint64_t p : points) {
        (void)fast.run(p - st.step);
        st.stateHash();  // copies start with clean hash caches, as in the validation pipeline
        states.push_back(st);
      }
    }
    std::printf("program: %s, %llu steps considered, %d start points\n", elfPath.c_str(), (unsigned long long)total, starts);

    // 2./3. Segments (after one untimed warm-up proof and verification).
    {
      vm::Machine m(states[0]);
      m.setOracle(&oracle);
      (void)segment::verifySegment(segment::proveSegment(m, m.step() + lengths.front()));
    }
    std::vector<Row> rows;
    for (uint64_t L : lengths) {
      Row row;
      row.length = L;
      for (size_t s = 0; s < states.size(); ++s) {
        vm::Machine m(states[s]);
        m.setOracle(&oracle);
        segment::ProveStats stats;
        auto t0 = Clock::now();
        segment::SegmentProof proof = segment::proveSegment(m, m.step() + L, &stats, segment::ProveOptions{false});
        segment::SizeBreakdown sz;
        Bytes enc = segment::encodeSegmentProof(proof, &sz);
        row.proveSec += secondsSince(t0);
        auto t1 = Clock::now();
        segment::SegmentVerifyResult r = segment::verifySegment(segment::decodeSegmentProof(enc, "bench"));
        row.verifySec += secondsSince(t1);
        if (!(r.postHash == proof.postHash)) throw Error("verification disagrees");
        row.bytes += enc.size();
        row.header += sz.header;
        row.leafBytes += sz.leaves;
        row.multiproofBytes += sz.multiproof;
        row.preimageBytes += sz.preimages;
        row.leaves += proof.leaves.size();
        row.siblings += proof.siblings.size();
        row.singleStep += stats.singleStepBytes();
        // Merge of the two halves.
        vm::Machine h(states[s]);
        h.setOracle(&oracle);
        segment::SegmentProof a = segment::proveSegment(h, h.step() + L / 2);
        segment::SegmentProof b = segment::proveSegment(h, h.step() + (L - L / 2));
        auto t2 = Clock::now();
        segment::SegmentProof merged = segment::mergeSegments(a, b);
        row.mergeSec += secondsSince(t2);
        Bytes menc = segment::encodeSegmentProof(merged);
        row.mergedBytes += menc.size();
        row.halvesBytes += segment::encodeSegmentProof(a).size() + segment::encodeSegmentProof(b).size();
        row.mergedEqualsDirect = row.mergedEqualsDirect && menc == enc;
        ++row.samples;
      }
      rows.push_back(row);
    }
    std::printf("\n%9s %10s %8s %8s %9s %9s %9s %14s %9s %10s %10s %9s %9s %6s\n", "steps", "bytes", "leaves", "sibs",
                "leafB", "mproofB", "preimgB", "1-step bytes", "ratio", "prove ms", "verify ms", "merged", "halves", "eq");
    for (const Row& r : rows) {
      const double n = r.samples;
      std::printf("%9llu %10.0f %8.0f %8.0f %9.0f %9.0f %9.0f %14.4g %9.0f %10.2f %10.2f %9.0f %9.0f %6s\n",
                  (unsigned long long)r.length, r.bytes / n, r.leaves / n, r.siblings / n, r.leafBytes / n,
                  r.multiproofBytes / n, r.preimageBytes / n, r.singleStep / n, r.singleStep / r.bytes,
                  1000 * r.proveSec / n, 1000 * r.verifySec / n, r.mergedBytes / n, r.halvesBytes / n,
                  r.mergedEqualsDirect ? "yes" : "NO");
    }

    // 4. Parallel validation.
    struct Par {
      unsigned threads;
      segment::ValidateReport rep;
    };
    std::vector<Par> par;
    for (unsigned t : {1u, threads}) {
      vm::Machine m(pre);
      m.setOracle(&oracle);
      segment::ValidateOptions opt;
      opt.every = every;
      opt.threads = t;
      opt.maxSteps = validateSteps;
      par.push_back(Par{t, segment::validateSegments(m, opt)});
    }
    std::printf("\nparallel validation: %llu steps, checkpoints every %llu steps (%zu segments)\n",
                (unsigned long long)(par[0].rep.endStep - par[0].rep.startStep), (unsigned long long)every,
                par[0].rep.segments.size());
    std::printf("%8s %10s %10s %10s %12s %12s %12s %10s %12s\n", "threads", "wall s", "run s", "run cpu", "build wall",
                "prove cpu", "verify wall", "verify cpu", "proof bytes");
    for (const Par& p : par)
      std::printf("%8u %10.3f %10.3f %10.3f %12.3f %12.3f %12.3f %10.3f %12llu\n", p.threads, p.rep.wallSeconds,
                  p.rep.runSeconds, p.rep.runCpuSeconds, p.rep.buildWallSeconds, p.rep.proveCpuSeconds,
                  p.rep.verifyWallSeconds, p.rep.verifyCpuSeconds, (unsigned long long)p.rep.proofBytes);
    {
      // Amdahl from single-thread CPU times: the fast-engine pass is sequential and shares the
      // cores with the provers that overlap it; verification splits N ways.
      const auto& r = par[0].rep;
      for (unsigned n : {2u, 4u, 8u, 16u}) {
        const double t1 = r.runCpuSeconds + r.proveCpuSeconds + r.verifyCpuSeconds;
        const double phase1 = std::max(r.runCpuSeconds, (r.runCpuSeconds + r.proveCpuSeconds) / n);
        const double tn = phase1 + r.verifyCpuSeconds / n;
        std::printf("  model, %2u idle cores: %.2fx (phase 1 %.3f s, phase 2 %.3f s)\n", n, t1 / tn, phase1,
                    r.verifyCpuSeconds / n);
      }
    }
    std::printf("speed-up on %u threads: %.2fx overall, %.2fx verification (%u hardware threads)\n", threads,
                par[0].rep.wallSeconds / par[1].rep.wallSeconds, par[0].rep.verifyWallSeconds / par[1].rep.verifyWallSeconds,
                std::thread::hardware_concurrency());

    if (!jsonOut.empty()) {
      FILE* f = std::fopen(jsonOut.c_str(), "w");
      if (!f) throw Error("cannot write " + jsonOut);
      std::fprintf(f, "{\n  \"program\": \"%s\",\n  \"steps\": %llu,\n  \"segments\": [\n", elfPath.c_str(),
                   (unsigned long long)total);
      for (size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const double n = r.samples;
        std::fprintf(f,
                     "    {\"steps\": %llu, \"bytes\": %.0f, \"leaves\": %.0f, \"siblings\": %.0f, \"leaf_bytes\": %.0f, "
                     "\"multiproof_bytes\": %.0f, \"preimage_bytes\": %.0f, \"single_step_bytes\": %.0f, "
                     "\"prove_ms\": %.3f, \"verify_ms\": %.3f, \"merged_bytes\": %.0f, \"halves_bytes\": %.0f, "
                     "\"merge_ms\": %.3f}%s\n",
                     (unsigned long long)r.length, r.bytes / n, r.leaves / n, r.siblings / n, r.leafBytes / n,
                     r.multiproofBytes / n, r.preimageBytes / n, r.singleStep / n, 1000 * r.proveSec / n,
                     1000 * r.verifySec / n, r.mergedBytes / n, r.halvesBytes / n, 1000 * r.mergeSec / n,
                     i + 1 < rows.size() ? "," : "");
      }
      std::fprintf(f, "  ],\n  \"parallel\": [\n");
      for (size_t i = 0; i < par.size(); ++i) {
        const auto& p = par[i];
        std::fprintf(f,
                     "    {\"threads\": %u, \"every\": %llu, \"steps\": %llu, \"segments\": %zu, \"wall_s\": %.4f, "
                     "\"run_s\": %.4f, \"run_cpu_s\": %.4f, \"build_wall_s\": %.4f, \"prove_cpu_s\": %.4f, \"verify_wall_s\": %.4f, "
                     "\"verify_cpu_s\": %.4f, \"proof_bytes\": %llu}%s\n",
                     p.threads, (unsigned long long)every, (unsigned long long)(p.rep.endStep - p.rep.startStep),
                     p.rep.segments.size(), p.rep.wallSeconds, p.rep.runSeconds, p.rep.runCpuSeconds, p.rep.buildWallSeconds,
                     p.rep.proveCpuSeconds, p.rep.verifyWallSeconds, p.rep.verifyCpuSeconds,
                     (unsigned long long)p.rep.proofBytes, i + 1 < par.size() ? "," : "");
      }
      std::fprintf(f, "  ],\n  \"hardware_threads\": %u\n}\n", std::thread::hardware_concurrency());
      std::fclose(f);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
