/* SPDX-License-Identifier: BSD-2-Clause */
/* test_rangeset.c - the sorted range set: insert (merged or not), cut, bytes, the invariant
 * walker's reasons, and ranges that end just below 2^64; checked against a per-unit model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/prng.h"
#include "lib/rangeset.h"
#include "test_main.h"

#define CAP 8
#define TOP UINT64_MAX

static struct range R(uint64_t b, uint64_t e) {
	return (struct range){ b, e };
}

static void
expect_set(const struct range *r, uint32_t n, const struct range *want, uint32_t nw)
{
	assert_int_equal(n, nw);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(r[i].base, want[i].base);
		assert_int_equal(r[i].end, want[i].end);
	}
}

static void test_insert_merged(void **state)
{
	(void)state;
	struct range r[CAP];
	uint32_t n = 0;
	assert_int_equal(rangeset_insert(r, &n, CAP, R(10, 20), true), ST_OK);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(30, 40), true), ST_OK);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(0, 5), true), ST_OK);
	expect_set(r, n, (struct range[]){ { 0, 5 }, { 10, 20 }, { 30, 40 } }, 3);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(20, 30), true), ST_OK); /* joins both */
	expect_set(r, n, (struct range[]){ { 0, 5 }, { 10, 40 } }, 2);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(5, 7), true), ST_OK);  /* joins prev */
	assert_int_equal(rangeset_insert(r, &n, CAP, R(8, 10), true), ST_OK); /* joins next */
	expect_set(r, n, (struct range[]){ { 0, 7 }, { 8, 40 } }, 2);
	/* overlaps and empty ranges are refused with nothing changed */
	assert_int_equal(rangeset_insert(r, &n, CAP, R(6, 8), true), ST_INVALID);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(39, 50), true), ST_INVALID);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(7, 7), true), ST_INVALID);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(9, 3), true), ST_INVALID);
	expect_set(r, n, (struct range[]){ { 0, 7 }, { 8, 40 } }, 2);
	assert_int_equal(rangeset_check(r, n, true, NULL), ST_OK);
}

static void test_insert_unmerged_and_full(void **state)
{
	(void)state;
	struct range r[2];
	uint32_t n = 0;
	assert_int_equal(rangeset_insert(r, &n, 2, R(10, 20), false), ST_OK);
	assert_int_equal(rangeset_insert(r, &n, 2, R(20, 30), false), ST_OK); /* own slot */
	expect_set(r, n, (struct range[]){ { 10, 20 }, { 20, 30 } }, 2);
	assert_int_equal(rangeset_insert(r, &n, 2, R(0, 10), false), ST_NOMEM);
	assert_int_equal(rangeset_insert(r, &n, 2, R(0, 10), true),
			 ST_OK); /* a join needs no slot */
	expect_set(r, n, (struct range[]){ { 0, 20 }, { 20, 30 } }, 2);
	assert_int_equal(rangeset_check(r, n, false, NULL), ST_OK);
	struct rangeset_fault f;
	assert_int_equal(rangeset_check(r, n, true, &f), ST_INVALID);
	assert_int_equal(f.index, 1);
	assert_string_equal(f.why, "not merged with the previous range");
}

static void test_cut(void **state)
{
	(void)state;
	struct range r[3] = { { 0, 100 } };
	uint32_t n = 1;
	assert_int_equal(rangeset_cut(r, &n, 3, R(40, 60)), ST_OK); /* split */
	expect_set(r, n, (struct range[]){ { 0, 40 }, { 60, 100 } }, 2);
	assert_int_equal(rangeset_cut(r, &n, 3, R(10, 20)), ST_OK);
	expect_set(r, n, (struct range[]){ { 0, 10 }, { 20, 40 }, { 60, 100 } }, 3);
	/* a full table refuses the split and changes nothing */
	assert_int_equal(rangeset_cut(r, &n, 3, R(70, 80)), ST_NOMEM);
	expect_set(r, n, (struct range[]){ { 0, 10 }, { 20, 40 }, { 60, 100 } }, 3);
	/* one cut across three ranges: top of one, all of one, bottom of one */
	assert_int_equal(rangeset_cut(r, &n, 3, R(5, 70)), ST_OK);
	expect_set(r, n, (struct range[]){ { 0, 5 }, { 70, 100 } }, 2);
	assert_int_equal(rangeset_cut(r, &n, 3, R(200, 300)), ST_OK); /* nothing there */
	assert_int_equal(rangeset_cut(r, &n, 3, R(0, 300)), ST_OK);
	assert_int_equal(n, 0);
}

static void test_bytes_and_lower(void **state)
{
	(void)state;
	const struct range r[] = { { 0x1000, 0x3000 }, { 0x5000, 0x6000 }, { 0x8000, 0x9000 } };
	assert_int_equal(rangeset_bytes(r, 3), 0x4000);
	assert_int_equal(rangeset_bytes_in(r, 3, R(0x2000, 0x8800)), 0x1000 + 0x1000 + 0x800);
	assert_int_equal(rangeset_bytes_in(r, 3, R(0x3000, 0x5000)), 0);
	assert_int_equal(rangeset_lower(r, 3, 0), 0);
	assert_int_equal(rangeset_lower(r, 3, 0x2fff), 0);
	assert_int_equal(rangeset_lower(r, 3, 0x3000), 1);
	assert_int_equal(rangeset_lower(r, 3, 0x9000), 3);
	assert_int_equal(range_overlap_bytes(R(0, 10), R(5, 20)), 5);
	assert_int_equal(range_overlap_bytes(R(0, 10), R(10, 20)), 0);
}

/* sorted_first_above over elements larger than struct range, by either field, at the ends of
 * the key space and over an empty array. */
