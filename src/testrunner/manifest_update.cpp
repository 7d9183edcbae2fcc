#include "testrunner/manifest_update.hpp"

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/hex.hpp"

namespace fpvm::testrunner {

size_t updateManifest(const Suite& suite, const SuiteResult& result) {
  Bytes raw = readFile(suite.path);
  // ordered_json keeps the fields in the order the author wrote them.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(raw.begin(), raw.end());
  size_t changed = 0;
  for (size_t i = 0; i < suite.cases.size(); ++i) {
    const CaseResult& r = result.cases[i];
    if (r.result != Result::Updated || !r.haveState) continue;
    auto& expect = doc["cases"][suite.cases[i].index]["expect"];
    nlohmann::ordered_json steps = r.steps, hash = toHex(r.stateHash);
    if (expect.value("steps", nlohmann::ordered_json()) != steps || expect.value("stateHash", nlohmann::ordered_json()) != hash)
      ++changed;
    expect["steps"] = steps;
    expect["stateHash"] = hash;
  }
  if (changed == 0) return 0;  // the file stays as its author formatted it
  std::string text = doc.dump(2) + "\n";
  writeFileAtomic(suite.path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return changed;
}

}  // namespace fpvm::testrunner
