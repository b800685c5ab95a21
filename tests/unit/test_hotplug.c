/* SPDX-License-Identifier: BSD-2-Clause */
/* test_hotplug.c - host tests of mm/hotplug on the simulated machine (tests/unit/helpers/hotplug_sim.h):
 * hand-off, reclaim with migration, every refusal (pinned, unmovable, not enough memory
 * elsewhere) leaving everything as it was, partial reclaim with a device split, lazy and
 * dirty-block scrubbing deferred to the next claim, cycles without leaks, and a randomized test that interleaves all of
 * it and checks after every step that each page is in exactly one place and every object is
 * intact. SPMK_HOTPLUG_STEPS sets the number of random steps (default 3000). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "hotplug_sim.h"
#include "lib/cancel.h"
#include "test_main.h"
#include "xorshift.h"

static uint32_t dev0(struct sim *s)
{
	uint32_t d;
	assert_int_equal(dax_find(&s->dax, "dax0.0", &d), ST_OK);
	return d;
}

/* What must not change across a refused reclaim. */
struct snap {
	struct buddy_stats st[3];
	uint64_t pfn[64];
	enum dax_mode mode;
};

static void snap_take(struct sim *s, unsigned slot, struct snap *x)
{
	memset(x, 0, sizeof *x);
	for (int n = 0; n < 3; n++)
		buddy_stats(&s->b, n, -1, &x->st[n]);
	const struct memobj *o = memobj_get(&s->objs, slot);
	for (uint64_t i = 0; o && i < o->npages && i < 64; i++)
		x->pfn[i] = s->pt[slot][i];
	x->mode = dax_device_get(&s->dax, dev0(s))->mode;
}

static unsigned stop_points, stop_at;
static bool stop_hook(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	assert_true(done > 0 && done < total);
	return ++stop_points >= stop_at;
}

/* Stopped long operations leave a consistent state: a stopped fill keeps nothing; a stopped
 * reclaim rolls back (the device stays system-ram, every object intact, pages already moved
 * stay moved), and a later reclaim completes. */
static void test_stopped_fill_and_reclaim(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	unsigned slot, big;
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	uint64_t free0 = sim_free_pages(s, -1);
	stop_points = 0;
	stop_at = 2;
	cancel_set(stop_hook, 0);
	assert_int_equal(memobj_fill(&s->objs, "big", 3000, 1, true, &big), ST_INTERRUPTED);
	cancel_set(0, 0);
	assert_int_equal(stop_points, 2);
	assert_true(capture_has(&s->log,
				"mem fill: 'big' stopped after 2048 of 3000 pages; none kept"));
	assert_int_equal(memobj_find(&s->objs, "big", &big), ST_NOTFOUND);
	assert_int_equal(sim_free_pages(s, -1), free0);
	sim_check(s, false);
	assert_int_equal(memobj_fill(&s->objs, "o", 3000, 1, true, &slot), ST_OK);
	stop_points = 0;
	stop_at = 2; /* after 2048 of the 4096 pfns: some pages moved, the rest not */
	cancel_set(stop_hook, 0);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_INTERRUPTED);
	cancel_set(0, 0);
	assert_true(capture_has(&s->log,
				"stopped by Ctrl-C after 2048 pages moved; reclaim rolled back"));
	assert_int_equal(dax_device_get(&s->dax, d)->mode, DAX_MODE_SYSTEM_RAM);
	uint64_t bad;
	assert_int_equal(memobj_check(&s->objs, slot, &bad), ST_OK);
	assert_int_equal(bad, 0);
	uint64_t on_sp = 0;
	for (uint64_t i = 0; i < 3000; i++)
		on_sp += s->pt[slot][i] >= SIM_SP;
	assert_int_equal(on_sp, 3000 - 2048); /* the first 2048 moved off, the rest stayed */
	sim_check(s, false);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	assert_int_equal(memobj_check(&s->objs, slot, &bad), ST_OK);
	assert_int_equal(bad, 0);
	sim_check(s, true);
	sim_free(s);
}

