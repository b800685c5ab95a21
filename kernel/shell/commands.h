/* SPDX-License-Identifier: BSD-2-Clause */
/* commands.h - shell commands, one group per file (kernel/shell/cmd_*.c); each group exports its
 * subcommand table for the command table in kernel/commands.c. */
#ifndef SPMK_KERNEL_COMMANDS_H
#define SPMK_KERNEL_COMMANDS_H

#include "kernel/shell/shell.h"

extern const struct shell_sub acpi_subs[], numa_subs[], dax_subs[], mem_subs[], bench_subs[],
	app_subs[];

int cmd_memmap(int argc, char **argv);
int cmd_mem_totals(int argc, char **argv);
int cmd_mem_blocks(int argc, char **argv);
int cmd_mem_caches(int argc, char **argv);
int cmd_iomem(int argc, char **argv);
int cmd_dax_reconfigure(int argc, char **argv);
int cmd_fault_inject(int argc, char **argv);
int cmd_fault_corrupt(int argc, char **argv);
int cmd_fault_stall(int argc, char **argv);
int cmd_stress(int argc, char **argv);
int cmd_cpus(int argc, char **argv);
int mem_work(int argc, char **argv);
int mem_move(int argc, char **argv);
int bench_rounds(int argc, char **argv);
int bench_smp(int argc, char **argv);
int cmd_bench_release(int argc, char **argv); /* bench release (cmd_bench_release.c) */

#endif
