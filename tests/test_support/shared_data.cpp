#include "test_support/shared_data.hpp"

#include <cstdlib>
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

}  // namespace fpvm::test