/* Another CPU allocating from a device's memory the moment hand-off has put it into the page
 * allocator (the `added` hook stands for that CPU): the zeroing of that allocation must mark
 * its block dirty, so that reclaim leaves it to the deferred scrub and the next owner of the
 * device never reads what the page held. */
static uint64_t early_pfn[2];
static unsigned nearly;
static void alloc_when_added(void *ctx, struct range r)
{
	struct sim *s = ctx;
	pfn_t pfn;
	assert_int_equal(buddy_alloc(&s->b, 9, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &pfn), ST_OK);
	assert_true(pfn.v >= pa_to_pfn(pa_of(r.base)).v && pfn.v < pa_to_pfn(pa_of(r.end)).v);
	early_pfn[nearly++] = pfn.v;
}

static void test_allocation_right_after_add_is_tracked(void **state)
{
	(void)state;
	const enum hotplug_memmap where[2] = { HOTPLUG_MEMMAP_NORMAL, HOTPLUG_MEMMAP_ON_MEMORY };
	for (unsigned w = 0; w < 2; w++) {
		struct sim *s = sim_new();
		static struct hotplug_ops hops;
		hops = *s->hp.ops;
		hops.added = alloc_when_added;
		s->hp.ops = &hops;
		nearly = 0;
		uint32_t d = dev0(s);
		assert_int_equal(hotplug_handoff_memmap(&s->hp, d, true, where[w]), ST_OK);
		assert_int_equal(nearly, 1);
		uint64_t pfn = early_pfn[0];
		const struct hotplug_dev *r = hotplug_dev_of(&s->hp, d);
		assert_non_null(r);
		uint64_t blk = (pfn - r->base_pfn) / HOTPLUG_BLOCK_PAGES;
		assert_true(hotplug_dirty_bits((struct hotplug_dev *)r)[blk / 64] &
			    (1ull << (blk % 64)));
		memset(sim_page(s, pfn), 0x5a, HOTPLUG_BLOCK); /* the user's data */
		assert_int_equal(buddy_free(&s->b, pfn_of(pfn), 9), ST_OK);
		struct hotplug_reclaim_info info;
		assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
		assert_true(dax_dirty_bytes(&s->dax, range_of_pages(pfn_of(pfn), 512)) ==
			    HOTPLUG_BLOCK);
		sim_check(s, true); /* unclaimed devdax memory: zero or owed a scrub */
		sim_free(s);
	}
}

/* While one hand-off or reclaim runs (here: its busy flag held as if another CPU ran one),
 * another is refused at once, naming why, and changes nothing. */
static void test_one_at_a_time(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	assert_true(spin_trylock(&s->hp.busy));
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_BUSY);
	capture_expect(&s->log, "another hand-off or reclaim is running");
	assert_int_equal(dax_device_get(&s->dax, d)->mode, DAX_MODE_DEVDAX);
	spin_unlock(&s->hp.busy);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_true(spin_trylock(&s->hp.busy));
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, NULL), ST_BUSY);
	capture_expect(&s->log, "reclaim of device 0: another hand-off or reclaim is running");
	assert_int_equal(dax_device_get(&s->dax, d)->mode, DAX_MODE_SYSTEM_RAM);
	spin_unlock(&s->hp.busy);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, NULL), ST_OK);
	sim_check(s, false);
	sim_free(s);
}

