/* SPDX-License-Identifier: BSD-2-Clause */
/* test_buddy.c - unit tests of the buddy allocator: every operation and its error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "mm/buddy.h"

static struct buddy B;
static uint64_t *meta[4];
static uint64_t zeroed_pfn, zeroed_n;

static void zero_cb(void *ctx, uint64_t pfn, uint64_t n)
{
	(void)ctx;
	zeroed_pfn = pfn;
	zeroed_n = n;
}
static uint64_t junk_pfn, junk_n, junk_calls;
static void junk_cb(void *ctx, uint64_t pfn, uint64_t n)
{
	(void)ctx;
	junk_pfn = pfn;
	junk_n = n;
	junk_calls++;
}
static const struct buddy_ops ops = { .zero = zero_cb, .junk = junk_cb };

static char logbuf[4096];
static void log_write(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	(void)level;
	snprintf(logbuf, sizeof logbuf, "%.*s", (int)n, s);
}
static struct out LOG = { log_write, NULL };

static int setup(void **state)
{
	(void)state;
	buddy_init(&B, &ops, NULL);
	for (int i = 0; i < 4; i++)
		meta[i] = calloc(1 << 19, 8);
	return 0;
}
static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		free(meta[i]);
	return 0;
}

static void add(unsigned node, unsigned zone, uint64_t base, uint64_t n, int m)
{
	assert_int_equal(
		buddy_add_range(&B, node, zone, pfn_of(base), n, meta[m], buddy_meta_bytes(n), 0),
		ST_OK);
}

static struct buddy_stats stats(int node, int zone)
{
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&B, node, zone, &s), ST_OK);
	return s;
}

static void check(void) { assert_int_equal(buddy_check(&B, &LOG), ST_OK); }

static void test_meta_bytes(void **state)
{
	(void)state;
	assert_int_equal(buddy_meta_bytes(262144), 262144 * 8);
	assert_int_equal(buddy_meta_bytes(1), 8);
	assert_int_equal(buddy_meta_bytes(UINT64_MAX), 0);
}

static void test_alloc_free_merges_back(void **state)
{
	(void)state;
	add(0, BUDDY_ZONE_NORMAL, 0x40000, 1 << 18, 0); /* 1 GiB, aligned */
	assert_int_equal(stats(0, 0).free_blocks[18], 1);
	uint64_t p[19];
	for (unsigned o = 0; o < 18; o++)
		assert_int_equal(alloc_raw(&B, o, 0, BUDDY_OWNER(BUDDY_OWNER_HEAP), &p[o]), ST_OK);
	for (unsigned o = 0; o < 18; o++)
		assert_int_equal(p[o] & ((1u << o) - 1), 0);
	assert_int_equal(stats(0, 0).owner[BUDDY_OWNER_HEAP], (1u << 18) - 1);
	check();
	for (unsigned o = 0; o < 18; o++)
		assert_int_equal(buddy_free(&B, pfn_of(p[o]), o), ST_OK);
	assert_int_equal(stats(0, 0).free_blocks[18], 1);
	assert_int_equal(alloc_raw(&B, 18, 0, 0, &p[18]), ST_OK);
	assert_int_equal(p[18], 0x40000);
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &p[0]), ST_NOMEM);
	assert_int_equal(buddy_free(&B, pfn_of(p[18]), 18), ST_OK);
	check();
}

static void test_unaligned_range(void **state)
{
	(void)state;
	add(0, BUDDY_ZONE_NORMAL, 1003, 5000, 0);
	struct buddy_stats s = stats(0, 0);
	assert_int_equal(s.total, 5000);
	assert_int_equal(s.free, 5000);
	uint64_t n = 0, pfn;
	while (alloc_raw(&B, 0, -1, 0, &pfn) == ST_OK) {
		assert_true(pfn >= 1003 && pfn < 6003);
		n++;
	}
	assert_int_equal(n, 5000);
	check();
}

static void test_free_errors(void **state)
{
	(void)state;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	assert_int_equal(alloc_raw(&B, 2, 0, 0, &p), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p), 19), ST_RANGE);
	assert_int_equal(buddy_free(&B, pfn_of(5000), 0), ST_NOTFOUND);
	assert_int_equal(buddy_free(&B, pfn_of(p), 1), ST_INVALID);     /* wrong order */
	assert_int_equal(buddy_free(&B, pfn_of(p + 1), 0), ST_INVALID); /* tail */
	assert_int_equal(buddy_free(&B, pfn_of(p + 2), 2), ST_INVALID); /* misaligned */
	assert_int_equal(buddy_free(&B, pfn_of(p), 2), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p), 2), ST_INVALID); /* double free */
	check();
}

