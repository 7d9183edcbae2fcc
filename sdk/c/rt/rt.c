/* rt.c — the C side of the fpvm guest runtime (picolibc + tinystdio).
 *
 * Provides what picolibc leaves to the "board support" code:
 *   - __fpvm_cstart: called from _start (crt0.S); runs constructors, calls
 *     main(0, {NULL}) and exit()s with its result;
 *   - stdin/stdout/stderr: tinystdio FILE objects over read(0)/write(1)/
 *     write(2). stdout is fully buffered (FPVM_RT_OUTBUF bytes), stderr is
 *     line buffered; both are flushed by fflush() and at exit;
 *   - read/write/_exit: thin wrappers around the raw syscalls; getpid/kill
 *     so that abort() links (it exits with 128 + SIGABRT = 134);
 *   - sbrk: bump allocation inside ONE anonymous mmap made on first use
 *     (FPVM_RT_HEAP bytes). No static arena: the fpvm materialises every page
 *     of a loaded segment, so a big .bss would bloat every state file, while
 *     mmap'd pages only exist once written;
 *   - memcpy/memmove/memset moving 8-byte words (picolibc's are byte loops).
 *
 * Syscalls used: write (64), read (63, only if the program reads stdin),
 * mmap (222, once), exit_group (94).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpvm/syscall.h"

#ifndef FPVM_RT_HEAP
#define FPVM_RT_HEAP (512UL << 20) /* 512 MiB of address space for malloc */
#endif
#ifndef FPVM_RT_OUTBUF
#define FPVM_RT_OUTBUF 512
#endif

/* ------------------------------------------------------------------ I/O */

ssize_t write(int fd, const void *buf, size_t n) {
  const char *p = buf;
  size_t done = 0;
  /* Loop on short writes (a single write never returns less on Linux or the
   * fpvm for fds 1/2, but be correct anyway). */
  while (done < n) {
    long r = fpvm_sys_write(fd, p + done, n - done);
    if (fpvm_sys_failed(r)) {
      errno = (r == -1) ? EBADF : (int)-r;
      return done ? (ssize_t)done : -1;
    }
    if (r == 0) break;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t n) {
  long r = fpvm_sys_read(fd, buf, n);
  if (fpvm_sys_failed(r)) {
    errno = (r == -1) ? EBADF : (int)-r;
    return -1;
  }
  return (ssize_t)r;
}

/* A tinystdio FILE plus our buffer. `file` must stay the first member: the
 * put/flush callbacks get the FILE pointer and cast it back. */
struct fpvm_file {
  FILE file;
  int fd;
  int line_buffered;
  size_t len;
  char buf[FPVM_RT_OUTBUF];
};

static int fpvm_flush(FILE *f) {
  struct fpvm_file *ff = (struct fpvm_file *)f;
  if (ff->len == 0) return 0;
  ssize_t r = write(ff->fd, ff->buf, ff->len);
  int ok = (r == (ssize_t)ff->len);
  ff->len = 0;
  return ok ? 0 : EOF;
}

static int fpvm_put(char c, FILE *f) {
  struct fpvm_file *ff = (struct fpvm_file *)f;
  ff->buf[ff->len++] = c;
  if (ff->len == sizeof ff->buf || (ff->line_buffered && c == '\n')) {
    if (fpvm_flush(f) != 0) return EOF;
  }
  return (unsigned char)c;
}

static int fpvm_get(FILE *f) {
  (void)f;
  unsigned char c;
  /* Both fpvm (fd 0 always reads 0 bytes) and a redirected qemu stdin end
   * here with EOF. */
  if (read(0, &c, 1) != 1) return EOF;
  return c;
}

static struct fpvm_file fpvm_stdout = {
    .file = FDEV_SETUP_STREAM(fpvm_put, NULL, fpvm_flush, _FDEV_SETUP_WRITE),
    .fd = 1,
    .line_buffered = 0,
};
static struct fpvm_file fpvm_stderr = {
    .file = FDEV_SETUP_STREAM(fpvm_put, NULL, fpvm_flush, _FDEV_SETUP_WRITE),
    .fd = 2,
    .line_buffered = 1,
};
static FILE fpvm_stdin = FDEV_SETUP_STREAM(NULL, fpvm_get, NULL, _FDEV_SETUP_READ);

FILE *const stdin = &fpvm_stdin;
FILE *const stdout = &fpvm_stdout.file;
FILE *const stderr = &fpvm_stderr.file;

/* ----------------------------------------------------------------- exit */

/* picolibc's exit() runs atexit handlers and .fini_array, then calls _exit.
 * Our _exit also drains the stdio buffers, so every way out (return from
 * main, exit(), abort()) ends with all output written. */
void _exit(int code) {
  fpvm_flush(&fpvm_stdout.file);
  fpvm_flush(&fpvm_stderr.file);
  fpvm_sys_exit_group(code);
}

/* raise()/abort() end up in kill(getpid(), sig). There are no signals in
 * the fpvm; a signal sent to ourselves ends the program with the exit code
 * a shell reports for a signal death (128 + sig, e.g. 134 for abort). */
pid_t getpid(void) { return 1; }

int kill(pid_t pid, int sig) {
  if (pid == 1 || pid == 0 || pid == -1) _exit(128 + sig);
  errno = ESRCH;
  return -1;
}

/* ----------------------------------------------------------------- sbrk */

static char *heap_base; /* start of the mmap'd region, NULL until first use */
static char *heap_top;  /* current break */

void *sbrk(ptrdiff_t incr) {
  if (heap_base == NULL) {
    void *p = fpvm_sys_mmap_anon(FPVM_RT_HEAP);
    if (p == NULL) {
      errno = ENOMEM;
      return (void *)-1;
    }
    heap_base = heap_top = p;
  }
  size_t used = (size_t)(heap_top - heap_base);
  if (incr > 0 ? (size_t)incr > FPVM_RT_HEAP - used
               : (size_t)(-incr) > used) {
    errno = ENOMEM;
    return (void *)-1;
  }
  char *old = heap_top;
  heap_top += incr;
  return old;
}

/* ------------------------------------------------- memcpy/memmove/memset */

/* picolibc is built for size, so its mem* functions move one byte per loop
 * iteration; these move 8-byte words when the alignment allows, which keeps
 * guest instruction counts closer to what a real libc does.
 * no-tree-loop-distribute-patterns stops GCC from turning the loops back
 * into calls to memcpy/memset (infinite recursion). */
#define FPVM_RT_MEMFN \
  __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) fpvm_word_t;