static void test_handoff_reclaim(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	uint64_t free0 = sim_free_pages(s, -1);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	const struct dax_device *x = dax_device_get(&s->dax, d);
	assert_int_equal(x->mode, DAX_MODE_SYSTEM_RAM);
	assert_true(x->movable);
	assert_int_equal(x->total_blocks, 8);
	assert_int_equal(x->online_blocks, 8);
	assert_int_equal(sim_free_pages(s, 1), SIM_SP_N);
	assert_int_equal(sim_free_pages(s, -1), free0 + SIM_SP_N - 8); /* 8 metadata pages */
	sim_check(s, false);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_BUSY);
	/* kernel (unmovable) allocations never land on a movable-only node */
	uint64_t k;
	assert_int_equal(alloc_raw(&s->b, 0, 1, BUDDY_OWNER(BUDDY_OWNER_HEAP), &k), ST_OK);
	assert_true(k < SIM_SP);
	buddy_free(&s->b, pfn_of(k), 0);
	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "o", 3000, 1, true, &slot), ST_OK);
	assert_true(s->pt[slot][0] >= SIM_SP);
	sim_check(s, false);
	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
	assert_int_equal(info.moved, 3000);
	assert_int_equal(info.pages, SIM_SP_N);
	assert_int_equal(x->mode, DAX_MODE_DEVDAX);
	/* nearest node first: node 0 (distance 20) fills up before node 2 (30) */
	/* (node 0 had 2048 - 8 metadata pages free; the 8 came back after the move) */
	assert_int_equal(sim_free_pages(s, 0), 8);
	assert_int_equal(sim_free_pages(s, 2), SIM_RAM2_N - (3000 - (SIM_RAM0_N - 8)));
	/* the 3000 pages' blocks are left to the next claim (deferred scrub), not zeroed yet */
	assert_int_equal(info.scrubbed, 0);
	assert_true(info.deferred >= 3000 * PAGE_SIZE);
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(x->base), x->size)),
			 info.deferred);
	sim_check(s, true);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	assert_int_equal(sim_free_pages(s, -1), free0);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_BUSY); /* devdax already */
	sim_free(s);
}

static void test_reclaim_refusals(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	unsigned slot, big;
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "o", 2000, 1, true, &slot), ST_OK);
	assert_int_equal(memobj_pin(&s->objs, slot, 1234), ST_OK);
	struct snap a, b;
	snap_take(s, slot, &a);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_BUSY);
	snap_take(s, slot, &b);
	assert_memory_equal(&a, &b, sizeof a);
	assert_true(capture_has(&s->log, "1 pinned"));
	assert_true(capture_has(&s->log, "object 'o' page 1234"));
	sim_check(s, false);
	assert_int_equal(memobj_unpin(&s->objs, slot, 1234), ST_OK);
	/* not enough free memory elsewhere: fill node 0 and 2 almost completely */
	uint64_t elsewhere = sim_free_pages(s, 0) + sim_free_pages(s, 2);
	assert_int_equal(memobj_fill(&s->objs, "big", elsewhere - 100, 2, true, &big), ST_OK);
	/* from node 2 the fallback order is 2, 0 (25), 1 (30): nothing spills onto node 1 */
	snap_take(s, slot, &a);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_NOMEM);
	snap_take(s, slot, &b);
	assert_memory_equal(&a, &b, sizeof a);
	if (!capture_has(&s->log, "only 100 pages are free elsewhere"))
		fail_msg("%s", s->log.text);
	sim_check(s, false);
	assert_int_equal(memobj_free(&s->objs, big), ST_OK);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

static void test_unmovable_handoff(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	unsigned slot, um;
	assert_int_equal(hotplug_handoff(&s->hp, d, false), ST_OK);
	assert_false(dax_device_get(&s->dax, d)->movable);
	/* a previous user's data is never visible to the next allocation (lazy scrub) */
	assert_int_equal(memobj_fill(&s->objs, "o", 8, 1, true, &slot), ST_OK);
	uint64_t p = s->pt[slot][0];
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "u", 1, 1, false, &um), ST_OK);
	assert_int_equal(s->pt[um][0], p); /* same page reused, unmovable this time... */
	assert_int_equal(memobj_free(&s->objs, um), ST_OK);
	uint64_t k;
	assert_int_equal(alloc_raw(&s->b, 0, 1, BUDDY_OWNER(BUDDY_OWNER_HEAP), &k), ST_OK);
	const uint64_t *w = (const uint64_t *)sim_page(s, k);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(w[i], 0);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_BUSY);
	assert_true(capture_has(&s->log, "1 unmovable"));
	sim_check(s, false);
	buddy_free(&s->b, pfn_of(k), 0);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

