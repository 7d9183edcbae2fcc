/* atomics.c — the RISC-V A extension: every AMO (.w and .d), LR/SC
 * success and failure paths, and an LR/SC-based counter, compared with a
 * C model. The guest build emits the instructions with inline asm (the
 * libraries are rv64im, so the A extension is enabled only inside the asm);
 * natively the model runs alone, so both builds print the same results.
 * Exit status 0.
 *
 * Not tested on purpose: an ordinary store between LR and SC to the same
 * address (the fpvm keeps the reservation; qemu's SC compares the value). */
#include "common.h"

static inline uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

enum amo { SWAP, ADD, XOR, AND, OR, MIN, MAX, MINU, MAXU, NAMO };
static const char *const amo_names[NAMO] = {"swap", "add", "xor",  "and", "or",
                                            "min",  "max", "minu", "maxu"};

/* Model: returns the old value (sign-extended for .w) and updates *mem. */
static uint64_t model_amo(int op, int wide, void *mem, uint64_t v) {
  uint64_t old;
  if (wide) {
    memcpy(&old, mem, 8);
  } else {
    uint32_t o32;
    memcpy(&o32, mem, 4);
    old = sx32(o32);
    v = sx32(v);
  }
  uint64_t n;
  switch (op) {
    case SWAP: n = v; break;
    case ADD: n = old + v; break;
    case XOR: n = old ^ v; break;
    case AND: n = old & v; break;
    case OR: n = old | v; break;
    case MIN: n = (int64_t)old < (int64_t)v ? old : v; break;
    case MAX: n = (int64_t)old > (int64_t)v ? old : v; break;
    case MINU: n = old < v ? old : v; break;
    default: n = old > v ? old : v; break;
  }
  if (wide) {
    memcpy(mem, &n, 8);
  } else {
    uint32_t n32 = (uint32_t)n;
    memcpy(mem, &n32, 4);
  }
  return old;
}

#if defined(__riscv)
#define AMO_ASM(insn, rd, addr, val)                                              \
  __asm__ volatile(".option push\n.option arch, +a\n" insn " %0, %2, (%1)\n.option pop" \
                   : "=r"(rd)                                                      \
                   : "r"(addr), "r"(val)                                           \
                   : "memory")

static uint64_t hw_amo(int op, int wide, void *mem, uint64_t v) {
  uint64_t r;
#define CASE(o, name)                          \
  case o:                                      \
    if (wide)                                  \
      AMO_ASM("amo" name ".d", r, mem, v);     \
    else                                       \
      AMO_ASM("amo" name ".w", r, mem, v);     \
    break;
  switch (op) {
    CASE(SWAP, "swap")
    CASE(ADD, "add")
    CASE(XOR, "xor")
    CASE(AND, "and")
    CASE(OR, "or")
    CASE(MIN, "min")
    CASE(MAX, "max")
    CASE(MINU, "minu")
    default:
      if (wide)
        AMO_ASM("amomaxu.d", r, mem, v);
      else
        AMO_ASM("amomaxu.w", r, mem, v);
  }
#undef CASE
  return r;
}

static uint64_t lr_d(uint64_t *p) {
  uint64_t r;
  __asm__ volatile(".option push\n.option arch, +a\nlr.d %0, (%1)\n.option pop"
                   : "=r"(r) : "r"(p) : "memory");
  return r;
}
static uint64_t lr_w(uint32_t *p) {
  uint64_t r;
  __asm__ volatile(".option push\n.option arch, +a\nlr.w %0, (%1)\n.option pop"
                   : "=r"(r) : "r"(p) : "memory");
  return r;
}
/* Returns 0 on success, non-zero on failure (the SC result register). */
static uint64_t sc_d(uint64_t *p, uint64_t v) {
  uint64_t r;
  __asm__ volatile(".option push\n.option arch, +a\nsc.d %0, %2, (%1)\n.option pop"
                   : "=r"(r) : "r"(p), "r"(v) : "memory");
  return r;
}
static uint64_t sc_w(uint32_t *p, uint64_t v) {
  uint64_t r;
  __asm__ volatile(".option push\n.option arch, +a\nsc.w %0, %2, (%1)\n.option pop"
                   : "=r"(r) : "r"(p), "r"(v) : "memory");
  return r;
}
#else
/* Native: a single-threaded model of the reservation. */
static const void *reservation;
static uint64_t hw_amo(int op, int wide, void *mem, uint64_t v) {
  return model_amo(op, wide, mem, v);
}
static uint64_t lr_d(uint64_t *p) {
  reservation = p;
  return *p;
}
static uint64_t lr_w(uint32_t *p) {
  reservation = p;
  return sx32(*p);
}
static uint64_t sc_d(uint64_t *p, uint64_t v) {
  int ok = reservation == p;
  reservation = NULL;
  if (ok) *p = v;
  return !ok;
}
static uint64_t sc_w(uint32_t *p, uint64_t v) {
  int ok = reservation == p;
  reservation = NULL;
  if (ok) *p = (uint32_t)v;
  return !ok;
}
#endif

