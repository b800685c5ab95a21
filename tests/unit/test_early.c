/* SPDX-License-Identifier: BSD-2-Clause */
/* test_early.c - unit tests of the early allocator (mm/early.c): alignment, windows, gaps
 * kept free, grants recorded and merged, reserve, exact accounting and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capture.h"
#include "mm/early.h"
#include "test_main.h"

static void assert_accounting(const struct early *e, uint64_t total)
{
	assert_int_equal(early_check(e, NULL), ST_OK);
	assert_int_equal(early_free_bytes(e) + early_granted_bytes(e, UINT32_MAX), total);
}

static void test_init_clips_and_sorts(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x200123, 0x300fff }, { 0x1000, 0x3000 }, { 0x5000, 0x5800 } };
	assert_int_equal(early_init(&e, r, 3), ST_OK);
	assert_int_equal(e.nfree, 2);
	assert_int_equal(e.free[0].base, 0x1000);
	assert_int_equal(e.free[1].base, 0x201000);
	assert_int_equal(e.free[1].end, 0x300000);
	assert_accounting(&e, 0x2000 + 0xff000);
}

static void test_alloc_align_keeps_gap(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x1000, 0x800000 } };
	uint64_t pa, total = 0x7ff000;
	assert_int_equal(early_init(&e, r, 1), ST_OK);
	assert_int_equal(early_alloc(&e, 100, 0, 3, &pa), ST_OK);
	assert_int_equal(pa, 0x1000);
	assert_int_equal(early_alloc(&e, 0x1000, 0x200000, 3, &pa), ST_OK);
	assert_int_equal(pa, 0x200000);
	assert_int_equal(e.nfree, 2); /* the gap below 2 MiB stays free */
	assert_int_equal(early_granted_bytes(&e, 3), 0x2000);
	assert_int_equal(early_alloc(&e, 0x3000, 0, 4, &pa), ST_OK);
	assert_int_equal(pa, 0x2000);
	assert_int_equal(early_alloc(&e, 0x1000, 0, 4, &pa), ST_OK);
	assert_int_equal(e.ngrants,
			 3); /* 0x1000 (tag 3), 0x200000 (tag 3), 0x2000-0x6000 (tag 4) */
	assert_accounting(&e, total);
}

static void test_window(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x0, 0x100000 }, { 0x100000000ull, 0x100100000ull } };
	uint64_t pa;
	assert_int_equal(early_init(&e, r, 2), ST_OK);
	assert_int_equal(early_alloc_in(&e, 0x100000000ull, UINT64_MAX, 0x2000, 0, 1, &pa), ST_OK);
	assert_int_equal(pa, 0x100000000ull);
	assert_int_equal(early_alloc_in(&e, 0, 0x100000, 0x100001, 0, 1, &pa), ST_NOMEM);
	assert_accounting(&e, 0x200000);
}

/* Nothing is placed beyond the reachable limit (the loader's direct map), whatever the map holds. */
static void test_limit(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x100000000ull, 0x140000000ull },
			     { 0x1000, 0x100000 },
			     { 0x3ff00000ull, 0x40100000ull } };
	uint64_t pa;
	assert_int_equal(early_init(&e, r, 3), ST_OK);
	assert_int_equal(early_limit(&e, 0x40000000ull), 0x40000000ull + 0x100000);
	assert_int_equal(e.nfree, 2);
	assert_int_equal(e.free[1].end, 0x40000000ull);
	assert_accounting(&e, 0xff000 + 0x100000);
	assert_int_equal(early_alloc(&e, 0x200000, 0, 1, &pa), ST_NOMEM); /* only 1 MiB pieces */
	assert_int_equal(early_alloc(&e, 0x100000, 0, 1, &pa), ST_OK);
	assert_int_equal(pa, 0x3ff00000ull);
	assert_int_equal(early_limit(&e, 0x40000000ull), 0); /* nothing left above */
	assert_int_equal(early_limit(&e, 0x800), 0xff000);   /* every free byte gone */
	assert_int_equal(e.nfree, 0);
	assert_int_equal(early_alloc(&e, 0x1000, 0, 1, &pa), ST_NOMEM);
}

