#include "cli/mips64_segments.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "core/any_machine.hpp"
#include "image/state_file.hpp"
#include "mips64/arch.hpp"
#include "mips64/state_file.hpp"
#include "segment/mips64_segment_merge.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/mips64_segment_prover.hpp"
#include "segment/mips64_segment_verifier.hpp"

namespace fpvm::cli {

bool isMips64StateFile(const std::string& path) {
  if (!mips64::isBinaryStateName(path)) return false;
  Bytes raw = readFile(path);
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) raw = gzipDecompress(raw, path.c_str());
  return !raw.empty() && raw[0] == mips64::kStateVersion;
}

int proveMips64SegmentFile(const std::string& input, uint64_t from, uint64_t to, const std::string& output,
                           vm::PreimageOracle& oracle) {
  std::unique_ptr<core::AnyMachine> machine = core::machineFromStateFile(input);
  if (machine->step() > from)
    throw Error("the input state is at step " + std::to_string(machine->step()) + ", after --from " + std::to_string(from));
  machine->setOracle(&oracle);
  vm::Budget budget;
  budget.cancel = &gInterrupted;
  core::Outcome outcome;
  try {
    outcome = machine->advance(from, vm::Engine::Fast, budget);
  } catch (const vm::HostFailure& f) {
    if (gInterrupted) return kExitInterrupted;  // a wait for the preimage server was cut short
    throw Error("failed at step " + std::to_string(f.step()) + ": " + f.what());
  }
  if (outcome.stop == core::Stop::Reverted) throw Error(machine->describeRevert(nullptr, false));
  if (!outcome.completed()) return kExitInterrupted;
  if (machine->step() < from)
    throw Error("the machine exits at step " + std::to_string(machine->step()) + ", before --from " + std::to_string(from));
  const Bytes bytes = machine->proveSegment(to);
  image::writeOutputFile(output, bytes);
  // The summary comes from the proof itself (the machine keeps no prover statistics).
  segment::Mips64SizeBreakdown sizes;
  const segment::Mips64SegmentProof proof = segment::decodeMips64SegmentProof(bytes, output);
  (void)segment::encodeMips64SegmentProof(proof, &sizes);
  segment::Mips64ProveStats steps;
  steps.steps = proof.toStep - proof.fromStep();
  nlohmann::ordered_json j;
  j["isa"] = "mips64";
  j["from"] = proof.fromStep();
  j["to"] = proof.toStep;
  j["exited"] = machine->exited();
  j["pre"] = toHex(proof.preHash);
  j["post"] = toHex(proof.postHash);
  j["threads"] = proof.leftThreads.size() + proof.rightThreads.size();
  j["leaves"] = proof.leaves.size();
  j["siblings"] = proof.siblings.size();
  j["preimages"] = proof.preimages.size();
  j["bytes"] = bytes.size();
  j["header-bytes"] = sizes.header;
  j["thread-bytes"] = sizes.threads;
  j["leaf-bytes"] = sizes.leaves;
  j["multiproof-bytes"] = sizes.multiproof;
  j["preimage-bytes"] = sizes.preimages;
  j["single-step-bytes"] = steps.singleStepBytes();
  (output == "-" ? std::cerr : std::cout) << j.dump() << std::endl;
  return 0;
}

int verifyMips64SegmentBytes(ByteView raw, const std::string& path, const segment::SegmentVerifyOptions& options,
                             const std::string& expectPre, const std::string& expectPost) {
  const segment::Mips64SegmentProof p = segment::decodeMips64SegmentProof(raw, path);
  segment::Mips64SegmentVerifyResult r;
  try {
    r = segment::verifyMips64Segment(p, options);
  } catch (const Error&) {
    if (gInterrupted) return kExitInterrupted;
    throw;
  }
  segment::Mips64ProveStats steps;
  steps.steps = r.endStep - r.fromStep;
  nlohmann::ordered_json j;
  j["isa"] = "mips64";
  j["from"] = r.fromStep;
  j["to"] = r.endStep;
  j["steps"] = r.endStep - r.fromStep;
  j["exited"] = r.exited;
  j["pre"] = toHex(r.preHash);
  j["post"] = toHex(r.postHash);
  j["post-state"] = toHex(ByteView(r.postWitness));
  j["threads"] = p.leftThreads.size() + p.rightThreads.size();
  j["leaves"] = p.leaves.size();
  j["siblings"] = p.siblings.size();
  j["preimages"] = p.preimages.size();
  j["bytes"] = raw.size();
  j["memory-proofs"] = r.memoryAccesses;
  j["single-step-bytes"] = steps.singleStepBytes();
  std::cout << j.dump() << std::endl;
  if (!expectPre.empty() && !(hash32FromHex(expectPre, "--expect-pre") == r.preHash))
    throw Error("pre-state mismatch: expected " + expectPre + ", the segment starts at " + toHex(r.preHash));
  if (!expectPost.empty() && !(hash32FromHex(expectPost, "--expect-post") == r.postHash))
    throw Error("post-state mismatch: expected " + expectPost + ", re-execution gives " + toHex(r.postHash));
  return 0;
}

