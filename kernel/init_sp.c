/* SPDX-License-Identifier: BSD-2-Clause */
/* init_sp.c - specific-purpose memory at boot: discovery, the policy of docs/design.md §6, and the
 * dax regions (one devdax device each) for the pieces HMAT describes.
 *
 *   SP piece whose domain HMAT describes   -> dax region + one unclaimed devdax device
 *   no HMAT data (or no SRAT domain)       -> reserved ("Soft Reserved"), FIRMWARE BUG, taint
 *     ... with spmk.nohmat=device          -> a device anyway, still the warning and taint
 *   efi=nosoftreserve                      -> no SP at all: the normaliser made it RAM
 * The work is mm/discover.c's discover_sp; this file feeds it the kernel's state. */
#include "kernel/init.h"

#include "kernel/boot_scratch.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "lib/check.h"

void init_sp(void)
{
	bool firmware_bug;
	/* a piece per SP range and two per SRAT memory affinity: the table cannot overflow */
	uint64_t cap = sp_pieces_bound(&K.memmap, SRAT_MAX_MEM);
	CHECK_OP(cap, <=, UINT32_MAX);
	sp_set_storage(&K.sp, boot_scratch_take(cap, sizeof(struct sp_piece)), (uint32_t)cap);
	/* its errors were logged; the pieces found still get regions */
	discover_sp(&K.memmap, K.numa_acpi, &K.numa, &K.boot_opts, &K.sp, &K.dax, &firmware_bug,
		    &kout);
	if (firmware_bug)
		taint_set(TAINT_FIRMWARE_BUG, "firmware bug: SP memory without HMAT data");
}
