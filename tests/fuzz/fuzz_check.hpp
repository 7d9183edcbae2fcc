#pragma once
/// Shared bits of the fuzz targets: an invariant check that aborts (so libFuzzer and the replay
/// runner both report it as a crash) with a message naming the broken invariant.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
                   __LINE__);                                                     \
      std::abort();                                                               \
    }                                                                             \
  } while (0)
