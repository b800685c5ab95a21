/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_fault_corrupt.c - `fault corrupt NAME PAGE`: a deliberate stray write, to test that
 * `selftest` catches a page written by someone who does not own it.
 *
 * Flips one byte (offset 100) of page PAGE of memory object NAME through the direct map, by
 * physical address, never through the object's own mapping: exactly what a scrub, junk fill
 * or copy that reached the wrong page would do. The object's contents are then wrong until
 * the same command flips the byte back. Errors name the values as typed. */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/args.h"

int cmd_fault_corrupt(int argc, char **argv)
{
	if (argc != 4)
		return shell_usage("fault");
	unsigned slot;
	if (memobj_find(&K.objs, argv[2], &slot) != ST_OK)
		return shell_error("no memory object '%s'", argv[2]);
	uint64_t page;
	pfn_t pfn;
	const struct memobj *o = memobj_get(&K.objs, slot);
	char err[128];
	if (arg_u64("page", argv[3], 0, o->npages - 1, &page, err, sizeof err) != ST_OK)
		return shell_arg_error("%s", err);
	if (memobj_page_pfn(&K.objs, slot, page, &pfn) != ST_OK)
		return shell_error("page %lu of '%s' is not mapped", (unsigned long)page, argv[2]);
	paddr_t at = pa_add(pfn_to_pa(pfn), 100);
	volatile uint8_t *b = (volatile uint8_t *)phys_to_virt(at.v);
	*b ^= 0x40;
	kprintf("fault corrupt: flipped a bit at physical 0x%lx (page %lu of '%s')\n",
		(unsigned long)at.v, (unsigned long)page, argv[2]);
	return 0;
}
