// Computes a few things the compiler turns into the whole integer instruction mix (64-bit
// multiply/divide, shifts, unaligned copies, byte loads, branches with filled delay slots) and
// prints them; exit code 0.
#include "rt.h"

static u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned crc32(const unsigned char* p, long n) {
  unsigned c = 0xFFFFFFFFu;
  for (long i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
  }
  return ~c;
}

static void sort(long* a, int n) {
  for (int i = 1; i < n; i++) {
    long x = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

static unsigned char text[] = "The quick brown fox jumps over the lazy dog";

int main(void) {
  print("hello from mips64\n");
  print_hex(fib(15));
  print_hex(crc32(text, sizeof text - 1));
  long a[12];
  u64 x = 0x9E3779B97F4A7C15ul;
  for (int i = 0; i < 12; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    a[i] = (long)(x % 1000003) - 500000;
  }
  sort(a, 12);
  u64 h = 0;
  for (int i = 0; i < 12; i++) h = h * 31 + (u64)a[i] / 7 + (u64)(a[i] % 13);
  print_hex(h);
  // Unaligned 8-byte copy through a packed struct (LDL/LDR, SDL/SDR).
  struct __attribute__((packed)) P {
    char c;
    u64 v;
  } p = {1, 0x0102030405060708ul}, q;
  volatile struct P* vp = &p;
  q.v = vp->v;
  print_hex(q.v + (u64)(p.c));
  return 0;
}
