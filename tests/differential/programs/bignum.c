/* bignum.c — arbitrary-precision decimal arithmetic (base 10^9 limbs):
 * factorials, Fibonacci, powers; checked against well-known values
 * (Project Euler 16/20/25, digit counts). Exit status 0. */
#include "common.h"

#define BASE 1000000000u

typedef struct {
  uint32_t *d; /* little-endian limbs, each < BASE */
  size_t n;    /* limbs in use (0 means zero) */
  size_t cap;
} big;

static void big_init(big *a, uint32_t v) {
  a->cap = 4;
  a->d = xmalloc(a->cap * sizeof(uint32_t));
  a->n = 0;
  if (v >= BASE) {
    a->d[a->n++] = v % BASE;
    v /= BASE;
  }
  if (v) a->d[a->n++] = v;
}

static void big_reserve(big *a, size_t cap) {
  if (cap <= a->cap) return;
  size_t c = a->cap * 2;
  if (c < cap) c = cap;
  a->d = realloc(a->d, c * sizeof(uint32_t));
  if (a->d == NULL) {
    fprintf(stderr, "FAIL realloc\n");
    exit(1);
  }
  a->cap = c;
}

static void big_free(big *a) { free(a->d); }

static void big_copy(big *dst, const big *src) {
  big_reserve(dst, src->n);
  memcpy(dst->d, src->d, src->n * sizeof(uint32_t));
  dst->n = src->n;
}

static void big_mul_small(big *a, uint32_t m) {
  uint64_t carry = 0;
  for (size_t i = 0; i < a->n; i++) {
    uint64_t t = (uint64_t)a->d[i] * m + carry;
    a->d[i] = (uint32_t)(t % BASE);
    carry = t / BASE;
  }
  while (carry) {
    big_reserve(a, a->n + 1);
    a->d[a->n++] = (uint32_t)(carry % BASE);
    carry /= BASE;
  }
  if (m == 0) a->n = 0;
}

/* a /= m, returns the remainder. */
static uint32_t big_div_small(big *a, uint32_t m) {
  uint64_t rem = 0;
  for (size_t i = a->n; i-- > 0;) {
    uint64_t cur = a->d[i] + rem * BASE;
    a->d[i] = (uint32_t)(cur / m);
    rem = cur % m;
  }
  while (a->n > 0 && a->d[a->n - 1] == 0) a->n--;
  return (uint32_t)rem;
}

/* r = a + b (r may alias a or b). */
static void big_add(big *r, const big *a, const big *b) {
  size_t n = a->n > b->n ? a->n : b->n;
  big_reserve(r, n + 1);
  uint32_t carry = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
    carry = s >= BASE;
    r->d[i] = carry ? s - BASE : s;
  }
  r->n = n;
  if (carry) r->d[r->n++] = 1;
}

/* r = a * b (r must not alias). */
static void big_mul(big *r, const big *a, const big *b) {
  if (a->n == 0 || b->n == 0) {
    r->n = 0;
    return;
  }
  size_t n = a->n + b->n;
  big_reserve(r, n);
  memset(r->d, 0, n * sizeof(uint32_t));
  for (size_t i = 0; i < a->n; i++) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b->n; j++) {
      uint64_t t = (uint64_t)a->d[i] * b->d[j] + r->d[i + j] + carry;
      r->d[i + j] = (uint32_t)(t % BASE);
      carry = t / BASE;
    }
    size_t k = i + b->n;
    while (carry) {
      uint64_t t = r->d[k] + carry;
      r->d[k++] = (uint32_t)(t % BASE);
      carry = t / BASE;
    }
  }
  r->n = n;
  while (r->n > 0 && r->d[r->n - 1] == 0) r->n--;
}

/* Decimal string (caller frees). */
static char *big_str(const big *a) {
  char *s = xmalloc(a->n * 9 + 2);
  if (a->n == 0) {
    strcpy(s, "0");
    return s;
  }
  int len = sprintf(s, "%u", (unsigned)a->d[a->n - 1]);
  for (size_t i = a->n - 1; i-- > 0;) len += sprintf(s + len, "%09u", (unsigned)a->d[i]);
  return s;
}

