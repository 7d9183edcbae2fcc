// The functions GCC may call even in freestanding code (it emits memset/memcpy for aggregate
// initialisation and copies). Written so that GCC does not turn them back into calls to themselves.
#include <stddef.h>

#define NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_PATTERNS void* memset(void* d, int c, size_t n) {
  unsigned char* p = d;
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)c;
  return d;
}

NO_PATTERNS void* memcpy(void* d, const void* s, size_t n) {
  unsigned char* p = d;
  const unsigned char* q = s;
  for (size_t i = 0; i < n; i++) p[i] = q[i];
  return d;
}

NO_PATTERNS void* memmove(void* d, const void* s, size_t n) {
  unsigned char* p = d;
  const unsigned char* q = s;
  if (p < q) {
    for (size_t i = 0; i < n; i++) p[i] = q[i];
  } else {
    for (size_t i = n; i > 0; i--) p[i - 1] = q[i - 1];
  }
  return d;
}

NO_PATTERNS int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* p = a;
  const unsigned char* q = b;
  for (size_t i = 0; i < n; i++)
    if (p[i] != q[i]) return p[i] < q[i] ? -1 : 1;
  return 0;
}
