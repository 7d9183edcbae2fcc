/* Keccak-256 (Ethereum flavour: padding byte 0x01) for the guest. */
#ifndef ROLLUP_KECCAK_H
#define ROLLUP_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define KECCAK_RATE 136

typedef struct {
  uint64_t lanes[25];
  size_t pos; /* bytes absorbed into the current block */
} keccak_ctx;

void keccak_init(keccak_ctx *c);
void keccak_update(keccak_ctx *c, const void *data, size_t n);
void keccak_final(keccak_ctx *c, uint8_t out[32]);
void keccak256(const void *data, size_t n, uint8_t out[32]);

#endif
