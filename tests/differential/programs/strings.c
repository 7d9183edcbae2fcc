/* strings.c — string processing over generated English-like text:
 * tokenizing (strtok), word frequencies (qsort + strcmp), reversal, rot13,
 * strstr/strspn/strcspn/strchr/strrchr, number parsing (strtol/atoi),
 * snprintf truncation, and a read of stdin (which must be at EOF).
 * Writes a summary line to stderr. Exit status 0. The last stdout line has
 * no trailing newline (the runtime must flush a partial buffer at exit). */
#include "common.h"

static const char *const vocab[] = {
    "the",    "quick",  "brown",  "fox",    "jumps",  "over",   "lazy",
    "dog",    "a",      "level",  "proof",  "fault",  "step",   "state",
    "memory", "merkle", "root",   "hash",   "radar",  "of",     "and",
    "to",     "in",     "is",     "that",   "it",     "was",    "for",
    "on",     "are",    "with",   "as",     "noon",   "his",    "they",
    "be",     "at",     "one",    "have",   "this",   "from",   "or",
    "had",    "by",     "word",   "but",    "what",   "some",   "we",
    "can",    "out",    "other",  "were",   "all",    "there",  "when",
    "up",     "use",    "your",   "how",    "said",   "an",     "each",
    "civic",  "refer",  "kayak",  "deed",   "stats",  "rotor",  "madam"};
#define NVOCAB ((int)(sizeof vocab / sizeof vocab[0]))

#define NWORDS 2500

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

static void reverse(char *s, size_t n) {
  for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
    char t = s[i];
    s[i] = s[j - 1];
    s[j - 1] = t;
  }
}

static int is_palindrome(const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n / 2; i++)
    if (s[i] != s[n - 1 - i]) return 0;
  return n > 1;
}

