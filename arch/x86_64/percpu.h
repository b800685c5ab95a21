/* SPDX-License-Identifier: BSD-2-Clause */
/* percpu.h - one struct percpu per CPU, reached through the GS base.
 *
 * Each CPU's IA32_GS_BASE MSR (0xC0000101, Intel SDM Vol. 3A §3.4.4.1) holds the address of
 * its own struct percpu, whose first word points to itself: `mov %gs:0` gives this CPU's
 * structure and `mov %gs:8` its index in one instruction, with no lock and no APIC read. The
 * boot CPU is index 0; the others are numbered in MADT order as they are started
 * (kernel/smp.c). Loading a segment register into GS resets the base, so gdt_init_cpu sets it
 * again after loading the GDT. */
#ifndef SPMK_ARCH_PERCPU_H
#define SPMK_ARCH_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#define SMP_MAX_CPUS 64
#define MSR_GS_BASE 0xC0000101u

/* States of a CPU (the `cpus` command prints them). */
enum cpu_state {
	CPU_ABSENT = 0, /* no such slot */
	CPU_STARTING,   /* INIT-SIPI-SIPI sent, not yet in C */
	CPU_ONLINE,     /* running its idle loop or a worker */
	CPU_FAILED,     /* did not come up in time; left out */
	CPU_DISABLED,   /* listed Online Capable in the MADT; not started */
	CPU_HALTED,     /* stopped after an exception or an unanswered shootdown */
};

struct percpu {
	struct percpu *self; /* offset 0: %gs:0 */
	uint32_t index;      /* offset 8: %gs:8, 0 = boot CPU */
	uint32_t apic_id;
	int node;                      /* from SRAT, -1 when no SRAT names it */
	bool x2apic_entry;             /* listed by a MADT x2APIC structure */
	volatile int state;            /* enum cpu_state */
	uint64_t stack_top;            /* kernel stack (its lower part is the IST1 stack) */
	volatile uint64_t ticks;       /* LAPIC timer interrupts taken */
	volatile uint32_t tlb_pending; /* a shootdown waits for this CPU's flush */
	uint64_t tlb_flushes;          /* shootdown requests served */
	uint64_t start_us;             /* time from INIT to online, microseconds */
};

extern struct percpu percpu[SMP_MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned this_cpu_index(void)
{
	uint32_t i;
	__asm__ volatile("movl %%gs:8, %0" : "=r"(i));
	return i;
}

/* Points this CPU's GS base at percpu[index] (self filled in). */
void percpu_set_base(unsigned index);

#endif
