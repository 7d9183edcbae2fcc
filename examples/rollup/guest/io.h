/* Output, preimage oracle client and hints for the freestanding guest. */
#ifndef ROLLUP_IO_H
#define ROLLUP_IO_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes: 0 claim valid, 1 claim invalid, >= 2 panic (the VM reports status "panic"). */
#define EXIT_VALID 0
#define EXIT_INVALID 1
#define EXIT_BAD_DATA 2
#define EXIT_BAD_ORACLE 3

void out_str(const char *s);
void out_u64(uint64_t v);
void out_hex(const uint8_t *p, size_t n);
void out_flush(void);
__attribute__((noreturn)) void panic(int code, const char *msg);

/* Sends the hint "<kind> 0x<hash hex>" (BE u32 length prefix, then the text, in two writes) and
 * waits for the 1-byte ack. */
void hint_hash(const char *kind, const uint8_t hash[32]);
/* Reads the preimage of `key` into `buf` (at most `cap` bytes); returns its length. Panics when
 * the value is longer than `cap`. */
size_t preimage_get(const uint8_t key[32], uint8_t *buf, size_t cap);
/* Local boot value `index` (type-1 key). */
size_t local_get(uint64_t index, uint8_t *buf, size_t cap);
/* Keccak256 preimage of `hash`, hinted with `kind` first and checked against the hash. */
size_t keccak_preimage_get(const char *kind, const uint8_t hash[32], uint8_t *buf, size_t cap);

uint64_t get_be64(const uint8_t *p);
void put_be64(uint8_t *p, uint64_t v);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