static void test_reserve(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x0, 0x100000 }, { 0x200000, 0x300000 } };
	assert_int_equal(early_init(&e, r, 2), ST_OK);
	assert_int_equal(early_reserve(&e, 0xff800, 0x200800, 7), ST_OK);
	assert_int_equal(early_granted_bytes(&e, 7), 0x2000);
	assert_int_equal(early_reserve(&e, 0x50000, 0x60000, 7), ST_OK);
	assert_int_equal(e.nfree, 3);
	assert_int_equal(early_reserve(&e, 0x5, 0x5, 7), ST_INVALID);
	assert_accounting(&e, 0x200000);
}

static void test_errors(void **state)
{
	(void)state;
	struct early e;
	struct range bad[] = { { 0x3000, 0x1000 } };
	struct range ov[] = { { 0x0, 0x3000 }, { 0x2000, 0x5000 } };
	struct range ok[] = { { 0x0, 0x3000 } };
	uint64_t pa;
	assert_int_equal(early_init(&e, bad, 1), ST_INVALID);
	assert_int_equal(early_init(&e, ov, 2), ST_INVALID);
	assert_int_equal(early_init(&e, ok, 1), ST_OK);
	assert_int_equal(early_alloc(&e, 0, 0, 0, &pa), ST_INVALID);
	assert_int_equal(early_alloc(&e, 1, 0x1800, 0, &pa), ST_INVALID);
	assert_int_equal(early_alloc(&e, 1, 0x800, 0, &pa), ST_INVALID);
	assert_int_equal(early_alloc(&e, 0x4000, 0, 0, &pa), ST_NOMEM);
	assert_int_equal(early_alloc(&e, 0x3000, 0, 0, &pa), ST_OK);
	assert_int_equal(early_alloc(&e, 1, 0, 0, &pa), ST_NOMEM);
	assert_accounting(&e, 0x3000);
}

static void test_grant_slots_exhausted(void **state)
{
	(void)state;
	struct early e;
	struct range r[] = { { 0x0, 0x10000000 } };
	uint64_t pa;
	assert_int_equal(early_init(&e, r, 1), ST_OK);
	unsigned n = 0;
	while (early_alloc(&e, 0x1000, 0x2000, n, &pa) == ST_OK)
		n++;
	assert_true(n >= EARLY_INIT_GRANTS - 1);
	assert_accounting(&e, 0x10000000);
}

/* Caller storage sized from the map: 1,000 usable ranges (the inline table holds 128) and a
 * metadata allocation inside each (1,000 grants; inline: 64), as the kernel's boot makes them;
 * every byte is free or in exactly one grant. With the inline tables the same boot stops at
 * their sizes with ST_NOMEM. */
static void test_storage_sized_from_the_map(void **state)
{
	(void)state;
	enum { N = 1000 };
	static struct range r[N], free[N + 64];
	static struct early_grant grant[N + 64];
	static struct early e;
	uint64_t pa;
	for (unsigned i = 0; i < N; i++) /* in reverse order, with gaps */
		r[i] = (struct range){ (uint64_t)(N - i) << 24,
				       ((uint64_t)(N - i) << 24) + 0x100000 };
	assert_int_equal(early_init(&e, r, N), ST_NOMEM);
	assert_int_equal(early_init_into(&e, r, N, free, N + 64, grant, N + 64), ST_OK);
	assert_int_equal(e.nfree, N);
	for (unsigned i = 0; i < N; i++) {
		uint64_t base = (uint64_t)(i + 1) << 24;
		assert_int_equal(
			early_alloc_in(&e, base, base + 0x100000, 0x2000, 0, 1 + i % 7, &pa),
			ST_OK);
		assert_int_equal(pa, base);
	}
	assert_int_equal(e.ngrants, N);
	assert_int_equal(early_check(&e, NULL), ST_OK);
	assert_accounting(&e, (uint64_t)N * 0x100000);
	assert_int_equal(early_granted_bytes(&e, UINT32_MAX), (uint64_t)N * 0x2000);
	/* the inline grants of a map that fits the inline ranges run out at 64 */
	assert_int_equal(early_init(&e, r, EARLY_INIT_RANGES), ST_OK);
	unsigned n = 0;
	for (unsigned i = 0; i < EARLY_INIT_RANGES; i++) {
		uint64_t base = (uint64_t)(N - i) << 24;
		n += early_alloc_in(&e, base, base + 0x100000, 0x2000, 0, 1, &pa) == ST_OK;
	}
	assert_int_equal(n, EARLY_INIT_GRANTS);
	assert_int_equal(early_check(&e, NULL), ST_OK);
}

