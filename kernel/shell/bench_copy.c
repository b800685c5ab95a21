/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_copy.c - the memcpy baseline of `bench hotplug`: the pages in use on a device copied
 * once into free RAM elsewhere right before the reclaim that migrates the same pages, so both
 * run under the same load on this shared machine and touch the same source pages and as
 * many distinct destination pages (a copy into one reused buffer, or a repeated copy, finds
 * QEMU's software TLB already filled).
 *
 * The pages in use are found first and kept as runs of consecutive pfns (an object's pages
 * mostly are); only the copies are timed. */
#include "kernel/shell/bench_copy.h"

#include "arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"

#define COPY_MAX_BLOCKS 2048
#define COPY_MAX_RUNS 4096
#define COPY_MAX_ORDER 14

static struct { uint64_t pfn; unsigned order; } blocks[COPY_MAX_BLOCKS];
static struct range runs[COPY_MAX_RUNS];

/* The movable pages of [base, +npages) as runs; returns the pages found (those that fit). */
static uint64_t copy_runs(uint64_t base, uint64_t npages, unsigned *n)
{
	uint64_t found = 0;
	*n = 0;
	for (uint64_t p = base; p < base + npages; p++) {
		struct buddy_page_info pi;
		if (buddy_page_state(&K.buddy, p, &pi) != ST_OK)
			continue;
		if (pi.state != PAGE_MOVABLE) {
			p = MAX(p, pi.head + ((uint64_t)1 << pi.order) - 1);
			continue;
		}
		if (*n && runs[*n - 1].end == p) {
			runs[*n - 1].end++;
		} else if (*n < COPY_MAX_RUNS) {
			runs[(*n)++] = (struct range){ p, p + 1 };
		} else {
			continue;
		}
		found++;
	}
	return found;
}

/* Takes free blocks, largest first, until `pages` pages are held; returns how many. */
static uint64_t copy_take(uint64_t pages, unsigned *n)
{
	uint64_t got = 0;
	*n = 0;
	for (int k = COPY_MAX_ORDER; k >= 0 && got < pages; k--)
		while (got + ((uint64_t)1 << k) <= pages && *n < COPY_MAX_BLOCKS &&
		       buddy_alloc(&K.buddy, (unsigned)k, -1, BUDDY_OWNER(BUDDY_OWNER_OTHER),
				   &blocks[*n].pfn) == ST_OK) {
			blocks[(*n)++].order = (unsigned)k;
			got += (uint64_t)1 << k;
		}
	return got;
}

uint64_t bench_copy_us(uint64_t base, uint64_t npages, uint64_t *pages_out)
{
	unsigned nruns, nblocks;
	uint64_t used = copy_runs(base, npages, &nruns);
	uint64_t room = copy_take(used, &nblocks), done = 0;
	*pages_out = used;
	if (!room)
		return 0;
	unsigned r = 0;
	uint64_t src = runs[0].base;
	write_cr3(read_cr3());
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < nblocks; i++) {
		uint64_t len = (uint64_t)1 << blocks[i].order;
		for (uint64_t p = 0; p < len; p++, done++) {
			if (src == runs[r].end)
				src = runs[++r].base;
			memcpy(phys_to_virt((blocks[i].pfn + (p + 1) % len) << PAGE_SHIFT),
			       phys_to_virt(src++ << PAGE_SHIFT), PAGE_SIZE);
		}
	}
	uint64_t us = tsc_to_us(rdtsc() - t0);
	for (unsigned i = 0; i < nblocks; i++)
		CHECK_OK(buddy_free(&K.buddy, blocks[i].pfn, blocks[i].order)); /* ours */
	return us * used / done;
}
