// Fuzz target: JSON state decoding (spec §7.4). Any input is a state or an fpvm::Error (never a
// crash or a JSON-library exception); a decoded state round-trips exactly through both formats.
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "image/state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpvm;
  vm::VmState st;
  try {
    st = image::decodeStateJson(ByteView(data, size), "fuzz.json");
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(st.registers[0] == 0);
  const std::string json = image::encodeStateJson(st);
  const ByteView jv(reinterpret_cast<const uint8_t*>(json.data()), json.size());
  vm::VmState again = image::decodeStateJson(jv, "re.json");
  FUZZ_CHECK(image::encodeStateJson(again) == json);
  const Bytes bin = image::encodeStateBinary(st);
  vm::VmState viaBin = image::decodeStateBinary(bin, "re.bin");
  FUZZ_CHECK(image::encodeStateJson(viaBin) == json);
  FUZZ_CHECK(st.witness() == viaBin.witness());
  FUZZ_CHECK(st.memory.merkleRoot() == st.memory.computeRootFromScratch());
  return 0;
}
