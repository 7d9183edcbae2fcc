/* interp.c — a small stack-machine bytecode interpreter running three
 * programs: a prime counter (trial division, with CALL/RET), the longest
 * Collatz chain, and doubly recursive Fibonacci on the operand stack.
 * Exit status: pi(PRIME_LIMIT) = pi(1000) = 168. */
#include "common.h"

enum op {
  OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_DUP, OP_POP, OP_SWAP, OP_OVER,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_LT, OP_LE, OP_EQ, OP_SHR,
  OP_AND, OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_PRINT, OP_INC,
  OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "halt", "push", "load", "store", "dup", "pop", "swap", "over",
    "add",  "sub",  "mul",  "div",   "mod", "lt",  "le",   "eq",
    "shr",  "and",  "jmp",  "jz",    "jnz", "call", "ret", "print", "inc"};

/* Instructions with an operand (immediate, slot or target). */
static int has_arg(int op) {
  return op == OP_PUSH || op == OP_LOAD || op == OP_STORE || op == OP_JMP ||
         op == OP_JZ || op == OP_JNZ || op == OP_CALL || op == OP_INC;
}

/* ------------------------------------------------------------ assembler */

#define MAX_CODE 1024
#define MAX_LABELS 32

typedef struct {
  int64_t code[MAX_CODE];
  int len;
  int label_at[MAX_LABELS];   /* code index of each label, -1 if unbound */
  int fixups[MAX_CODE];       /* code index -> label id + 1 (0 = none) */
} assembler;

static void as_init(assembler *a) {
  memset(a, 0, sizeof *a);
  for (int i = 0; i < MAX_LABELS; i++) a->label_at[i] = -1;
}

static void emit(assembler *a, int op) { a->code[a->len++] = op; }

static void emit1(assembler *a, int op, int64_t arg) {
  a->code[a->len++] = op;
  a->code[a->len++] = arg;
}

static void emit_jump(assembler *a, int op, int label) {
  a->code[a->len++] = op;
  a->fixups[a->len] = label + 1;
  a->code[a->len++] = 0;
}

static void bind(assembler *a, int label) { a->label_at[label] = a->len; }

static void link_code(assembler *a) {
  for (int i = 0; i < a->len; i++)
    if (a->fixups[i]) {
      int target = a->label_at[a->fixups[i] - 1];
      if (target < 0) {
        fprintf(stderr, "FAIL unbound label %d\n", a->fixups[i] - 1);
        exit(1);
      }
      a->code[i] = target;
    }
}

/* ----------------------------------------------------------- interpreter */

typedef struct {
  int64_t stack[4096];
  int sp;
  int rstack[1024];
  int rsp;
  int64_t vars[16];
  uint64_t executed;
  uint64_t out_hash;
  int printed;
} machine;

static int64_t run(machine *m, const int64_t *code) {
  int pc = 0;
  m->sp = m->rsp = 0;
  m->executed = 0;
  for (;;) {
    int64_t op = code[pc++];
    int64_t x, y;
    m->executed++;
    switch (op) {
      case OP_HALT:
        return m->sp > 0 ? m->stack[m->sp - 1] : 0;
      case OP_PUSH: m->stack[m->sp++] = code[pc++]; break;
      case OP_LOAD: m->stack[m->sp++] = m->vars[code[pc++]]; break;
      case OP_STORE: m->vars[code[pc++]] = m->stack[--m->sp]; break;
      case OP_INC: m->vars[code[pc++]]++; break;
      case OP_DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
      case OP_POP: m->sp--; break;
      case OP_SWAP:
        x = m->stack[m->sp - 1];
        m->stack[m->sp - 1] = m->stack[m->sp - 2];
        m->stack[m->sp - 2] = x;
        break;
      case OP_OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
#define BINOP(expr)            \
  y = m->stack[--m->sp];       \
  x = m->stack[m->sp - 1];     \
  m->stack[m->sp - 1] = (expr); \
  break;
      case OP_ADD: BINOP((int64_t)((uint64_t)x + (uint64_t)y))
      case OP_SUB: BINOP((int64_t)((uint64_t)x - (uint64_t)y))
      case OP_MUL: BINOP((int64_t)((uint64_t)x * (uint64_t)y))
      case OP_DIV: BINOP(y == 0 ? -1 : x / y)
      case OP_MOD: BINOP(y == 0 ? x : x % y)
      case OP_LT: BINOP(x < y)
      case OP_LE: BINOP(x <= y)
      case OP_EQ: BINOP(x == y)
      case OP_SHR: BINOP((int64_t)((uint64_t)x >> (y & 63)))
      case OP_AND: BINOP(x & y)
#undef BINOP
      case OP_JMP: pc = (int)code[pc]; break;
      case OP_JZ:
        if (m->stack[--m->sp] == 0) pc = (int)code[pc]; else pc++;
        break;
      case OP_JNZ:
        if (m->stack[--m->sp] != 0) pc = (int)code[pc]; else pc++;
        break;
      case OP_CALL:
        m->rstack[m->rsp++] = pc + 1;
        pc = (int)code[pc];
        break;
      case OP_RET: pc = m->rstack[--m->rsp]; break;
      case OP_PRINT:
        x = m->stack[--m->sp];
        printf("  out[%d] = %lld\n", m->printed++, (long long)x);
        m->out_hash = fnv1a64_u64(m->out_hash, (uint64_t)x);
        break;
      default:
        fprintf(stderr, "FAIL bad opcode %lld at %d\n", (long long)op, pc - 1);
        exit(1);
    }
  }
}