static void test_alloc_errors(void **state)
{
	(void)state;
	uint64_t p;
	struct buddy nozero;
	add(0, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	assert_int_equal(alloc_raw(&B, 19, 0, 0, &p), ST_RANGE);
	assert_int_equal(alloc_raw(&B, 0, 64, 0, &p), ST_RANGE);
	assert_int_equal(alloc_raw(&B, 0, -2, 0, &p), ST_RANGE);
	assert_int_equal(alloc_raw(&B, 0, -1, BUDDY_THISNODE, &p), ST_INVALID);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_OWNER(BUDDY_OWNER_MOVABLE), &p), ST_INVALID);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_OWNER(15), &p), ST_INVALID);
	assert_int_equal(alloc_raw(&B, 0, 0, 0x80, &p), ST_INVALID);
	assert_int_equal(alloc_raw(&B, 11, 0, 0, &p), ST_NOMEM);
	buddy_init(&nozero, NULL, NULL);
	assert_int_equal(buddy_add_range(&nozero, 0, 0, pfn_of(0), 16, meta[1], 128, 0), ST_OK);
	assert_int_equal(alloc_raw(&nozero, 0, 0, BUDDY_ZERO, &p), ST_UNSUPPORTED);
	assert_int_equal(buddy_add_range(&nozero, 0, 0, pfn_of(64), 16, meta[2], 128,
					 BUDDY_RANGE_ZERO_ON_ALLOC),
			 ST_UNSUPPORTED);
}

static void test_zeroing(void **state)
{
	(void)state;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	zeroed_n = 0;
	assert_int_equal(alloc_raw(&B, 3, 0, 0, &p), ST_OK);
	assert_int_equal(zeroed_n, 0);
	assert_int_equal(alloc_raw(&B, 3, 0, BUDDY_ZERO, &p), ST_OK);
	assert_int_equal(zeroed_pfn, p);
	assert_int_equal(zeroed_n, 8);
	assert_int_equal(buddy_add_range(&B, 1, BUDDY_ZONE_MOVABLE, pfn_of(4096), 512, meta[1],
					 4096, BUDDY_RANGE_ZERO_ON_ALLOC),
			 ST_OK);
	zeroed_n = 0;
	assert_int_equal(alloc_raw(&B, 0, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &p), ST_OK);
	assert_int_equal(zeroed_pfn, p); /* lazy scrub of handed-off memory */
	assert_int_equal(zeroed_n, 1);
}

static void test_distance_fallback(void **state)
{
	(void)state;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 16, 0);
	add(1, BUDDY_ZONE_NORMAL, 1024, 16, 1);
	add(2, BUDDY_ZONE_NORMAL, 2048, 16, 2);
	assert_int_equal(buddy_set_distance(&B, 0, 2, 15), ST_OK);
	assert_int_equal(buddy_set_distance(&B, 0, 64, 15), ST_RANGE);
	assert_int_equal(buddy_set_distance(&B, 0, 1, 0), ST_RANGE);
	/* the order allocations for node 0 try: itself, node 2 (15), node 1 (default 20) */
	assert_int_equal(buddy_fallback_node(&B, 0, 0), 0);
	assert_int_equal(buddy_fallback_node(&B, 0, 1), 2);
	assert_int_equal(buddy_fallback_node(&B, 0, 2), 1);
	assert_int_equal(buddy_fallback_node(&B, 0, BUDDY_MAX_NODES), BUDDY_MAX_NODES);
	assert_int_equal(buddy_fallback_node(&B, BUDDY_MAX_NODES, 0), BUDDY_MAX_NODES);
	assert_int_equal(alloc_raw(&B, 4, 0, 0, &p), ST_OK);
	assert_int_equal(p, 0);
	assert_int_equal(alloc_raw(&B, 4, 0, BUDDY_THISNODE, &p), ST_NOMEM);
	assert_int_equal(alloc_raw(&B, 4, 0, 0, &p), ST_OK);
	assert_int_equal(p, 2048); /* node 2 is nearer than node 1 */
	assert_int_equal(alloc_raw(&B, 4, 0, 0, &p), ST_OK);
	assert_int_equal(p, 1024);
	assert_int_equal(alloc_raw(&B, 0, -1, 0, &p), ST_NOMEM);
	check();
}

static void test_movable_zone(void **state)
{
	(void)state;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 16, 0);
	add(1, BUDDY_ZONE_MOVABLE, 4096, 64, 1);
	/* unmovable never lands on a movable zone */
	assert_int_equal(alloc_raw(&B, 5, 1, 0, &p), ST_NOMEM);
	assert_int_equal(alloc_raw(&B, 2, 1, BUDDY_THISNODE, &p), ST_NOMEM);
	assert_int_equal(alloc_raw(&B, 2, 1, 0, &p), ST_OK);
	assert_true(p < 16);
	/* movable prefers movable zones, then normal */
	assert_int_equal(alloc_raw(&B, 6, 0, BUDDY_MOVABLE, &p), ST_OK);
	assert_int_equal(p, 4096);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_MOVABLE, &p), ST_OK);
	assert_true(p < 16);
	assert_int_equal(stats(1, BUDDY_ZONE_MOVABLE).owner[BUDDY_OWNER_MOVABLE], 64);
	assert_int_equal(stats(-1, -1).owner[BUDDY_OWNER_MOVABLE], 65);
	check();
}

