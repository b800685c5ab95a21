/* SPDX-License-Identifier: BSD-2-Clause */
/* paging.h - the initial 4-level page tables the loader hands to the kernel.
 *
 * Layout built by paging_build():
 *   - identity map of [0, dm_size) with 1 GiB pages when the CPU has them (page_1g: CPUID
 *     0x80000001 EDX bit 26, Intel SDM vol. 3A §4.5), else 2 MiB pages (so the loader keeps
 *     running after the CR3 switch);
 *   - the same physical range at DIRECT_MAP_BASE; both share the PDPT (and PD) pages (PML4
 *     entries 0.. and 256.. point at the same PDPTs). Tables: 1 PDPT per 512 GiB, plus one PD
 *     per GiB with 2 MiB pages (64 TiB: 128 pages with 1 GiB pages, 65,664 without);
 *   - the kernel image [kvirt, kvirt + ksize) with 4 KiB pages onto [kphys, kphys + ksize).
 * Every entry is present + writable, supervisor-only, no NX, cache type from PAT/MTRR defaults.
 * Tables come from a caller-supplied block of identity-mapped pages (pool), zeroed here. */
#ifndef SPMK_BOOT_PAGING_H
#define SPMK_BOOT_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"

#define PAGING_DM_MAX ((uint64_t)64 << 40) /* direct map limit: 64 TiB = 128 PML4 entries */

struct paging_plan {
	uint64_t dm_size; /* bytes; multiple of 1 GiB, 1 GiB..PAGING_DM_MAX */
	uint64_t kvirt;   /* kernel virtual base, 4 KiB aligned, >= KERNEL_VIRT_BASE */
	uint64_t kphys;   /* kernel physical base, 4 KiB aligned */
	uint64_t ksize;   /* bytes, 4 KiB multiple, < 1 GiB */
	bool page_1g;     /* map the direct map with 1 GiB pages (the CPU has pdpe1gb) */
};

/* Upper bound of the 4 KiB table pages paging_build() uses for this plan. */
size_t paging_pages_needed(const struct paging_plan *p);
/* Builds the tables in pool (pool_pages pages at identity-mapped physical address pool_phys);
 * *pml4_phys gets the CR3 value. ST_INVALID for a malformed plan, ST_NOMEM if pool is short. */
status_t paging_build(const struct paging_plan *p, uint64_t pool_phys, size_t pool_pages,
		      uint64_t *pml4_phys);

#endif
