/* SPDX-License-Identifier: BSD-2-Clause */
/* test_buddy_reserve.c - the page allocator's per-node reserve (watermark): Linux's sizing rule,
 * ordinary and movable allocations spill to the next node and then fail while the reserve is
 * still free, the kernel's own unmovable allocations (BUDDY_RESERVE) use it, frees refill it,
 * and the invariant walker and the statistics carry it. */
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
#include "test_main.h"

static struct buddy B;
static uint64_t *meta[3];

static void zero_cb(void *ctx, uint64_t pfn, uint64_t n) { (void)ctx, (void)pfn, (void)n; }
static const struct buddy_ops ops = { .zero = zero_cb };

static void log_write(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx, (void)level;
	fprintf(stderr, "%.*s\n", (int)n, s);
}
static struct out LOG = { log_write, NULL };

#define NODE_PAGES 1024u

/* Two nodes of NODE_PAGES each, node 1 at distance 20; reserves of r0 and r1 pages. */
static int setup(void **state)
{
	(void)state;
	buddy_init(&B, &ops, NULL);
	for (unsigned i = 0; i < 3; i++) {
		meta[i] = calloc(NODE_PAGES, 8);
		assert_int_equal(buddy_add_range(&B, i < 2 ? i : 1,
						 i < 2 ? BUDDY_ZONE_NORMAL : BUDDY_ZONE_MOVABLE,
						 pfn_of(0x1000 + i * NODE_PAGES), NODE_PAGES,
						 meta[i], NODE_PAGES * 8, 0),
				 ST_OK);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		free(meta[i]);
	return 0;
}

static uint64_t free_of(int node, int zone)
{
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&B, node, zone, &s), ST_OK);
	return s.free;
}

static void test_sizing_follows_linux(void **state)
{
	(void)state;
	/* 1 GiB: sqrt(16 * 1048576 KiB) = 4096 KiB = 1024 pages */
	assert_int_equal(buddy_reserve_pages(262144, 262144), 1024);
	/* 2 GiB on two equal nodes: sqrt(16 * 2097152) = 5792 KiB = 1448 pages, 724 each */
	assert_int_equal(buddy_reserve_pages(262144, 524288), 724);
	/* uneven nodes: in proportion, rounded up */
	/* 1.5 GiB: sqrt(16 * 1572864) = 5016 KiB = 1254 pages */
	assert_int_equal(buddy_reserve_pages(131072, 393216), 418); /* a third */
	assert_int_equal(buddy_reserve_pages(100000, 393216), 319); /* 318.9, rounded up */
	/* small: at least 128 KiB; large: at most 256 MiB */
	assert_int_equal(buddy_reserve_pages(100, 100), 32);
	assert_int_equal(buddy_reserve_pages(1ull << 40, 1ull << 40), 65536);
	assert_int_equal(buddy_reserve_pages(1ull << 30, 1ull << 40), 64);
	assert_int_equal(buddy_reserve_pages(UINT64_MAX, UINT64_MAX), 65536);
	assert_int_equal(buddy_reserve_pages(1, UINT64_MAX), 1);
	assert_int_equal(buddy_reserve_pages(0, 1024), 0);
	assert_int_equal(buddy_reserve_pages(2048, 1024), 0);
	assert_int_equal(buddy_set_reserve(&B, BUDDY_MAX_NODES, 1), ST_RANGE);
}

/* Ordinary pages: node 0 down to its reserve, then node 1 down to its reserve, then no more,
 * while both reserves are still free. */
static void test_ordinary_spills_then_fails_above_reserve(void **state)
{
	(void)state;
	assert_int_equal(buddy_set_reserve(&B, 0, 100), ST_OK);
	assert_int_equal(buddy_set_reserve(&B, 1, 50), ST_OK);
	uint64_t pfn, n0 = 0, n1 = 0;
	while (alloc_raw(&B, 0, -1, BUDDY_OWNER(BUDDY_OWNER_OTHER), &pfn) == ST_OK) {
		if (pfn < 0x1000 + NODE_PAGES) {
			assert_int_equal(n1, 0); /* node 0 is used up to its reserve first */
			n0++;
		} else {
			assert_true(pfn < 0x1000 + 2 * NODE_PAGES); /* never the MOVABLE zone */
			n1++;
		}
	}
	assert_int_equal(n0, NODE_PAGES - 100);
	assert_int_equal(n1, NODE_PAGES - 50);
	assert_int_equal(free_of(0, BUDDY_ZONE_NORMAL), 100);
	assert_int_equal(free_of(1, BUDDY_ZONE_NORMAL), 50);
	/* a larger block must fit above the reserve too */
	assert_int_equal(alloc_raw(&B, 3, 0, BUDDY_OWNER(BUDDY_OWNER_OTHER), &pfn), ST_NOMEM);
	/* the kernel's own allocations use the reserve, to the last page */
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(alloc_raw(&B, 0, 0,
					   BUDDY_RESERVE | BUDDY_THISNODE |
						   BUDDY_OWNER(BUDDY_OWNER_PAGETABLE),
					   &pfn),
				 ST_OK);
		assert_true(pfn < 0x1000 + NODE_PAGES);
	}
	assert_int_equal(free_of(0, BUDDY_ZONE_NORMAL), 0);
	assert_int_equal(buddy_check(&B, &LOG), ST_OK);
	/* freeing refills the reserve before anything ordinary may use node 0 again */
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_THISNODE | BUDDY_OWNER(BUDDY_OWNER_OTHER), &pfn),
			 ST_NOMEM);
}

