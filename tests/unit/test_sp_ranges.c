/* SPDX-License-Identifier: BSD-2-Clause */
/* test_sp_ranges.c - host tests of boot/sp_ranges.c: accepted forms (suffixes, hex, lists) and
 * every rejection (empty, garbage, zero size, misalignment, wrap, overlap, too many ranges). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot/sp_ranges.h"
#include "capture.h"
#include "test_main.h"

static struct capture cap;

static int reset(void **state)
{
	(void)state;
	capture_init(&cap);
	return 0;
}

static void parse_ok(const char *s, struct sp_ranges *r)
{
	status_t st = sp_ranges_parse(s, r, &cap.out);
	if (st != ST_OK)
		fail_msg("'%s' rejected: %s", s, cap.text);
	assert_int_equal(cap.lines, 0);
}

static void parse_bad(const char *s, status_t want, const char *needle)
{
	struct sp_ranges r;
	assert_int_equal(sp_ranges_parse(s, &r, &cap.out), want);
	capture_expect_one_error(&cap, s, needle);
}

static void test_single(void **state)
{
	(void)state;
	struct sp_ranges r;
	parse_ok("1G@4G", &r);
	assert_int_equal(r.count, 1);
	assert_true(r.r[0].base == 0x100000000ull && r.r[0].end == 0x140000000ull);
}

static void test_forms(void **state)
{
	(void)state;
	struct sp_ranges r;
	parse_ok("0x200000@0x100000000,4k@0x140000000,512M@6g,1t@0x10000000000", &r);
	assert_int_equal(r.count, 4);
	assert_true(r.r[0].base == 0x100000000ull && r.r[0].end == 0x100200000ull);
	assert_true(r.r[1].base == 0x140000000ull && r.r[1].end == 0x140001000ull);
	assert_true(r.r[2].base == 0x180000000ull && r.r[2].end == 0x1a0000000ull);
	assert_true(r.r[3].end == 0x20000000000ull);
	parse_ok("4096@0", &r);
	assert_true(r.r[0].base == 0 && r.r[0].end == 4096);
}

static void test_adjacent_ok(void **state)
{
	(void)state;
	struct sp_ranges r;
	parse_ok("1G@5G,1G@4G", &r);
	assert_int_equal(r.count, 2);
	assert_true(r.r[0].base == 5 * (1ull << 30)); /* input order kept */
}

static void test_max_ranges(void **state)
{
	(void)state;
	char s[512] = "";
	for (int i = 0; i < SP_RANGES_MAX; i++)
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s4K@%dM", i ? "," : "", i);
	struct sp_ranges r;
	parse_ok(s, &r);
	assert_int_equal(r.count, SP_RANGES_MAX);
	strcat(s, ",4K@100M");
	parse_bad(s, ST_RANGE, "more than 16 ranges");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	parse_bad("", ST_INVALID, "empty list");
	parse_bad("1G", ST_INVALID, "expected '@' after the size");
	parse_bad("1G4G", ST_INVALID, "expected '@'");
	parse_bad("@4G", ST_INVALID, "expected a size number");
	parse_bad("1G@", ST_INVALID, "expected a start number");
	parse_bad("1G@4G,", ST_INVALID, "item 2: expected a size number");
	parse_bad("1G@4G,,1G@8G", ST_INVALID, "item 2");
	parse_bad("1G@4G junk", ST_INVALID, "unexpected ' junk'");
	parse_bad("1G@4GB", ST_INVALID, "unexpected 'B'");
	parse_bad("1G@4G;1G@8G", ST_INVALID, "unexpected ';1G@8G'");
	parse_bad("-1G@4G", ST_INVALID, "expected a size number");
	parse_bad("0x@4G", ST_INVALID, "expected '@'");
	parse_bad(" 1G@4G", ST_INVALID, "expected a size");
}

static void test_zero_size(void **state)
{
	(void)state;
	parse_bad("0@4G", ST_INVALID, "item 1: size is zero");
	parse_bad("1G@4G,0x0@8G", ST_INVALID, "item 2: size is zero");
}

static void test_unaligned(void **state)
{
	(void)state;
	parse_bad("4097@4G", ST_INVALID, "size 0x1001 or start 0x100000000 is not 4 KiB aligned");
	parse_bad("4K@0x100000800", ST_INVALID, "not 4 KiB aligned");
}

static void test_overflow(void **state)
{
	(void)state;
	parse_bad("99999999999999999999@4G", ST_RANGE, "size '99999999999999999999' overflows");
	parse_bad("1G@0x10000000000000000", ST_RANGE, "start");
	parse_bad("16777216T@0", ST_RANGE, "overflows");
	parse_bad("8G@0xfffffffe00000000", ST_RANGE, "wraps past 2^64");
	/* the last page of the address space ends at 2^64, which a half-open range cannot hold */
	parse_bad("4K@0xfffffffffffff000", ST_RANGE, "wraps past 2^64");
	struct sp_ranges r;
	parse_ok("4K@0xffffffffffffe000", &r);
	assert_true(r.r[0].end == 0xfffffffffffff000ull);
}

static void test_overlap(void **state)
{
	(void)state;
	parse_bad("1G@4G,4K@0x13ffff000", ST_INVALID,
		  "item 2 [0x13ffff000, 0x140000000) overlaps item 1 [0x100000000, 0x140000000)");
	parse_bad("1G@4G,2G@3G", ST_INVALID, "overlaps item 1");
}

TEST_MAIN(cmocka_unit_test_setup(test_single, reset), cmocka_unit_test_setup(test_forms, reset),
	  cmocka_unit_test_setup(test_adjacent_ok, reset),
	  cmocka_unit_test_setup(test_max_ranges, reset),
	  cmocka_unit_test_setup(test_syntax_errors, reset),
	  cmocka_unit_test_setup(test_zero_size, reset),
	  cmocka_unit_test_setup(test_unaligned, reset),
	  cmocka_unit_test_setup(test_overflow, reset), cmocka_unit_test_setup(test_overlap, reset))
