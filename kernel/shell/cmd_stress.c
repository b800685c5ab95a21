/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_stress.c - `selftest stress N SEED`: N random operations across the whole memory API in
 * the running kernel, checked after every step (engine and rules in mm/stress.h);
 * `selftest stress N SEED CPUS` runs N steps on each of CPUS CPUs at once (`all`: every online
 * CPU; engine and rules in mm/stress_mp.h): the shell's CPU is CPU 0 of the run, the others
 * run their part from their idle loop (kernel/work.h). A CPU that does not answer is waited
 * for at most spmk.cpu_wait_ms= at each barrier and at the end: the run is abandoned (every
 * CPU gives back what it holds), the command fails naming it, its report leaves out the
 * counts of a CPU that has not returned, and the next run (on one CPU or many) waits for it
 * to return from this one first, or is refused naming it.
 *
 * The kernel's world: the page allocator, the dax allocator, the memory objects and the
 * hand-off state of struct kernel; dax windows are read and written through the owner's
 * mapping (a wrong mapping is a page fault, which the environment counters catch); the
 * environment adds the kernel heap's walker and the counts of recovered faults and ownership
 * violations, which no operation may change. The full page walk (buddy_check) runs every
 * STRESS_KERNEL_FULL_EVERY steps and at the end: it visits every managed page, too slow under
 * emulation for every step. */
#include "kernel/shell/commands.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/smp.h"
#include "kernel/work.h"
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "mm/stress_mp.h"

#define STRESS_KERNEL_FULL_EVERY 1000
#define STRESS_MP_KERNEL_EVERY 100 /* steps between barriers on every CPU */
#define STRESS_MP_KERNEL_FULL 10   /* barriers between full page walks */

static void win_write(void *ctx, uint64_t va, const void *src, size_t len)
{
	(void)ctx;
	memcpy((void *)(uintptr_t)va, src, len);
}

static void win_read(void *ctx, uint64_t va, void *dst, size_t len)
{
	(void)ctx;
	memcpy(dst, (const void *)(uintptr_t)va, len);
}

static void env_counts(void *ctx, uint64_t out[STRESS_ENV_WORDS])
{
	(void)ctx;
	memset(out, 0, STRESS_ENV_WORDS * sizeof out[0]);
	out[0] = trap_recovered_count();
	out[1] = K.violations;
}

static status_t env_check(void *ctx, struct out *out)
{
	(void)ctx;
	if (kheap_check(&K.heap) != ST_OK) {
		out_printf(out, "kernel heap: descriptors or statistics inconsistent\n");
		return ST_INVALID;
	}
	return ST_OK;
}

static uint64_t now_ms(void *ctx)
{
	(void)ctx;
	return tsc_to_us(rdtsc()) / 1000;
}

static const struct stress_ops kernel_stress_ops = {
	.write = win_write,
	.read = win_read,
	.env = env_counts,
	.check = env_check,
	.now_ms = now_ms,
};

static struct stress_mp mp;             /* the run on every CPU */
static unsigned mp_index[SMP_MAX_CPUS]; /* CPU index -> CPU number of the run */

static void stress_on_cpu(void *arg, unsigned cpu)
{
	(void)arg;
	stress_mp_cpu_run(&mp, mp_index[cpu]);
}

/* CPUS: `all` or a count 2..online; the run's CPUs are 0 and the first online others. */
static int stress_cpus(uint64_t steps, uint64_t seed, const char *arg)
{
	uint64_t n = smp.online, mask = 0;
	if (strcmp(arg, "all") != 0 && (parse_u64(arg, &n) != ST_OK || n < 1 || n > smp.online))
		return shell_arg_error("CPUS '%s' must be 'all' or 1..%u (CPUs online)", arg,
				       smp.online);
	if (work_count())
		return shell_arg_error("workers run (mem work): stop them first");
	/* A late CPU of an abandoned run gives back its blocks when it returns, and writes its
	 * entry of mp until then: no run (on one CPU or many) starts before it has, so none
	 * counts the world while its pages move, and mp is not reused under it. */
	if (work_call_drain() != ST_OK)
		return shell_error("a CPU has not returned from the last run (see above)");
	if (stress_mp_init(&mp,
			   &(const struct stress_world){ &K.buddy, &K.dax, &K.objs, &K.hotplug,
							 &kernel_stress_ops, NULL, &kout },
			   (unsigned)n, steps, seed, STRESS_MP_KERNEL_EVERY,
			   STRESS_MP_KERNEL_FULL) != ST_OK)
		return shell_arg_error("CPUS %llu: at most %u", (unsigned long long)n,
				       STRESS_MP_MAX_CPUS);
	mp.wait_ms = work_wait_ms(); /* a CPU that stops answering abandons the run */
	unsigned k = 1;
	for (unsigned i = 1; i < smp.ncpus && i < 64 && k < n; i++)
		if (percpu[i].state == CPU_ONLINE) {
			mp_index[i] = k++;
			mask |= 1ull << i;
		}
	uint64_t t0 = rdtsc();
	if (mask) /* no workers, no call outstanding, every CPU online: cannot be refused */
		CHECK_OK(work_call_start(stress_on_cpu, NULL, mask));
	status_t st = stress_mp_cpu_run(&mp, 0);
	if (mask && work_call_wait() != ST_OK)
		st = ST_INVALID; /* a CPU still in it: it gives back what it holds when it returns,
				  * and the report leaves its entry alone (stress_mp_report) */
	uint64_t us = tsc_to_us(rdtsc() - t0);
	if (stress_mp_report(&mp) != ST_OK)
		st = ST_INVALID;
	kprintf("stress: %lu ms, %lu steps/s on %lu CPUs\n", (unsigned long)(us / 1000),
		(unsigned long)(us ? steps * n * 1000000 / us : 0), (unsigned long)n);
	return st == ST_OK ? 0 : 1;
}

int cmd_stress(int argc, char **argv)
{
	static struct stress s; /* 10 KiB: not on the kernel stack */
	uint64_t steps, seed;
	if ((argc != 4 && argc != 5) || parse_u64(argv[2], &steps) != ST_OK ||
	    parse_u64(argv[3], &seed) != ST_OK)
		return shell_usage("selftest");
	if (steps == 0 || steps > 100000000)
		return shell_arg_error("N '%s' must be 1..100000000 steps", argv[2]);
	shell_log_explanations(); /* thousands of refusals, each its own log line */
	if (argc == 5)
		return stress_cpus(steps, seed, argv[4]);
	if (work_call_drain() != ST_OK) /* see stress_cpus */
		return shell_error("a CPU has not returned from the last run (see above)");
	const struct stress_world w = { &K.buddy,           &K.dax, &K.objs, &K.hotplug,
					&kernel_stress_ops, NULL,   &kout };
	uint64_t t0 = rdtsc(), faults0 = trap_recovered_count();
	s.full_every = STRESS_KERNEL_FULL_EVERY;
	status_t st = stress_run(&s, &w, steps, seed);
	uint64_t ms = tsc_to_us(rdtsc() - t0) / 1000;
	uint64_t done = 0, refused = 0;
	for (unsigned op = 0; op < STRESS_NOPS; op++) {
		done += s.done[op];
		refused += s.refused[op];
	}
	kprintf("stress: %lu operations done, %lu refusals (state unchanged), %lu failures "
		"injected, "
		"%lu faults, %lu ms\n",
		(unsigned long)done, (unsigned long)refused, (unsigned long)s.injected,
		(unsigned long)(trap_recovered_count() - faults0), (unsigned long)ms);
	return st == ST_OK ? 0 : 1;
}
