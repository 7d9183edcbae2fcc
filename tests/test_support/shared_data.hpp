#pragma once
/// Locating the shared test data (../shared beside the checkout). Tests that need it skip with
/// kSharedMissing where it is absent.
#include <string>
#include <vector>

namespace fpvm::test {

/// The skip message for tests whose shared data is missing.
inline constexpr const char* kSharedMissing =
    "SKIPPED: shared test data (../shared/testdata/riscv-tests) not found; set FPVM_SHARED_DIR";

/// Root of the shared folder (env FPVM_SHARED_DIR overrides the configure-time path), or "".
std::string sharedDir();
/// Path of a shipped riscv-test, e.g. ("ui", "add") → …/rv64ui-p/rv64ui-p-add; "" if absent.
std::string riscvTestPath(const std::string& suite, const std::string& test);
/// Paths of all shipped riscv-tests (rv64ui-p, rv64um-p, rv64ua-p), sorted; empty if absent.
std::vector<std::string> allRiscvTestPaths();

}  // namespace fpvm::test
