/* unaligned.c — misaligned memory access: packed structs, memcpy loads and
 * stores at every byte offset, little-endian (de)serialisation, and — on
 * RISC-V — real misaligned ld/lw/lwu/lh/lhu/sd/sw/sh instructions at
 * offsets that cross 8-byte words, 32-byte Merkle leaves and 4 KiB pages
 * (natively the same values come from memcpy). Exit status 0. */
#include "common.h"

#pragma pack(push, 1)
struct rec {
  uint8_t tag;
  uint64_t a;
  uint16_t b;
  uint32_t c;
  int16_t d;
  uint64_t e;
  uint8_t f[3];
};
#pragma pack(pop)

/* Loads/stores through the C abstract machine (memcpy). */
static uint64_t ld_c(const unsigned char *p, int size) {
  uint64_t v = 0;
  switch (size) {
    case 1: { uint8_t t; memcpy(&t, p, 1); v = t; break; }
    case 2: { uint16_t t; memcpy(&t, p, 2); v = t; break; }
    case 4: { uint32_t t; memcpy(&t, p, 4); v = t; break; }
    default: memcpy(&v, p, 8); break;
  }
  return v;
}

static void st_c(unsigned char *p, int size, uint64_t v) {
  switch (size) {
    case 1: { uint8_t t = (uint8_t)v; memcpy(p, &t, 1); break; }
    case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
    default: memcpy(p, &v, 8); break;
  }
}