static void test_partial(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	unsigned slot;
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "o", 2500, 1, true, &slot), ST_OK);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 12345, 0), ST_INVALID);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 18 * SIZE_2M, 0), ST_INVALID);
	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 3 * SIZE_2M, &info), ST_OK);
	assert_true(info.split);
	const struct dax_device *x = dax_device_get(&s->dax, d),
				*y = dax_device_get(&s->dax, info.new_dev);
	assert_int_equal(x->mode, DAX_MODE_SYSTEM_RAM);
	assert_int_equal(x->total_blocks, 5);
	assert_int_equal(x->size, 5 * SIZE_2M);
	assert_int_equal(y->mode, DAX_MODE_DEVDAX);
	assert_int_equal(y->base, x->base + 5 * SIZE_2M);
	assert_int_equal(y->size, 3 * SIZE_2M);
	sim_check(s, true);
	/* the new device can be handed off again, and everything reclaimed */
	assert_int_equal(hotplug_handoff(&s->hp, info.new_dev, true), ST_OK);
	sim_check(s, false);
	assert_int_equal(hotplug_reclaim(&s->hp, info.new_dev, 0, 0), ST_OK);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

/* True when every byte of physical [pa, +size) of the simulated memory is zero. */
static bool sim_zero_at(struct sim *s, uint64_t pa, uint64_t size)
{
	const uint8_t *m = sim_page(s, pa >> PAGE_SHIFT);
	for (uint64_t i = 0; i < size; i++)
		if (m[i])
			return false;
	return true;
}

/* Claims device d as the next owner: every byte must read zero; then releases it. */
static void claim_reads_zero(struct sim *s, uint32_t d)
{
	struct dax_handle h;
	const struct dax_device *x = dax_device_get(&s->dax, d);
	assert_int_equal(dax_claim(&s->dax, d, "next", &h), ST_OK);
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(x->base), x->size)), 0);
	assert_int_equal(dax_map(&s->dax, h), ST_OK);
	if (!sim_zero_at(s, x->base, x->size))
		fail_msg("the next owner of device %u can read data of the previous one", d);
	sim_check(s, true);
	assert_int_equal(dax_release(&s->dax, h), ST_OK);
}

/* Deferred scrub: reclaim leaves the used blocks' bytes in place (cheap) and the next claim
 * zeroes them before the owner can read anything; a partial reclaim's tail alone; and when
 * the dax table is full, reclaim zeroes at once. */
static void test_deferred_scrub(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	const struct dax_device *x = dax_device_get(&s->dax, d);
	uint64_t base = x->base;
	unsigned slot;
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "o", 2600, 1, true, &slot),
			 ST_OK); /* 6 of 8 blocks */
	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 2 * SIZE_2M, &info), ST_OK); /* tail: clean */
	assert_int_equal(info.deferred + info.scrubbed, 0);
	uint32_t tail = info.new_dev;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
	assert_int_equal(info.deferred, 6 * SIZE_2M);
	assert_int_equal(info.scrubbed, 0);
	assert_false(sim_zero_at(s, base, PAGE_SIZE)); /* still there ... */
	assert_false(sim_zero_at(s, base + 5 * SIZE_2M, PAGE_SIZE));
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base), 0)), ST_INVALID);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + 1), PAGE_SIZE)),
			 ST_INVALID);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(0), PAGE_SIZE)), ST_NOTFOUND);
	claim_reads_zero(s, tail); /* ... not its business */
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(base), 6 * SIZE_2M)), 6 * SIZE_2M);
	claim_reads_zero(s, d); /* ... zero for the next owner */
	assert_int_equal(s->dax.ndirty, 0);
	/* a claimed device cannot be marked; merging keeps the table sorted and small */
	struct dax_handle h;
	assert_int_equal(dax_claim(&s->dax, d, "a", &h), ST_OK);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base), PAGE_SIZE)), ST_BUSY);
	assert_int_equal(dax_release(&s->dax, h), ST_OK);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + 2 * PAGE_SIZE), PAGE_SIZE)),
			 ST_OK);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base), PAGE_SIZE)), ST_OK);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + PAGE_SIZE), PAGE_SIZE)),
			 ST_OK);
	assert_int_equal(s->dax.ndirty, 1);
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(base), SIZE_2M)), 3 * PAGE_SIZE);
	/* fill the table with single pages in the tail device: reclaim must zero at once */
	for (uint32_t i = 0; s->dax.ndirty < DAX_INIT_DIRTY; i++)
		assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + 6 * SIZE_2M +
									 2 * i * PAGE_SIZE),
								   PAGE_SIZE)),
				 ST_OK);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + 4 * SIZE_2M), PAGE_SIZE)),
			 ST_NOMEM);
	assert_int_equal(dax_check(&s->dax, &s->log.out), ST_OK);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	/* hand-off took d's extent out of the table (its block now counts as dirty): refill */
	assert_int_equal(s->dax.ndirty, DAX_INIT_DIRTY - 1);
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(base), 6 * SIZE_2M)), 0);
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(base + 8 * SIZE_2M - PAGE_SIZE),
							   PAGE_SIZE)),
			 ST_OK);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "p", 100, 1, true, &slot), ST_OK);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
	assert_int_equal(info.deferred, 0);
	assert_int_equal(info.scrubbed, 2 * SIZE_2M); /* block 0 (dirty before hand-off) + p's */
	sim_check(s, true);
	claim_reads_zero(s, d);
	claim_reads_zero(s, tail); /* its 31 single-page extents */
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(base), 8 * SIZE_2M)), 0);
	assert_int_equal(s->dax.ndirty, 0);
	sim_free(s);
}