static void test_movable_reverse_map(void **state)
{
	(void)state;
	uint64_t p, q;
	uint32_t obj, idx;
	unsigned pins;
	struct buddy_page_info pi;
	add(0, BUDDY_ZONE_MOVABLE, 0, 64, 0);
	assert_int_equal(alloc_raw(&B, 2, 0, BUDDY_MOVABLE, &p), ST_OK);
	assert_int_equal(buddy_page_set_object(&B, pfn_of(p + 3), 77, 1234), ST_OK);
	assert_int_equal(buddy_page_set_object(&B, pfn_of(p + 3), PW_OBJ_MAX + 1, 0), ST_RANGE);
	assert_int_equal(buddy_page_object(&B, pfn_of(p + 3), &obj, &idx, &pins), ST_OK);
	assert_int_equal(obj, 77);
	assert_int_equal(idx, 1234);
	assert_int_equal(pins, 0);
	assert_int_equal(buddy_page_unpin(&B, pfn_of(p + 3)), ST_INVALID);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 3)), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p), 2), ST_BUSY);
	assert_int_equal(buddy_free(&B, pfn_of(p + 3), 0), ST_BUSY);
	assert_int_equal(buddy_free(&B, pfn_of(p + 1), 0),
			 ST_OK); /* movable pages free one by one */
	assert_int_equal(buddy_page_state(&B, pfn_of(p + 3), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_MOVABLE);
	assert_int_equal(pi.pins, 1);
	assert_int_equal(pi.obj, 77);
	for (unsigned i = 1; i < PW_PIN_MAX; i++)
		assert_int_equal(buddy_page_pin(&B, pfn_of(p + 3)), ST_OK);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 3)), ST_RANGE);
	for (unsigned i = 0; i < PW_PIN_MAX; i++)
		assert_int_equal(buddy_page_unpin(&B, pfn_of(p + 3)), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p + 3), 0), ST_OK);
	assert_int_equal(buddy_page_object(&B, pfn_of(p + 3), &obj, &idx, &pins), ST_INVALID);
	assert_int_equal(buddy_page_object(&B, pfn_of(999), &obj, &idx, &pins), ST_NOTFOUND);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_MOVABLE, &q), ST_OK);
	check();
}

/* The run reader stops at the first page that is not movable, at max and at the range's end,
 * and says each page's object, index and pins and the run's node. */
static void test_movable_run(void **state)
{
	(void)state;
	uint64_t p;
	unsigned n = 99, node = 99;
	struct buddy_movable_page run[16];
	add(0, BUDDY_ZONE_NORMAL, 0, 16, 0);
	add(1, BUDDY_ZONE_MOVABLE, 64, 8, 1); /* one range: pages 64..71, node 1 */
	assert_int_equal(alloc_raw(&B, 3, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &p), ST_OK);
	assert_int_equal(p, 64);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(buddy_page_set_object(&B, pfn_of(p + i), 5, 100 + i), ST_OK);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 2)), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p + 5), 0), ST_OK); /* a hole at 69 */
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(p), 16, run, &n, &node), ST_OK);
	assert_int_equal(n, 5); /* 64..68: stops at the free page */
	assert_int_equal(node, 1);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(run[i].obj, 5);
		assert_int_equal(run[i].index, 100 + i);
		assert_int_equal(run[i].pins, i == 2);
	}
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(p + 1), 2, run, &n, &node), ST_OK);
	assert_int_equal(n, 2); /* max */
	assert_int_equal(run[1].index, 102);
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(p + 6), 16, run, &n, &node), ST_OK);
	assert_int_equal(n, 2); /* 70, 71: the range ends */
	assert_int_equal(run[1].index, 107);
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(p + 5), 16, run, &n, &node), ST_OK);
	assert_int_equal(n, 0); /* free: not movable */
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(0), 16, run, &n, &node), ST_OK);
	assert_int_equal(n, 0); /* free NORMAL page */
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(40), 16, run, &n, &node), ST_NOTFOUND);
	assert_int_equal(n, 0);
	assert_int_equal(buddy_page_movable_run(&B, pfn_of(p), 0, run, &n, &node), ST_INVALID);
	check();
}

/* Isolation reads runs of movable pages as one unit: the counts must still be per page,
 * with pinned pages anywhere in a run. */
