/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_work.c - CPUs and what runs on them: `cpus`, `mem work NAME CPUS`, `mem work stop`, and
 * `mem move NAME node=N`, which puts an object's pages back on a node (so that a hand-off and
 * reclaim round has something to move).
 *
 *   cpus                  one line per CPU: APIC id, MADT entry, node, state, timer ticks,
 *                         shootdowns served, start-up time, role; then the totals
 *   mem work NAME CPUS    a worker on each CPU of CPUS (all = every online CPU but the shell's,
 *                         1-3, 1,3) reading and writing object NAME (kernel/work.h)
 *   mem work stop         stops them; per worker: passes, ops, errors (lost writes), waits
 *   mem move NAME node=N  migrates every page of NAME that is elsewhere onto node N */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/smp.h"
#include "kernel/tlb.h"
#include "kernel/work.h"
#include "lib/args.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "mm/migrate.h"

int cmd_cpus(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	smp_print();
	return 0;
}

/* CPUS: all, N, N-M, and lists of those separated by commas. CPU 0 (the shell's) and CPUs
 * not online are refused by name. */
static bool parse_cpus(const char *text, uint64_t *mask)
{
	*mask = 0;
	if (strcmp(text, "all") == 0) {
		for (unsigned i = 1; i < smp.ncpus; i++)
			if (percpu[i].state == CPU_ONLINE)
				*mask |= 1ull << i;
		if (!*mask)
			shell_error("no CPU but the shell's is online (see 'cpus')");
		return *mask != 0;
	}
	const char *p = text;
	while (*p) {
		uint64_t a, b;
		if (parse_u64_prefix(&p, &a) != ST_OK)
			return shell_arg_error("bad CPUS '%s' (all, N, N-M, or a comma list)",
					       text),
			       false;
		b = a;
		if (*p == '-' && (p++, parse_u64_prefix(&p, &b) != ST_OK || b < a))
			return shell_arg_error("bad range in CPUS '%s'", text), false;
		if (*p && *p++ != ',')
			return shell_arg_error("bad CPUS '%s' (all, N, N-M, or a comma list)",
					       text),
			       false;
		for (uint64_t c = a; c <= b; c++) {
			if (c == 0)
				return shell_error(
					       "cpu 0 runs the shell; workers go on other CPUs"),
				       false;
			if (c >= smp.ncpus || percpu[c].state != CPU_ONLINE)
				return shell_error("cpu %lu is not online (see 'cpus')",
						   (unsigned long)c),
				       false;
			*mask |= 1ull << c;
		}
	}
	return *mask != 0 || (shell_arg_error("empty CPUS"), false);
}

int mem_work(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "stop") == 0) {
		status_t st;
		uint64_t errors = work_stop(&st);
		if (st == ST_NOTFOUND)
			return shell_error("no worker runs");
		if (errors)
			return shell_error("%lu lost writes", (unsigned long)errors);
		return st != ST_OK ? shell_error("a worker did not stop in time (see above)") : 0;
	}
	if (shell_arg_count(argc, argv, 4, 4))
		return 1;
	unsigned slot;
	uint64_t mask;
	if (memobj_find(&K.objs, argv[2], &slot) != ST_OK)
		return shell_error("no object '%s' (see 'mem objects')", argv[2]);
	if (!memobj_get(&K.objs, slot)->movable)
		return shell_error("'%s' is unmovable: workers run on movable objects", argv[2]);
	if (!parse_cpus(argv[3], &mask))
		return 1;
	status_t st = work_start(slot, mask);
	if (st == ST_BUSY)
		return shell_error("workers already run; 'mem work stop' first");
	if (st != ST_OK)
		return shell_fail(st);
	kprintf("workers on %u CPUs: %s\n", (unsigned)__builtin_popcountll(mask), argv[2]);
	return 0;
}

int mem_move(int argc, char **argv)
{
	unsigned slot;
	uint64_t node;
	char err[128];
	if (shell_arg_count(argc, argv, 4, 4))
		return 1;
	if (strncmp(argv[3], "node=", 5) != 0)
		return shell_arg_error("expected node=N, not '%s'", argv[3]);
	if (arg_u64("node", argv[3] + 5, 0, BUDDY_MAX_NODES - 1, &node, err, sizeof err) != ST_OK)
		return shell_arg_error("%s", err);
	if (memobj_find(&K.objs, argv[2], &slot) != ST_OK)
		return shell_error("no object '%s' (see 'mem objects')", argv[2]);
	struct migrate_result r;
	uint64_t rounds = tlb_rounds();
	status_t st = migrate_object(&K.objs, slot, (unsigned)node, &r);
	if (st != ST_OK)
		return shell_error(
			"%s: moved %lu pages to node %lu, then pfn 0x%lx could not move (%s)",
			argv[2], (unsigned long)r.moved, (unsigned long)node,
			(unsigned long)r.failed_pfn, status_str(st));
	kprintf("%s: %lu pages moved to node %lu (%lu flushes, %lu shootdown rounds)\n", argv[2],
		(unsigned long)r.moved, (unsigned long)node, (unsigned long)r.flushes,
		(unsigned long)(tlb_rounds() - rounds));
	return 0;
}