static uint64_t code_hash(const assembler *a) {
  uint64_t h = FNV64_INIT;
  for (int i = 0; i < a->len; i++) h = fnv1a64_u64(h, (uint64_t)a->code[i]);
  return h;
}

static void listing_summary(const char *name, const assembler *a) {
  int counts[OP_COUNT] = {0};
  int n = 0;
  for (int i = 0; i < a->len; i += has_arg((int)a->code[i]) ? 2 : 1, n++)
    counts[a->code[i]]++;
  printf("%s: %d instructions, %d words, code fnv %016llx\n  ops:", name, n,
         a->len, (unsigned long long)code_hash(a));
  for (int op = 0; op < OP_COUNT; op++)
    if (counts[op]) printf(" %s=%d", op_names[op], counts[op]);
  printf("\n");
}

/* ------------------------------------------------------------- programs */

#define PRIME_LIMIT 1000

enum { V_N, V_COUNT, V_SUM, V_P, V_D, V_BEST, V_BESTN, V_LEN, V_X };

static void build_primes(assembler *a) {
  enum { L_LOOP, L_SKIP, L_DONE, L_ISP, L_ISP_LOOP, L_YES, L_NO };
  as_init(a);
  emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, V_COUNT);
  emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, V_SUM);
  emit1(a, OP_PUSH, 2); emit1(a, OP_STORE, V_N);
  bind(a, L_LOOP);
  emit1(a, OP_LOAD, V_N); emit1(a, OP_PUSH, PRIME_LIMIT); emit(a, OP_LT);
  emit_jump(a, OP_JZ, L_DONE);
  emit1(a, OP_LOAD, V_N); emit_jump(a, OP_CALL, L_ISP);
  emit_jump(a, OP_JZ, L_SKIP);
  emit1(a, OP_INC, V_COUNT);
  emit1(a, OP_LOAD, V_SUM); emit1(a, OP_LOAD, V_N); emit(a, OP_ADD);
  emit1(a, OP_STORE, V_SUM);
  bind(a, L_SKIP);
  emit1(a, OP_INC, V_N);
  emit_jump(a, OP_JMP, L_LOOP);
  bind(a, L_DONE);
  emit1(a, OP_LOAD, V_COUNT); emit(a, OP_PRINT);
  emit1(a, OP_LOAD, V_SUM); emit(a, OP_PRINT);
  emit1(a, OP_LOAD, V_COUNT);
  emit(a, OP_HALT);
  /* is_prime(p): p on the stack, returns 0/1 on the stack. */
  bind(a, L_ISP);
  emit1(a, OP_STORE, V_P);
  emit1(a, OP_PUSH, 2); emit1(a, OP_STORE, V_D);
  bind(a, L_ISP_LOOP);
  emit1(a, OP_LOAD, V_D); emit(a, OP_DUP); emit(a, OP_MUL);
  emit1(a, OP_LOAD, V_P); emit(a, OP_LE);
  emit_jump(a, OP_JZ, L_YES);
  emit1(a, OP_LOAD, V_P); emit1(a, OP_LOAD, V_D); emit(a, OP_MOD);
  emit_jump(a, OP_JZ, L_NO);
  emit1(a, OP_INC, V_D);
  emit_jump(a, OP_JMP, L_ISP_LOOP);
  bind(a, L_YES);
  emit1(a, OP_PUSH, 1); emit(a, OP_RET);
  bind(a, L_NO);
  emit1(a, OP_PUSH, 0); emit(a, OP_RET);
  link_code(a);
}

#define COLLATZ_LIMIT 250

