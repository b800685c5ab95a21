/* SPDX-License-Identifier: BSD-2-Clause */
/* init.c - subsystem bring-up, in dependency order:
 *   1. memory map: options (efi_fake_mem=, efi=debug,nosoftreserve), then normalisation;
 *   2. ACPI tables, NUMA topology, poweroff (init_acpi.c);
 *   3. page allocator and the kernel's page tables (init_mm.c);
 *   4. SP discovery, boot policy and dax regions (init_sp.c, kdax.c);
 *   5. memory objects and hand-off/reclaim of dax devices (khotplug.c).
 * Steps 1, 2 and 4 are mm/discover.c's pipeline, which the host tests and fuzzes whole. */
#include "kernel/init.h"

#include "arch/x86_64/cpu.h"
#include "kernel/boot_info_validate.h"
#include "kernel/boot_options.h"
#include "kernel/boot_scratch.h"
#include "kernel/kdax.h"
#include "kernel/kernel.h"
#include "kernel/khotplug.h"
#include "kernel/printk.h"
#include "lib/check.h"

static void init_memmap(void)
{
	const struct boot_info *bi = K.bi;
	boot_options_discover(&K.cmdline, (uint8_t)cpu_phys_addr_bits(), &K.boot_opts, &kout);
	/* every descriptor and efi_fake_mem= element fits: no map is too large */
	uint64_t cap = memmap_ranges_bound(boot_info_desc_count(bi), MEMMAP_FAKE_MAX);
	CHECK_OP(cap, <=, UINT32_MAX);
	struct mem_range *storage = boot_scratch_take(cap, sizeof *storage);
	discover_memmap_into(phys_to_virt(bi->memmap_phys), bi->memmap_size, bi->desc_size,
			     &K.boot_opts, &K.memmap_opts, &K.memmap, storage, (uint32_t)cap,
			     &kout);
}

void init_subsystems(void)
{
	init_memmap();
	init_acpi();
	init_mm();
	kdax_init();
	if (K.mm_ready) {
		init_sp();
		khotplug_init();
	}
}
