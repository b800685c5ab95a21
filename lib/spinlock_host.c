/* SPDX-License-Identifier: BSD-2-Clause */
/* spinlock_host.c - the platform half of spinlock.h for host builds (tests, fuzzing, benches):
 * each thread gets its own CPU index on first use; there are no interrupts to mask. */
#ifndef SPMK_KERNEL
#include "lib/spinlock.h"

#include <sched.h>

#include "lib/check.h"

static unsigned next_cpu;
static __thread unsigned this_cpu_plus1;

unsigned spin_arch_cpu(void)
{
	if (!this_cpu_plus1) {
		unsigned cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED);
		CHECK_OP(cpu, <, SPIN_MAX_CPUS);
		this_cpu_plus1 = cpu + 1;
	}
	return this_cpu_plus1 - 1;
}

void spin_arch_relax(void) { sched_yield(); }
uint64_t spin_arch_irq_save(void) { return 0; }
void spin_arch_irq_restore(uint64_t flags) { (void)flags; }
#endif