static void test_isolate_movable_runs(void **state)
{
	(void)state;
	uint64_t p;
	struct buddy_isolate_report rep;
	add(0, BUDDY_ZONE_NORMAL, 0, 64, 0);
	add(1, BUDDY_ZONE_MOVABLE, 512, 64, 1);
	assert_int_equal(alloc_raw(&B, 4, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &p), ST_OK);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 5)), ST_OK);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 6)), ST_OK);
	assert_int_equal(buddy_page_pin(&B, pfn_of(p + 15)), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(p + 9), 0), ST_OK); /* a hole */
	assert_int_equal(buddy_isolate(&B, pfn_of(p + 1), 63, &rep), ST_OK);
	assert_int_equal(rep.movable, 14); /* p+1 .. p+15 but p+9 */
	assert_int_equal(rep.pinned, 3);
	assert_int_equal(rep.first_pinned, p + 5);
	assert_int_equal(rep.free, 63 - 14);
	assert_int_equal(rep.unmovable, 0);
	assert_int_equal(buddy_unisolate(&B, pfn_of(p + 1), 63, 0), ST_OK);
	check();
}

/* Tagging a batch: every page is checked before any is set, so a refusal changes nothing. */
static void test_set_objects(void **state)
{
	(void)state;
	uint64_t p, q;
	uint32_t obj, idx;
	add(0, BUDDY_ZONE_MOVABLE, 0, 64, 0);
	add(1, BUDDY_ZONE_MOVABLE, 4096, 64, 1);
	assert_int_equal(alloc_raw(&B, 2, 0, BUDDY_MOVABLE | BUDDY_THISNODE, &p), ST_OK);
	assert_int_equal(alloc_raw(&B, 1, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &q), ST_OK);
	pfn_t pfn[5] = { pfn_of(p + 3), pfn_of(q), pfn_of(p), pfn_of(q + 1),
			 pfn_of(p + 1) }; /* two ranges, any order */
	uint32_t o[5] = { 1, 2, 3, 4, PW_OBJ_MAX }, ix[5] = { 10, 20, 30, 40, 50 };
	assert_int_equal(buddy_page_set_objects(&B, 5, pfn, o, ix), ST_OK);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(buddy_page_object(&B, pfn[i], &obj, &idx, 0), ST_OK);
		assert_int_equal(obj, o[i]);
		assert_int_equal(idx, ix[i]);
	}
	/* a refusal anywhere in the batch leaves every page as it was */
	uint32_t o2[5] = { 9, 9, 9, 9, 9 }, ix2[5] = { 0 };
	o2[4] = PW_OBJ_MAX + 1;
	assert_int_equal(buddy_page_set_objects(&B, 5, pfn, o2, ix2), ST_RANGE);
	assert_int_equal(buddy_free(&B, pfn_of(q + 1), 0), ST_OK);
	o2[4] = 9;
	assert_int_equal(buddy_page_set_objects(&B, 5, pfn, o2, ix2), ST_INVALID); /* q + 1 free */
	pfn[3] = pfn_of(999);
	assert_int_equal(buddy_page_set_objects(&B, 5, pfn, o2, ix2), ST_NOTFOUND);
	for (unsigned i = 0; i < 5; i++) {
		if (i == 3)
			continue;
		assert_int_equal(buddy_page_object(&B, pfn[i], &obj, &idx, 0), ST_OK);
		assert_int_equal(obj, o[i]);
		assert_int_equal(idx, ix[i]);
	}
	assert_int_equal(buddy_page_set_objects(&B, 0, pfn, o2, ix2), ST_OK);
	check();
}

static void test_carve_uncarve(void **state)
{
	(void)state;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	assert_int_equal(buddy_carve(&B, pfn_of(100), 300, BUDDY_OWNER_KERNEL), ST_OK);
	assert_int_equal(stats(0, 0).owner[BUDDY_OWNER_KERNEL], 300);
	assert_int_equal(buddy_carve(&B, pfn_of(399), 2, BUDDY_OWNER_KERNEL), ST_BUSY);
	assert_int_equal(buddy_carve(&B, pfn_of(1000), 100, BUDDY_OWNER_KERNEL), ST_NOTFOUND);
	assert_int_equal(buddy_carve(&B, pfn_of(0), 0, BUDDY_OWNER_KERNEL), ST_INVALID);
	assert_int_equal(buddy_carve(&B, pfn_of(0), 1, BUDDY_OWNER_COUNT), ST_INVALID);
	assert_int_equal(buddy_carve(&B, pfn_of(UINT64_MAX), 2, 0), ST_INVALID);
	check();
	while (alloc_raw(&B, 0, 0, 0, &p) == ST_OK)
		assert_true(p < 100 || p >= 400);
	assert_int_equal(buddy_uncarve(&B, pfn_of(99), 2), ST_BUSY);
	assert_int_equal(buddy_uncarve(&B, pfn_of(100), 300), ST_OK);
	assert_int_equal(buddy_uncarve(&B, pfn_of(100), 1), ST_BUSY);
	assert_int_equal(stats(0, 0).owner[BUDDY_OWNER_KERNEL], 0);
	assert_int_equal(stats(0, 0).free, 300);
	check();
}

