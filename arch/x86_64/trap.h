/* SPDX-License-Identifier: BSD-2-Clause */
/* trap.h - CPU exceptions: the IDT, the saved register frame, fault hooks and recovery.
 *
 * Every exception lands in trap_dispatch() with a struct trap_frame; vectors 32 and up are
 * interrupts, passed to their handler (trap_set_irq). A page fault is first offered to the
 * hooks registered (trap_set_pf_hook); PF_RETRY resumes the faulting instruction. If no hook
 * resolves it and
 * a recovery point is armed (KCATCH), the faulting command is abandoned: execution resumes
 * where kjmp_set() was called, which then returns 1. Otherwise the kernel prints the vector,
 * error code, RIP, CR2, all registers and a backtrace, and halts. Recovery belongs to the boot
 * CPU (the shell's): an exception on another CPU is reported and halts only that CPU. */
#ifndef SPMK_KERNEL_TRAP_H
#define SPMK_KERNEL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Callee-saved registers, stack and resume address; filled by kjmp_set (entry.asm). */
struct kjmp {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

int kjmp_set(struct kjmp *j) __attribute__((returns_twice));
/* Returns from the kjmp_set(j) that filled j, making it return val (arch/x86_64/user.asm). */
__attribute__((noreturn)) void kjmp_resume(struct kjmp *j, long val);

/* What a page-fault hook decided. */
enum pf_result {
	PF_UNHANDLED, /* not ours: treat as a kernel bug (or recover if armed) */
	PF_RECOVER,   /* a reported violation: abandon the command via the armed recovery point */
	PF_RETRY,     /* resolved (a page in migration is back): run the instruction again */
};

typedef enum pf_result (*pf_hook_fn)(uint64_t addr, uint64_t error, uint64_t rip);

/* Interrupt vectors (above the 32 exceptions). */
#define VEC_TIMER 0x40    /* LAPIC timer */
#define VEC_IPI 0x41      /* TLB shootdown and wake-up */
#define VEC_SPURIOUS 0xFF /* LAPIC spurious interrupt */
#define TRAP_IRQ_COUNT 3

typedef void (*irq_handler_fn)(void);

/* The boot CPU: GS base, its GDT/TSS, the shared IDT. */
void trap_init(void);
/* Another CPU: its own GDT/TSS (IST1 at ist_top) and GS base, then the shared IDT. */
void trap_init_ap(unsigned index, uint64_t ist_top);
/* The handler of interrupt `vector` (called with interrupts off; it sends the EOI). */
void trap_set_irq(unsigned vector, irq_handler_fn fn);
/* Adds a page-fault hook (at most 4; each is asked in the order added until one decides). */
void trap_set_pf_hook(pf_hook_fn hook);
/* Entries from ring 3 (an app, kernel/app.c). enter runs first on every interrupt or
 * exception from ring 3 (it makes the kernel's state current: GS base, page tables);
 * exception must not return (it ends the app); irq_return runs after an interrupt's handler,
 * just before the return to ring 3 (it may end the app instead: Ctrl-C). NULL: no app. */
struct user_hooks {
	void (*enter)(void);
	void (*exception)(struct trap_frame *f);
	void (*irq_return)(void);
};
void trap_set_user_hooks(const struct user_hooks *hooks);
/* "page fault", "general protection", ... for an exception vector. */
const char *trap_vector_name(uint64_t vector);

/* Arms recovery: returns 0 when armed, 1 when a fault brought us back. Use as
 *   if (trap_catch_begin(&j)) { ...faulted... } ... trap_catch_end(); */
#define trap_catch_begin(j) (trap_catch_arm(j), kjmp_set(j))
void trap_catch_arm(struct kjmp *j);
void trap_catch_end(void);
/* The armed recovery point (NULL when none), to re-arm it after a nested one. */
struct kjmp *trap_catch_current(void);
/* Number of faults recovered since boot. */
uint64_t trap_recovered_count(void);

/* Print "backtrace:" and one line per frame (symbol + offset), starting at rip and walking the
 * frame-pointer chain from rbp (at most 16 frames, kernel addresses only). */
void trap_backtrace(uint64_t rip, uint64_t rbp);

/* The C entry of every exception, called by entry.asm's common stub with the saved frame. */
void trap_dispatch(struct trap_frame *f);

#endif
