/* SPDX-License-Identifier: BSD-2-Clause */
/* test_hotplug_memmap.c - page words of hot-added memory on the device itself (memmap on
 * memory, mm/hotplug.h): where hand-off puts them (on request, and by default when NORMAL
 * memory cannot hold them easily), that they are unmovable and leave with the device, that a
 * partial reclaim keeps them consistent (the page words of blocks that stay never leave), and
 * dirty-block bitmaps for devices above 16 GiB.
 *
 * The first tests run on the simulated machine (hotplug_sim.h, a 16 MiB device: 8 page-word
 * pages in block 0). The big ones use a sparse host arena (reserved, not touched, except for
 * the page words themselves) holding a device of more than 512 blocks, whose page words fill
 * several blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "hotplug_sim.h"
#include "test_main.h"

static uint32_t dev0(struct sim *s)
{
	uint32_t d;
	assert_int_equal(dax_find(&s->dax, "dax0.0", &d), ST_OK);
	return d;
}

static struct buddy_stats zone_stats(struct buddy *b, int node, int zone)
{
	struct buddy_stats st;
	assert_int_equal(buddy_stats(b, node, zone, &st), ST_OK);
	return st;
}

/* On request: 8 page-word pages at the start of the device, carved META in its MOVABLE zone,
 * NORMAL memory untouched; objects on the device; a partial reclaim of 7 blocks migrates the
 * tail's pages and frees the 7 page words of those blocks (they lie in block 0, which stays);
 * the whole reclaim then takes the last page word with the device and scrubs its block. */
static void test_on_memory_handoff_partial_and_whole_reclaim(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	uint64_t normal0 = zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).free;
	assert_int_equal(hotplug_handoff_memmap(&s->hp, d, true, HOTPLUG_MEMMAP_ON_MEMORY), ST_OK);
	const struct hotplug_dev *r = hotplug_dev_of(&s->hp, d);
	assert_true(r->meta_on_memory);
	assert_int_equal(r->meta_pfn, SIM_SP);
	assert_int_equal(r->meta_pages, 8);
	assert_int_equal(zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).free, normal0);
	struct buddy_stats m = zone_stats(&s->b, 1, BUDDY_ZONE_MOVABLE);
	assert_int_equal(m.total, SIM_SP_N);
	assert_int_equal(m.free, SIM_SP_N - 8);
	assert_int_equal(m.owner[BUDDY_OWNER_META], 8);
	struct buddy_page_info pi;
	assert_int_equal(buddy_page_state(&s->b, pfn_of(SIM_SP + 7), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_CARVED);
	assert_int_equal(pi.owner, BUDDY_OWNER_META);
	sim_check(s, false);

	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "o", 3000, 1, true, &slot), ST_OK);
	sim_check(s, false);
	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&s->hp, d, 7 * SIZE_2M, &info), ST_OK);
	assert_true(info.split);
	assert_int_equal(r->meta_pages, 1);
	m = zone_stats(&s->b, 1, BUDDY_ZONE_MOVABLE);
	assert_int_equal(m.total, 512);
	assert_int_equal(m.owner[BUDDY_OWNER_META], 1);
	assert_int_equal(buddy_page_state(&s->b, pfn_of(SIM_SP + 1), &pi), ST_OK);
	assert_int_equal(pi.state == PAGE_CARVED, false); /* the tail's page word serves again */
	assert_int_equal(zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).owner[BUDDY_OWNER_META],
			 zone_stats(&s->b, -1, -1).owner[BUDDY_OWNER_META] - 1);
	sim_check(s, true);

	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, &info), ST_OK);
	assert_false(info.split);
	assert_int_equal(zone_stats(&s->b, 1, BUDDY_ZONE_MOVABLE).total, 0);
	assert_int_equal(buddy_page_state(&s->b, pfn_of(SIM_SP), &pi), ST_NOTFOUND);
	/* block 0 held page words: it is owed a scrub like a used block */
	assert_int_equal(dax_dirty_bytes(&s->dax, range_of_pages(pfn_of(SIM_SP), 1)), PAGE_SIZE);
	sim_check(s, true);
	assert_int_equal(memobj_check(&s->objs, slot, &(uint64_t){ 0 }), ST_OK);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	assert_int_equal(zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).free, normal0);
	sim_free(s);
}

