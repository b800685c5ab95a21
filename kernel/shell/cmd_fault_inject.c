/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_fault_inject.c - `fault inject`: the shell's side of fault injection (lib/fault.h).
 *
 *   fault inject              every failure point: uses, injected failures, failures armed,
 *                             and the resource it stands for
 *   fault inject POINT N [after K]
 *                             the next N uses of POINT fail as if the resource had run out
 *                             (0 disarms); with `after K`, K uses go through first (a failure
 *                             in the middle of an operation). POINT: pt, kheap, meta, migrate,
 *                             page, slot (docs/testing.md says where each is used)
 *   fault inject reset        disarm every point and zero the counters
 * Errors name the value as typed: an unknown point, N or K not a count of 0..2^32-1. */
#include "kernel/shell/commands.h"

#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"

static void fault_list(void)
{
	for (unsigned p = 0; p < FAULT_NPOINTS; p++) {
		enum fault_point fp = (enum fault_point)p;
		struct fault_counters c = fault_counters(fp);
		kprintf("%-8s uses %lu injected %lu armed %u (%s)\n", fault_name(fp),
			(unsigned long)c.uses, (unsigned long)c.injected, c.armed, fault_what(fp));
	}
}

/* A count of uses from text; reports the error (with the text as typed) itself. */
static bool count_arg(const char *what, const char *text, uint64_t *out)
{
	char err[128];
	if (arg_u64(what, text, 0, UINT32_MAX, out, err, sizeof err) == ST_OK)
		return true;
	shell_arg_error("%s", err);
	return false;
}

int cmd_fault_inject(int argc, char **argv)
{
	if (argc == 2) {
		fault_list();
		return 0;
	}
	if (argc == 3 && strcmp(argv[2], "reset") == 0) {
		fault_reset();
		kprintf("fault inject: every point disarmed, counters zeroed\n");
		return 0;
	}
	if (argc != 4 && !(argc == 6 && strcmp(argv[4], "after") == 0))
		return shell_usage("fault");
	enum fault_point p;
	if (fault_lookup(argv[2], &p) != ST_OK)
		return shell_error("no failure point '%s' (pt, kheap, meta, migrate, page, slot)",
				   argv[2]);
	uint64_t n, skip = 0;
	if (!count_arg("count", argv[3], &n) || (argc == 6 && !count_arg("after", argv[5], &skip)))
		return 1;
	CHECK_OK(fault_arm_after(p, (uint32_t)skip, (uint32_t)n)); /* p came from fault_lookup */
	if (skip)
		kprintf("fault inject: after %u use(s), the next %u use(s) of '%s' fail\n",
			(unsigned)skip, (unsigned)n, fault_name(p));
	else
		kprintf("fault inject: the next %u use(s) of '%s' fail\n", (unsigned)n,
			fault_name(p));
	return 0;
}