/* The reported sequence, at the simulator's scale: a claim that cuts an extent of the full
 * deferred-scrub table in the middle used to zero the whole extent, including a device handed
 * to the page allocator and the object living there. Now hand-off takes its memory out of the
 * table (its blocks stay dirty for the next reclaim), a full table's fallback zeroes only
 * memory the dax allocator holds for nobody, and the object is intact. */
static void test_claim_never_zeroes_page_allocator_memory(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s), dev[64], b_slot;
	unsigned slot;
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "A", SIM_SP_N - 64, 1, true, &slot), ST_OK);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
	assert_int_equal(info.deferred, (uint64_t)SIM_SP_N << PAGE_SHIFT);
	assert_int_equal(dax_destroy_device(&s->dax, d), ST_OK);
	/* dax0.0 .. dax0.61: one page each; dax0.62 and dax0.63: 2 MiB, 2 MiB aligned */
	for (uint32_t i = 0; i < 64; i++)
		assert_int_equal(dax_create_device(&s->dax, 0, i < 62 ? PAGE_SIZE : SIZE_2M,
						   i < 62 ? PAGE_SIZE : SIZE_2M, &dev[i]),
				 ST_OK);
	struct dax_handle h;
	for (uint32_t i = 1; i <= 61; i += 2)
		assert_int_equal(dax_claim(&s->dax, dev[i], "x", &h), ST_OK);
	assert_int_equal(s->dax.ndirty, DAX_INIT_DIRTY);
	assert_int_equal(hotplug_handoff(&s->hp, dev[62], true), ST_OK);
	const struct dax_device *ram = dax_device_get(&s->dax, dev[62]);
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(ram->base), ram->size)),
			 0); /* taken out */
	assert_int_equal(dax_defer_scrub(&s->dax, range_of(pa_of(ram->base), PAGE_SIZE)), ST_BUSY);
	assert_int_equal(dax_check(&s->dax, &s->log.out), ST_OK);
	struct range saved = s->dax.dirty[s->dax.ndirty - 1]; /* what the old code left: */
	s->dax.dirty[s->dax.ndirty - 1].base = ram->base;     /* an extent over system-ram */
	assert_int_equal(dax_check(&s->dax, &s->log.out), ST_INVALID);
	assert_true(
		capture_has(&s->log, "is system-ram unclaimed but holds deferred-scrub memory"));
	s->dax.dirty[s->dax.ndirty - 1] = saved;
	assert_int_equal(memobj_fill(&s->objs, "B", 512, 1, true, &b_slot), ST_OK);
	uint64_t bad;
	pfn_t pfn;
	assert_int_equal(memobj_page_pfn(&s->objs, b_slot, 0, &pfn), ST_OK);
	/* B is on dax0.62 */
	assert_int_equal(pfn_to_pa(pfn).v / SIZE_2M,
			 dax_device_get(&s->dax, dev[62])->base / SIZE_2M);
	assert_int_equal(dax_claim(&s->dax, dev[63], "x", &h), ST_OK);
	assert_int_equal(memobj_check(&s->objs, b_slot, &bad), ST_OK);
	assert_int_equal(bad, 0);
	claim_reads_zero(s, dev[60]); /* every other earlier user's byte is still zeroed on claim */
	sim_check(s, false);
	sim_free(s);
}

