/* SPDX-License-Identifier: BSD-2-Clause */
/* init.h - bringing up the subsystems in order, after the console and CPU tables. */
#ifndef SPMK_KERNEL_INIT_H
#define SPMK_KERNEL_INIT_H

struct boot_info;

/* The kernel's C entry, called by entry.asm on the boot stack with the loader's hand-off
 * (docs/boot-protocol.md); never returns. */
void kmain(const struct boot_info *bi);

void init_subsystems(void);
void init_acpi(void);
void init_mm(void);
void init_sp(void);

#endif
