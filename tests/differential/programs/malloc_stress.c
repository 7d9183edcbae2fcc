/* malloc_stress.c — allocator-heavy code: linked lists of variable-size
 * nodes, a binary search tree with deletions, realloc-grown vectors and
 * strings, calloc, and random alloc/free churn with content verification.
 * Exit status 0. */
#include "common.h"

/* ------------------------------------------------------------ list */

struct node {
  struct node *next;
  uint32_t id;
  uint32_t len;
  unsigned char payload[]; /* len bytes, filled from id */
};

static struct node *node_new(uint32_t id, uint32_t len) {
  struct node *n = xmalloc(sizeof *n + len);
  n->next = NULL;
  n->id = id;
  n->len = len;
  for (uint32_t i = 0; i < len; i++) n->payload[i] = (unsigned char)(id * 31 + i);
  return n;
}

static int node_ok(const struct node *n) {
  for (uint32_t i = 0; i < n->len; i++)
    if (n->payload[i] != (unsigned char)(n->id * 31 + i)) return 0;
  return 1;
}

static uint64_t list_test(void) {
  struct node *head = NULL;
  for (uint32_t i = 0; i < 900; i++) {
    struct node *n = node_new(i, (uint32_t)(8 + rng_below(120)));
    n->next = head;
    head = n;
  }
  /* Drop every node whose id is divisible by 3. */
  struct node **pp = &head;
  int removed = 0;
  while (*pp) {
    if ((*pp)->id % 3 == 0) {
      struct node *dead = *pp;
      *pp = dead->next;
      free(dead);
      removed++;
    } else {
      pp = &(*pp)->next;
    }
  }
  /* Reverse in place. */
  struct node *prev = NULL;
  while (head) {
    struct node *next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  head = prev;
  uint64_t h = FNV64_INIT;
  int count = 0, bad = 0;
  for (struct node *n = head; n; n = n->next) {
    h = fnv1a64_u64(h, n->id);
    h = fnv1a64(h, n->payload, n->len);
    bad += !node_ok(n);
    count++;
  }
  while (head) {
    struct node *next = head->next;
    free(head);
    head = next;
  }
  printf("list: removed %d, kept %d, payload fnv %016llx\n", removed, count,
         (unsigned long long)h);
  check_u64("list kept", (uint64_t)count, 600);
  check_u64("list payload corruption", (uint64_t)bad, 0);
  return h;
}

/* ------------------------------------------------------------- tree */

struct tnode {
  struct tnode *l, *r;
  uint64_t key;
  char *label; /* separately allocated string */
};

static struct tnode *tree_insert(struct tnode *t, uint64_t key, int *added) {
  struct tnode **pp = &t;
  while (*pp) {
    if (key == (*pp)->key) return t;
    pp = key < (*pp)->key ? &(*pp)->l : &(*pp)->r;
  }
  struct tnode *n = xmalloc(sizeof *n);
  n->l = n->r = NULL;
  n->key = key;
  char buf[32];
  int len = snprintf(buf, sizeof buf, "k%llu", (unsigned long long)(key % 100000));
  n->label = xmalloc((size_t)len + 1);
  memcpy(n->label, buf, (size_t)len + 1);
  *pp = n;
  ++*added;
  return t;
}

static struct tnode *tree_delete(struct tnode *t, uint64_t key, int *deleted) {
  struct tnode **pp = &t;
  while (*pp && (*pp)->key != key) pp = key < (*pp)->key ? &(*pp)->l : &(*pp)->r;
  struct tnode *n = *pp;
  if (!n) return t;
  if (!n->l) {
    *pp = n->r;
  } else if (!n->r) {
    *pp = n->l;
  } else {
    /* Replace by the in-order successor. */
    struct tnode **sp = &n->r;
    while ((*sp)->l) sp = &(*sp)->l;
    struct tnode *s = *sp;
    *sp = s->r;
    s->l = n->l;
    s->r = n->r;
    *pp = s;
  }
  free(n->label);
  free(n);
  ++*deleted;
  return t;
}

static void tree_walk(const struct tnode *t, uint64_t *h, int *count, uint64_t *last,
                      int *ordered) {
  while (t) {
    tree_walk(t->l, h, count, last, ordered);
    if (*count > 0 && t->key <= *last) *ordered = 0;
    *last = t->key;
    *h = fnv1a64(fnv1a64_u64(*h, t->key), t->label, strlen(t->label));
    ++*count;
    t = t->r;
  }
}

static int tree_height(const struct tnode *t) {
  if (!t) return 0;
  int a = tree_height(t->l), b = tree_height(t->r);
  return 1 + (a > b ? a : b);
}

static void tree_free(struct tnode *t) {
  while (t) {
    tree_free(t->l);
    struct tnode *r = t->r;
    free(t->label);
    free(t);
    t = r;
  }
}

static uint64_t tree_test(void) {
  struct tnode *root = NULL;
  int added = 0, deleted = 0;
  uint64_t *keys = xmalloc(1200 * sizeof(uint64_t));
  for (int i = 0; i < 1200; i++) {
    keys[i] = rng_below(20000);
    root = tree_insert(root, keys[i], &added);
  }
  for (int i = 0; i < 1200; i += 2) root = tree_delete(root, keys[i], &deleted);
  uint64_t h = FNV64_INIT, last = 0;
  int count = 0, ordered = 1;
  tree_walk(root, &h, &count, &last, &ordered);
  printf("tree: added %d, deleted %d, size %d, height %d, fnv %016llx\n", added,
         deleted, count, tree_height(root), (unsigned long long)h);
  check_true("tree in order", ordered);
  check_u64("tree size", (uint64_t)count, (uint64_t)(added - deleted));
  tree_free(root);
  free(keys);
  return h;
}

/* -------------------------------------------------------- realloc */

static uint64_t realloc_test(void) {
  /* Vector grown one element at a time with 1.5x capacity steps. */
  size_t cap = 1, n = 0;
  uint32_t *v = xmalloc(cap * sizeof *v);
  for (uint32_t i = 0; i < 8000; i++) {
    if (n == cap) {
      cap = cap + cap / 2 + 1;
      v = realloc(v, cap * sizeof *v);
      check_true("realloc vector", v != NULL);
      if (!v) exit(1);
    }
    v[n++] = i * 2654435761u;
  }
  int bad = 0;
  for (uint32_t i = 0; i < n; i++) bad += v[i] != i * 2654435761u;
  /* Shrink and check the prefix survived. */
  v = realloc(v, 100 * sizeof *v);
  for (uint32_t i = 0; i < 100; i++) bad += v[i] != i * 2654435761u;
  uint64_t h = fnv1a64(FNV64_INIT, v, 100 * sizeof *v);
  free(v);

  /* String built by appending with realloc to the exact size. */
  char *s = NULL;
  size_t len = 0;
  for (int i = 0; i < 400; i++) {
    char piece[24];
    int pl = snprintf(piece, sizeof piece, "%d,", i * i);
    char *t = realloc(s, len + (size_t)pl + 1);
    if (!t) exit(1);
    s = t;
    memcpy(s + len, piece, (size_t)pl + 1);
    len += (size_t)pl;
  }
  h = fnv1a64(h, s, len);
  printf("realloc: vector cap %u, string %u bytes, tail \"%s\", fnv %016llx\n",
         (unsigned)cap, (unsigned)len, s + len - 20, (unsigned long long)h);
  check_u64("realloc corruption", (uint64_t)bad, 0);
  free(s);
  return h;
}

/* ---------------------------------------------------------- churn */

#define SLOTS 256

static uint64_t churn_test(void) {
  unsigned char *slot[SLOTS];
  uint32_t size[SLOTS];
  unsigned char tag[SLOTS];
  memset(slot, 0, sizeof slot);
  int bad = 0, allocs = 0, frees = 0, callocs = 0;
  uint64_t bytes = 0;
  for (int round = 0; round < 3000; round++) {
    int i = (int)rng_below(SLOTS);
    if (slot[i]) {
      for (uint32_t k = 0; k < size[i]; k++) bad += slot[i][k] != (unsigned char)(tag[i] + k);
      free(slot[i]);
      slot[i] = NULL;
      frees++;
    } else {
      /* Mostly small, sometimes a few KiB. */
      uint32_t sz = (uint32_t)(rng_below(16) == 0 ? 256 + rng_below(2048) : 1 + rng_below(96));
      if (rng_below(4) == 0) {
        slot[i] = calloc(sz, 1);
        if (!slot[i]) exit(1);
        for (uint32_t k = 0; k < sz; k++) bad += slot[i][k] != 0;
        callocs++;
      } else {
        slot[i] = xmalloc(sz);
      }
      size[i] = sz;
      tag[i] = (unsigned char)rng_next();
      for (uint32_t k = 0; k < sz; k++) slot[i][k] = (unsigned char)(tag[i] + k);
      allocs++;
      bytes += sz;
    }
  }
  int live = 0;
  for (int i = 0; i < SLOTS; i++)
    if (slot[i]) {
      live++;
      free(slot[i]);
    }
  printf("churn: %d allocs (%d calloc), %d frees, %d live at end, %llu bytes\n",
         allocs, callocs, frees, live, (unsigned long long)bytes);
  check_u64("churn corruption", (uint64_t)bad, 0);
  return fnv1a64_u64(fnv1a64_u64(FNV64_INIT, (uint64_t)allocs), bytes);
}

int main(void) {
  rng_seed(0x4d414c4c4f43ull);
  uint64_t h = FNV64_INIT;
  h = fnv1a64_u64(h, list_test());
  h = fnv1a64_u64(h, tree_test());
  h = fnv1a64_u64(h, realloc_test());
  h = fnv1a64_u64(h, churn_test());
  printf("combined %016llx\n", (unsigned long long)h);
  check_u64("combined", h, 0x38b64af7ea516defull);
  return finish(0);
}