/* The walker reports, by name and with its numbers, a grant table out of address order (the
 * binary search of every lookup relies on the order) even when its grants are disjoint, and
 * each other broken invariant: overlapping grants, an empty grant, a grant over free memory,
 * a free range out of order. */
static void test_check_names_each_fault(void **state)
{
	(void)state;
	static struct early e;
	static struct capture log;
	struct range r[] = { { 0x0, 0x100000 } };
	uint64_t pa;
	assert_int_equal(early_init(&e, r, 1), ST_OK);
	for (unsigned i = 0; i < 3; i++) /* three grants, tags 1..3, with free gaps between */
		assert_int_equal(
			early_alloc_in(&e, 0x10000 * (i + 1), 0x100000, 0x1000, 0, i + 1, &pa),
			ST_OK);
	assert_int_equal(e.ngrants, 3);
	capture_init(&log);
	assert_int_equal(early_check(&e, &log.out), ST_OK);
	assert_int_equal(log.len, 0);
	struct early_grant g1 = e.grant[1];
	e.grant[1] = e.grant[2]; /* disjoint, but 0x30000 before 0x20000 */
	e.grant[2] = g1;
	assert_int_equal(early_check(&e, &log.out), ST_INVALID);
	capture_expect_one_error(&log, "swapped grants",
				 "early: grant 2 [0x20000, 0x21000) tag 2 not sorted: it starts "
				 "below the grant before it (grant 1: [0x30000, 0x31000))");
	e.grant[2] = e.grant[1];
	e.grant[1] = g1;
	assert_int_equal(early_check(&e, &log.out), ST_OK);
	e.grant[1].end = 0x31000; /* over grant 2 */
	assert_int_equal(early_check(&e, &log.out), ST_INVALID);
	capture_expect_one_error(&log, "overlapping grants",
				 "grant 2 [0x30000, 0x31000) tag 3 "
				 "overlaps the grant before it");
	e.grant[1].end = e.grant[1].base; /* empty */
	assert_int_equal(early_check(&e, &log.out), ST_INVALID);
	capture_expect_one_error(&log, "empty grant", "grant 1 [0x20000, 0x20000) tag 2 empty");
	e.grant[1].end = 0x22000; /* over the free page above it */
	assert_int_equal(early_check(&e, &log.out), ST_INVALID);
	capture_expect_one_error(&log, "grant over free memory",
				 "overlaps grant 1 [0x20000, 0x22000) tag 2");
	e.grant[1].end = 0x21000;
	assert_int_equal(early_check(&e, &log.out), ST_OK);
	struct range f0 = e.free[0];
	e.free[0] = e.free[1];
	e.free[1] = f0;
	assert_int_equal(early_check(&e, &log.out), ST_INVALID);
	capture_expect_one_error(&log, "swapped free ranges", "early: free range 1 [0x0, 0x10000)");
}

TEST_MAIN(cmocka_unit_test(test_init_clips_and_sorts), cmocka_unit_test(test_alloc_align_keeps_gap),
	  cmocka_unit_test(test_window), cmocka_unit_test(test_limit),
	  cmocka_unit_test(test_reserve), cmocka_unit_test(test_errors),
	  cmocka_unit_test(test_grant_slots_exhausted),
	  cmocka_unit_test(test_storage_sized_from_the_map),
	  cmocka_unit_test(test_check_names_each_fault))
