/* muldiv.c — 64/32-bit multiply, divide, remainder and shift edge cases.
 *
 * Each operation has a reference model written in portable C (with GCC's
 * __int128) that follows the RISC-V M-extension rules: division by zero
 * gives all ones (quotient) or the dividend (remainder), and the signed
 * overflow case INT_MIN / -1 gives INT_MIN (quotient) and 0 (remainder) —
 * no traps. On RISC-V the real instructions are also executed with inline
 * asm and must match the model; natively only the model runs, so both
 * builds print the same table. Exit status 0. */
#include "common.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static inline uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* ---------------------------------------------------- reference model */

static uint64_t ref_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t ref_mulh(uint64_t a, uint64_t b) {
  return (uint64_t)((u128)((i128)(int64_t)a * (i128)(int64_t)b) >> 64);
}
static uint64_t ref_mulhsu(uint64_t a, uint64_t b) {
  return (uint64_t)((u128)((i128)(int64_t)a * (i128)b) >> 64);
}
static uint64_t ref_mulhu(uint64_t a, uint64_t b) { return (uint64_t)(((u128)a * b) >> 64); }
static uint64_t ref_div(uint64_t a, uint64_t b) {
  if (b == 0) return ~0ull;
  if (a == (1ull << 63) && b == ~0ull) return a;
  return (uint64_t)((int64_t)a / (int64_t)b);
}
static uint64_t ref_divu(uint64_t a, uint64_t b) { return b == 0 ? ~0ull : a / b; }
static uint64_t ref_rem(uint64_t a, uint64_t b) {
  if (b == 0) return a;
  if (a == (1ull << 63) && b == ~0ull) return 0;
  return (uint64_t)((int64_t)a % (int64_t)b);
}
static uint64_t ref_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static uint64_t ref_mulw(uint64_t a, uint64_t b) { return sx32((uint32_t)a * (uint32_t)b); }
static uint64_t ref_divw(uint64_t a, uint64_t b) {
  int32_t x = (int32_t)(uint32_t)a, y = (int32_t)(uint32_t)b;
  if (y == 0) return ~0ull;
  if (x == INT32_MIN && y == -1) return sx32((uint32_t)x);
  return (uint64_t)(int64_t)(x / y);
}
static uint64_t ref_divuw(uint64_t a, uint64_t b) {
  uint32_t x = (uint32_t)a, y = (uint32_t)b;
  return y == 0 ? ~0ull : sx32(x / y);
}
static uint64_t ref_remw(uint64_t a, uint64_t b) {
  int32_t x = (int32_t)(uint32_t)a, y = (int32_t)(uint32_t)b;
  if (y == 0) return sx32((uint32_t)x);
  if (x == INT32_MIN && y == -1) return 0;
  return (uint64_t)(int64_t)(x % y);
}
static uint64_t ref_remuw(uint64_t a, uint64_t b) {
  uint32_t x = (uint32_t)a, y = (uint32_t)b;
  return y == 0 ? sx32(x) : sx32(x % y);
}
static uint64_t ref_sll(uint64_t a, uint64_t b) { return a << (b & 63); }
static uint64_t ref_srl(uint64_t a, uint64_t b) { return a >> (b & 63); }
static uint64_t ref_sra(uint64_t a, uint64_t b) {
  unsigned s = (unsigned)(b & 63);
  uint64_t r = a >> s;
  if ((a >> 63) && s) r |= ~0ull << (64 - s); /* sign fill, no UB */
  return r;
}
static uint64_t ref_sllw(uint64_t a, uint64_t b) { return sx32((uint32_t)a << (b & 31)); }
static uint64_t ref_srlw(uint64_t a, uint64_t b) { return sx32((uint32_t)a >> (b & 31)); }
static uint64_t ref_sraw(uint64_t a, uint64_t b) {
  return (uint64_t)(sx32((uint32_t)a) >> (b & 31) |
                    (((uint32_t)a >> 31) ? ~0ull << (63 - (b & 31)) : 0));
}
static uint64_t ref_addw(uint64_t a, uint64_t b) { return sx32((uint32_t)a + (uint32_t)b); }
static uint64_t ref_subw(uint64_t a, uint64_t b) { return sx32((uint32_t)a - (uint32_t)b); }
static uint64_t ref_slt(uint64_t a, uint64_t b) { return (int64_t)a < (int64_t)b; }
static uint64_t ref_sltu(uint64_t a, uint64_t b) { return a < b; }

/* ------------------------------------------------ hardware (RISC-V) */

#if defined(__riscv)
#define HW(op)                                                          \
  static uint64_t hw_##op(uint64_t a, uint64_t b) {                     \
    uint64_t r;                                                         \
    __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));     \
    return r;                                                           \
  }
HW(mul) HW(mulh) HW(mulhsu) HW(mulhu) HW(div) HW(divu) HW(rem) HW(remu)
HW(mulw) HW(divw) HW(divuw) HW(remw) HW(remuw) HW(sll) HW(srl) HW(sra)
HW(sllw) HW(srlw) HW(sraw) HW(addw) HW(subw) HW(slt) HW(sltu)
#define OP(name) {#name, ref_##name, hw_##name}
#else
#define OP(name) {#name, ref_##name, NULL}
#endif

struct op {
  const char *name;
  uint64_t (*ref)(uint64_t, uint64_t);
  uint64_t (*hw)(uint64_t, uint64_t);
};

static const struct op ops[] = {
    OP(mul),  OP(mulh),  OP(mulhsu), OP(mulhu), OP(div),  OP(divu),
    OP(rem),  OP(remu),  OP(mulw),   OP(divw),  OP(divuw), OP(remw),
    OP(remuw), OP(sll),  OP(srl),    OP(sra),   OP(sllw), OP(srlw),
    OP(sraw), OP(addw),  OP(subw),   OP(slt),   OP(sltu)};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))

