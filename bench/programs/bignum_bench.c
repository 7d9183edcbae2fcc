/* Big-number arithmetic: 3^E in base 10^9 limbs by repeated multiplication, then digit sums
 * (64-bit multiplies and divisions by a constant). */
#include "bench_util.h"

#define LIMBS 4000
static uint32_t num[LIMBS];

int main(void) {
  uint64_t sum = 0;
  for (int round = 0; round < 8; round++) {
    int len = 1;
    num[0] = 1;
    for (int e = 0; e < 36000; e++) {
      uint64_t carry = 0;
      for (int i = 0; i < len; i++) {
        uint64_t v = (uint64_t)num[i] * 3 + carry;
        num[i] = (uint32_t)(v % 1000000000u);
        carry = v / 1000000000u;
      }
      if (carry) num[len++] = (uint32_t)carry;
      if (len >= LIMBS) return 2;
    }
    uint64_t digits = 0;
    for (int i = 0; i < len; i++)
      for (uint32_t v = num[i]; v; v /= 10) digits += v % 10;
    sum = sum * 31 + digits + (uint64_t)len;
  }
  bench_report("bignum", sum);
  return 0;
}
