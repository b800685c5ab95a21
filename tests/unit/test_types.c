/* SPDX-License-Identifier: BSD-2-Clause */
/* test_types.c - the typed-address and range helpers of lib/types.h: page <-> byte conversions
 * at 0, at the 52-bit physical limit and near 2^64, offsets dropped by pa_to_pfn, and the
 * half-open range helpers (size, pages, contains, overlap, intersect) at their edges. That a
 * paddr_t cannot be passed as a vaddr_t is checked at build time (tests/build_fail/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/types.h"
#include "test_main.h"

#define TOP UINT64_MAX

static void test_pfn_pa_round_trip(void **state)
{
	(void)state;
	assert_int_equal(pa_to_pfn(pa_of(0)).v, 0);
	assert_int_equal(pa_to_pfn(pa_of(0xfff)).v, 0);
	assert_int_equal(pa_to_pfn(pa_of(0x1000)).v, 1);
	assert_int_equal(pa_to_pfn(pa_of(0x12345678)).v, 0x12345);
	assert_int_equal(pfn_to_pa(pfn_of(0x12345)).v, 0x12345000);
	/* The last frame below the 52-bit physical limit and the limit itself. */
	assert_int_equal(PFN_LIMIT, 1ull << 40);
	assert_int_equal(pfn_to_pa(pfn_of(PFN_LIMIT - 1)).v, PA_LIMIT - PAGE_SIZE);
	assert_int_equal(pa_to_pfn(pa_of(PA_LIMIT - 1)).v, PFN_LIMIT - 1);
	assert_int_equal(pfn_to_pa(pfn_of(PFN_LIMIT)).v, PA_LIMIT);
	/* Near 2^64: the top frame of the 64-bit space converts both ways. */
	assert_int_equal(pa_to_pfn(pa_of(TOP)).v, TOP >> 12);
	assert_int_equal(pfn_to_pa(pfn_of(TOP >> 12)).v, TOP & ~0xfffull);
	for (uint64_t f = PFN_LIMIT - 4; f < PFN_LIMIT + 4; f++)
		assert_int_equal(pa_to_pfn(pfn_to_pa(pfn_of(f))).v, f);
}

static void test_add_diff_align(void **state)
{
	(void)state;
	assert_int_equal(pa_add(pa_of(0x1000), 0x2000).v, 0x3000);
	assert_int_equal(va_add(va_of(0xffff800000000000ull), 0x1000).v, 0xffff800000001000ull);
	assert_int_equal(pfn_add(pfn_of(7), 9).v, 16);
	assert_int_equal(pa_diff(pa_of(0x1000), pa_of(0x5000)), 0x4000);
	assert_int_equal(pfn_diff(pfn_of(3), pfn_of(PFN_LIMIT)), PFN_LIMIT - 3);
	assert_int_equal(pa_add(pa_of(TOP - 0xfff), 0xfff).v, TOP);
	assert_true(pa_eq(pa_of(5), pa_of(5)));
	assert_false(pa_eq(pa_of(5), pa_of(6)));
	assert_true(va_eq(va_of(TOP), va_of(TOP)));
	assert_true(pfn_eq(pfn_of(1), pfn_of(1)));
	assert_true(pa_is_aligned(pa_of(SIZE_2M * 3), SIZE_2M));
	assert_false(pa_is_aligned(pa_of(SIZE_2M + PAGE_SIZE), SIZE_2M));
	assert_true(va_is_aligned(va_of(TOP & ~(SIZE_1G - 1)), SIZE_1G));
	assert_false(va_is_aligned(va_of(TOP), PAGE_SIZE));
	assert_int_equal(pages_to_bytes(3), 3 * PAGE_SIZE);
	assert_int_equal(pages_to_bytes(PFN_LIMIT), PA_LIMIT);
	assert_int_equal(bytes_to_pages(PA_LIMIT), PFN_LIMIT);
	assert_int_equal(bytes_to_pages(2 * PAGE_SIZE - 1), 2);
	assert_int_equal(bytes_to_pages(2 * PAGE_SIZE), 2);
	assert_int_equal(bytes_to_pages(0), 0);
	assert_int_equal(bytes_to_pages(TOP), (TOP >> 12) + 1); /* 2^52 pages: no wrap */
}

static void test_range_build(void **state)
{
	(void)state;
	struct range r = range_of(pa_of(0x10000), 0x3000);
	assert_int_equal(r.base, 0x10000);
	assert_int_equal(r.end, 0x13000);
	assert_int_equal(range_base(r).v, 0x10000);
	assert_int_equal(range_end(r).v, 0x13000);
	assert_int_equal(range_size(r), 0x3000);
	assert_int_equal(range_pages(r), 3);
	struct range p = range_of_pages(pfn_of(0x10), 3);
	assert_int_equal(p.base, r.base);
	assert_int_equal(p.end, r.end);
	/* A range that ends exactly at 2^64 - 4096 and one that ends at the 52-bit limit. */
	struct range top = range_of(pa_of(TOP - 0x1fff), 0x1000);
	assert_int_equal(top.end, TOP - 0xfff);
	assert_int_equal(range_size(top), 0x1000);
	struct range lim = range_of_pages(pfn_of(PFN_LIMIT - 2), 2);
	assert_int_equal(lim.end, PA_LIMIT);
	assert_int_equal(range_pages(lim), 2);
	assert_true(range_empty(range_of(pa_of(5), 0)));
	assert_false(range_empty(r));
}

static void test_range_relations(void **state)
{
	(void)state;
	struct range a = { 0x1000, 0x3000 };
	struct range b = { 0x3000, 0x4000 }; /* adjacent: half-open, no overlap */
	struct range c = { 0x2fff, 0x3001 };
	assert_false(range_overlaps(a, b));
	assert_false(range_overlaps(b, a));
	assert_true(range_overlaps(a, c));
	assert_true(range_overlaps(c, b));
	assert_true(range_contains(a, a));
	assert_true(range_contains(a, (struct range){ 0x2000, 0x3000 }));
	assert_false(range_contains(a, c));
	assert_true(range_contains_pa(a, pa_of(0x1000)));
	assert_true(range_contains_pa(a, pa_of(0x2fff)));
	assert_false(range_contains_pa(a, pa_of(0x3000)));
	assert_false(range_contains_pa(a, pa_of(0xfff)));
	struct range i = range_intersect(a, c);
	assert_int_equal(i.base, 0x2fff);
	assert_int_equal(i.end, 0x3000);
	assert_true(range_empty(range_intersect(a, b)));
	assert_true(range_empty(range_intersect(b, a)));
	/* Ranges touching 2^64 - 1. */
	struct range hi = { TOP - 0x2000, TOP };
	struct range hi2 = { TOP - 1, TOP };
	assert_true(range_overlaps(hi, hi2));
	assert_true(range_contains(hi, hi2));
	assert_true(range_contains_pa(hi, pa_of(TOP - 1)));
	assert_false(range_contains_pa(hi, pa_of(TOP)));
	i = range_intersect(hi, (struct range){ 0, TOP - 0x1000 });
	assert_int_equal(i.base, TOP - 0x2000);
	assert_int_equal(i.end, TOP - 0x1000);
}

TEST_MAIN(cmocka_unit_test(test_pfn_pa_round_trip), cmocka_unit_test(test_add_diff_align),
	  cmocka_unit_test(test_range_build), cmocka_unit_test(test_range_relations))
