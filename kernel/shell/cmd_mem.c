/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_mem.c - shell commands about physical memory: memmap (raw and normalised), the page
 * allocator totals with the accounting check (mem), and the physical map (iomem). */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/types.h"
#include "mm/memmap.h"

int cmd_memmap(int argc, char **argv)
{
	const struct boot_info *bi = K.bi;
	if (argc == 1) {
		memmap_print_raw(phys_to_virt(bi->memmap_phys), bi->memmap_size, bi->desc_size,
				 &kout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-n") == 0) {
		memmap_print(&K.memmap, &kout);
		return 0;
	}
	return shell_arg_error("unexpected '%s'", argv[argc - 1]);
}

_Static_assert(BUDDY_PCP_ORDERS == 4, "print_stats_line prints four cached orders");

static void print_stats_line(const char *label, const struct buddy_stats *s)
{
	kprintf("%-16s total %8lu free %8lu isolated %6lu reserve %5lu", label,
		(unsigned long)s->total, (unsigned long)s->free, (unsigned long)s->isolated,
		(unsigned long)s->reserve);
	if (s->cached) /* pages in per-CPU caches, then their blocks per cached order */
		kprintf(" cached %lu (orders 0-3: %lu/%lu/%lu/%lu blocks)",
			(unsigned long)s->cached, (unsigned long)s->cached_blocks[0],
			(unsigned long)s->cached_blocks[1], (unsigned long)s->cached_blocks[2],
			(unsigned long)s->cached_blocks[3]);
	for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
		if (s->owner[o])
			kprintf(" %s %lu", buddy_owner_name(o), (unsigned long)s->owner[o]);
	kprintf("\n");
}

/* Pages of managed memory the memory map gave the kernel at boot. */
static uint64_t memmap_managed_pages(void)
{
	return memmap_pages_of(&K.memmap, MEM_USABLE) + memmap_pages_of(&K.memmap, MEM_KERNEL) +
	       memmap_pages_of(&K.memmap, MEM_PAGETABLE) + memmap_pages_of(&K.memmap, MEM_BOOTINFO);
}

/* Pages of SP memory now in the page allocator (handed off). */
static uint64_t handed_off_pages(void)
{
	uint64_t n = 0;
	struct buddy_range_info r;
	for (uint32_t i = 0; buddy_range_get(&K.buddy, i, &r) == ST_OK; i++) {
		for (uint32_t p = 0; p < K.sp.count; p++) {
			uint64_t lo = MAX(r.base.v, pa_to_pfn(pa_of(K.sp.p[p].base)).v);
			uint64_t hi = MIN(r.end.v, pa_to_pfn(pa_of(K.sp.p[p].end)).v);
			if (lo < hi)
				n += hi - lo;
		}
	}
	return n;
}

/* SP pages: every one is in a dax device, free in its region, or reserved (no HMAT data). */
static bool print_sp_accounting(void)
{
	uint64_t in_devices = 0, system_ram = 0, region_pages = 0, reserved = 0;
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *d = dax_device_get(&K.dax, i);
		if (!d || !d->used)
			continue;
		in_devices += bytes_to_pages(d->size);
		if (d->mode == DAX_MODE_SYSTEM_RAM)
			system_ram += bytes_to_pages(d->size);
	}
	for (uint32_t r = 0; r < dax_region_count(&K.dax); r++)
		region_pages += bytes_to_pages(dax_region_get(&K.dax, r)->size);
	for (uint32_t i = 0; i < K.sp.count; i++)
		if (K.sp.p[i].policy == SP_RESERVED_NO_HMAT)
			reserved += bytes_to_pages(K.sp.p[i].end - K.sp.p[i].base);
	reserved += bytes_to_pages(K.sp.overflow_bytes); /* beyond SP_PIECES_MAX pieces (mm/sp.h) */
	uint64_t sp = memmap_pages_of(&K.memmap, MEM_SP);
	uint64_t region_free = region_pages - in_devices;
	bool exact = sp == in_devices + region_free + reserved;
	kprintf("SP accounting: memory map %lu = in devices %lu (system-ram %lu) + free in regions "
		"%lu + reserved %lu: %s\n",
		(unsigned long)sp, (unsigned long)in_devices, (unsigned long)system_ram,
		(unsigned long)region_free, (unsigned long)reserved, exact ? "exact" : "MISMATCH");
	return exact;
}

/* mem caches [on]: what the per-CPU page caches serve (mm/buddy.h, buddy_pcp_defer). */
int cmd_mem_caches(int argc, char **argv)
{
	if (argc > 3 || (argc == 3 && strcmp(argv[2], "on") != 0))
		return shell_arg_error("unexpected '%s'", argv[argc - 1]);
	unsigned deferred, orders = buddy_pcp_orders(&K.buddy, &deferred);
	if (argc == 3) {
		status_t st = buddy_pcp_set_orders(&K.buddy, MAX(MAX(orders, deferred), 1u));
		if (st != ST_OK)
			return shell_fail(st);
		orders = buddy_pcp_orders(&K.buddy, &deferred);
	}
	if (orders)
		kprintf("page caches: on, orders 0-%u\n", orders - 1);
	else if (deferred)
		kprintf("page caches: held back until CPUs contend for the allocator lock "
			"(then orders 0-%u)\n",
			deferred - 1);
	else
		kprintf("page caches: off\n");
	return 0;
}

int cmd_mem_totals(int argc, char **argv)
{
	if (argc != 1)
		return shell_arg_error("unexpected '%s'", argv[1]);
	kprintf("pages of 4 KiB per node and zone; reserve: free pages kept for the kernel's own "
		"allocations; owners: allocated or reserved pages\n");
	for (unsigned node = 0; node < BUDDY_MAX_NODES; node++) {
		for (unsigned zone = 0; zone < BUDDY_NZONES; zone++) {
			struct buddy_stats s;
			if (buddy_stats(&K.buddy, (int)node, (int)zone, &s) != ST_OK || !s.total)
				continue;
			char label[32];
			fmt_snprintf(label, sizeof label, "node %u %s", node,
				     buddy_zone_name(zone));
			print_stats_line(label, &s);
		}
	}
	struct buddy_stats all;
	CHECK_OK(buddy_stats(&K.buddy, -1, -1, &all));
	print_stats_line("all", &all);
	uint64_t owned = 0;
	for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
		owned += all.owner[o];
	uint64_t mapped = memmap_managed_pages(), sp = handed_off_pages();
	bool exact = all.total == mapped + sp &&
		     all.free + all.cached + all.isolated + owned == all.total;
	kprintf("accounting: memory map %lu + handed-off SP %lu = %lu managed = free %lu + ",
		(unsigned long)mapped, (unsigned long)sp, (unsigned long)all.total,
		(unsigned long)all.free);
	if (all.cached) /* pages in per-CPU caches */
		kprintf("cached %lu + ", (unsigned long)all.cached);
	kprintf("isolated %lu + owned %lu: %s\n", (unsigned long)all.isolated, (unsigned long)owned,
		exact ? "exact" : "MISMATCH");
	bool sp_exact = print_sp_accounting();
	return exact && sp_exact ? 0 : 1;
}
