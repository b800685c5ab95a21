/* SPDX-License-Identifier: BSD-2-Clause */
/* init.h - bringing up the subsystems in order, after the console and CPU tables. */
#ifndef SPMK_KERNEL_INIT_H
#define SPMK_KERNEL_INIT_H

#include "lib/status.h"

struct boot_info;

/* The kernel's C entry, called by entry.asm on the boot stack with the loader's hand-off
 * (docs/boot-protocol.md); never returns. */
void kmain(const struct boot_info *bi);

void init_subsystems(void);
void init_acpi(void);
void init_mm(void);
void init_sp(void);
/* Turns on the page allocator's per-CPU caches for CPUs 0 .. ncpus-1 (mm/buddy.h), their
 * memory from the page allocator; called once by SMP bring-up, before the other CPUs
 * allocate (with one CPU too: the cache is the order-0 fast path). On error the caches stay
 * off and one line says why. Errors: ST_NOMEM, or those of buddy_pcp_enable. */
status_t init_mm_pcp(unsigned ncpus);

#endif
