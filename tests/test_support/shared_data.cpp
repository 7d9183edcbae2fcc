#include "test_support/shared_data.hpp"

#include <cstdlib>
#include <algorithm>
#include <filesystem>

#ifndef FPVM_SHARED_DIR
#define FPVM_SHARED_DIR ""
#endif

namespace fpvm::test {

std::string sharedDir() {
  const char* env = std::getenv("FPVM_SHARED_DIR");
  std::string dir = env && *env ? env : FPVM_SHARED_DIR;
  if (dir.empty() || !std::filesystem::is_directory(dir + "/testdata/riscv-tests")) return "";
  return dir;
}

std::string riscvTestPath(const std::string& suite, const std::string& test) {
  std::string dir = sharedDir();
  if (dir.empty()) return "";
  std::string p = dir + "/testdata/riscv-tests/rv64" + suite + "-p/rv64" + suite + "-p-" + test;
  return std::filesystem::exists(p) ? p : "";
}

std::vector<std::string> allRiscvTestPaths() {
  std::vector<std::string> out;
  std::string dir = sharedDir();
  if (dir.empty()) return out;
  for (const char* suite : {"rv64ui-p", "rv64um-p", "rv64ua-p"})
    for (const auto& e : std::filesystem::directory_iterator(dir + "/testdata/riscv-tests/" + suite))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fpvm::test
