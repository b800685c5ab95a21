/* SPDX-License-Identifier: BSD-2-Clause */
/* smp.h - the other CPUs: bring-up, listing, and what runs on them (docs/smp.md).
 *
 * smp_init (after memory and ACPI are up) starts every CPU the MADT lists as enabled, one at
 * a time, with INIT-SIPI-SIPI through a trampoline in a reserved page below 1 MiB; each gets
 * its own GDT/TSS, a 32 KiB stack from its node, its local APIC and a periodic LAPIC timer,
 * then waits in its idle loop (interrupts on, HLT) for a worker to run (kernel/work.h). A
 * CPU that is not online within SMP_START_TIMEOUT_MS is reported, parked with INIT and left
 * out. CPU 0 is the boot CPU, which runs the shell. */
#ifndef SPMK_KERNEL_SMP_H
#define SPMK_KERNEL_SMP_H

#include <stdint.h>

#include "arch/x86_64/percpu.h"

#define SMP_START_TIMEOUT_MS 2000
#define SMP_TRAMP_PAGES 4 /* code and data, PML4, PDPT, PD */

struct smp_state {
	unsigned ncpus;      /* slots used in percpu[] (every state) */
	unsigned online;     /* CPUs in CPU_ONLINE */
	uint64_t tramp_phys; /* the reserved pages below 1 MiB, 0 when none */
	uint64_t timer_hz;   /* LAPIC timer ticks per second (divide by 16) */
	uint64_t listed;     /* processors in the MADT (enabled or online capable) */
	uint64_t left_out;   /* listed CPUs not started (failed, disabled, beyond the table) */
};

extern struct smp_state smp;

/* Reserves the trampoline pages: the caller gives where they are (init_mm, from usable RAM
 * below 1 MiB, carved before the page allocator hands anything out). */
void smp_set_trampoline(uint64_t phys);
/* Starts the other CPUs (see above) and the boot CPU's APIC and timer. */
void smp_init(void);
/* Prints one line per CPU: index, APIC id, node, state, timer ticks, shootdowns served. */
void smp_print(void);
/* Wakes CPU index from HLT (an IPI on the shootdown vector, which then finds nothing to do). */
void smp_wake(unsigned index);

#endif