static void test_cycles_no_leak(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	struct buddy_stats a, b;
	buddy_stats(&s->b, -1, -1, &a);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(hotplug_handoff(&s->hp, d, i % 2), ST_OK);
		assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	}
	buddy_stats(&s->b, -1, -1, &b);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(s->hp.st.handoffs, 50);
	sim_check(s, true);
	sim_free(s);
}

/* ---- randomized */

static uint64_t rng_state;
static uint64_t rnd(uint64_t n)
{
	uint64_t v = xorshift64(&rng_state);
	return n ? v % n : 0;
}

#define KPAGES 64
struct rstate {
	uint64_t kpage[KPAGES]; /* unmovable single pages, 0 = none */
	unsigned nobj;
};

/* Predicts a reclaim of [base, +n) by looking at the pages: 0 ok, else the expected error. */
static status_t predict(struct sim *s, uint64_t base, uint64_t n)
{
	uint64_t movable = 0;
	bool blocked = false;
	for (uint64_t p = base; p < base + n; p++) {
		struct buddy_page_info pi;
		assert_int_equal(buddy_page_state(&s->b, pfn_of(p), &pi), ST_OK);
		if (pi.state == PAGE_MOVABLE) {
			movable++;
			blocked |= pi.pins > 0;
		} else if (pi.state == PAGE_ALLOC || pi.state == PAGE_CARVED) {
			blocked = true;
		}
	}
	if (blocked)
		return ST_BUSY;
	struct buddy_stats all;
	buddy_stats(&s->b, -1, -1, &all);
	uint64_t in_range_free = 0;
	for (uint64_t p = base; p < base + n; p++) {
		struct buddy_page_info pi;
		buddy_page_state(&s->b, pfn_of(p), &pi);
		in_range_free += pi.state == PAGE_FREE;
	}
	return all.free - in_range_free >= movable ? ST_OK : ST_NOMEM;
}

static void random_reclaim(struct sim *s)
{
	uint32_t devs[DAX_INIT_DEVICES], n = 0;
	for (uint32_t d = 0; d < DAX_INIT_DEVICES; d++) {
		const struct dax_device *x = dax_device_get(&s->dax, d);
		if (x && x->mode == DAX_MODE_SYSTEM_RAM)
			devs[n++] = d;
	}
	if (!n)
		return;
	uint32_t d = devs[rnd(n)];
	const struct hotplug_dev *h = hotplug_dev_of(&s->hp, d);
	uint64_t blocks = h->npages / HOTPLUG_BLOCK_PAGES;
	uint64_t take = rnd(2) ? blocks : 1 + rnd(blocks);
	uint64_t base = h->base_pfn + h->npages - take * HOTPLUG_BLOCK_PAGES;
	status_t want = predict(s, base, take * HOTPLUG_BLOCK_PAGES);
	struct buddy_stats before, after;
	buddy_stats(&s->b, -1, -1, &before);
	status_t got = hotplug_reclaim(&s->hp, d, take == blocks && rnd(2) ? 0 : take * SIZE_2M, 0);
	if (got == ST_NOMEM && want == ST_OK)
		return; /* only a split without a device slot may refuse this way */
	assert_int_equal(got, want);
	if (got != ST_OK) {
		buddy_stats(&s->b, -1, -1, &after);
		assert_memory_equal(&before, &after, sizeof before);
	}
}