static void test_isolate(void **state)
{
	(void)state;
	uint64_t a, bb, freed;
	struct buddy_isolate_report rep;
	add(0, BUDDY_ZONE_NORMAL, 0, 512, 0);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_MOVABLE, &a), ST_OK);   /* page 0 */
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_OWNER(1), &bb), ST_OK); /* page 1 */
	assert_int_equal(buddy_page_pin(&B, pfn_of(a)), ST_OK);
	assert_int_equal(buddy_isolate(&B, pfn_of(0), 256, &rep), ST_OK);
	assert_int_equal(rep.free, 254);
	assert_int_equal(rep.movable, 1);
	assert_int_equal(rep.pinned, 1);
	assert_int_equal(rep.first_pinned, a);
	assert_int_equal(rep.unmovable, 1);
	assert_int_equal(rep.first_unmovable, bb);
	assert_int_equal(stats(0, 0).isolated, 254);
	assert_int_equal(buddy_isolate(&B, pfn_of(200), 100, NULL), ST_BUSY);
	assert_int_equal(buddy_isolate(&B, pfn_of(500), 100, NULL), ST_NOTFOUND);
	check();
	/* no allocation comes from the isolated half */
	uint64_t p;
	for (int i = 0; i < 256; i++) {
		assert_int_equal(alloc_raw(&B, 0, 0, 0, &p), ST_OK);
		assert_true(p >= 256);
	}
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &p), ST_NOMEM);
	/* freed inside: stays isolated */
	assert_int_equal(buddy_free(&B, pfn_of(bb), 0), ST_OK);
	assert_int_equal(stats(0, 0).isolated, 255);
	assert_int_equal(buddy_unisolate(&B, pfn_of(0), 300, &freed), ST_NOTFOUND);
	assert_int_equal(buddy_unisolate(&B, pfn_of(100), 50, &freed), ST_OK); /* part: splits */
	assert_int_equal(freed, 50);
	assert_int_equal(B.niso, 2);
	check();
	assert_int_equal(buddy_unisolate(&B, pfn_of(0), 100, &freed), ST_OK);
	assert_int_equal(freed, 99);
	assert_int_equal(buddy_unisolate(&B, pfn_of(150), 106, &freed), ST_OK);
	assert_int_equal(B.niso, 0);
	assert_int_equal(stats(0, 0).isolated, 0);
	check();
}

static void test_hotadd_join_and_remove(void **state)
{
	(void)state;
	uint64_t p;
	/* hand-off in 2 MiB steps with one metadata buffer: joins into one descriptor */
	for (int i = 0; i < 4; i++)
		assert_int_equal(buddy_add_range(&B, 3, BUDDY_ZONE_MOVABLE,
						 pfn_of(0x80000 + 512 * i), 512, meta[0] + 512 * i,
						 4096, 0),
				 ST_OK);
	assert_int_equal(B.nranges, 1);
	assert_int_equal(stats(3, 1).free_blocks[11], 1);
	assert_int_equal(buddy_add_range(&B, 3, 1, pfn_of(0x80100), 10, meta[1], 80, 0), ST_EXISTS);
	assert_int_equal(buddy_add_range(&B, 64, 1, pfn_of(0), 10, meta[1], 80, 0), ST_RANGE);
	assert_int_equal(buddy_add_range(&B, 3, 2, pfn_of(0), 10, meta[1], 80, 0), ST_RANGE);
	assert_int_equal(buddy_add_range(&B, 3, 1, pfn_of(0), 10, meta[1], 79, 0), ST_INVALID);
	assert_int_equal(buddy_add_range(&B, 3, 1, pfn_of(0), 0, meta[1], 80, 0), ST_INVALID);
	assert_int_equal(buddy_add_range(&B, 3, 1, pfn_of(UINT64_MAX - 3), 10, meta[1], 80, 0),
			 ST_RANGE);
	/* remove the middle 2 MiB block: one in use makes it busy */
	assert_int_equal(alloc_raw(&B, 11, 3, BUDDY_MOVABLE, &p), ST_OK);
	assert_int_equal(buddy_remove_range(&B, pfn_of(0x80200), 512), ST_BUSY);
	assert_int_equal(buddy_free(&B, pfn_of(p), 11), ST_OK);
	assert_int_equal(buddy_carve(&B, pfn_of(0x80200), 100, BUDDY_OWNER_DAX), ST_OK);
	assert_int_equal(buddy_remove_range(&B, pfn_of(0x80200), 512), ST_OK);
	assert_int_equal(B.nranges, 2);
	assert_int_equal(stats(3, 1).total, 1536);
	assert_int_equal(stats(3, 1).owner[BUDDY_OWNER_DAX], 0);
	assert_int_equal(buddy_remove_range(&B, pfn_of(0x80200), 1), ST_NOTFOUND);
	check();
	for (int i = 0; i < 1536; i++)
		assert_int_equal(alloc_raw(&B, 0, 3, BUDDY_MOVABLE, &p), ST_OK);
	assert_int_equal(alloc_raw(&B, 0, 3, BUDDY_MOVABLE, &p), ST_NOMEM);
	check();
}