FPVM_RT_MEMFN void *memcpy(void *restrict dst, const void *restrict src,
                           size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
    while (n > 0 && ((uintptr_t)d & 7) != 0) {
      *d++ = *s++;
      n--;
    }
    fpvm_word_t *dw = (fpvm_word_t *)d;
    const fpvm_word_t *sw = (const fpvm_word_t *)s;
    for (; n >= 32; n -= 32, dw += 4, sw += 4) {
      fpvm_word_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
      dw[0] = a;
      dw[1] = b;
      dw[2] = c;
      dw[3] = e;
    }
    for (; n >= 8; n -= 8) *dw++ = *sw++;
    d = (unsigned char *)dw;
    s = (const unsigned char *)sw;
  }
  while (n > 0) {
    *d++ = *s++;
    n--;
  }
  return dst;
}

FPVM_RT_MEMFN void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d == s || n == 0) return dst;
  if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
    return memcpy(dst, src, n); /* forward copy is safe */
  /* Overlap with dst above src: copy backwards. */
  d += n;
  s += n;
  if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
    while (n > 0 && ((uintptr_t)d & 7) != 0) {
      *--d = *--s;
      n--;
    }
    for (; n >= 8; n -= 8) {
      d -= 8;
      s -= 8;
      *(fpvm_word_t *)d = *(const fpvm_word_t *)s;
    }
  }
  while (n > 0) {
    *--d = *--s;
    n--;
  }
  return dst;
}

FPVM_RT_MEMFN void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  unsigned char b = (unsigned char)c;
  while (n > 0 && ((uintptr_t)d & 7) != 0) {
    *d++ = b;
    n--;
  }
  fpvm_word_t w = 0x0101010101010101ull * b;
  fpvm_word_t *dw = (fpvm_word_t *)d;
  for (; n >= 32; n -= 32, dw += 4) {
    dw[0] = w;
    dw[1] = w;
    dw[2] = w;
    dw[3] = w;
  }
  for (; n >= 8; n -= 8) *dw++ = w;
  d = (unsigned char *)dw;
  while (n > 0) {
    *d++ = b;
    n--;
  }
  return dst;
}

/* ---------------------------------------------------------------- start */

extern int main(int argc, char **argv);
extern void __libc_init_array(void);

void __fpvm_cstart(void) __attribute__((noreturn, used));
void __fpvm_cstart(void) {
  static char *argv[] = {NULL};
  __libc_init_array();
  exit(main(0, argv));
}
