/* Output and the program's use of the pre-image oracle (sdk/c/include/fpvm/oracle.h): every
 * oracle failure ends the program with a panic code and a message. */
#ifndef ROLLUP_IO_H
#define ROLLUP_IO_H

#include <stddef.h>
#include <stdint.h>

#include "fpvm/keccak256.h"
#include "fpvm/oracle.h"

/* Exit codes: 0 claim valid, 1 claim invalid, >= 2 panic (the VM reports status "panic"). */
#define EXIT_VALID FPVM_VERDICT_VALID
#define EXIT_INVALID FPVM_VERDICT_INVALID
#define EXIT_BAD_DATA 2
#define EXIT_BAD_ORACLE 3

void out_str(const char *s);
void out_u64(uint64_t v);
void out_hex(const uint8_t *p, size_t n);
void out_flush(void);
__attribute__((noreturn)) void panic(int code, const char *msg);

/* Local boot value `index` (type-1 key) into `buf`; its length. */
size_t local_get(uint64_t index, uint8_t *buf, size_t cap);
/* Keccak256 preimage of `hash`, hinted as "<kind> 0x<hash>" first and checked against the hash.
 * Panics (EXIT_BAD_DATA) when the value is longer than `cap`. */
size_t keccak_preimage_get(const char *kind, const uint8_t hash[32], uint8_t *buf, size_t cap);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
