/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_fault_stall.c - `fault stall CPU on|off`: a CPU that stops answering, to test the
 * bounded waits for other CPUs (kernel/work.h, docs/smp.md).
 *
 * While on, CPU leaves every work call unanswered (`selftest stress N SEED CPUS` then waits
 * spmk.cpu_wait_ms= at a barrier and again for the call, and fails naming it); it still
 * serves TLB shootdowns and runs `mem work` workers. Off: it answers what it left, late. */
#include "kernel/shell/commands.h"

#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/smp.h"
#include "kernel/work.h"
#include "lib/args.h"
#include "lib/kstring.h"

int cmd_fault_stall(int argc, char **argv)
{
	if (shell_arg_count(argc, argv, 4, 4))
		return 1;
	uint64_t cpu;
	char err[128];
	if (arg_u64("CPU", argv[2], 1, smp.ncpus > 1 ? smp.ncpus - 1 : 1, &cpu, err, sizeof err) !=
	    ST_OK)
		return shell_arg_error("%s", err);
	bool on = strcmp(argv[3], "on") == 0;
	if (!on && strcmp(argv[3], "off") != 0)
		return shell_arg_error("'%s' must be 'on' or 'off'", argv[3]);
	if (work_stall((unsigned)cpu, on) != ST_OK)
		return shell_error("cpu %lu is not online (see 'cpus')", (unsigned long)cpu);
	kprintf("fault stall: cpu %lu %s\n", (unsigned long)cpu,
		on ? "leaves work calls unanswered" : "answers work calls again");
	return 0;
}
