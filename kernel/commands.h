/* commands.h - shell command functions, one group per file (kernel/cmd_*.c). */
#ifndef SPMK_KERNEL_COMMANDS_H
#define SPMK_KERNEL_COMMANDS_H

int cmd_memmap(int argc, char **argv);
int cmd_mem(int argc, char **argv);
int cmd_mem_totals(int argc, char **argv);
int cmd_iomem(int argc, char **argv);
int cmd_acpi(int argc, char **argv);
int cmd_numa(int argc, char **argv);
int cmd_dax(int argc, char **argv);
int cmd_dax_reconfigure(int argc, char **argv);
int cmd_memobj(int argc, char **argv);
int cmd_fault_inject(int argc, char **argv);
int cmd_fault_corrupt(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_stress(int argc, char **argv);

#endif