int mergeMips64SegmentBytes(const std::vector<Bytes>& proofs, const std::vector<std::string>& paths, const std::string& output) {
  size_t inputBytes = proofs[0].size();
  segment::Mips64SegmentProof acc = segment::decodeMips64SegmentProof(proofs[0], paths[0]);
  for (size_t i = 1; i < proofs.size(); ++i) {
    inputBytes += proofs[i].size();
    const segment::Mips64SegmentProof next = segment::decodeMips64SegmentProof(proofs[i], paths[i]);
    try {
      acc = segment::mergeMips64Segments(acc, next);
    } catch (const Error& e) {
      throw Error("merging " + paths[i] + ": " + e.what());
    }
  }
  const segment::Mips64SegmentVerifyResult r = segment::verifyMips64Segment(acc);
  const Bytes bytes = segment::encodeMips64SegmentProof(acc);
  image::writeOutputFile(output, bytes);
  segment::Mips64ProveStats steps;
  steps.steps = r.endStep - r.fromStep;
  nlohmann::ordered_json j;
  j["isa"] = "mips64";
  j["from"] = r.fromStep;
  j["to"] = r.endStep;
  j["pre"] = toHex(r.preHash);
  j["post"] = toHex(r.postHash);
  j["bytes"] = bytes.size();
  j["input-bytes"] = inputBytes;
  j["single-step-bytes"] = steps.singleStepBytes();
  (output == "-" ? std::cerr : std::cout) << j.dump() << std::endl;
  return 0;
}

int validateMips64Segments(const std::string& input, const segment::ValidateOptions& opt, const std::string& proofDir,
                           vm::PreimageOracle& oracle) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  std::unique_ptr<core::AnyMachine> machine = core::machineFromStateFile(input);
  machine->setOracle(&oracle);
  const uint64_t start = machine->step();
  const uint64_t limit = opt.maxSteps > ~uint64_t(0) - start ? ~uint64_t(0) : start + opt.maxSteps;
  vm::Budget budget;
  budget.cancel = &gInterrupted;
  std::vector<Hash32> checkpoints{machine->stateHash()};
  std::vector<Bytes> proofs;
  do {  // at least one segment, also for an exited state (an empty one)
    const uint64_t from = machine->step();
    const uint64_t to = opt.every > limit - from ? limit : from + opt.every;
    std::unique_ptr<core::AnyMachine> copy = machine->clone();
    copy->setOracle(&oracle);
    core::Outcome outcome;
    try {
      outcome = machine->advance(to, vm::Engine::Fast, budget);
    } catch (const vm::HostFailure& f) {
      if (gInterrupted) return kExitInterrupted;
      throw Error("failed at step " + std::to_string(f.step()) + ": " + f.what());
    }
    if (outcome.stop == core::Stop::Reverted) throw Error(machine->describeRevert(nullptr, false));
    if (!outcome.completed()) return kExitInterrupted;
    proofs.push_back(copy->proveSegment(to));
    checkpoints.push_back(machine->stateHash());
  } while (!machine->exited() && machine->step() < limit);
  const double buildSeconds = std::chrono::duration<double>(Clock::now() - t0).count();

  segment::SegmentVerifyOptions verify;
  verify.cancel = &gInterrupted;
  segment::ChainReport chain;
  try {
    chain = segment::verifySegmentChain(proofs, opt.threads, checkpoints.front(), opt.claimedEnd, checkpoints, verify);
  } catch (const Error&) {
    if (gInterrupted) return kExitInterrupted;
    throw;
  }
  size_t proofBytes = 0;
  for (const Bytes& p : proofs) proofBytes += p.size();
  segment::Mips64ProveStats steps;
  steps.steps = chain.endStep - chain.startStep;
  nlohmann::ordered_json j;
  j["isa"] = "mips64";
  j["segments"] = proofs.size();
  j["from"] = chain.startStep;
  j["to"] = chain.endStep;
  j["exited"] = chain.exited;
  j["start"] = toHex(chain.startHash);
  j["end"] = toHex(chain.endHash);
  j["proof-bytes"] = proofBytes;
  j["single-step-bytes"] = steps.singleStepBytes();
  j["run-and-prove-seconds"] = buildSeconds;
  j["verify-wall-seconds"] = chain.wallSeconds;
  j["verify-cpu-seconds"] = chain.cpuSeconds;
  j["wall-seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
  j["every"] = opt.every;
  j["threads"] = opt.threads;
  if (!proofDir.empty()) {
    for (size_t i = 0; i < proofs.size(); ++i) writeFileAtomic(proofDir + "/segment-" + std::to_string(i) + ".fpsg", proofs[i]);
  }
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
