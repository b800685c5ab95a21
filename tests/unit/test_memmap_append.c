/* SPDX-License-Identifier: BSD-2-Clause */
/* test_memmap_append.c - host tests of boot/memmap_append.c: the accepted text forms (hex,
 * decimal, comments, blank lines, tabs), every rejection with its line number, and the
 * descriptor layout written at a firmware's descriptor size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot/memmap_append.h"
#include "capture.h"
#include "test_main.h"

static struct capture cap;

static int reset(void **state)
{
	(void)state;
	capture_init(&cap);
	return 0;
}

static void parse_ok(const char *s, struct memmap_append *a)
{
	status_t st = memmap_append_parse(s, strlen(s), a, &cap.out);
	if (st != ST_OK)
		fail_msg("'%s' rejected: %s", s, cap.text);
	assert_int_equal(cap.lines, 0);
}

static void parse_bad(const char *s, size_t len, status_t want, const char *needle)
{
	struct memmap_append a;
	assert_int_equal(memmap_append_parse(s, len, &a, &cap.out), want);
	capture_expect_one_error(&cap, s, needle);
}

static void bad(const char *s, status_t want, const char *needle)
{
	parse_bad(s, strlen(s), want, needle);
}

static void test_forms(void **state)
{
	(void)state;
	struct memmap_append a;
	parse_ok("# a board's map\n"
		 "3 0x06a9f00000000000 0x1000000000 0xf   # above MAXPHYADDR\n"
		 "\n"
		 "\t7\t4096 16 0x4000F\r\n"
		 "   # only a comment\n"
		 "0x80000002 0 0 0",
		 &a);
	assert_int_equal(a.count, 3);
	assert_int_equal(a.d[0].type, 3);
	assert_true(a.d[0].base == 0x06a9f00000000000ull && a.d[0].pages == 0x1000000000ull);
	assert_true(a.d[0].attr == 0xf);
	assert_int_equal(a.d[1].type, 7);
	assert_true(a.d[1].base == 4096 && a.d[1].pages == 16 && a.d[1].attr == 0x4000f);
	assert_true(a.d[2].type == 0x80000002u && a.d[2].pages == 0);
	parse_ok("", &a);
	assert_int_equal(a.count, 0);
	parse_ok("# nothing\n\n", &a);
	assert_int_equal(a.count, 0);
	parse_ok("0 0 0 0", &a); /* a lone 0 is zero, not octal */
	assert_int_equal(a.count, 1);
	parse_ok("4294967295 18446744073709551615 0xffffffffffffffff 0", &a);
	assert_true(a.d[0].type == UINT32_MAX && a.d[0].base == UINT64_MAX);
}

static void test_rejections_name_the_line(void **state)
{
	(void)state;
	bad("7 0 1", ST_INVALID, "line 1: ATTR missing");
	bad("7 0 1 0xf\n\n7", ST_INVALID, "line 3: BASE missing");
	bad("7 0 1 0xf 5 8192 9", ST_INVALID,
	    "line 1: unexpected '9' after TYPE BASE PAGES ATTR COUNT STEP");
	bad("7 0 1 0xf 0", ST_RANGE, "line 1: COUNT 0 outside 1..16384");
	bad("7 0 1 0xf 16385", ST_RANGE, "line 1: COUNT 16385 outside 1..16384");
	bad("# ok\nseven 0 1 0xf", ST_INVALID, "line 2: TYPE 'seven' is not a number");
	bad("7 0x 1 0xf", ST_INVALID, "line 1: BASE '0x' is not a number");
	bad("7 4G 1 0xf", ST_INVALID, "BASE '4G' is not a number");
	bad("7 -1 1 0xf", ST_INVALID, "BASE '-1' is not a number");
	bad("7 0 010 0xf", ST_INVALID, "line 1: PAGES '010' has a leading zero");
	bad("0x100000000 0 1 0xf", ST_RANGE, "TYPE '0x100000000' does not fit 32 bits");
	bad("7 0 18446744073709551616 0", ST_RANGE, "PAGES '18446744073709551616' does not fit 64");
	bad("7 0 1 0x000000000000000000000000000000001", ST_RANGE,
	    "ATTR '0x0000000000000000000000");
	parse_bad("7 0 1 0xf\n7 0\0 1 2", 18, ST_INVALID, "line 2: NUL byte");
}

