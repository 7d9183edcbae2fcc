// Fuzz target: Cannon MT64 binary state decoding (docs/spec/cannon-mt64.md §8.1). Any input is a
// state or an fpvm::Error; a decoded state re-encodes to the same number of bytes (pages sorted),
// that encoding round-trips exactly, and the Merkle root is the one computed from scratch.
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "mips64/state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpvm;
  mips64::State st;
  try {
    st = mips64::decodeState(ByteView(data, size), "fuzz.bin");
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(size > 0 && data[0] == 8);
  const Bytes bin = mips64::encodeState(st);
  FUZZ_CHECK(bin.size() == size);  // same content, pages possibly reordered
  mips64::State again = mips64::decodeState(bin, "re.bin");
  FUZZ_CHECK(mips64::encodeState(again) == bin);
  FUZZ_CHECK(st.witness() == again.witness());
  FUZZ_CHECK(st.memory.root() == st.memory.rootFromScratch());
  return 0;
}