/* By default the page words go to NORMAL memory while it holds them easily (the whole
 * device serves allocations), and onto the device when NORMAL memory is short; asking for
 * NORMAL memory when it is short is refused with nothing changed. */
static void test_auto_choice_and_normal_refusal(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint32_t d = dev0(s);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_false(hotplug_dev_of(&s->hp, d)->meta_on_memory);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);

	/* leave 20 free NORMAL pages: 8 page words would be more than a quarter of them */
	static uint64_t held[4096];
	unsigned n = 0;
	while (zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).free > 20)
		assert_int_equal(alloc_raw(&s->b, 0, -1,
					   BUDDY_RESERVE | BUDDY_OWNER(BUDDY_OWNER_HEAP),
					   &held[n++]),
				 ST_OK);
	unsigned n20 = n;
	assert_int_equal(hotplug_handoff_memmap(&s->hp, d, true, (enum hotplug_memmap)99),
			 ST_INVALID);
	for (unsigned i = 0; i < 16; i++) /* 4 free pages left: no 8 anywhere in NORMAL memory */
		assert_int_equal(alloc_raw(&s->b, 0, -1,
					   BUDDY_RESERVE | BUDDY_OWNER(BUDDY_OWNER_HEAP),
					   &held[n++]),
				 ST_OK);
	struct buddy_stats before = zone_stats(&s->b, -1, -1);
	capture_init(&s->log);
	assert_int_equal(hotplug_handoff_memmap(&s->hp, d, true, HOTPLUG_MEMMAP_NORMAL), ST_NOMEM);
	assert_non_null(strstr(s->log.text, "no 8 metadata pages in NORMAL memory"));
	struct buddy_stats after = zone_stats(&s->b, -1, -1);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(dax_device_get(&s->dax, d)->mode, DAX_MODE_DEVDAX);
	while (n > n20) /* back to 20 free: the default now chooses the device */
		assert_int_equal(buddy_free(&s->b, pfn_of(held[--n]), 0), ST_OK);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_true(hotplug_dev_of(&s->hp, d)->meta_on_memory);
	assert_int_equal(zone_stats(&s->b, -1, BUDDY_ZONE_NORMAL).owner[BUDDY_OWNER_META], 0);
	sim_check(s, false);
	assert_int_equal(hotplug_reclaim(&s->hp, d, 0, 0), ST_OK);
	sim_check(s, true);
	while (n)
		assert_int_equal(buddy_free(&s->b, pfn_of(held[--n]), 0), ST_OK);
	sim_free(s);
}

/* A machine with a device bigger than the simulator: RAM of node 0 at pfn [0x1000, +1024)
 * and an SP region of node 1 at 4 GiB, all in a sparse arena (only touched pages cost). */
#define BIG_RAM 0x1000u
#define BIG_RAM_N 1024u
#define BIG_SP 0x100000u

struct big {
	struct buddy b;
	struct dax dax;
	struct memobj_set objs;
	struct hotplug hp;
	struct capture log;
	uint8_t *mem;
	size_t bytes;
	uint64_t *meta0;
	uint64_t mapped, scrubbed; /* direct-mapped bytes; bytes the hot-plug path zeroed */
	unsigned allocs;           /* live ops->alloc buffers */
};