/* Movable requests: the MOVABLE zone (no reserve) to the last page, NORMAL zones only down to
 * their reserves. */
static void test_movable_keeps_out_of_reserve(void **state)
{
	(void)state;
	assert_int_equal(buddy_set_reserve(&B, 0, 64), ST_OK);
	assert_int_equal(buddy_set_reserve(&B, 1, 64), ST_OK);
	uint64_t pfn, n = 0;
	while (alloc_raw(&B, 0, 1, BUDDY_MOVABLE, &pfn) == ST_OK)
		n++;
	assert_int_equal(n, 3 * NODE_PAGES - 128);
	assert_int_equal(free_of(1, BUDDY_ZONE_MOVABLE), 0);
	assert_int_equal(free_of(0, BUDDY_ZONE_NORMAL), 64);
	assert_int_equal(free_of(1, BUDDY_ZONE_NORMAL), 64);
	assert_int_equal(buddy_check(&B, &LOG), ST_OK);
}

static void test_stats_and_removal(void **state)
{
	(void)state;
	assert_int_equal(buddy_set_reserve(&B, 0, 10), ST_OK);
	assert_int_equal(buddy_set_reserve(&B, 1, 20), ST_OK);
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&B, -1, -1, &s), ST_OK);
	assert_int_equal(s.reserve, 30);
	assert_int_equal(buddy_stats(&B, 1, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.reserve, 20);
	assert_int_equal(buddy_stats(&B, 1, BUDDY_ZONE_MOVABLE, &s), ST_OK);
	assert_int_equal(s.reserve, 0);
	/* reserve 0: no watermark at all, the node's last page can go */
	assert_int_equal(buddy_set_reserve(&B, 0, 0), ST_OK);
	uint64_t pfn;
	for (unsigned i = 0; i < NODE_PAGES; i++)
		assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_THISNODE, &pfn), ST_OK);
	assert_int_equal(buddy_check(&B, &LOG), ST_OK);
	assert_int_equal(alloc_raw(&B, 0, 0, BUDDY_THISNODE | BUDDY_RESERVE, &pfn), ST_NOMEM);
}

/* A reserve larger than any zone (up to UINT64_MAX pages) keeps every page of the node from
 * ordinary allocations, with the per-CPU caches off and on (their refill checks it too), and
 * the statistics' sum over nodes does not wrap. */
static void test_huge_reserve_keeps_every_page(void **state)
{
	(void)state;
	static struct buddy_pcp pcp;
	uint64_t pfn;
	for (unsigned caches = 0; caches < 2; caches++) {
		if (caches)
			assert_int_equal(buddy_pcp_enable(&B, &pcp, 1), ST_OK);
		for (unsigned o = 0; o <= 3; o++) {
			uint64_t big = UINT64_MAX - ((uint64_t)1 << o) + 1; /* + 2^o wraps to 0 */
			assert_int_equal(buddy_set_reserve(&B, 0, big), ST_OK);
			assert_int_equal(alloc_raw(&B, o, 0,
						   BUDDY_THISNODE | BUDDY_OWNER(BUDDY_OWNER_OTHER),
						   &pfn),
					 ST_NOMEM);
			assert_int_equal(buddy_set_reserve(&B, 0, UINT64_MAX), ST_OK);
			assert_int_equal(alloc_raw(&B, o, 0, BUDDY_OWNER(BUDDY_OWNER_OTHER), &pfn),
					 ST_OK);
			assert_true(pfn >= 0x1000 + NODE_PAGES); /* node 1: node 0 is all reserve */
			assert_int_equal(buddy_free(&B, pfn_of(pfn), o), ST_OK);
		}
		assert_int_equal(free_of(0, BUDDY_ZONE_NORMAL), NODE_PAGES);
	}
	struct buddy_stats s;
	assert_int_equal(buddy_set_reserve(&B, 1, 50), ST_OK);
	assert_int_equal(buddy_stats(&B, -1, -1, &s), ST_OK);
	assert_true(s.reserve >= NODE_PAGES + 50); /* no wrap: still more than node 0 holds */
	assert_int_equal(buddy_check(&B, &LOG), ST_OK);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_sizing_follows_linux, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_ordinary_spills_then_fails_above_reserve, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(test_movable_keeps_out_of_reserve, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_stats_and_removal, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_huge_reserve_keeps_every_page, setup, teardown))
