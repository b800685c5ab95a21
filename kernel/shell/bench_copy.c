/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_copy.c - the memcpy baseline of `bench hotplug`: the pages in use on a device copied
 * right before (and again right after) the reclaim that migrates the same pages, into the very destination pages
 * that reclaim will use, in the same order, through the same direct map: so both run under the
 * same load on this shared machine, with the same page sizes and the same source and
 * destination pages, and differ only in what reclaim does besides copying.
 *
 * The pages in use are found first and kept as runs of consecutive pfns (an object's pages
 * mostly are). The destinations are taken with migrate_reserve, as reclaim takes them (blocks
 * of up to 512 pages, nearest node first; the allocator is deterministic, so the reclaim that
 * follows gets the same blocks back), and each block is filled top down as migration fills
 * its pools, with a TLB flush every MIGRATE_BATCH pages as migration flushes once per batch.
 * Only the copies are timed. The sources are listed once (bench_copy_plan) and can be copied
 * again after the reclaim, once the device is handed off again and the object that reclaim
 * moved into the destinations is freed: the same pages, into the same blocks (a digest of the
 * blocks says whether they were the same). */
#include "kernel/shell/bench_copy.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "mm/migrate.h"

#define COPY_MAX_BLOCKS 4096
#define COPY_MAX_RUNS 4096

static struct {
	uint64_t pfn;
	unsigned order;
} blocks[COPY_MAX_BLOCKS];
/* Runs of consecutive movable frames, [base, end) in pfns. */
static struct {
	uint64_t base, end;
} runs[COPY_MAX_RUNS];

/* The movable pages of [base, +npages) as runs; returns the pages found (those that fit). */
static uint64_t copy_runs(uint64_t base, uint64_t npages, unsigned *n)
{
	uint64_t found = 0;
	*n = 0;
	for (uint64_t p = base; p < base + npages; p++) {
		struct buddy_page_info pi;
		if (buddy_page_state(&K.buddy, pfn_of(p), &pi) != ST_OK)
			continue;
		if (pi.state != PAGE_MOVABLE) {
			p = MAX(p, pi.head.v + ((uint64_t)1 << pi.order) - 1);
			continue;
		}
		if (*n && runs[*n - 1].end == p) {
			runs[*n - 1].end++;
		} else if (*n < COPY_MAX_RUNS) {
			runs[*n].base = p;
			runs[(*n)++].end = p + 1;
		} else {
			continue;
		}
		found++;
	}
	return found;
}

static uint64_t *copy_link(void *ctx, pfn_t pfn)
{
	(void)ctx;
	return phys_to_virt(pfn_to_pa(pfn).v);
}

/* Reserves `pages` destinations for pages leaving `node` as reclaim does and lists the blocks
 * in the order migration draws them; returns the pages listed (0: none reserved). Reclaim has
 * isolated the node's range by then, so its reservation starts on the nearest other node:
 * so does this one (the device's own free pages would be other, faster memory under QEMU). */
static uint64_t copy_take(unsigned node, uint64_t pages, unsigned *n)
{
	struct migrate_reserve rv = { .link = copy_link };
	unsigned from = node;
	for (unsigned i = 0; i < BUDDY_MAX_NODES && from == node; i++)
		from = buddy_fallback_node(&K.buddy, node, i);
	*n = 0;
	if (migrate_reserve(&K.objs, from, pages, &rv) != ST_OK)
		return 0;
	uint64_t got = 0, pfn = rv.head;
	unsigned order = rv.head_order;
	for (uint64_t i = 0; i < rv.blocks; i++) {
		const uint64_t *w =
			copy_link(0, pfn_of(pfn)); /* read before the block is written */
		if (*n < COPY_MAX_BLOCKS) {
			blocks[*n].pfn = pfn;
			blocks[(*n)++].order = order;
			got += (uint64_t)1 << order;
		} else {
			CHECK_OK(buddy_free(&K.buddy, pfn_of(pfn),
					    order)); /* reserved above, unused */
		}
		pfn = w[0];
		order = (unsigned)w[1];
	}
	return got;
}

static unsigned plan_runs;  /* runs[0 .. plan_runs): the sources of the next copies */
static uint64_t plan_pages; /* pages in them */

uint64_t bench_copy_plan(uint64_t base, uint64_t npages)
{
	plan_pages = copy_runs(base, npages, &plan_runs);
	return plan_pages;
}

/* A digest of the destination blocks, in order: equal digests mean the same blocks. */
static uint64_t blocks_digest(unsigned n)
{
	uint64_t h = 14695981039346656037ull;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ (blocks[i].pfn << 6 | blocks[i].order)) * 1099511628211ull;
	return h;
}

uint64_t bench_copy_us(unsigned node, uint64_t *dest_digest)
{
	unsigned nblocks;
	uint64_t used = plan_pages, done = 0;
	*dest_digest = 0;
	if (!used)
		return 0;
	uint64_t room = copy_take(node, used, &nblocks);
	if (!room)
		return 0;
	*dest_digest = blocks_digest(nblocks);
	unsigned r = 0;
	uint64_t src = runs[0].base;
	write_cr3(read_cr3());
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < nblocks && done < used; i++) {
		uint64_t len = (uint64_t)1 << blocks[i].order;
		for (uint64_t k = 0; k < len && done < used; k++, done++) {
			if (src == runs[r].end)
				src = runs[++r].base;
			if (done && done % MIGRATE_BATCH == 0)
				write_cr3(read_cr3()); /* as migration's flush per batch */
			memcpy(phys_to_virt(pfn_to_pa(pfn_of(blocks[i].pfn + len - 1 - k)).v),
			       phys_to_virt(pfn_to_pa(pfn_of(src++)).v), PAGE_SIZE);
		}
	}
	uint64_t us = tsc_to_us(rdtsc() - t0);
	for (unsigned i = 0; i < nblocks; i++)
		CHECK_OK(buddy_free(&K.buddy, pfn_of(blocks[i].pfn),
				    blocks[i].order)); /* reserved above */
	return us * used / done;
}
