/* recursion.c — call-heavy code: Ackermann, naive Fibonacci, Towers of
 * Hanoi, mutual recursion, and a deep (50 000 frames, a few MiB of stack)
 * non-tail recursion that touches every frame.
 * Exit status 9: main returns 256 + 9 and only the low 8 bits survive. */
#include "common.h"

#define NOINLINE __attribute__((noinline))

static uint64_t calls;

static NOINLINE uint64_t ackermann(uint64_t m, uint64_t n) {
  calls++;
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static NOINLINE uint64_t fib(unsigned n) {
  calls++;
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t hanoi_moves, hanoi_hash;

static NOINLINE void hanoi(int n, int from, int to, int via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  hanoi_moves++;
  hanoi_hash = hanoi_hash * 31 + (uint64_t)(n * 9 + from * 3 + to);
  hanoi(n - 1, via, to, from);
}

static NOINLINE int is_odd(unsigned n);
static NOINLINE int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static NOINLINE int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

/* Each frame keeps a small array alive across the recursive call and reads
 * it afterwards, so the compiler can neither drop the frames nor turn the
 * recursion into a loop. */
static NOINLINE uint64_t deep(uint32_t n, const volatile uint32_t *parent) {
  volatile uint32_t local[6];
  for (int i = 0; i < 6; i++) local[i] = n * 7u + (uint32_t)i + (parent ? parent[i] : 0);
  if (n == 0) return local[5];
  uint64_t below = deep(n - 1, local);
  return below + local[0] % 13u;
}

/* Recursive descent evaluation of a generated arithmetic expression. */
static const char *ep;
static NOINLINE int64_t expr(void);
static NOINLINE int64_t atom(void) {
  if (*ep == '(') {
    ep++;
    int64_t v = expr();
    ep++; /* ')' */
    return v;
  }
  int64_t v = 0;
  while (*ep >= '0' && *ep <= '9') v = v * 10 + (*ep++ - '0');
  return v;
}
static NOINLINE int64_t term(void) {
  int64_t v = atom();
  while (*ep == '*') {
    ep++;
    v = (int64_t)((uint64_t)v * (uint64_t)atom()) % 1000003;
  }
  return v;
}
static NOINLINE int64_t expr(void) {
  int64_t v = term();
  while (*ep == '+' || *ep == '-') {
    char op = *ep++;
    int64_t t = term();
    v = op == '+' ? v + t : v - t;
  }
  return v;
}

static size_t gen_expr(char *out, size_t cap, int depth) {
  size_t n = 0;
  int items = 1 + (int)rng_below(3);
  for (int i = 0; i < items && n + 64 < cap; i++) {
    if (i) out[n++] = "+-*"[rng_below(3)];
    if (depth > 0 && rng_below(2)) {
      out[n++] = '(';
      n += gen_expr(out + n, cap - n, depth - 1);
      out[n++] = ')';
    } else {
      n += (size_t)snprintf(out + n, cap - n, "%u", (unsigned)rng_below(1000));
    }
  }
  out[n] = '\0';
  return n;
}

int main(void) {
  calls = 0;
  uint64_t a = ackermann(2, 300);
  printf("ackermann(2, 300) = %llu (%llu calls)\n", (unsigned long long)a,
         (unsigned long long)calls);
  check_u64("A(2,300)", a, 603);
  calls = 0;
  a = ackermann(3, 5);
  printf("ackermann(3, 5) = %llu (%llu calls)\n", (unsigned long long)a,
         (unsigned long long)calls);
  check_u64("A(3,5)", a, 253);

  calls = 0;
  uint64_t f = fib(21);
  printf("fib(21) = %llu (%llu calls)\n", (unsigned long long)f, (unsigned long long)calls);
  check_u64("fib(21)", f, 10946);
  check_u64("fib(21) calls", calls, 2 * 17711 - 1);

  hanoi(14, 0, 2, 1);
  printf("hanoi(14): %llu moves, hash %016llx\n", (unsigned long long)hanoi_moves,
         (unsigned long long)hanoi_hash);
  check_u64("hanoi moves", hanoi_moves, (1u << 14) - 1);

  printf("is_even(5001) = %d, is_odd(5001) = %d\n", is_even(5001), is_odd(5001));
  check_true("parity", !is_even(5001) && is_odd(5001));

  uint64_t d = deep(50000, NULL);
  printf("deep(50000) = %llu\n", (unsigned long long)d);

  rng_seed(0x5245435552ull);
  char *buf = xmalloc(1 << 14);
  uint64_t eh = FNV64_INIT;
  for (int k = 0; k < 12; k++) {
    size_t len = gen_expr(buf, 1 << 14, 7);
    ep = buf;
    int64_t v = expr();
    check_true("expression fully parsed", *ep == '\0');
    eh = fnv1a64_u64(eh, (uint64_t)v);
    if (k < 3) printf("expr[%d] (%u chars) = %lld\n", k, (unsigned)len, (long long)v);
  }
  printf("expressions fnv %016llx\n", (unsigned long long)eh);
  free(buf);

  check_u64("hanoi hash", hanoi_hash, 0x15193dd281f2caacull);
  check_u64("deep", d, 160819591);
  check_u64("expressions", eh, 0x7d526559b701133cull);
  return finish(256 + 9);
}