/* Byte-assembled little-endian value (independent of the host). */
static uint64_t ld_le(const unsigned char *p, int size) {
  uint64_t v = 0;
  for (int i = size - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

#if defined(__riscv)
/* Raw machine loads/stores at any address: the fpvm and qemu both allow
 * misaligned accesses. Signed loads are returned sign-extended, as the
 * instructions define. */
static uint64_t ld_hw(const unsigned char *p, int size, int is_signed) {
  uint64_t v;
  switch (size * 2 + is_signed) {
    case 2: __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    case 3: __asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    case 4: __asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    case 5: __asm__ volatile("lh %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    case 8: __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    case 9: __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
    default: __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); break;
  }
  return v;
}

static void st_hw(unsigned char *p, int size, uint64_t v) {
  switch (size) {
    case 1: __asm__ volatile("sb %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); break;
    case 2: __asm__ volatile("sh %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); break;
    case 4: __asm__ volatile("sw %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); break;
    default: __asm__ volatile("sd %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); break;
  }
}
#else
static uint64_t ld_hw(const unsigned char *p, int size, int is_signed) {
  uint64_t v = ld_c(p, size);
  if (is_signed && size < 8 && (v >> (8 * size - 1)) & 1) v |= ~0ull << (8 * size);
  return v;
}
static void st_hw(unsigned char *p, int size, uint64_t v) { st_c(p, size, v); }
#endif

#define PAGE 4096

int main(void) {
  /* ---- packed structs */
  enum { NREC = 300 };
  struct rec *recs = xmalloc(NREC * sizeof *recs);
  printf("sizeof(struct rec) = %u\n", (unsigned)sizeof(struct rec));
  check_u64("packed size", sizeof(struct rec), 28);
  rng_seed(0x554e414c49474eull);
  for (int i = 0; i < NREC; i++) {
    recs[i].tag = (uint8_t)i;
    recs[i].a = rng_next();
    recs[i].b = (uint16_t)rng_next();
    recs[i].c = (uint32_t)rng_next();
    recs[i].d = (int16_t)(i * 37 - 5000);
    recs[i].e = recs[i].a ^ 0x0F0F0F0F0F0F0F0Full;
    recs[i].f[0] = (uint8_t)(i * 3);
    recs[i].f[1] = (uint8_t)(i * 5);
    recs[i].f[2] = (uint8_t)(i * 7);
  }
  uint64_t sum = 0;
  int64_t dsum = 0;
  for (int i = 0; i < NREC; i++) {
    sum += recs[i].a + recs[i].b + recs[i].c + (recs[i].e ^ recs[i].a) + recs[i].f[2];
    dsum += recs[i].d;
  }
  uint64_t rh = fnv1a64(FNV64_INIT, recs, NREC * sizeof *recs);
  printf("packed: sum %016llx, dsum %lld, bytes fnv %016llx\n", (unsigned long long)sum,
         (long long)dsum, (unsigned long long)rh);
  check_u64("packed bytes", rh, 0xd811a8f9abbcec09ull);

  /* ---- byte-level access at every offset across a page boundary.
   * buf is a page-aligned window [PAGE - 64, PAGE + 64) of a 2-page area. */
  unsigned char *raw = xmalloc(3 * PAGE);
  unsigned char *area = raw + (PAGE - ((uintptr_t)raw % PAGE)) % PAGE; /* page aligned */
  for (int i = 0; i < 2 * PAGE; i++) area[i] = (unsigned char)(i * 131 + 7);
  static const int sizes[4] = {1, 2, 4, 8};
  int mismatches = 0;
  uint64_t lh = FNV64_INIT;
  for (int off = PAGE - 64; off < PAGE + 64; off++)
    for (int s = 0; s < 4; s++) {
      unsigned char *p = area + off;
      uint64_t want = ld_le(p, sizes[s]);
      uint64_t got_c = ld_c(p, sizes[s]);
      uint64_t got_u = ld_hw(p, sizes[s], 0);
      uint64_t got_s = ld_hw(p, sizes[s], 1);
      uint64_t want_s = want;
      if (sizes[s] < 8 && (want >> (8 * sizes[s] - 1)) & 1) want_s |= ~0ull << (8 * sizes[s]);
      mismatches += got_c != want || got_u != want || got_s != want_s;
      lh = fnv1a64_u64(fnv1a64_u64(lh, got_u), got_s);
    }
  printf("loads at offsets %d..%d: fnv %016llx\n", PAGE - 64, PAGE + 63,
         (unsigned long long)lh);
  check_u64("load mismatches", (uint64_t)mismatches, 0);

  /* Stores: write a pattern at misaligned offsets with hardware stores in
   * one copy and byte stores in another, then compare whole areas. */
  unsigned char *raw2 = xmalloc(3 * PAGE);
  unsigned char *ref = raw2 + (PAGE - ((uintptr_t)raw2 % PAGE)) % PAGE;
  memcpy(ref, area, 2 * PAGE);
  uint64_t v = 0x0123456789ABCDEFull;
  for (int k = 0; k < 400; k++) {
    int off = (int)(PAGE - 40 + (k * 13) % 80); /* straddles the page */
    int size = sizes[k % 4];
    v = v * 6364136223846793005ull + 1442695040888963407ull;
    st_hw(area + off, size, v);
    for (int i = 0; i < size; i++) ref[off + i] = (unsigned char)(v >> (8 * i));
  }
  /* 32-byte leaf crossings: offsets 29..31 within a 32-byte block. */
  for (int blk = 0; blk < 16; blk++)
    for (int o = 25; o < 32; o++) {
      v = v * 6364136223846793005ull + 1442695040888963407ull;
      st_hw(area + blk * 32 + o, 8, v);
      for (int i = 0; i < 8; i++) ref[blk * 32 + o + i] = (unsigned char)(v >> (8 * i));
      mismatches += ld_hw(area + blk * 32 + o, 8, 0) != v;
    }
  int same = memcmp(area, ref, 2 * PAGE) == 0;
  uint64_t sh = fnv1a64(FNV64_INIT, area, 2 * PAGE);
  printf("stores: areas %s, fnv %016llx\n", same ? "equal" : "DIFFER", (unsigned long long)sh);
  check_true("store areas equal", same);
  check_u64("store mismatches", (uint64_t)mismatches, 0);
  check_u64("store area fnv", sh, 0x401ed3feb88bed4bull);

  /* ---- serialise records to an odd offset and back */
  unsigned char *stream = xmalloc(NREC * 40 + 8);
  size_t pos = 3;
  for (int i = 0; i < NREC; i++) {
    st_c(stream + pos, 8, recs[i].a); pos += 8;
    st_c(stream + pos, 2, recs[i].b); pos += 2;
    st_c(stream + pos, 4, recs[i].c); pos += 4;
    st_c(stream + pos, 2, (uint16_t)recs[i].d); pos += 2;
    st_c(stream + pos, 1, recs[i].tag); pos += 1;
  }
  pos = 3;
  int roundtrip_bad = 0;
  for (int i = 0; i < NREC; i++) {
    struct rec r;
    r.a = ld_hw(stream + pos, 8, 0); pos += 8;
    r.b = (uint16_t)ld_hw(stream + pos, 2, 0); pos += 2;
    r.c = (uint32_t)ld_hw(stream + pos, 4, 0); pos += 4;
    r.d = (int16_t)ld_hw(stream + pos, 2, 1); pos += 2;
    r.tag = (uint8_t)ld_hw(stream + pos, 1, 0); pos += 1;
    roundtrip_bad += r.a != recs[i].a || r.b != recs[i].b || r.c != recs[i].c ||
                     r.d != recs[i].d || r.tag != recs[i].tag;
  }
  printf("serialised %u bytes, round trip %s\n", (unsigned)(pos - 3),
         roundtrip_bad ? "BAD" : "ok");
  check_u64("round trip", (uint64_t)roundtrip_bad, 0);

  free(stream);
  free(raw2);
  free(raw);
  free(recs);
  return finish(0);
}
