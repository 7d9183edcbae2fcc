// Fuzz target: binary state decoding (spec §7.5). Any input is a state or an fpvm::Error; a
// decoded state re-encodes to a canonical form that round-trips exactly, also through JSON.
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "image/state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpvm;
  vm::VmState st;
  try {
    st = image::decodeStateBinary(ByteView(data, size), "fuzz.bin");
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(st.registers[0] == 0);
  const Bytes bin = image::encodeStateBinary(st);
  FUZZ_CHECK(bin.size() == size);  // same content, pages possibly reordered
  vm::VmState again = image::decodeStateBinary(bin, "re.bin");
  FUZZ_CHECK(image::encodeStateBinary(again) == bin);
  const std::string json = image::encodeStateJson(st);
  vm::VmState viaJson = image::decodeStateJson(ByteView(reinterpret_cast<const uint8_t*>(json.data()), json.size()), "re.json");
  FUZZ_CHECK(image::encodeStateBinary(viaJson) == bin);
  FUZZ_CHECK(st.witness() == viaJson.witness());
  FUZZ_CHECK(st.memory.merkleRoot() == st.memory.computeRootFromScratch());
  return 0;
}