static size_t big_digits(const big *a) {
  if (a->n == 0) return 1;
  size_t d = 9 * (a->n - 1);
  for (uint32_t top = a->d[a->n - 1]; top; top /= 10) d++;
  return d;
}

static unsigned digit_sum(const char *s) {
  unsigned t = 0;
  for (; *s; s++) t += (unsigned)(*s - '0');
  return t;
}

static void print_wrapped(const char *label, const char *s) {
  size_t len = strlen(s);
  printf("%s (%u digits):\n", label, (unsigned)len);
  for (size_t i = 0; i < len; i += 100) printf("  %.100s\n", s + i);
}

int main(void) {
  big a, b, c;
  char *s;

  /* 2^1000: digit sum 1366 (Project Euler 16). */
  big_init(&a, 1);
  for (int i = 0; i < 1000; i++) big_mul_small(&a, 2);
  s = big_str(&a);
  printf("2^1000: %u digits, digit sum %u, leading %.20s\n", (unsigned)strlen(s),
         digit_sum(s), s);
  check_u64("2^1000 digit sum", digit_sum(s), 1366);
  check_u64("2^1000 digits", strlen(s), 302);
  free(s);

  /* 100!: digit sum 648 (Project Euler 20). */
  big_init(&b, 1);
  for (uint32_t i = 2; i <= 100; i++) big_mul_small(&b, i);
  s = big_str(&b);
  printf("100!: %u digits, digit sum %u\n", (unsigned)strlen(s), digit_sum(s));
  check_u64("100! digit sum", digit_sum(s), 648);
  check_u64("100! digits", strlen(s), 158);
  free(s);

  /* 500!: 1135 digits; printed in full; dividing back gives 1. */
  for (uint32_t i = 101; i <= 500; i++) big_mul_small(&b, i);
  s = big_str(&b);
  print_wrapped("500!", s);
  check_u64("500! digits", strlen(s), 1135);
  check_u64("500! digit sum", digit_sum(s), 4599);
  free(s);
  uint32_t rem_or = 0;
  for (uint32_t i = 500; i >= 2; i--) rem_or |= big_div_small(&b, i);
  check_true("500! / 500 / ... / 2 == 1 exactly",
             rem_or == 0 && b.n == 1 && b.d[0] == 1);

  /* First Fibonacci number with 1000 digits is F(4782) (Project Euler 25). */
  big_free(&a);
  big_free(&b);
  big_init(&a, 1); /* F(1) */
  big_init(&b, 1); /* F(2) */
  int idx = 2;
  while (big_digits(&b) < 1000) {
    big_add(&a, &a, &b); /* a = F(idx+1) */
    big t = a;
    a = b;
    b = t;
    idx++;
  }
  s = big_str(&b);
  printf("first 1000-digit Fibonacci: F(%d) = %.20s...%s\n", idx, s,
         s + strlen(s) - 20);
  check_u64("F index", (uint64_t)idx, 4782);
  check_u64("F(4782) digit sum", digit_sum(s), 4535);
  free(s);

  /* 3^2000 two ways: square-and-multiply with big_mul vs repeated *3. */
  big_init(&c, 1);
  big base, tmp;
  big_init(&base, 3);
  big_init(&tmp, 0);
  for (unsigned e = 2000; e; e >>= 1) {
    if (e & 1) {
      big_mul(&tmp, &c, &base);
      big_copy(&c, &tmp);
    }
    if (e > 1) {
      big_mul(&tmp, &base, &base);
      big_copy(&base, &tmp);
    }
  }
  char *s1 = big_str(&c);
  big_free(&c);
  big_init(&c, 1);
  for (int i = 0; i < 2000; i++) big_mul_small(&c, 3);
  char *s2 = big_str(&c);
  printf("3^2000: %u digits, ...%s\n", (unsigned)strlen(s1), s1 + strlen(s1) - 50);
  check_str("3^2000 by squaring == by repeated *3", s1, s2);
  check_u64("3^2000 digits", strlen(s1), 955);
  check_u64("3^2000 digit sum", digit_sum(s1), 4338);
  free(s1);
  free(s2);

  big_free(&a);
  big_free(&b);
  big_free(&c);
  big_free(&base);
  big_free(&tmp);
  return finish(0);
}
