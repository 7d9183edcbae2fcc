// A pre-image client: writes a local key (type 1, index 2) to fd 6, reads the pre-image from
// fd 5 (length first), hints it on fd 4 and prints it with its length. Cannon-only (fds 3-6).
#include "rt.h"

int main(void) {
  unsigned char key[32] = {1};
  key[31] = 2;
  for (int i = 0; i < 32; i += 8) sys4(SYS_WRITE, 6, (long)(key + i), 8, 0);
  unsigned char lenbuf[8];
  long got = 0;
  while (got < 8) got += sys4(SYS_READ, 5, (long)(lenbuf + got), 8 - got, 0);
  u64 len = 0;
  for (int i = 0; i < 8; i++) len = (len << 8) | lenbuf[i];
  static char data[256];
  if (len > sizeof data) return 2;
  got = 0;
  while ((u64)got < len) got += sys4(SYS_READ, 5, (long)(data + got), (long)len - got, 0);
  unsigned char hint[4 + 5] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
  sys4(SYS_WRITE, 4, (long)hint, sizeof hint, 0);
  print_hex(len);
  write_all(1, data, (long)len);
  return 0;
}
