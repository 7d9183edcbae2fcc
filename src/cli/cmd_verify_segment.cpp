// `fpvm verify-segment`: re-executes a segment proof statelessly (no VM state, only the proof)
// and prints the post-state hash (MT64 proofs: cli/mips64_segments.hpp). `fpvm merge-segments`:
// merges proofs of adjacent segments.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "cli/mips64_segments.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "image/state_file.hpp"
#include "segment/mips64_segment_proof.hpp"
#include "segment/segment_merge.hpp"
#include "segment/segment_verifier.hpp"

namespace fpvm::cli {
namespace {

Bytes readProofBytes(const std::string& path) {
  Bytes raw = readFile(path);
  if (image::StateFormat::fromPath(path).gzip) raw = gzipDecompress(raw, path.c_str());
  return raw;
}

segment::SegmentProof readSegmentProof(const std::string& path, size_t* size = nullptr) {
  const Bytes raw = readProofBytes(path);
  if (size) *size = raw.size();
  return segment::decodeSegmentProof(raw, path);
}

}  // namespace

int runVerifySegment(const Args& args) {
  FlagSet flags("verify-segment", "re-execute a segment proof statelessly and print its post-state hash");
  std::string proofPath, expectPre, expectPost;
  segment::SegmentVerifyOptions options;
  options.cancel = &gInterrupted;
  flags.add("proof", &proofPath, "segment proof written by prove-segment (optional .gz)");
  flags.require("proof");
  flags.add("expect-pre", &expectPre, "state hash the segment must start from (hex)");
  flags.add("expect-post", &expectPost, "state hash the segment must end in (hex)");
  flags.add("max-steps", &options.maxSteps, "reject proofs claiming more steps than this");
  if (!flags.parse(args)) return 0;
  const Bytes raw = readProofBytes(proofPath);
  if (segment::segmentProofVersion(raw) == segment::kMips64SegmentFormatVersion)
    return verifyMips64SegmentBytes(raw, proofPath, options, expectPre, expectPost);
  const size_t size = raw.size();
  segment::SegmentProof p = segment::decodeSegmentProof(raw, proofPath);
  segment::SegmentVerifyResult r;
  try {
    r = segment::verifySegment(p, options);
  } catch (const Error&) {
    if (gInterrupted) return kExitInterrupted;
    throw;
  }
  nlohmann::ordered_json j;
  j["from"] = r.fromStep;
  j["to"] = r.endStep;
  j["steps"] = r.endStep - r.fromStep;
  j["exited"] = r.exited;
  j["pre"] = toHex(r.preHash);
  j["post"] = toHex(r.postHash);
  j["post-state"] = toHex(ByteView(r.postWitness));
  j["leaves"] = p.leaves.size();
  j["siblings"] = p.siblings.size();
  j["preimages"] = p.preimages.size();
  j["bytes"] = size;
  j["memory-proofs"] = r.memoryAccesses;
  j["single-step-bytes"] = (r.endStep - r.fromStep) * 362 + r.memoryAccesses * 1920;
  std::cout << j.dump() << std::endl;
  if (!expectPre.empty() && !(hash32FromHex(expectPre, "--expect-pre") == r.preHash))
    throw Error("pre-state mismatch: expected " + expectPre + ", the segment starts at " + toHex(r.preHash));
  if (!expectPost.empty() && !(hash32FromHex(expectPost, "--expect-post") == r.postHash))
    throw Error("post-state mismatch: expected " + expectPost + ", re-execution gives " + toHex(r.postHash));
  return 0;
}

int runMergeSegments(const Args& args) {
  FlagSet flags("merge-segments", "merge proofs of adjacent segments into one proof (each input is verified first)");
  std::vector<std::string> inputs;
  std::string output;
  flags.add("proof", &inputs, "segment proofs in step order (at least two)");
  flags.require("proof");
  flags.add("output", &output, "merged proof file (.gz = gzipped, - = stdout)");
  flags.require("output");
  if (!flags.parse(args)) return 0;
  if (inputs.size() < 2) throw Error("merge-segments needs at least two --proof files");
  if (segment::segmentProofVersion(readProofBytes(inputs[0])) == segment::kMips64SegmentFormatVersion) {
    std::vector<Bytes> proofs;
    for (const std::string& in : inputs) proofs.push_back(readProofBytes(in));
    return mergeMips64SegmentBytes(proofs, inputs, output);
  }
  size_t inputBytes = 0, size = 0;
  segment::SegmentProof acc = readSegmentProof(inputs[0], &size);
  inputBytes += size;
  for (size_t i = 1; i < inputs.size(); ++i) {
    segment::SegmentProof next = readSegmentProof(inputs[i], &size);
    inputBytes += size;
    try {
      acc = segment::mergeSegments(acc, next);
    } catch (const Error& e) {
      throw Error("merging " + inputs[i] + ": " + e.what());
    }
  }
  segment::SegmentVerifyResult r = segment::verifySegment(acc);
  Bytes bytes = segment::encodeSegmentProof(acc);
  image::writeOutputFile(output, bytes);
  nlohmann::ordered_json j;
  j["from"] = r.fromStep;
  j["to"] = r.endStep;
  j["pre"] = toHex(r.preHash);
  j["post"] = toHex(r.postHash);
  j["bytes"] = bytes.size();
  j["input-bytes"] = inputBytes;
  j["single-step-bytes"] = (r.endStep - r.fromStep) * 362 + r.memoryAccesses * 1920;
  (output == "-" ? std::cerr : std::cout) << j.dump() << std::endl;
  return 0;
}

}  // namespace fpvm::cli
