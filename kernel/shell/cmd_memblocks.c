/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_memblocks.c - `mem blocks`: the page allocator's memory as 2 MiB memory blocks, merged
 * into runs, in the layout of Linux `lsmem -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES`.
 *
 * A block is online when any of its pages is in the page allocator (boot RAM or a handed-off
 * dax device); its node and zone are those of the range holding it. REMOVABLE says whether
 * spmk can take the block back: yes for movable-only memory (a device handed off without
 * --unmovable), no otherwise. A devdax device has no memory blocks, as on Linux, and a block of
 * a system-ram device that is not in the page allocator is listed offline. */
#include "kernel/shell/commands.h"

#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/fmt.h"

#define BLOCK_PAGES 512u /* 2 MiB of 4 KiB pages */

struct block_run {
	uint64_t first, last; /* block numbers, inclusive */
	bool online;
	unsigned node, zone;
};

/* "1G", "6M", "512K": the largest unit that divides the size, like lsmem. */
static void human(uint64_t bytes, char *buf, size_t n)
{
	if (bytes && bytes % (1ull << 30) == 0)
		fmt_snprintf(buf, n, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes && bytes % (1ull << 20) == 0)
		fmt_snprintf(buf, n, "%lluM", (unsigned long long)(bytes >> 20));
	else if (bytes)
		fmt_snprintf(buf, n, "%lluK", (unsigned long long)(bytes >> 10));
	else
		fmt_snprintf(buf, n, "0B");
}

static void print_run(const struct block_run *r, uint64_t *online, uint64_t *offline)
{
	uint64_t base = r->first * BLOCK_PAGES * PAGE_SIZE;
	uint64_t size = (r->last - r->first + 1) * BLOCK_PAGES * PAGE_SIZE;
	char hs[16], blk[32];
	human(size, hs, sizeof hs);
	if (r->first == r->last)
		fmt_snprintf(blk, sizeof blk, "%llu", (unsigned long long)r->first);
	else
		fmt_snprintf(blk, sizeof blk, "%llu-%llu", (unsigned long long)r->first,
			     (unsigned long long)r->last);
	kprintf("0x%016lx-0x%016lx %5s %7s %9s %11s %4u %s\n", (unsigned long)base,
		(unsigned long)(base + size - 1), hs, r->online ? "online" : "offline",
		!r->online                      ? "-"
		: r->zone == BUDDY_ZONE_MOVABLE ? "yes"
						: "no",
		blk, r->node,
		!r->online                      ? "None"
		: r->zone == BUDDY_ZONE_MOVABLE ? "Movable"
						: "Normal");
	*(r->online ? online : offline) += size;
}

/* Adds blocks [first, last] to the current run, printing it first when they do not extend it. */
static void add_blocks(struct block_run *cur, bool *have, const struct block_run *b,
		       uint64_t *online, uint64_t *offline)
{
	if (*have && b->first <= cur->last + 1 && b->online == cur->online &&
	    b->node == cur->node && b->zone == cur->zone) {
		cur->last = MAX(cur->last, b->last);
		return;
	}
	if (*have && b->last <= cur->last)
		return; /* a block already listed (two ranges share it) */
	if (*have)
		print_run(cur, online, offline);
	*cur = *b;
	*have = true;
}

int cmd_mem_blocks(int argc, char **argv)
{
	if (argc != 2)
		return shell_arg_error("unexpected '%s'", argv[2]);
	uint64_t online = 0, offline = 0;
	struct block_run cur = { 0 };
	bool have = false;
	kprintf("%-37s %5s %7s %9s %11s %4s %s\n", "RANGE", "SIZE", "STATE", "REMOVABLE", "BLOCK",
		"NODE", "ZONES");
	struct buddy_range_info r;
	for (uint32_t i = 0; buddy_range_get(&K.buddy, i, &r) == ST_OK; i++) {
		struct block_run b = { r.base.v / BLOCK_PAGES, (r.end.v - 1) / BLOCK_PAGES, true,
				       r.node, r.zone };
		if (have && b.first == cur.last && b.first < b.last)
			b.first++; /* the shared block stays with the run that listed it */
		add_blocks(&cur, &have, &b, &online, &offline);
	}
	if (have)
		print_run(&cur, &online, &offline);
	for (uint32_t i = 0; i < dax_device_slots(&K.dax); i++) {
		const struct dax_device *d = dax_device_get(&K.dax, i);
		if (!d || !d->used || d->mode != DAX_MODE_SYSTEM_RAM ||
		    d->online_blocks >= d->total_blocks)
			continue;
		struct block_run b = { pa_to_pfn(pa_of(d->base)).v / BLOCK_PAGES + d->online_blocks,
				       pa_to_pfn(pa_of(d->base)).v / BLOCK_PAGES + d->total_blocks -
					       1,
				       false, (unsigned)dax_device_node(&K.dax, i), 0 };
		print_run(&b, &online, &offline);
	}
	char hs[16];
	kprintf("\nMemory block size:       2M\n");
	human(online, hs, sizeof hs);
	kprintf("Total online memory:     %s\n", hs);
	human(offline, hs, sizeof hs);
	kprintf("Total offline memory:    %s\n", hs);
	return 0;
}