static void build_collatz(assembler *a) {
  enum { L_OUTER, L_INNER, L_EVEN, L_NEXT, L_NOTBEST, L_DONE, L_ENDIN };
  as_init(a);
  emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, V_BEST);
  emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, V_BESTN);
  emit1(a, OP_PUSH, 1); emit1(a, OP_STORE, V_N);
  bind(a, L_OUTER);
  emit1(a, OP_LOAD, V_N); emit1(a, OP_PUSH, COLLATZ_LIMIT); emit(a, OP_LT);
  emit_jump(a, OP_JZ, L_DONE);
  emit1(a, OP_LOAD, V_N); emit1(a, OP_STORE, V_X);
  emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, V_LEN);
  bind(a, L_INNER);
  emit1(a, OP_LOAD, V_X); emit1(a, OP_PUSH, 1); emit(a, OP_EQ);
  emit_jump(a, OP_JNZ, L_ENDIN);
  emit1(a, OP_INC, V_LEN);
  emit1(a, OP_LOAD, V_X); emit1(a, OP_PUSH, 1); emit(a, OP_AND);
  emit_jump(a, OP_JZ, L_EVEN);
  emit1(a, OP_LOAD, V_X); emit1(a, OP_PUSH, 3); emit(a, OP_MUL);
  emit1(a, OP_PUSH, 1); emit(a, OP_ADD); emit1(a, OP_STORE, V_X);
  emit_jump(a, OP_JMP, L_INNER);
  bind(a, L_EVEN);
  emit1(a, OP_LOAD, V_X); emit1(a, OP_PUSH, 1); emit(a, OP_SHR);
  emit1(a, OP_STORE, V_X);
  emit_jump(a, OP_JMP, L_INNER);
  bind(a, L_ENDIN);
  emit1(a, OP_LOAD, V_BEST); emit1(a, OP_LOAD, V_LEN); emit(a, OP_LT);
  emit_jump(a, OP_JZ, L_NOTBEST);
  emit1(a, OP_LOAD, V_LEN); emit1(a, OP_STORE, V_BEST);
  emit1(a, OP_LOAD, V_N); emit1(a, OP_STORE, V_BESTN);
  bind(a, L_NOTBEST);
  emit1(a, OP_INC, V_N);
  emit_jump(a, OP_JMP, L_OUTER);
  bind(a, L_DONE);
  emit1(a, OP_LOAD, V_BESTN); emit(a, OP_PRINT);
  emit1(a, OP_LOAD, V_BEST); emit(a, OP_PRINT);
  emit1(a, OP_LOAD, V_BESTN);
  emit(a, OP_HALT);
  link_code(a);
}

#define FIB_N 16

static void build_fib(assembler *a) {
  enum { L_FIB, L_BASE };
  as_init(a);
  emit1(a, OP_PUSH, FIB_N);
  emit_jump(a, OP_CALL, L_FIB);
  emit(a, OP_DUP); emit(a, OP_PRINT);
  emit(a, OP_HALT);
  /* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), entirely on the stack. */
  bind(a, L_FIB);
  emit(a, OP_DUP); emit1(a, OP_PUSH, 2); emit(a, OP_LT);
  emit_jump(a, OP_JNZ, L_BASE);
  emit(a, OP_DUP); emit1(a, OP_PUSH, 1); emit(a, OP_SUB);
  emit_jump(a, OP_CALL, L_FIB);
  emit(a, OP_SWAP); emit1(a, OP_PUSH, 2); emit(a, OP_SUB);
  emit_jump(a, OP_CALL, L_FIB);
  emit(a, OP_ADD);
  bind(a, L_BASE);
  emit(a, OP_RET);
  link_code(a);
}

int main(void) {
  /* Heap, not .bss (the fpvm materialises every page of a loaded segment). */
  assembler *a = xmalloc(sizeof *a);
  machine *m = calloc(1, sizeof *m);
  if (m == NULL) return 1;
  uint64_t total = 0;

  build_primes(a);
  listing_summary("primes", a);
  m->out_hash = FNV64_INIT;
  int64_t primes = run(m, a->code);
  total += m->executed;
  printf("  executed %llu bytecodes\n", (unsigned long long)m->executed);
  check_u64("pi(1000)", (uint64_t)primes, 168);

  build_collatz(a);
  listing_summary("collatz", a);
  int64_t best = run(m, a->code);
  total += m->executed;
  printf("  executed %llu bytecodes\n", (unsigned long long)m->executed);
  check_u64("longest Collatz start below 250", (uint64_t)best, 231);

  build_fib(a);
  listing_summary("fib", a);
  int64_t fib = run(m, a->code);
  total += m->executed;
  printf("  executed %llu bytecodes\n", (unsigned long long)m->executed);
  check_u64("fib(16)", (uint64_t)fib, 987);

  printf("total bytecodes %llu, output fnv %016llx\n", (unsigned long long)total,
         (unsigned long long)m->out_hash);
  check_u64("output hash", m->out_hash, 0xf9840dda4adc1a6aull);
  check_u64("total bytecodes", total, 274030);
  free(a);
  free(m);
  return finish((int)(primes & 0xff));
}
