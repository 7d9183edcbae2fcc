#include "segment/segment_checks.hpp"

#include <cinttypes>
#include <cstdio>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace fpvm::segment::detail {

void rethrowAtStep(uint64_t step, uint64_t pc) {
  try {
    throw;
  } catch (const Error& e) {
    char head[96];
    std::snprintf(head, sizeof head, "segment step %" PRIu64 " (PC: 0x%016" PRIx64 "): ", step, pc);
    throw Error(head + std::string(e.what()));
  }
}

void requireEndReached(uint64_t reached, uint64_t toStep) {
  if (reached != toStep)
    throw Error("the machine exits at step " + std::to_string(reached) + ", before the segment end step " +
                std::to_string(toStep));
}

void requireEverythingUsed(const LeafSet& allowed, std::span<const Leaf> leaves, ptrdiff_t firstUnusedPreimage,
                           std::span<const Preimage> preimages) {
  if (allowed.usedCount() != leaves.size()) {
    for (const Leaf& l : leaves)
      if (!allowed.isUsed(l.addr))
        throw Error("segment proof carries " + std::to_string(leaves.size() - allowed.usedCount()) +
                    " leaves the execution never touches (first: " + hex64(l.addr) + ")");
  }
  if (firstUnusedPreimage >= 0)
    throw Error("segment proof carries preimage " + toHex(preimages[static_cast<size_t>(firstUnusedPreimage)].key) +
                " that the execution never reads");
}

std::vector<Preimage> preimageList(std::map<std::array<uint8_t, 32>, Bytes>&& byKey) {
  std::vector<Preimage> out;
  out.reserve(byKey.size());
  for (auto& [key, data] : byKey) {
    Preimage p;
    p.key.b = key;
    p.data = std::move(data);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace fpvm::segment::detail
