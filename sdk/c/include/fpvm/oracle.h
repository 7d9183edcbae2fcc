/* fpvm/oracle.h — the pre-image oracle of a fault-proof program, header-only and freestanding
 * (no libc), for RISC-V 64 (Asterisc) and MIPS64 (Cannon MT64) guests.
 *
 * Everything a fault-proof program learns from outside comes through two channels (spec §5, §6):
 *   hints     fd 4 (write): BE u32 length ‖ text; fd 3 (read): a 1-byte ack
 *   preimages fd 6 (write): the 32-byte key; fd 5 (read): BE u64 length ‖ value
 * Inside fpvm a key write or a value read moves at most up to the next 32-byte boundary of the
 * buffer, so every transfer below loops until it is complete.
 *
 * Keys (byte 0 is the type; spec §6.1, op-program's op-preimage):
 *   FPVM_KEY_LOCAL           1  boot value `index`: BE u64 index in bytes 24..31
 *   FPVM_KEY_KECCAK256       2  keccak256(value) with byte 0 replaced
 *   FPVM_KEY_GLOBAL_GENERIC  3  a global key whose hash the host chooses
 *   FPVM_KEY_SHA256          4  sha256(value) with byte 0 replaced
 *   FPVM_KEY_BLOB            5  keccak256(48-byte commitment ‖ 32-byte root of unity z) with byte 0
 *                               replaced (one field element of a blob, as op-program asks for it)
 *   FPVM_KEY_PRECOMPILE      6  keccak256 of the precompile request as the host expects it
 *                               (op-program: address ‖ input), byte 0 replaced
 *
 * Errors: functions return a negative FPVM_ORACLE_E* code; nothing aborts by itself. The program
 * decides what a failure means (usually fpvm_exit_verdict(FPVM_VERDICT_PANIC)).
 *
 * Verdicts: exit code 0 = the claim is valid, 1 = invalid, >= 2 = panic (the VM's status byte;
 * `fpvm test` reports them by these names). */
#ifndef FPVM_ORACLE_H
#define FPVM_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "fpvm/keccak256.h"
#include "fpvm/syscall.h"

/* ---- channels, key types, verdicts ---- */

#define FPVM_FD_STDOUT 1
#define FPVM_FD_STDERR 2
#define FPVM_FD_HINT_READ 3
#define FPVM_FD_HINT_WRITE 4
#define FPVM_FD_PREIMAGE_READ 5
#define FPVM_FD_PREIMAGE_WRITE 6

enum fpvm_key_type {
  FPVM_KEY_LOCAL = 1,
  FPVM_KEY_KECCAK256 = 2,
  FPVM_KEY_GLOBAL_GENERIC = 3,
  FPVM_KEY_SHA256 = 4,
  FPVM_KEY_BLOB = 5,
  FPVM_KEY_PRECOMPILE = 6,
};

enum fpvm_verdict {
  FPVM_VERDICT_VALID = 0,
  FPVM_VERDICT_INVALID = 1,
  FPVM_VERDICT_PANIC = 2,
};

#define FPVM_ORACLE_EIO (-1)       /* a read or write on an oracle channel failed or hit EOF */
#define FPVM_ORACLE_ETOOBIG (-2)   /* the value is longer than the caller's buffer */
#define FPVM_ORACLE_EHASH (-3)     /* the value does not hash to its keccak256 key */
#define FPVM_ORACLE_EHINT (-4)     /* the hint text is too long for fpvm_hint_hash's buffer */

/* ---- byte helpers (freestanding: no memcpy needed) ---- */

static inline uint64_t fpvm_get_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

static inline void fpvm_put_be64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

/* ---- raw channel I/O ---- */

