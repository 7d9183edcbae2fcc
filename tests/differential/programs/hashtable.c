/* hashtable.c — two hash tables over the same operation stream:
 * open addressing (linear probing, tombstones, growth by rehash) with
 * string keys, and separate chaining with malloc'd entries. Every lookup
 * must agree; final contents are compared in key order. Exit status 0. */
#include "common.h"

static uint64_t hash_str(const char *s) {
  /* FNV-1a then a final avalanche, so low bits are usable directly. */
  uint64_t h = fnv1a64(FNV64_INIT, s, strlen(s));
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

/* ------------------------------------------------- open addressing */

struct oa_slot {
  char *key; /* NULL = empty; TOMBSTONE = deleted */
  uint64_t value;
};

static char tombstone_marker;
#define TOMBSTONE (&tombstone_marker)

struct oa_table {
  struct oa_slot *slots;
  size_t cap, used, live; /* used counts live + tombstones */
  uint64_t probes;
};

static void oa_init(struct oa_table *t, size_t cap) {
  t->slots = calloc(cap, sizeof *t->slots);
  if (!t->slots) exit(1);
  t->cap = cap;
  t->used = t->live = 0;
}

static struct oa_slot *oa_find(struct oa_table *t, const char *key, int for_insert) {
  size_t mask = t->cap - 1;
  size_t i = (size_t)hash_str(key) & mask;
  struct oa_slot *first_tomb = NULL;
  for (;;) {
    t->probes++;
    struct oa_slot *s = &t->slots[i];
    if (s->key == NULL) return for_insert && first_tomb ? first_tomb : (for_insert ? s : NULL);
    if (s->key == TOMBSTONE) {
      if (!first_tomb) first_tomb = s;
    } else if (strcmp(s->key, key) == 0) {
      return s;
    }
    i = (i + 1) & mask;
  }
}

static void oa_put(struct oa_table *t, const char *key, uint64_t value);

static void oa_grow(struct oa_table *t) {
  struct oa_slot *old = t->slots;
  size_t old_cap = t->cap;
  oa_init(t, t->live * 4 > old_cap ? old_cap * 2 : old_cap);
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key && old[i].key != TOMBSTONE) {
      struct oa_slot *s = oa_find(t, old[i].key, 1);
      *s = old[i];
      t->used++;
      t->live++;
    }
  free(old);
}

static void oa_put(struct oa_table *t, const char *key, uint64_t value) {
  if ((t->used + 1) * 4 > t->cap * 3) oa_grow(t);
  struct oa_slot *s = oa_find(t, key, 1);
  if (s->key && s->key != TOMBSTONE) {
    s->value = value;
    return;
  }
  if (s->key == NULL) t->used++;
  size_t n = strlen(key) + 1;
  s->key = xmalloc(n);
  memcpy(s->key, key, n);
  s->value = value;
  t->live++;
}

static int oa_get(struct oa_table *t, const char *key, uint64_t *value) {
  struct oa_slot *s = oa_find(t, key, 0);
  if (!s) return 0;
  *value = s->value;
  return 1;
}

static int oa_del(struct oa_table *t, const char *key) {
  struct oa_slot *s = oa_find(t, key, 0);
  if (!s) return 0;
  free(s->key);
  s->key = TOMBSTONE;
  t->live--;
  return 1;
}

/* ------------------------------------------------------- chaining */

struct ch_entry {
  struct ch_entry *next;
  uint64_t value;
  char key[];
};

struct ch_table {
  struct ch_entry **buckets;
  size_t nb, live;
};

static void ch_init(struct ch_table *t, size_t nb) {
  t->buckets = calloc(nb, sizeof *t->buckets);
  if (!t->buckets) exit(1);
  t->nb = nb;
  t->live = 0;
}

static struct ch_entry **ch_slot(struct ch_table *t, const char *key) {
  struct ch_entry **pp = &t->buckets[hash_str(key) % t->nb];
  while (*pp && strcmp((*pp)->key, key) != 0) pp = &(*pp)->next;
  return pp;
}

static void ch_put(struct ch_table *t, const char *key, uint64_t value) {
  struct ch_entry **pp = ch_slot(t, key);
  if (*pp) {
    (*pp)->value = value;
    return;
  }
  size_t n = strlen(key) + 1;
  struct ch_entry *e = xmalloc(sizeof *e + n);
  memcpy(e->key, key, n);
  e->value = value;
  e->next = NULL;
  *pp = e;
  t->live++;
}

