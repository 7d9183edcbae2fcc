#pragma once
/// The byte-level pieces both segment proof formats share (segment_proof.hpp for RISC-V,
/// mips64_segment_proof.hpp for MT64): varints, bitmaps, a bounds-checked reader, and the
/// leaves, multiproof and preimage sections, which are laid out identically in both.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "segment/multiproof.hpp"
#include "segment/segment_proof.hpp"

namespace fpvm::segment::detail {

/// Appends `v` as unsigned LEB128.
void putVarint(Bytes& out, uint64_t v);

/// Bounds-checked reader; every failure throws Error naming the proof, the field and the offset.
class Reader {
 public:
  Reader(ByteView data, const std::string& what) : d_(data), what_(what) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return d_.size() - pos_; }
  /// Throws Error "segment proof <what>: <msg> (at byte N)".
  [[noreturn]] void fail(const std::string& msg) const;
  /// The next `n` bytes.
  const uint8_t* take(size_t n, const char* field);
  uint8_t byte(const char* field) { return *take(1, field); }
  uint64_t u64(const char* field) { return getBE64(take(8, field)); }
  Hash32 hash(const char* field);
  /// An unsigned LEB128 of at most 10 bytes that fits 64 bits.
  uint64_t varint(const char* field);
  /// A count of items that each take at least `minBytes`; rejects counts the rest cannot hold.
  uint64_t count(const char* field, size_t minBytes);
  /// A bitmap of `bits` bits (LSB first); unused high bits of the last byte must be zero.
  std::vector<bool> bitmap(uint64_t bits, const char* field);

 private:
  ByteView d_;
  std::string what_;
  size_t pos_ = 0;
};

/// Bytes each section took.
struct SectionSizes {
  size_t leaves = 0, multiproof = 0, preimages = 0;
};

/// Appends the leaves, multiproof and preimage sections (the layout of segment_proof.hpp from
/// leafCount on). Throws Error "cannot encode segment proof: …" when the leaves are out of order,
/// the sibling count is not the one the leaves need, or the preimage keys are not ascending.
SectionSizes putSections(Bytes& out, std::span<const Leaf> leaves, std::span<const Hash32> siblings,
                         std::span<const Preimage> preimages);
/// Reads the three sections; checks their structure (order, counts, bitmaps), not the hashes.
void readSections(Reader& r, std::vector<Leaf>& leaves, std::vector<Hash32>& siblings, std::vector<Preimage>& preimages);

}  // namespace fpvm::segment::detail
