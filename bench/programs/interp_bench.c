/* A bytecode interpreter: a small stack machine counting primes below a bound by trial
 * division (indirect branches, a data-dependent dispatch loop). */
#include "bench_util.h"

enum { PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JZ, JMP, HALT };

typedef struct { uint8_t op; int32_t arg; } Ins;

static int64_t run(const Ins *prog, int64_t *vars) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    Ins in = prog[pc++];
    switch (in.op) {
      case PUSH: stack[sp++] = in.arg; break;
      case LOAD: stack[sp++] = vars[in.arg]; break;
      case STORE: vars[in.arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case JZ: if (stack[--sp] == 0) pc = in.arg; break;
      case JMP: pc = in.arg; break;
      default: return vars[2];
    }
  }
}

static Ins code[64];
static int ncode;
static int emit(uint8_t op, int32_t arg) { code[ncode] = (Ins){op, arg}; return ncode++; }

int main(void) {
  /* vars: 0 = n, 1 = d, 2 = count, 3 = limit
   *   n = 2
   * outer: if !(n < limit) goto done
   *   d = 2
   * inner: if !(d*d < n+1) goto prime
   *   if (n % d == 0) goto next
   *   d = d + 1; goto inner
   * prime: count = count + 1
   * next: n = n + 1; goto outer
   * done: halt */
  emit(PUSH, 2); emit(STORE, 0);
  int outer = emit(LOAD, 0); emit(LOAD, 3); emit(LT, 0); int jDone = emit(JZ, 0);
  emit(PUSH, 2); emit(STORE, 1);
  int inner = emit(LOAD, 1); emit(LOAD, 1); emit(MUL, 0); emit(LOAD, 0); emit(PUSH, 1); emit(ADD, 0); emit(LT, 0);
  int jPrime = emit(JZ, 0);
  emit(LOAD, 0); emit(LOAD, 1); emit(MOD, 0); int jNext = emit(JZ, 0);
  emit(LOAD, 1); emit(PUSH, 1); emit(ADD, 0); emit(STORE, 1); emit(JMP, inner);
  int prime = emit(LOAD, 2); emit(PUSH, 1); emit(ADD, 0); emit(STORE, 2);
  int next = emit(LOAD, 0); emit(PUSH, 1); emit(ADD, 0); emit(STORE, 0); emit(JMP, outer);
  int done = emit(HALT, 0);
  code[jDone].arg = done;
  code[jPrime].arg = prime;
  code[jNext].arg = next;
  int64_t vars[4] = {0, 0, 0, 300000};
  int64_t primes = run(code, vars);
  if (primes != 25997) return 2; /* pi(300000) */
  bench_report("interp", (uint64_t)primes);
  return 0;
}
