#pragma once
/// The manifest of an `fpvm test` suite (docs in sdk/README.md, "fpvm test"): a JSON file of
/// cases, each naming a program (ELF or state file of either machine), its boot values, where its
/// pre-images come from and what must come out.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "preimage/host_oracle.hpp"

namespace fpvm::testrunner {

/// A manifest that cannot be used: the message names the file, the case and the field.
class ManifestError : public Error {
 public:
  using Error::Error;
};

/// What a case must produce. Authored fields (exit code, verdict, bounds) are never changed by
/// `--update`; recorded fields (steps, stateHash) are.
struct Expectation {
  std::optional<uint8_t> exitCode;
  std::optional<std::string> verdict;  ///< "valid", "invalid" or "panic"
  std::optional<uint64_t> minSteps, maxSteps;
  std::optional<uint64_t> steps;    ///< recorded: exact step count
  std::optional<Hash32> stateHash;  ///< recorded: final state hash
};

/// One fixture.
struct Case {
  std::string name;
  size_t index = 0;     ///< position in the manifest's "cases" array
  std::string program;  ///< resolved path of the ELF or state file
  preimage::LocalValues boot;
  preimage::PreimageMap inlinePreimages;
  std::optional<std::string> preimageDir;
  std::vector<std::string> serverCommand;
  /// Stop (and fail) when the program has not exited after this many steps (0 = no limit).
  uint64_t stepLimit = 0;
  /// Deadline for one answer of the pre-image server, in milliseconds (0 = none).
  uint64_t serverTimeoutMs = 0;
  Expectation expect;
};

/// A parsed manifest.
struct Suite {
  std::string path;  ///< the manifest file as given
  std::string name;  ///< "suite" field, or the file name without ".json"
  std::vector<Case> cases;
};

/// Variables for `${NAME}` in string fields: looked up here first, then in the environment;
/// MANIFEST_DIR is always the manifest's folder.
using Variables = std::map<std::string, std::string>;

/// Reads and checks a manifest. Relative paths are relative to the manifest's folder. Throws
/// ManifestError naming file, case and field for anything malformed (Error when unreadable).
Suite loadManifest(const std::string& path, const Variables& vars);

}  // namespace fpvm::testrunner