static uint8_t *big_at(struct big *g, uint64_t pfn)
{
	assert_true((pfn + 1) * PAGE_SIZE <= g->bytes);
	return g->mem + pfn * PAGE_SIZE;
}
static void big_zero(void *ctx, uint64_t pfn, uint64_t n)
{
	memset(big_at(ctx, pfn), 0, n * PAGE_SIZE);
}
static void big_junk(void *ctx, uint64_t pfn, uint64_t n)
{
	memset(big_at(ctx, pfn), BUDDY_JUNK_BYTE, n * PAGE_SIZE);
}
static const struct buddy_ops big_buddy_ops = { .zero = big_zero, .junk = big_junk };
static status_t big_map_direct(void *ctx, struct range r)
{
	((struct big *)ctx)->mapped += range_size(r);
	return ST_OK;
}
static void big_unmap_direct(void *ctx, struct range r)
{
	struct big *g = ctx;
	assert_true(g->mapped >= range_size(r));
	g->mapped -= range_size(r);
}
static void big_scrub(void *ctx, struct range r) { ((struct big *)ctx)->scrubbed += range_size(r); }
static uint64_t *big_meta(void *ctx, pfn_t pfn) { return (uint64_t *)big_at(ctx, pfn.v); }
static void *big_alloc(void *ctx, size_t bytes)
{
	((struct big *)ctx)->allocs++;
	return malloc(bytes);
}
static void big_free(void *ctx, void *p)
{
	((struct big *)ctx)->allocs--;
	free(p);
}
static status_t big_dax_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t mp)
{
	uint64_t va = virt.v, pa = phys.v;
	(void)ctx, (void)va, (void)pa, (void)size, (void)mp;
	return ST_OK;
}
/* The simulated machine cannot tell which pages were written: the whole range is reported. */
static void big_dax_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	(void)ctx;
	written(arg, virt, size);
}
static void big_dax_scrub(void *ctx, struct range r) { (void)ctx, (void)r; }

/* A machine with one devdax device of `blocks` 2 MiB blocks at BIG_SP; with_alloc: the
 * hot-plug ops can allocate (dirty bitmaps of big devices). */
