/* cmd_fault_inject.c - `fault inject`: the shell's side of fault injection (lib/fault.h).
 *
 *   fault inject              every failure point: uses, injected failures, failures armed
 *   fault inject POINT N      the next N uses of POINT fail (0 disarms); POINT is a name
 *                             fault_lookup knows (pt, kheap, meta, migrate)
 * Errors name the value as typed: an unknown point, N not a number or above 2^32 - 1. */
#include "kernel/commands.h"

#include "kernel/printk.h"
#include "kernel/shell.h"
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/args.h"

static void fault_list(void)
{
	for (unsigned p = 0; p < FAULT_NPOINTS; p++) {
		struct fault_counters c = fault_counters((enum fault_point)p);
		kprintf("%-8s uses %lu injected %lu armed %u\n", fault_name((enum fault_point)p),
			(unsigned long)c.uses, (unsigned long)c.injected, c.armed);
	}
}

int cmd_fault_inject(int argc, char **argv)
{
	if (argc == 2) {
		fault_list();
		return 0;
	}
	if (argc != 4)
		return shell_usage("fault");
	enum fault_point p;
	if (fault_lookup(argv[2], &p) != ST_OK) {
		kprintf("fault inject: no failure point '%s' (pt, kheap, meta, migrate)\n", argv[2]);
		return 1;
	}
	uint64_t n;
	char err[128];
	if (arg_u64("fault inject: count", argv[3], 0, UINT32_MAX, &n, err, sizeof err) != ST_OK) {
		kprintf("%s\n", err);
		return 1;
	}
	CHECK_OK(fault_arm(p, (uint32_t)n)); /* p came from fault_lookup */
	kprintf("fault inject: the next %u use(s) of '%s' fail\n", (unsigned)n, fault_name(p));
	return 0;
}