static void random_step(struct sim *s, struct rstate *r)
{
	unsigned op = (unsigned)rnd(11);
	uint32_t devs[DAX_INIT_DEVICES], nd = 0;
	for (uint32_t i = 0; i < DAX_INIT_DEVICES; i++)
		if (dax_device_get(&s->dax, i))
			devs[nd++] = i;
	uint32_t d = devs[rnd(nd)];
	unsigned slot = (unsigned)rnd(8);
	const struct memobj *o = memobj_get(&s->objs, slot);
	char name[16];
	switch (op) {
	case 0:
	case 1:
		if (dax_device_get(&s->dax, d)->mode == DAX_MODE_DEVDAX)
			assert_int_equal(hotplug_handoff(&s->hp, d, rnd(4) != 0), ST_OK);
		break;
	case 2:
	case 3: random_reclaim(s); break;
	case 4: {
		unsigned i = (unsigned)rnd(KPAGES);
		if (r->kpage[i]) {
			assert_int_equal(buddy_free(&s->b, pfn_of(r->kpage[i]), 0), ST_OK);
			r->kpage[i] = 0;
		} else {
			alloc_raw(&s->b, 0, (int)rnd(3), BUDDY_OWNER(BUDDY_OWNER_HEAP),
				  &r->kpage[i]);
		}
		break;
	}
	case 5:
	case 6:
		snprintf(name, sizeof name, "o%u", r->nobj++);
		if (!o)
			memobj_fill(&s->objs, name, 1 + rnd(900), (int)rnd(3), rnd(8) != 0, 0);
		else if (!o->pinned || rnd(4) == 0)
			assert_int_equal(memobj_free(&s->objs, slot), o->pinned ? ST_BUSY : ST_OK);
		break;
	case 7:
	case 8:
		if (o && o->movable) {
			uint64_t i = rnd(o->npages);
			struct buddy_page_info pi;
			buddy_page_state(&s->b, pfn_of(s->pt[slot][i]), &pi);
			if (pi.pins && rnd(3))
				assert_int_equal(memobj_unpin(&s->objs, slot, i), ST_OK);
			else if (rnd(3) == 0)
				assert_int_equal(memobj_pin(&s->objs, slot, i), ST_OK);
		}
		break;
	case 10: {
		/* the next owner of a devdax device reads only zeros (deferred scrub) */
		const struct dax_device *x = dax_device_get(&s->dax, d);
		if (x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED)
			claim_reads_zero(s, d);
		break;
	}
	default: {
		/* migrate one random movable page somewhere */
		uint64_t p = SIM_RAM0 + rnd(SIM_PAGES - SIM_RAM0);
		uint32_t obj, idx;
		unsigned pins;
		if (buddy_page_object(&s->b, pfn_of(p), &obj, &idx, &pins) == ST_OK) {
			status_t st = migrate_page(&s->objs, p, 0);
			assert_true(st == ST_OK || (pins && st == ST_BUSY) || st == ST_NOMEM);
		}
	}
	}
}

static void test_randomized(void **state)
{
	(void)state;
	const char *e = getenv("SPMK_HOTPLUG_STEPS");
	unsigned steps = e ? (unsigned)atoi(e) : 3000;
	rng_state = 0x1234567u;
	struct sim *s = sim_new();
	struct rstate r;
	memset(&r, 0, sizeof r);
	for (unsigned i = 0; i < steps; i++) {
		random_step(s, &r);
		s->log.len = 0; /* the log only matters per step */
		s->log.text[0] = 0;
		sim_check(s, i % 50 == 0);
	}
	assert_true(s->hp.st.reclaims > 10);
	assert_true(s->hp.st.pages_migrated > 1000);
	assert_true(s->hp.st.refusals > 5);
	sim_check(s, true);
	sim_free(s);
}

TEST_MAIN(cmocka_unit_test(test_one_at_a_time),
	  cmocka_unit_test(test_allocation_right_after_add_is_tracked),
	  cmocka_unit_test(test_handoff_reclaim), cmocka_unit_test(test_reclaim_refusals),
	  cmocka_unit_test(test_unmovable_handoff), cmocka_unit_test(test_partial),
	  cmocka_unit_test(test_cycles_no_leak), cmocka_unit_test(test_randomized),
	  cmocka_unit_test(test_deferred_scrub),
	  cmocka_unit_test(test_claim_never_zeroes_page_allocator_memory),
	  cmocka_unit_test(test_stopped_fill_and_reclaim))
