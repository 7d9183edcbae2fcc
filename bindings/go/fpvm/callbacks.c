// C trampolines from libfpvm's callback signatures to the Go functions exported in oracle.go
// (a file with //export may only declare C functions in its preamble, so they live here).
#include <stdint.h>

#include "_cgo_export.h"

int fpvmGoTrampolineHint(void* user, const uint8_t* hint, size_t len) {
  return fpvmGoHint((uintptr_t)user, (uint8_t*)hint, len);
}

int fpvmGoTrampolinePreimage(void* user, const uint8_t key[32], const uint8_t** data, size_t* len) {
  return fpvmGoPreimage((uintptr_t)user, (uint8_t*)key, (uint8_t**)data, len);
}

void fpvmGoTrampolineOutput(void* user, int fd, const uint8_t* data, size_t len) {
  fpvmGoOutput((uintptr_t)user, fd, (uint8_t*)data, len);
}