/* Writes all `n` bytes to `fd`; 0 or FPVM_ORACLE_EIO. */
static inline int fpvm_write_all(int fd, const void *data, size_t n) {
  const uint8_t *p = (const uint8_t *)data;
  while (n > 0) {
    long w = fpvm_syscall3(FPVM_SYS_WRITE, fd, (long)p, (long)n);
    if (w <= 0 || fpvm_sys_failed(w)) return FPVM_ORACLE_EIO;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads exactly `n` bytes from `fd`; 0 or FPVM_ORACLE_EIO. */
static inline int fpvm_read_exact(int fd, void *data, size_t n) {
  uint8_t *p = (uint8_t *)data;
  while (n > 0) {
    long r = fpvm_syscall3(FPVM_SYS_READ, fd, (long)p, (long)n);
    if (r <= 0 || fpvm_sys_failed(r)) return FPVM_ORACLE_EIO;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

/* ---- exit ---- */

/* Ends the program with `code` (0 valid, 1 invalid, >= 2 panic). Output written with the raw
 * channels is already out; flush your own buffers first. */
static inline __attribute__((noreturn)) void fpvm_exit(int code) {
  for (;;) {
    fpvm_syscall1(FPVM_SYS_EXIT_GROUP, code);
    fpvm_syscall1(FPVM_SYS_EXIT, code);
  }
}

/* Ends the program with a verdict. */
static inline __attribute__((noreturn)) void fpvm_exit_verdict(enum fpvm_verdict v) { fpvm_exit((int)v); }

/* ---- keys ---- */

/* The local key of boot value `index`. */
static inline void fpvm_key_local(uint8_t key[32], uint64_t index) {
  for (int i = 0; i < 24; ++i) key[i] = 0;
  key[0] = FPVM_KEY_LOCAL;
  fpvm_put_be64(key + 24, index);
}

/* A global key: `hash` with byte 0 replaced by `type` (keccak256, sha256, blob, precompile,
 * global generic). */
static inline void fpvm_key_global(uint8_t key[32], enum fpvm_key_type type, const uint8_t hash[32]) {
  for (int i = 0; i < 32; ++i) key[i] = hash[i];
  key[0] = (uint8_t)type;
}

/* The blob key of the field element at root of unity `z` (32 bytes, BE) of the blob with this
 * 48-byte KZG commitment. */
static inline void fpvm_key_blob(uint8_t key[32], const uint8_t commitment[48], const uint8_t z[32]) {
  uint8_t buf[80];
  for (int i = 0; i < 48; ++i) buf[i] = commitment[i];
  for (int i = 0; i < 32; ++i) buf[48 + i] = z[i];
  fpvm_keccak256(buf, sizeof buf, key);
  key[0] = FPVM_KEY_BLOB;
}

/* ---- hints ---- */

/* The hint's text, in a write of its own after the length prefix (a run then has steps where
 * the VM holds an incomplete hint, as with any program that writes hints in pieces). Out of line
 * so that a run's log and symbol table name it. */
static __attribute__((noinline, unused)) int fpvm_hint_write_body(const void *text, size_t n) {
  return fpvm_write_all(FPVM_FD_HINT_WRITE, text, n);
}

/* Sends one hint of `n` bytes and waits for its ack; 0 or FPVM_ORACLE_EIO. */
static inline int fpvm_hint(const void *text, size_t n) {
  uint8_t prefix[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
  if (fpvm_write_all(FPVM_FD_HINT_WRITE, prefix, 4) != 0) return FPVM_ORACLE_EIO;
  if (fpvm_hint_write_body(text, n) != 0) return FPVM_ORACLE_EIO;
  uint8_t ack;
  return fpvm_read_exact(FPVM_FD_HINT_READ, &ack, 1);
}

/* Sends a NUL-terminated hint. */
static inline int fpvm_hint_str(const char *text) {
  size_t n = 0;
  while (text[n]) ++n;
  return fpvm_hint(text, n);
}

/* Sends "<kind> 0x<hex of data>" (op-program's hint shape), e.g. fpvm_hint_hex("l2-header", h, 32).
 * `kind` plus the hex must fit in 256 bytes (else FPVM_ORACLE_EHINT). */
static inline int fpvm_hint_hex(const char *kind, const uint8_t *data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  char text[256];
  size_t len = 0;
  while (*kind) {
    if (len >= sizeof text) return FPVM_ORACLE_EHINT;
    text[len++] = *kind++;
  }
  if (len + 3 + 2 * n > sizeof text) return FPVM_ORACLE_EHINT;
  text[len++] = ' ';
  text[len++] = '0';
  text[len++] = 'x';
  for (size_t i = 0; i < n; ++i) {
    text[len++] = digits[data[i] >> 4];
    text[len++] = digits[data[i] & 15];
  }
  return fpvm_hint(text, len);
}

/* ---- pre-images ---- */

/* Selects `key` and returns the length of its value (>= 0) or FPVM_ORACLE_EIO. Read the value
 * with fpvm_preimage_read; selecting another key abandons the rest. */
static inline int64_t fpvm_preimage_open(const uint8_t key[32]) {
  uint8_t len_be[8];
  if (fpvm_write_all(FPVM_FD_PREIMAGE_WRITE, key, 32) != 0) return FPVM_ORACLE_EIO;
  if (fpvm_read_exact(FPVM_FD_PREIMAGE_READ, len_be, 8) != 0) return FPVM_ORACLE_EIO;
  uint64_t len = fpvm_get_be64(len_be);
  return len > (uint64_t)INT64_MAX ? FPVM_ORACLE_EIO : (int64_t)len;
}

/* Reads the next `n` bytes of the open value; 0 or FPVM_ORACLE_EIO. */
static inline int fpvm_preimage_read(void *buf, size_t n) { return fpvm_read_exact(FPVM_FD_PREIMAGE_READ, buf, n); }

/* The whole value of `key` into `buf` (at most `cap` bytes): its length, FPVM_ORACLE_ETOOBIG
 * when longer than `cap` (nothing read), or FPVM_ORACLE_EIO. */
static inline int64_t fpvm_preimage_get(const uint8_t key[32], void *buf, size_t cap) {
  int64_t len = fpvm_preimage_open(key);
  if (len < 0) return len;
  if ((uint64_t)len > cap) return FPVM_ORACLE_ETOOBIG;
  if (fpvm_preimage_read(buf, (size_t)len) != 0) return FPVM_ORACLE_EIO;
  return len;
}

/* Boot value `index` (the local key of that index): its length or an error as above. */
static inline int64_t fpvm_local_get(uint64_t index, void *buf, size_t cap) {
  uint8_t key[32];
  fpvm_key_local(key, index);
  return fpvm_preimage_get(key, buf, cap);
}

/* The keccak256 pre-image of `hash`, checked against it (a fault-proof program trusts nothing):
 * its length, or FPVM_ORACLE_ETOOBIG / FPVM_ORACLE_EIO / FPVM_ORACLE_EHASH. */
static inline int64_t fpvm_keccak256_get(const uint8_t hash[32], void *buf, size_t cap) {
  uint8_t key[32], check[32];
  fpvm_key_global(key, FPVM_KEY_KECCAK256, hash);
  int64_t len = fpvm_preimage_get(key, buf, cap);
  if (len < 0) return len;
  fpvm_keccak256(buf, (size_t)len, check);
  for (int i = 0; i < 32; ++i)
    if (check[i] != hash[i]) return FPVM_ORACLE_EHASH;
  return len;
}

/* Hints "<kind> 0x<hash>", then fetches and checks the keccak256 pre-image of `hash`. */
static inline int64_t fpvm_keccak256_get_hinted(const char *kind, const uint8_t hash[32], void *buf, size_t cap) {
  int rc = fpvm_hint_hex(kind, hash, 32);
  if (rc != 0) return rc;
  return fpvm_keccak256_get(hash, buf, cap);
}

/* A short name for an FPVM_ORACLE_E* code, for messages. */
static inline const char *fpvm_oracle_error_name(int64_t code) {
  switch (code) {
    case FPVM_ORACLE_EIO: return "oracle I/O failed";
    case FPVM_ORACLE_ETOOBIG: return "pre-image larger than its buffer";
    case FPVM_ORACLE_EHASH: return "pre-image does not match its hash";
    case FPVM_ORACLE_EHINT: return "hint too long";
    default: return "no error";
  }
}

#endif /* FPVM_ORACLE_H */