static void test_sorted_first_above(void **state)
{
	(void)state;
	struct wide {
		uint64_t base, end;
		uint32_t tag;
		uint8_t pad[20];
	} w[] = { { 0, 0x2000, 1, { 0 } },
		  { 0x2000, 0x5000, 2, { 0 } },
		  { 0x7000, UINT64_MAX, 3, { 0 } } };
	size_t end = offsetof(struct wide, end), base = offsetof(struct wide, base);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], end, 0), 0);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], end, 0x1fff), 0);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], end, 0x2000), 1);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], end, 0x6000), 2);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], end, UINT64_MAX), 3);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], base, 0), 1);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], base, 0x1fff), 1);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], base, 0x2000), 2);
	assert_int_equal(sorted_first_above(w, 3, sizeof w[0], base, 0x7000), 3);
	assert_int_equal(sorted_first_above(w, 0, sizeof w[0], end, 0), 0);
	assert_int_equal(sorted_first_above(w + 1, 1, sizeof w[0], end, 0x4fff), 0);
}

static void test_near_2_64(void **state)
{
	(void)state;
	struct range x;
	assert_false(range_from_size(TOP - 0xfff, 0x1000, &x)); /* would end at 2^64 */
	assert_true(range_from_size(TOP - 0x1000, 0x1000, &x));
	assert_int_equal(x.end, TOP);
	assert_false(range_from_size(TOP, TOP, &x));
	struct range r[CAP];
	uint32_t n = 0;
	assert_int_equal(rangeset_insert(r, &n, CAP, R(TOP - 0x3000, TOP - 0x2000), true), ST_OK);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(TOP - 0x1000, TOP), true), ST_OK);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(0, TOP - 0x4000), true), ST_OK);
	assert_int_equal(rangeset_bytes(r, n), TOP - 0x2000);
	assert_int_equal(rangeset_bytes_in(r, n, R(TOP - 0x1800, TOP)), 0x1000);
	assert_int_equal(rangeset_insert(r, &n, CAP, R(TOP - 0x2000, TOP - 0x1000), true), ST_OK);
	expect_set(r, n, (struct range[]){ { 0, TOP - 0x4000 }, { TOP - 0x3000, TOP } }, 2);
	assert_int_equal(rangeset_cut(r, &n, CAP, R(TOP - 1, TOP)), ST_OK);
	assert_int_equal(r[1].end, TOP - 1);
	assert_int_equal(rangeset_cut(r, &n, CAP, R(1, TOP)), ST_OK);
	expect_set(r, n, (struct range[]){ { 0, 1 } }, 1);
	assert_int_equal(rangeset_check(r, n, true, NULL), ST_OK);
}

static void test_check_reasons(void **state)
{
	(void)state;
	struct rangeset_fault f;
	const struct range empty[] = { { 0, 10 }, { 20, 20 } };
	assert_int_equal(rangeset_check(empty, 2, false, &f), ST_INVALID);
	assert_int_equal(f.index, 1);
	assert_string_equal(f.why, "empty");
	const struct range over[] = { { 0, 10 }, { 20, 30 }, { 25, 40 } };
	assert_int_equal(rangeset_check(over, 3, false, &f), ST_INVALID);
	assert_int_equal(f.index, 2);
	assert_int_equal(f.prev.end, 30);
	assert_int_equal(f.cur.base, 25);
	assert_string_equal(f.why, "overlaps or is out of order with the previous range");
	const struct range unsorted[] = { { 20, 30 }, { 0, 10 } };
	assert_int_equal(rangeset_check(unsorted, 2, false, &f), ST_INVALID);
	assert_int_equal(f.index, 1);
	assert_int_equal(rangeset_check(NULL, 0, true, &f), ST_OK);
}

/* Random inserts and cuts on a 256-unit line, against a bitmap model. */
static void test_model(void **state)
{
	(void)state;
	struct prng g;
	prng_seed(&g, 11);
	struct range r[64];
	uint32_t n = 0;
	bool bit[256] = { false };
	for (int op = 0; op < 20000; op++) {
		uint64_t b = prng_next(&g) % 256, len = 1 + prng_next(&g) % 16;
		struct range x = R(b, MIN(256, b + len));
		bool cut = prng_next(&g) % 2;
		uint32_t before = n;
		status_t st =
			cut ? rangeset_cut(r, &n, 64, x) : rangeset_insert(r, &n, 64, x, true);
		bool any = false;
		for (uint64_t u = x.base; u < x.end; u++)
			any |= bit[u];
		if (st == ST_OK) {
			assert_true(cut || !any);
			for (uint64_t u = x.base; u < x.end; u++)
				bit[u] = !cut;
		} else {
			assert_int_equal(n, before);
			assert_true(cut ? st == ST_NOMEM : (st == ST_INVALID) == any);
		}
		assert_int_equal(rangeset_check(r, n, true, NULL), ST_OK);
		uint64_t want = 0;
		for (uint64_t u = 0; u < 256; u++)
			want += bit[u];
		assert_int_equal(rangeset_bytes(r, n), want);
		for (uint32_t i = 0; i < n; i++)
			for (uint64_t u = r[i].base; u < r[i].end; u++)
				assert_true(bit[u]);
	}
}

TEST_MAIN(cmocka_unit_test(test_insert_merged), cmocka_unit_test(test_insert_unmerged_and_full),
	  cmocka_unit_test(test_cut), cmocka_unit_test(test_bytes_and_lower),
	  cmocka_unit_test(test_sorted_first_above), cmocka_unit_test(test_near_2_64),
	  cmocka_unit_test(test_check_reasons), cmocka_unit_test(test_model))
