/* SPDX-License-Identifier: BSD-2-Clause */
/* trap.h - CPU exceptions: the IDT, the saved register frame, fault hooks and recovery.
 *
 * Every exception lands in trap_dispatch() with a struct trap_frame. A page fault is first
 * offered to the hook mm registered (trap_set_pf_hook); if the hook does not resolve it and
 * a recovery point is armed (KCATCH), the faulting command is abandoned: execution resumes
 * where kjmp_set() was called, which then returns 1. Otherwise the kernel prints the vector,
 * error code, RIP, CR2, all registers and a backtrace, and halts. */
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

/* What a page-fault hook decided. */
enum pf_result {
	PF_UNHANDLED, /* not ours: treat as a kernel bug (or recover if armed) */
	PF_RECOVER,   /* a reported violation: abandon the command via the armed recovery point */
};

typedef enum pf_result (*pf_hook_fn)(uint64_t addr, uint64_t error, uint64_t rip);

void trap_init(void);
void trap_set_pf_hook(pf_hook_fn hook);

/* Arms recovery: returns 0 when armed, 1 when a fault brought us back. Use as
 *   if (trap_catch_begin(&j)) { ...faulted... } ... trap_catch_end(); */
#define trap_catch_begin(j) (trap_catch_arm(j), kjmp_set(j))
void trap_catch_arm(struct kjmp *j);
void trap_catch_end(void);
/* Number of faults recovered since boot. */
uint64_t trap_recovered_count(void);

/* Print "backtrace:" and one line per frame (symbol + offset), starting at rip and walking the
 * frame-pointer chain from rbp (at most 16 frames, kernel addresses only). */
void trap_backtrace(uint64_t rip, uint64_t rbp);

#endif