static const uint64_t vals[] = {0,
                                1,
                                ~0ull,
                                0x7FFFFFFFull,
                                0x80000000ull,
                                0xFFFFFFFF80000000ull,
                                0x7FFFFFFFFFFFFFFFull,
                                0x8000000000000000ull,
                                0x00000001FFFFFFFFull,
                                0x123456789ABCDEF0ull,
                                0xFEDCBA9876543210ull,
                                42};
#define NV ((int)(sizeof vals / sizeof vals[0]))

int main(void) {
  /* 8-byte aligned cells; the .w ops use the low and the high half. */
  static uint64_t cell_hw[2], cell_model[2];
  int mismatches = 0;
  uint64_t h = FNV64_INIT;
  for (int op = 0; op < NAMO; op++) {
    uint64_t oh = FNV64_INIT;
    for (int wide = 0; wide < 2; wide++)
      for (int half = 0; half < (wide ? 1 : 2); half++)
        for (int i = 0; i < NV; i++)
          for (int j = 0; j < NV; j++) {
            cell_hw[0] = cell_model[0] = vals[i];
            cell_hw[1] = cell_model[1] = ~vals[i];
            void *phw = (unsigned char *)cell_hw + 4 * half;
            void *pm = (unsigned char *)cell_model + 4 * half;
            uint64_t r_hw = hw_amo(op, wide, phw, vals[j]);
            uint64_t r_m = model_amo(op, wide, pm, vals[j]);
            if (r_hw != r_m || memcmp(cell_hw, cell_model, sizeof cell_hw) != 0) {
              if (mismatches < 10)
                fprintf(stderr, "FAIL amo%s.%c(%016llx, %016llx): hw %016llx model %016llx\n",
                        amo_names[op], wide ? 'd' : 'w', (unsigned long long)vals[i],
                        (unsigned long long)vals[j], (unsigned long long)r_hw,
                        (unsigned long long)r_m);
              mismatches++;
            }
            oh = fnv1a64_u64(fnv1a64_u64(fnv1a64_u64(oh, r_hw), cell_hw[0]), cell_hw[1]);
          }
    printf("amo%-5s %016llx\n", amo_names[op], (unsigned long long)oh);
    h = fnv1a64_u64(h, oh);
  }
  check_u64("AMO mismatches", (uint64_t)mismatches, 0);

  /* LR/SC. */
  static uint64_t d[4];
  static uint32_t w[4];
  d[0] = 0x1111222233334444ull;
  d[1] = 5;
  uint64_t got = lr_d(&d[0]);
  uint64_t fail_other = sc_d(&d[1], 99); /* reservation is on d[0]: fails */
  uint64_t fail_again = sc_d(&d[0], 77); /* reservation was consumed: fails */
  got ^= lr_d(&d[0]);
  uint64_t ok = sc_d(&d[0], 0xABCDEF);
  printf("lr.d/sc.d: other-address %s, after-consumed %s, matching %s, d = %llx %llx\n",
         fail_other ? "fails" : "succeeds", fail_again ? "fails" : "succeeds",
         ok ? "fails" : "succeeds", (unsigned long long)d[0], (unsigned long long)d[1]);
  check_true("sc.d to another address fails", fail_other != 0 && d[1] == 5);
  check_true("sc.d after a consumed reservation fails", fail_again != 0);
  check_true("sc.d after lr.d succeeds", ok == 0 && d[0] == 0xABCDEF);

  w[1] = 0x80000001u;
  uint64_t lw = lr_w(&w[1]);
  uint64_t okw = sc_w(&w[1], 0x12345678);
  printf("lr.w = %016llx (sign-extended), sc.w %s, w = %08lx\n", (unsigned long long)lw,
         okw ? "fails" : "succeeds", (unsigned long)w[1]);
  check_u64("lr.w sign extension", lw, 0xFFFFFFFF80000001ull);
  check_true("sc.w after lr.w succeeds", okw == 0 && w[1] == 0x12345678);

  /* Counter incremented with an LR/SC retry loop. */
  d[2] = 0;
  uint64_t retries = 0;
  for (int i = 0; i < 5000; i++) {
    for (;;) {
      uint64_t cur = lr_d(&d[2]);
      if (sc_d(&d[2], cur + (uint64_t)i) == 0) break;
      retries++;
    }
  }
  printf("lr/sc counter = %llu, retries %llu\n", (unsigned long long)d[2],
         (unsigned long long)retries);
  check_u64("lr/sc counter", d[2], 5000ull * 4999 / 2);
  check_u64("lr/sc retries", retries, 0);

  printf("amo fnv %016llx\n", (unsigned long long)h);
  check_u64("amo fnv", h, 0x743fc331f1f6c9c9ull);
  (void)got;
  return finish(0);
}