static int ch_get(struct ch_table *t, const char *key, uint64_t *value) {
  struct ch_entry *e = *ch_slot(t, key);
  if (!e) return 0;
  *value = e->value;
  return 1;
}

static int ch_del(struct ch_table *t, const char *key) {
  struct ch_entry **pp = ch_slot(t, key);
  if (!*pp) return 0;
  struct ch_entry *e = *pp;
  *pp = e->next;
  free(e);
  t->live--;
  return 1;
}

/* ---------------------------------------------------------- driver */

struct kv {
  const char *key;
  uint64_t value;
};

static int cmp_kv(const void *a, const void *b) {
  return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

#define OPS 5000
#define KEYSPACE 1500

int main(void) {
  struct oa_table oa;
  struct ch_table ch;
  oa_init(&oa, 16);
  oa.probes = 0;
  ch_init(&ch, 389);
  rng_seed(0x4841534854424cull);

  int puts = 0, gets = 0, hits = 0, dels = 0, mismatches = 0;
  uint64_t hit_sum = 0;
  char key[32];
  for (int op = 0; op < OPS; op++) {
    uint64_t r = rng_next();
    snprintf(key, sizeof key, "key:%llu/%llu", (unsigned long long)(r % KEYSPACE),
             (unsigned long long)(r % KEYSPACE % 7));
    uint64_t kind = (r >> 32) % 10;
    if (kind < 5) {
      uint64_t v = r >> 20;
      oa_put(&oa, key, v);
      ch_put(&ch, key, v);
      puts++;
    } else if (kind < 8) {
      uint64_t v1 = 0, v2 = 0;
      int f1 = oa_get(&oa, key, &v1), f2 = ch_get(&ch, key, &v2);
      mismatches += f1 != f2 || v1 != v2;
      gets++;
      if (f1) {
        hits++;
        hit_sum += v1;
      }
    } else {
      int d1 = oa_del(&oa, key), d2 = ch_del(&ch, key);
      mismatches += d1 != d2;
      dels += d1;
    }
  }
  printf("ops: %d puts, %d gets (%d hits, sum %llu), %d deletes\n", puts, gets, hits,
         (unsigned long long)hit_sum, dels);
  printf("open addressing: cap %u, live %u, probes %llu\n", (unsigned)oa.cap,
         (unsigned)oa.live, (unsigned long long)oa.probes);

  /* Longest chain. */
  size_t longest = 0, empty = 0;
  for (size_t b = 0; b < ch.nb; b++) {
    size_t len = 0;
    for (struct ch_entry *e = ch.buckets[b]; e; e = e->next) len++;
    if (len > longest) longest = len;
    empty += len == 0;
  }
  printf("chaining: %u buckets, live %u, longest chain %u, empty %u\n", (unsigned)ch.nb,
         (unsigned)ch.live, (unsigned)longest, (unsigned)empty);

  /* Compare contents in key order. */
  struct kv *a = xmalloc(oa.live * sizeof *a), *b = xmalloc(ch.live * sizeof *b);
  size_t na = 0, nb = 0;
  for (size_t i = 0; i < oa.cap; i++)
    if (oa.slots[i].key && oa.slots[i].key != TOMBSTONE) {
      a[na].key = oa.slots[i].key;
      a[na++].value = oa.slots[i].value;
    }
  for (size_t i = 0; i < ch.nb; i++)
    for (struct ch_entry *e = ch.buckets[i]; e; e = e->next) {
      b[nb].key = e->key;
      b[nb++].value = e->value;
    }
  qsort(a, na, sizeof *a, cmp_kv);
  qsort(b, nb, sizeof *b, cmp_kv);
  int same = na == nb;
  uint64_t h = FNV64_INIT;
  for (size_t i = 0; same && i < na; i++) {
    same = strcmp(a[i].key, b[i].key) == 0 && a[i].value == b[i].value;
    h = fnv1a64_u64(fnv1a64(h, a[i].key, strlen(a[i].key)), a[i].value);
  }
  printf("first key %s, last key %s, contents fnv %016llx\n", na ? a[0].key : "-",
         na ? a[na - 1].key : "-", (unsigned long long)h);
  check_true("tables agree", same);
  check_u64("lookup mismatches", (uint64_t)mismatches, 0);
  check_u64("contents fnv", h, 0x07c29cf9d7222f0eull);
  check_u64("hit sum", hit_sum, 5459848594141932ull);
  return finish(0);
}