static void rot13(char *s) {
  for (; *s; s++) {
    char c = *s;
    if (c >= 'a' && c <= 'z') *s = (char)('a' + (c - 'a' + 13) % 26);
    else if (c >= 'A' && c <= 'Z') *s = (char)('A' + (c - 'A' + 13) % 26);
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

struct freq {
  const char *word;
  int count;
};

static int cmp_freq(const void *a, const void *b) {
  const struct freq *x = a, *y = b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->word, y->word);
}

int main(void) {
  /* ---- generate text */
  size_t cap = NWORDS * 12 + 64;
  char *text = xmalloc(cap);
  size_t len = 0;
  rng_seed(0x535452494e47ull);
  int sentence_start = 1;
  for (int i = 0; i < NWORDS; i++) {
    const char *w = vocab[rng_below(NVOCAB)];
    size_t wl = strlen(w);
    memcpy(text + len, w, wl);
    if (sentence_start) text[len] = upper(text[len]);
    len += wl;
    sentence_start = 0;
    uint64_t r = rng_below(100);
    if (i == NWORDS - 1 || r < 8) {
      text[len++] = r < 5 ? '.' : (r < 7 ? '!' : '?');
      sentence_start = 1;
    } else if (r < 15) {
      text[len++] = ',';
    }
    text[len++] = (i % 17 == 16) ? '\n' : ' ';
  }
  text[len] = '\0';
  printf("text: %u bytes, fnv %016llx\n", (unsigned)len,
         (unsigned long long)fnv1a64(FNV64_INIT, text, len));
  printf("first line: %.*s\n", (int)strcspn(text, "\n"), text);

  /* ---- character classes */
  size_t spaces = 0, punct = 0, caps = 0, lines = 0;
  for (const char *p = text; *p; p++) {
    if (*p == ' ') spaces++;
    else if (*p == '\n') lines++;
    else if (strchr(".,!?", *p)) punct++;
    else if (*p >= 'A' && *p <= 'Z') caps++;
  }
  printf("spaces=%u punct=%u capitals=%u lines=%u\n", (unsigned)spaces,
         (unsigned)punct, (unsigned)caps, (unsigned)lines);

  /* ---- strstr: occurrences of "the" (as a substring, any case) */
  char *low = xmalloc(len + 1);
  for (size_t i = 0; i <= len; i++) low[i] = lower(text[i]);
  int the_count = 0;
  for (const char *p = low; (p = strstr(p, "the")) != NULL; p++) the_count++;
  printf("substring \"the\": %d\n", the_count);
  const char *last_dot = strrchr(text, '.');
  printf("last '.' at offset %ld\n", last_dot ? (long)(last_dot - text) : -1L);

  /* ---- tokenize */
  char *copy = xmalloc(len + 1);
  memcpy(copy, low, len + 1);
  char **words = xmalloc(NWORDS * sizeof(char *));
  int nw = 0;
  size_t total_len = 0, longest = 0;
  int palins = 0;
  for (char *tok = strtok(copy, " ,.!?\n"); tok; tok = strtok(NULL, " ,.!?\n")) {
    words[nw++] = tok;
    size_t l = strlen(tok);
    total_len += l;
    if (l > longest) longest = l;
    palins += is_palindrome(tok);
  }
  printf("words=%d avg_len_x100=%u longest=%u palindromes=%d\n", nw,
         (unsigned)(total_len * 100 / (size_t)nw), (unsigned)longest, palins);
  check_u64("word count", (uint64_t)nw, NWORDS);

  /* ---- frequencies: sort, then run-length count, then sort by count */
  qsort(words, (size_t)nw, sizeof(char *), cmp_str);
  struct freq *f = xmalloc((size_t)nw * sizeof *f);
  int nf = 0;
  for (int i = 0; i < nw; i++) {
    if (nf > 0 && strcmp(f[nf - 1].word, words[i]) == 0) {
      f[nf - 1].count++;
    } else {
      f[nf].word = words[i];
      f[nf].count = 1;
      nf++;
    }
  }
  qsort(f, (size_t)nf, sizeof *f, cmp_freq);
  printf("unique=%d top10:", nf);
  uint64_t fh = FNV64_INIT;
  for (int i = 0; i < nf; i++) {
    if (i < 10) printf(" %s:%d", f[i].word, f[i].count);
    fh = fnv1a64(fh, f[i].word, strlen(f[i].word));
    fh = fnv1a64_u64(fh, (uint64_t)f[i].count);
  }
  printf("\nfrequency table fnv %016llx\n", (unsigned long long)fh);
  check_u64("unique words", (uint64_t)nf, NVOCAB);

  /* ---- reverse the text, then each word back: word order reversed */
  char *rev = xmalloc(len + 1);
  memcpy(rev, text, len + 1);
  reverse(rev, len);
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && rev[j] != ' ' && rev[j] != '\n') j++;
    reverse(rev + i, j - i);
    i = j + 1;
  }
  printf("reversed word order: %.*s\n", (int)strcspn(rev + 1, "\n"), rev + 1);
  uint64_t rh = fnv1a64(FNV64_INIT, rev, len);

  /* ---- rot13 twice is the identity */
  char *r13 = xmalloc(len + 1);
  memcpy(r13, text, len + 1);
  rot13(r13);
  printf("rot13: %.50s\n", r13);
  uint64_t r13h = fnv1a64(FNV64_INIT, r13, len);
  rot13(r13);
  check_true("rot13 twice", strcmp(r13, text) == 0);

  /* ---- number parsing */
  char rec[2048];
  size_t rl = 0;
  int64_t expect_sum = 0;
  for (int i = 0; i < 60; i++) {
    long v = (long)rng_below(2000001) - 1000000;
    expect_sum += v;
    rl += (size_t)snprintf(rec + rl, sizeof rec - rl, "k%d=%ld;", i, v);
  }
  int64_t sum = 0;
  int fields = 0;
  for (char *p = rec; *p;) {
    char *eq = strchr(p, '=');
    if (!eq) break;
    char *end;
    long v = strtol(eq + 1, &end, 10);
    if (*end != ';') break;
    sum += v;
    fields++;
    p = end + 1;
  }
  printf("parsed %d fields, sum %lld, atoi(\"  -42x\")=%d, strtol(hex)=%ld\n",
         fields, (long long)sum, atoi("  -42x"), strtol("0x7fffABC", NULL, 16));
  check_u64("parsed sum", (uint64_t)sum, (uint64_t)expect_sum);
  check_u64("parsed fields", (uint64_t)fields, 60);

  /* ---- snprintf truncation */
  char small[8];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
  int want = snprintf(small, sizeof small, "%s-%05d", "abcdef", 42);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  printf("snprintf: \"%s\" (would be %d chars) [%-6s|%6s|%x|%o|%c|%%]\n", small,
         want, "ab", "cd", 48879, 8, 'Z');
  check_str("snprintf truncated", small, "abcdef-");
  check_u64("snprintf length", (uint64_t)want, 12);

  /* ---- stdin must be at EOF (qemu: </dev/null; fpvm: read(0) = 0) */
  int c = getchar();
  printf("stdin: %s\n", c == EOF ? "EOF" : "data");
  check_true("stdin at EOF", c == EOF);

  uint64_t all = fnv1a64_u64(fnv1a64_u64(fnv1a64_u64(FNV64_INIT, fh), rh), r13h);
  printf("checksum %016llx\n", (unsigned long long)all);
  check_u64("checksum", all, 0x4b70d85a0d1dec74ull);

  fprintf(stderr, "strings: %d words, %d unique, %d palindromes, \"the\" x%d\n",
          nw, nf, palins, the_count);
  if (check_failures) {
    printf("FAILED (%d checks)\n", check_failures);
    return 1;
  }
  printf("strings: OK"); /* no newline on purpose */
  free(text);
  free(low);
  free(copy);
  free(words);
  free(f);
  free(rev);
  free(r13);
  return 0;
}