static void test_remove_isolated_and_readd(void **state)
{
	(void)state;
	add(1, BUDDY_ZONE_MOVABLE, 0x1000, 4096, 0);
	assert_int_equal(buddy_isolate(&B, pfn_of(0x1000), 4096, NULL), ST_OK);
	assert_int_equal(buddy_remove_range(&B, pfn_of(0x1000), 2048),
			 ST_OK); /* partial, from the start */
	assert_int_equal(B.niso, 1);
	assert_int_equal(B.iso[0].base, 0x1800);
	assert_int_equal(buddy_remove_range(&B, pfn_of(0x1800), 2048), ST_OK);
	assert_int_equal(B.niso, 0);
	assert_int_equal(B.nranges, 0);
	assert_int_equal(stats(1, 1).total, 0);
	add(1, BUDDY_ZONE_MOVABLE, 0x1000, 4096, 0);
	assert_int_equal(stats(1, 1).free, 4096);
	check();
}

/* Non-zero page words (block heads) among the first n words of metadata m. */
static uint64_t heads(int m, uint64_t n)
{
	uint64_t k = 0;
	for (uint64_t i = 0; i < n; i++)
		k += meta[m][i] != 0;
	return k;
}

/* Isolated free memory is kept as blocks: isolating, carving in, unisolating part of and
 * removing an unused 1 GiB range touch a few words per block edge, never one per page. */