static const uint64_t values[] = {
    0,
    1,
    ~0ull, /* -1 */
    2,
    (uint64_t)-2,
    3,
    (uint64_t)-7,
    63,
    64,
    0x7FFFFFFFull,
    0x80000000ull,
    0xFFFFFFFF80000000ull, /* INT32_MIN sign-extended */
    0xFFFFFFFFull,
    0x100000000ull,
    0x7FFFFFFFFFFFFFFFull, /* INT64_MAX */
    0x8000000000000000ull, /* INT64_MIN */
    0x8000000000000001ull,
    0x123456789ABCDEF0ull,
    0xFEDCBA9876543210ull,
    1000000007ull,
    0x5555555555555555ull,
    0xAAAAAAAAAAAAAAAAull,
    0x00000000FFFFFFFEull,
    0xFFFFFFFF00000001ull,
};
#define NVALUES ((int)(sizeof values / sizeof values[0]))

int main(void) {
  int hw_mismatch = 0;
  uint64_t all = FNV64_INIT;
  printf("%-7s %-16s\n", "op", "fnv over all pairs");
  for (int o = 0; o < NOPS; o++) {
    uint64_t h = FNV64_INIT;
    for (int i = 0; i < NVALUES + 40; i++)
      for (int j = 0; j < NVALUES + 40; j++) {
        /* Table values plus a few pseudo-random ones (same every run). */
        uint64_t a = i < NVALUES ? values[i] : 0, b = j < NVALUES ? values[j] : 0;
        if (i >= NVALUES) {
          rng_seed((uint64_t)i * 0x10001u);
          a = rng_next() >> (i % 61);
        }
        if (j >= NVALUES) {
          rng_seed((uint64_t)j * 0x20003u);
          b = rng_next() >> (j % 59);
          if (j % 5 == 0) b = ~b;
        }
        uint64_t r = ops[o].ref(a, b);
        if (ops[o].hw) {
          uint64_t hr = ops[o].hw(a, b);
          if (hr != r) {
            if (hw_mismatch < 10)
              fprintf(stderr, "FAIL %s(%016llx, %016llx): hw %016llx model %016llx\n",
                      ops[o].name, (unsigned long long)a, (unsigned long long)b,
                      (unsigned long long)hr, (unsigned long long)r);
            hw_mismatch++;
          }
        }
        h = fnv1a64_u64(h, r);
      }
    printf("%-7s %016llx\n", ops[o].name, (unsigned long long)h);
    all = fnv1a64_u64(all, h);
  }
  check_u64("hardware vs model mismatches", (uint64_t)hw_mismatch, 0);

  /* The famous corner cases, spelled out. */
  const uint64_t MIN64 = 0x8000000000000000ull, NEG1 = ~0ull;
  printf("INT64_MIN / -1 = %016llx, INT64_MIN %% -1 = %llu\n",
         (unsigned long long)ref_div(MIN64, NEG1), (unsigned long long)ref_rem(MIN64, NEG1));
  printf("x / 0 = %016llx, x %% 0 = %llu (x = 12345)\n", (unsigned long long)ref_div(12345, 0),
         (unsigned long long)ref_rem(12345, 0));
  printf("divw(INT32_MIN, -1) = %016llx, remw = %llu\n",
         (unsigned long long)ref_divw(0x80000000ull, NEG1),
         (unsigned long long)ref_remw(0x80000000ull, NEG1));
  printf("mulhu(-1, -1) = %016llx, mulh(MIN, MIN) = %016llx, mulhsu(-1, -1) = %016llx\n",
         (unsigned long long)ref_mulhu(NEG1, NEG1), (unsigned long long)ref_mulh(MIN64, MIN64),
         (unsigned long long)ref_mulhsu(NEG1, NEG1));
  check_u64("div overflow", ref_div(MIN64, NEG1), MIN64);
  check_u64("rem overflow", ref_rem(MIN64, NEG1), 0);
  check_u64("div by zero", ref_div(12345, 0), NEG1);
  check_u64("rem by zero", ref_rem(12345, 0), 12345);
  check_u64("divw overflow", ref_divw(0x80000000ull, NEG1), 0xFFFFFFFF80000000ull);
  check_u64("mulhu(-1,-1)", ref_mulhu(NEG1, NEG1), 0xFFFFFFFFFFFFFFFEull);
  check_u64("mulh(MIN,MIN)", ref_mulh(MIN64, MIN64), 0x4000000000000000ull);
  check_u64("mulhsu(-1,-1)", ref_mulhsu(NEG1, NEG1), NEG1);

  /* 128-bit division (libgcc __udivti3/__umodti3 on RISC-V). */
  u128 n = ((u128)0x0123456789ABCDEFull << 64) | 0xFEDCBA9876543210ull;
  uint64_t qfold = 0;
  for (uint64_t d = 3; d < 3000000000ull; d = d * 7 + 1) {
    u128 q = n / d, r = n % d;
    check_true("128-bit q*d + r == n", q * d + r == n && r < d);
    qfold = qfold * 1000003u + (uint64_t)q + (uint64_t)(q >> 64) + (uint64_t)r;
  }
  i128 sn = -(i128)n;
  i128 sq = sn / -1000000007;
  printf("128-bit division fold %016llx, signed quotient high %016llx low %016llx\n",
         (unsigned long long)qfold, (unsigned long long)((u128)sq >> 64),
         (unsigned long long)(uint64_t)sq);

  printf("all ops fnv %016llx\n", (unsigned long long)all);
  check_u64("all ops", all, 0x952b129ad2805370ull);
  check_u64("128-bit fold", qfold, 0xf813139057122ecbull);
  return finish(0);
}