static struct big *big_new(uint64_t blocks, bool with_alloc)
{
	struct big *g = calloc(1, sizeof *g);
	static struct dax_ops dops = {
		.map = big_dax_map,
		.unmap = big_dax_unmap,
		.scrub = big_dax_scrub,
	};
	static struct memobj_ops oops;
	static struct hotplug_ops hops;
	hops = (struct hotplug_ops){
		.map_direct = big_map_direct,
		.unmap_direct = big_unmap_direct,
		.scrub = big_scrub,
		.meta_ptr = big_meta,
		.ctx = g,
		.alloc = with_alloc ? big_alloc : NULL,
		.free = with_alloc ? big_free : NULL,
	};
	g->bytes = (BIG_SP + blocks * HOTPLUG_BLOCK_PAGES) * PAGE_SIZE;
	g->mem = mmap(NULL, g->bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(g->mem != MAP_FAILED);
	capture_init(&g->log);
	buddy_init(&g->b, &big_buddy_ops, g);
	g->meta0 = malloc(buddy_meta_bytes(BIG_RAM_N));
	assert_int_equal(buddy_add_range(&g->b, 0, BUDDY_ZONE_NORMAL, pfn_of(BIG_RAM), BIG_RAM_N,
					 g->meta0, buddy_meta_bytes(BIG_RAM_N), 0),
			 ST_OK);
	dax_init(&g->dax, &dops, &g->log.out, 1);
	uint64_t size = blocks * HOTPLUG_BLOCK;
	assert_int_equal(
		dax_region_add(&g->dax, range_of(pfn_to_pa(pfn_of(BIG_SP)), size), 1, 0, 0), ST_OK);
	memobj_init(&g->objs, &g->b, &oops, &g->log.out);
	hotplug_init(&g->hp, &g->b, &g->dax, &g->objs, &hops, &g->log.out);
	return g;
}

static void big_check(struct big *g)
{
	struct capture c;
	capture_init(&c);
	status_t st = buddy_check(&g->b, &c.out);
	if (st == ST_OK)
		st = dax_check(&g->dax, &c.out);
	if (st == ST_OK)
		st = hotplug_check(&g->hp, &c.out);
	if (st != ST_OK)
		fail_msg("invariant: %s", c.text);
}

static void big_free_all(struct big *g)
{
	hotplug_fini(&g->hp);
	assert_int_equal(g->allocs, 0);
	dax_fini(&g->dax);
	munmap(g->mem, g->bytes);
	free(g->meta0);
	free(g);
}

/* 1026 blocks (2 GiB + 4 MiB): 1026 page-word pages fill blocks 0 and 1 and two pages of
 * block 2. NORMAL memory (1024 pages) cannot hold them easily, so hand-off puts them on the
 * device. A partial reclaim that leaves one block takes blocks 1..1025: the page words in
 * blocks 1 and 2 (all of tail blocks) leave with it, those in block 0 that describe tail
 * blocks serve allocations again, and the page word of block 0 stays. */
static void test_page_words_over_several_blocks(void **state)
{
	(void)state;
	struct big *g = big_new(1026, false);
	uint32_t d;
	assert_int_equal(dax_find(&g->dax, "dax0.0", &d), ST_OK);
	assert_int_equal(hotplug_handoff(&g->hp, d, true), ST_OK);
	const struct hotplug_dev *r = hotplug_dev_of(&g->hp, d);
	assert_true(r->meta_on_memory);
	assert_int_equal(r->meta_pages, 1026);
	struct buddy_stats m = zone_stats(&g->b, 1, BUDDY_ZONE_MOVABLE);
	assert_int_equal(m.total, 1026 * 512);
	assert_int_equal(m.owner[BUDDY_OWNER_META], 1026);
	assert_int_equal(m.free, 1026 * 512 - 1026);
	assert_int_equal(g->mapped, 1026 * HOTPLUG_BLOCK);
	big_check(g);

	struct hotplug_reclaim_info info;
	assert_int_equal(hotplug_reclaim(&g->hp, d, 1025 * HOTPLUG_BLOCK, &info), ST_OK);
	assert_true(info.split);
	assert_int_equal(r->meta_pages, 1);
	m = zone_stats(&g->b, 1, BUDDY_ZONE_MOVABLE);
	assert_int_equal(m.total, 512);
	assert_int_equal(m.owner[BUDDY_OWNER_META], 1);
	assert_int_equal(m.free, 511);
	assert_int_equal(g->mapped, HOTPLUG_BLOCK);
	/* blocks 1 and 2 held page words: owed a scrub; no block after them was ever used */
	const struct dax_device *t = dax_device_get(&g->dax, info.new_dev);
	assert_int_equal(dax_dirty_bytes(&g->dax, range_of(pa_of(t->base), t->size)),
			 2 * HOTPLUG_BLOCK);
	assert_int_equal(info.deferred + info.scrubbed, 2 * HOTPLUG_BLOCK);
	big_check(g);

	assert_int_equal(hotplug_reclaim(&g->hp, d, 0, &info), ST_OK);
	assert_int_equal(zone_stats(&g->b, 1, -1).total, 0);
	assert_int_equal(g->mapped, 0);
	assert_int_equal(zone_stats(&g->b, 0, -1).free, BIG_RAM_N);
	big_check(g);
	big_free_all(g);
}

/* A device of more than 16 GiB (8196 blocks) gets a dirty bitmap from ops->alloc: an unused
 * reclaim scrubs only the blocks that held page words (17 = ceil(8196 / 512)), not all 16 GiB;
 * without ops->alloc every block counts as dirty. */
static void test_dirty_bitmap_of_a_big_device(void **state)
{
	(void)state;
	for (int with_alloc = 1; with_alloc >= 0; with_alloc--) {
		struct big *g = big_new(8196, with_alloc);
		uint32_t d;
		assert_int_equal(dax_find(&g->dax, "dax0.0", &d), ST_OK);
		assert_int_equal(hotplug_handoff(&g->hp, d, true), ST_OK);
		assert_int_equal(hotplug_dev_of(&g->hp, d)->all_dirty, !with_alloc);
		assert_int_equal(g->allocs, (unsigned)with_alloc);
		big_check(g);
		struct hotplug_reclaim_info info;
		assert_int_equal(hotplug_reclaim(&g->hp, d, 0, &info), ST_OK);
		uint64_t owed = with_alloc ? 17 * HOTPLUG_BLOCK : 8196 * HOTPLUG_BLOCK;
		assert_int_equal(info.deferred + info.scrubbed, owed);
		assert_int_equal(g->allocs, 0);
		big_check(g);
		big_free_all(g);
	}
}

TEST_MAIN(cmocka_unit_test(test_on_memory_handoff_partial_and_whole_reclaim),
	  cmocka_unit_test(test_auto_choice_and_normal_refusal),
	  cmocka_unit_test(test_page_words_over_several_blocks),
	  cmocka_unit_test(test_dirty_bitmap_of_a_big_device))
