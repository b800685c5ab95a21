/* SPDX-License-Identifier: BSD-2-Clause */
/* syscall.h - SYSCALL/SYSRET set-up and the frame user.asm saves (ABI: include/spmk/syscall.h).
 * Intel SDM Vol. 3A §5.8.8 (fast system calls in 64-bit mode), Vol. 2B SYSCALL/SYSRET. */
#ifndef SPMK_ARCH_SYSCALL_H
#define SPMK_ARCH_SYSCALL_H

#include <stdint.h>

/* The registers of the app at SYSCALL, in the order syscall_entry pushes them. */
struct syscall_frame {
	uint64_t nr;                     /* %rax */
	uint64_t a0, a1, a2, a3, a4, a5; /* %rdi %rsi %rdx %r10 %r8 %r9 */
	uint64_t rip, rflags, rsp;       /* %rcx, %r11, the user stack */
};

/* EFER.SCE, STAR (kernel CS 0x08, user base 0x10), LSTAR = syscall_entry, SFMASK = IF DF TF
 * AC (the kernel runs with interrupts off, string ops forward). */
void syscall_init(void);

/* Called by syscall_entry with the saved frame; returns the result for %rax (kernel/app_syscall.c). */
uint64_t syscall_dispatch(struct syscall_frame *f);

#endif
