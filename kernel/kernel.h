/* SPDX-License-Identifier: BSD-2-Clause */
/* kernel.h - the kernel's state after boot: one structure, filled in by kmain in order.
 *
 * Each subsystem keeps its own state in a struct the kernel owns here, so there is exactly one
 * place to look for "what does the kernel know" and host tests never depend on it. */
#ifndef SPMK_KERNEL_KERNEL_H
#define SPMK_KERNEL_KERNEL_H

#include <stdint.h>

#include "acpi/hmat.h"
#include "acpi/numa.h"
#include "acpi/slit.h"
#include "acpi/srat.h"
#include "acpi/tables.h"
#include "boot/boot_info.h"
#include "kernel/cmdline.h"
#include "mm/buddy.h"
#include "mm/dax.h"
#include "mm/discover.h"
#include "mm/fake_mem.h"
#include "mm/hotplug.h"
#include "mm/kheap.h"
#include "mm/memmap.h"
#include "mm/memobj.h"
#include "mm/sp.h"

enum taint_flag {
	TAINT_FIRMWARE_BUG = 1u << 0, /* firmware described memory inconsistently (Linux 'I') */
	TAINT_FAULT = 1u << 1,        /* a command faulted and was abandoned */
};

struct kernel {
	const struct boot_info *bi;
	struct cmdline cmdline;
	uint32_t taint;
	uint64_t tsc_entry;  /* TSC at kmain */
	uint64_t violations; /* ownership violations reported by the page-fault hook */
	struct memmap_opts memmap_opts;
	struct memmap memmap; /* normalised */
	struct acpi_tables acpi;
	const struct srat_info *srat; /* NULL when absent or rejected */
	const struct hmat_info *hmat; /* NULL when absent or rejected */
	const struct discover_acpi
		*numa_acpi;                /* SRAT, SLIT, HMAT, MADT as parsed (mm/discover.h) */
	struct discover_options boot_opts; /* the discovery pipeline's boot options */
	struct numa_topology numa;
	struct buddy buddy;
	struct kheap heap;      /* kmalloc/kfree */
	bool mm_ready;          /* page allocator and kernel page tables are up */
	struct sp_set sp;       /* SP pieces found at boot, with their policy */
	struct dax dax;         /* regions and devices over the SP pieces */
	struct memobj_set objs; /* movable memory objects (mem fill ...) */
	struct hotplug hotplug; /* devices handed to the page allocator */
};

extern struct kernel K;

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa); }

void taint_set(uint32_t flag, const char *why);

#endif
