// A program whose steps go mostly to one known function: main calls middle 40 times, middle
// calls hot (about 9 in 10 of all steps) and warm, and main calls warm once more. Built for both
// instruction sets (tests/profile/CMakeLists.txt); exit code 0.
typedef unsigned long u64;

volatile u64 profile_sink;

__attribute__((noinline, noclone)) u64 hot(u64 n) {
  u64 x = n | 1;
  for (u64 i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

__attribute__((noinline, noclone)) u64 warm(u64 n) {
  u64 s = 0;
  for (u64 i = 0; i < n; i++) s += i * i;
  return s;
}

__attribute__((noinline, noclone)) u64 middle(u64 n) { return hot(n) + warm(n / 8); }

int main(void) {
  u64 s = 0;
  for (int i = 0; i < 40; i++) s += middle(2000 + (u64)i);
  s += warm(2000);
  profile_sink = s;
  return 0;
}
