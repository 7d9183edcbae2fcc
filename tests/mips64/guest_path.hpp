#pragma once
// Where the build put the C guest programs (cmake/Mips64Guest.cmake), and the skip for builds
// without mips64-linux-gnuabi64-gcc.
#include <gtest/gtest.h>

#include <string>

namespace fpvm::mips64::test {

#ifdef FPVM_MIPS64_GUEST_DIR
/// Path of guest `name` (tests/mips64/guests/<name>.c) as built.
inline std::string guestPath(const char* name) { return std::string(FPVM_MIPS64_GUEST_DIR) + "/" + name + ".elf"; }
#define REQUIRE_GUESTS() (void)0
#else
inline std::string guestPath(const char*) { return {}; }
#define REQUIRE_GUESTS() GTEST_SKIP() << "SKIPPED: mips64-linux-gnuabi64-gcc not found, no MIPS64 guest programs"
#endif

}  // namespace fpvm::mips64::test
