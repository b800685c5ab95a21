/* SPDX-License-Identifier: BSD-2-Clause */
/* spin_arch.c - the platform half of lib/spinlock.h for x86_64: interrupt flag save/restore
 * (RFLAGS.IF, Intel SDM Vol. 1 §3.4.3) and this CPU's index, read from the per-CPU area
 * through the GS base in one instruction (arch/x86_64/percpu.h). */
#include "lib/spinlock.h"

#include "arch/x86_64/percpu.h"

#define RFLAGS_IF (1ull << 9)

unsigned spin_arch_cpu(void) { return this_cpu_index(); }

void spin_arch_relax(void) { __asm__ volatile("pause"); }

uint64_t spin_arch_irq_save(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags & RFLAGS_IF;
}

void spin_arch_irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}