static void test_too_many(void **state)
{
	(void)state;
	char s[2048] = "";
	for (int i = 0; i < MEMMAP_APPEND_MAX; i++)
		snprintf(s + strlen(s), sizeof s - strlen(s), "7 %d 1 0xf\n", i * 4096);
	struct memmap_append a;
	parse_ok(s, &a);
	assert_int_equal(a.count, MEMMAP_APPEND_MAX);
	strcat(s, "# more\n7 0 1 0xf\n");
	bad(s, ST_RANGE, "line 34: more than 32 lines or 16384 descriptors");
	bad("7 0 1 0xf 16384\n7 0 1 0xf", ST_RANGE,
	    "line 2: more than 32 lines or 16384 descriptors");
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* COUNT repeats a descriptor STEP bytes apart (default twice its size): 3,000 descriptors from
 * two lines, laid out in order. */
static void test_count_and_step(void **state)
{
	(void)state;
	struct memmap_append a;
	parse_ok("0 0x20000000 1 0xf 2000\n7 0x40000000 2 0xf 1000 0x100000", &a);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.total, 3000);
	static uint8_t buf[3000 * 48];
	size_t w;
	assert_int_equal(memmap_append_write(&a, buf, sizeof buf - 1, 48, &w), ST_RANGE);
	assert_int_equal(memmap_append_write(&a, buf, sizeof buf, 48, &w), ST_OK);
	assert_int_equal(w, 3000 * 48);
	assert_int_equal(get_u64(buf + 1999 * 48 + 8), 0x20000000 + 1999 * 0x2000);
	assert_int_equal(get_u64(buf + 2000 * 48 + 8), 0x40000000);
	assert_int_equal(get_u64(buf + 2999 * 48 + 8), 0x40000000 + 999 * 0x100000);
	assert_int_equal(get_u64(buf + 2999 * 48 + 24), 2);
	assert_int_equal(buf[2999 * 48], 7);
}

static void test_write_layout(void **state)
{
	(void)state;
	struct memmap_append a;
	parse_ok("3 0x1000 2 0x4000f\n0x80000001 0x2000 1 0x8000000000000000", &a);
	uint8_t buf[200];
	memset(buf, 0xaa, sizeof buf);
	size_t w;
	assert_int_equal(memmap_append_write(&a, buf, sizeof buf, 48, &w), ST_OK);
	assert_int_equal(w, 96);
	assert_true(buf[0] == 3 && buf[1] == 0 && buf[4] == 0);            /* type, pad */
	assert_true(get_u64(buf + 8) == 0x1000 && get_u64(buf + 16) == 0); /* phys, virt */
	assert_true(get_u64(buf + 24) == 2 && get_u64(buf + 32) == 0x4000f);
	for (int i = 40; i < 48; i++)
		assert_int_equal(buf[i], 0); /* bytes past the 40-byte descriptor are zero */
	assert_true(get_u64(buf + 48) == 0x80000001ull && get_u64(buf + 56) == 0x2000);
	assert_true(get_u64(buf + 80) == 0x8000000000000000ull);
	assert_int_equal(buf[96], 0xaa); /* nothing past count * desc_size */
	assert_int_equal(memmap_append_write(&a, buf, 95, 48, &w), ST_RANGE);
	assert_int_equal(w, 0);
	assert_int_equal(memmap_append_write(&a, buf, sizeof buf, 39, &w), ST_INVALID);
	assert_int_equal(memmap_append_write(&a, buf, sizeof buf, 40, &w), ST_OK);
	assert_int_equal(w, 80);
}

TEST_MAIN(cmocka_unit_test_setup(test_forms, reset),
	  cmocka_unit_test_setup(test_rejections_name_the_line, reset),
	  cmocka_unit_test_setup(test_too_many, reset),
	  cmocka_unit_test_setup(test_count_and_step, reset),
	  cmocka_unit_test_setup(test_write_layout, reset))