static void test_isolated_blocks(void **state)
{
	(void)state;
	const uint64_t base = 0x40000, n = 1ull << 18; /* 1 GiB, 1 GiB aligned */
	add(1, BUDDY_ZONE_MOVABLE, base, n, 0);
	struct buddy_isolate_report rep;
	assert_int_equal(buddy_isolate(&B, pfn_of(base), n, &rep), ST_OK);
	assert_int_equal(rep.free, n);
	assert_int_equal(heads(0, n), 1);
	struct buddy_page_info pi;
	assert_int_equal(buddy_page_state(&B, pfn_of(base + 12345), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_ISOLATED);
	assert_int_equal(pi.head.v, base);
	assert_int_equal(pi.order, 18);
	check();
	/* carve three pages in the middle: the block splits around them */
	assert_int_equal(buddy_carve(&B, pfn_of(base + 1000), 3, BUDDY_OWNER_DAX), ST_OK);
	assert_int_equal(stats(1, 1).isolated, n - 3);
	assert_true(heads(0, n) <= 2 * 18 + 3);
	check();
	/* unisolate an unaligned part: it becomes free, the rest stays isolated */
	uint64_t freed;
	assert_int_equal(buddy_unisolate(&B, pfn_of(base + 5000), 100, &freed), ST_OK);
	assert_int_equal(freed, 100);
	assert_int_equal(stats(1, 1).free, 100);
	assert_int_equal(stats(1, 1).isolated, n - 103);
	assert_true(heads(0, n) <= 6 * 18 + 3);
	check();
	/* a page freed inside the isolated part becomes a one-page isolated block */
	uint64_t pfn;
	assert_int_equal(alloc_raw(&B, 0, 1, BUDDY_MOVABLE | BUDDY_THISNODE, &pfn), ST_OK);
	assert_true(pfn >= base + 5000 && pfn < base + 5100);
	assert_int_equal(buddy_carve(&B, pfn_of(base + 2000), 1, BUDDY_OWNER_DAX), ST_OK);
	assert_int_equal(buddy_uncarve(&B, pfn_of(base + 2000), 1), ST_OK);
	assert_int_equal(buddy_page_state(&B, pfn_of(base + 2000), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_ISOLATED);
	check();
	/* the whole range goes, from the middle of isolated blocks out */
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	assert_int_equal(buddy_uncarve(&B, pfn_of(base + 1000), 3), ST_OK);
	assert_int_equal(buddy_remove_range(&B, pfn_of(base + 7), n / 2), ST_OK);
	check();
	assert_int_equal(buddy_remove_range(&B, pfn_of(base + 7 + n / 2), n / 2 - 7), ST_OK);
	assert_int_equal(buddy_remove_range(&B, pfn_of(base), 7), ST_OK);
	assert_int_equal(B.nranges, 0);
	assert_int_equal(B.niso, 0);
	assert_int_equal(stats(1, 1).total, 0);
	assert_int_equal(stats(1, 1).isolated, 0);
	check();
}

static void test_page_state(void **state)
{
	(void)state;
	struct buddy_page_info pi;
	uint64_t p;
	add(2, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	assert_int_equal(buddy_page_state(&B, pfn_of(700), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_FREE);
	assert_int_equal(pi.head.v, 0);
	assert_int_equal(pi.order, 10);
	assert_int_equal(pi.node, 2);
	assert_int_equal(alloc_raw(&B, 4, 2, BUDDY_OWNER(BUDDY_OWNER_PAGETABLE), &p), ST_OK);
	assert_int_equal(buddy_page_state(&B, pfn_of(p + 5), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_ALLOC);
	assert_int_equal(pi.head.v, p);
	assert_int_equal(pi.owner, BUDDY_OWNER_PAGETABLE);
	assert_int_equal(buddy_page_state(&B, pfn_of(1024), &pi), ST_NOTFOUND);
	assert_string_equal(buddy_owner_name(BUDDY_OWNER_PAGETABLE), "pagetable");
	assert_string_equal(page_state_name(PAGE_ISOLATED), "isolated");
}

static void test_stats_errors_and_check_corruption(void **state)
{
	(void)state;
	struct buddy_stats s;
	uint64_t p;
	add(0, BUDDY_ZONE_NORMAL, 0, 1024, 0);
	assert_int_equal(buddy_stats(&B, 64, 0, &s), ST_RANGE);
	assert_int_equal(buddy_stats(&B, 0, 2, &s), ST_RANGE);
	assert_int_equal(alloc_raw(&B, 3, 0, 0, &p), ST_OK);
	check();
	B.zone[0][0].st.free++;
	assert_int_equal(buddy_check(&B, &LOG), ST_INVALID);
	assert_non_null(strstr(logbuf, "counted"));
	B.zone[0][0].st.free--;
	uint64_t saved = meta[0][p + 1];
	meta[0][p + 1] = pw_make_carved(0); /* a non-zero tail */
	assert_int_equal(buddy_check(&B, &LOG), ST_INVALID);
	meta[0][p + 1] = saved;
	meta[0][p + 8] = pw_make_free(2, PW_LINK_NONE, PW_LINK_NONE); /* wrong order, unlisted */
	assert_int_equal(buddy_check(&B, &LOG), ST_INVALID);
}

/* Debug builds junk-fill exactly the freed block, once, and nothing on a refused free. */
static void test_free_junk_fills_in_debug_builds(void **state)
{
	(void)state;
	add(0, BUDDY_ZONE_NORMAL, 0x1000, 0x1000, 0);
	uint64_t p;
	assert_int_equal(alloc_raw(&B, 3, 0, 0, &p), ST_OK);
	junk_calls = 0;
	assert_int_equal(buddy_free(&B, pfn_of(p), 3), ST_OK);
#ifdef SPMK_DEBUG
	assert_int_equal(junk_calls, 1);
	assert_int_equal(junk_pfn, p);
	assert_int_equal(junk_n, 8);
#else
	assert_int_equal(junk_calls, 0);
#endif
	junk_calls = 0;
	assert_int_equal(buddy_free(&B, pfn_of(p), 3),
			 ST_INVALID); /* double free: refused, not filled */
	assert_int_equal(junk_calls, 0);
}

/* ---- descriptor and isolation tables that grow from ops->alloc ---- */
static int grow_budget = -1; /* allocations left before a refusal; -1 = no limit */
static int grow_live;
static struct buddy *grow_b; /* the allocator whose tables grow */
static int grow_under_lock;  /* alloc/free calls made with its lock held */

/* The kernel's alloc and free are the heap's, which takes the buddy lock for a slab page: a
 * call made with that lock held would deadlock there. Here the lock must be free to take. */
static void grow_lock_free(void)
{
	if (!grow_b)
		return;
	if (spin_trylock(&grow_b->lock))
		spin_unlock(&grow_b->lock);
	else
		grow_under_lock++;
}

static void *grow_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	grow_lock_free();
	if (grow_budget == 0)
		return NULL;
	if (grow_budget > 0)
		grow_budget--;
	grow_live++;
	return memset(malloc(bytes), 0xa5, bytes); /* not zeroed: the buddy must not rely on it */
}

static void grow_free(void *ctx, void *p)
{
	(void)ctx;
	grow_lock_free();
	grow_live--;
	free(p);
}

static const struct buddy_ops grow_ops = {
	.zero = zero_cb, .junk = junk_cb, .alloc = grow_alloc, .free = grow_free
};

/* 300 separate ranges (the first table holds 128) on 4 nodes and 100 disjoint isolated
 * ranges (the first table holds 32): every page is counted, allocations reach every range,
 * the invariant walker passes. Then, with the allocator refusing, a range that needs a new
 * descriptor, an isolation that needs a new entry and a removal cutting a descriptor in the
 * middle are refused with ST_NOMEM and every statistic unchanged; buddy_fini gives the grown
 * tables back. No growth calls ops->alloc or ops->free with the allocator lock held. */
static void test_tables_grow_from_heap(void **state)
{
	(void)state;
	static struct buddy g;
	grow_budget = -1;
	grow_live = 0;
	grow_under_lock = 0;
	buddy_init(&g, &grow_ops, NULL);
	grow_b = &g;
	enum { N = 300, SPAN = 1024, PAGES = 512 };
	for (unsigned i = 0; i < N; i++) /* gaps between ranges: no descriptor joins another */
		assert_int_equal(buddy_add_range(&g, i % 4, BUDDY_ZONE_NORMAL,
						 pfn_of(0x100000 + i * SPAN), PAGES,
						 meta[0] + i * PAGES, buddy_meta_bytes(PAGES), 0),
				 ST_OK);
	assert_int_equal(g.nranges, N);
	assert_true(g.cap_ranges >= N && g.r != g.r0);
	struct buddy_stats st;
	assert_int_equal(buddy_stats(&g, -1, -1, &st), ST_OK);
	assert_int_equal(st.total, (uint64_t)N * PAGES);
	assert_int_equal(st.free, (uint64_t)N * PAGES);
	uint64_t pfn;
	assert_int_equal(alloc_raw(&g, 9, 3, BUDDY_THISNODE, &pfn), ST_OK); /* a whole range */
	assert_int_equal((pfn - 0x100000) % SPAN, 0);
	assert_int_equal(((pfn - 0x100000) / SPAN) % 4, 3);
	assert_int_equal(buddy_free(&g, pfn_of(pfn), 9), ST_OK);
	for (unsigned i = 0; i < 100; i++) /* one page in each of 100 ranges */
		assert_int_equal(buddy_isolate(&g, pfn_of(0x100000 + i * SPAN + 7), 1, NULL),
				 ST_OK);
	assert_int_equal(g.niso, 100);
	assert_true(g.cap_iso >= 100 && g.iso != g.iso0);
	assert_int_equal(buddy_stats(&g, -1, -1, &st), ST_OK);
	assert_int_equal(st.isolated, 100);
	assert_int_equal(buddy_check(&g, &LOG), ST_OK);

	/* fill both tables to their current size, then refuse every growth */
	for (unsigned i = N; g.nranges < g.cap_ranges; i++)
		assert_int_equal(buddy_add_range(&g, 0, BUDDY_ZONE_NORMAL,
						 pfn_of(0x100000 + i * SPAN), PAGES,
						 meta[1] + (i - N) * PAGES, buddy_meta_bytes(PAGES),
						 0),
				 ST_OK);
	for (unsigned i = 100; g.niso < g.cap_iso; i++)
		assert_int_equal(buddy_isolate(&g, pfn_of(0x100000 + i * SPAN + 7), 1, NULL),
				 ST_OK);
	unsigned nr = g.nranges, ni = g.niso, cr = g.cap_ranges, ci = g.cap_iso;
	struct buddy_stats before, after;
	assert_int_equal(buddy_stats(&g, -1, -1, &before), ST_OK);
	grow_budget = 0;
	assert_int_equal(buddy_add_range(&g, 0, BUDDY_ZONE_NORMAL, pfn_of(0x10000), PAGES, meta[2],
					 buddy_meta_bytes(PAGES), 0),
			 ST_NOMEM);
	assert_int_equal(buddy_isolate(&g, pfn_of(0x100000 + 20), 1, NULL), ST_NOMEM);
	assert_int_equal(buddy_remove_range(&g, pfn_of(0x100000 + 100), 4),
			 ST_NOMEM); /* a middle cut */
	assert_int_equal(buddy_stats(&g, -1, -1, &after), ST_OK);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(g.nranges, nr);
	assert_int_equal(g.niso, ni);
	assert_int_equal(g.cap_ranges, cr);
	assert_int_equal(g.cap_iso, ci);
	assert_int_equal(buddy_check(&g, &LOG), ST_OK);
	/* with memory, the same calls succeed and the tables double */
	grow_budget = -1;
	assert_int_equal(buddy_remove_range(&g, pfn_of(0x100000 + 100), 4), ST_OK);
	assert_int_equal(g.cap_ranges, 2 * cr);
	assert_int_equal(buddy_isolate(&g, pfn_of(0x100000 + 20), 1, NULL), ST_OK);
	assert_int_equal(g.cap_iso, 2 * ci);
	assert_int_equal(buddy_stats(&g, -1, -1, &after), ST_OK);
	assert_int_equal(after.total, before.total - 4);
	assert_int_equal(after.isolated, before.isolated + 1);
	assert_int_equal(buddy_check(&g, &LOG), ST_OK);
	assert_int_equal(grow_under_lock, 0); /* every growth ran with the lock free */
	buddy_fini(&g);
	grow_b = NULL;
	assert_int_equal(grow_live, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_free_junk_fills_in_debug_builds),
		T(test_meta_bytes),
		T(test_alloc_free_merges_back),
		T(test_unaligned_range),
		T(test_free_errors),
		T(test_alloc_errors),
		T(test_zeroing),
		T(test_distance_fallback),
		T(test_movable_zone),
		T(test_movable_reverse_map),
		T(test_movable_run),
		T(test_set_objects),
		T(test_isolate_movable_runs),
		T(test_carve_uncarve),
		T(test_isolate),
		T(test_hotadd_join_and_remove),
		T(test_remove_isolated_and_readd),
		T(test_isolated_blocks),
		T(test_page_state),
		T(test_stats_errors_and_check_corruption),
		T(test_tables_grow_from_heap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
