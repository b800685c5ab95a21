/* SPDX-License-Identifier: BSD-2-Clause */
/* test_cmdline.c - the kernel command-line parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "kernel/cmdline.h"
#include "test_main.h"

static struct cmdline c;
static struct capture log;

static int setup(void **state)
{
	(void)state;
	memset(&c, 0, sizeof c);
	capture_init(&log);
	return 0;
}

static void test_keys_and_values(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("  quiet efi=nosoftreserve  x= ", &c, &log.out), ST_OK);
	assert_int_equal(c.count, 3);
	assert_string_equal(c.args[0].key, "quiet");
	assert_null(c.args[0].value);
	assert_string_equal(cmdline_get(&c, "efi"), "nosoftreserve");
	assert_string_equal(cmdline_get(&c, "x"), "");
	assert_string_equal(cmdline_get(&c, "quiet"), "");
	assert_null(cmdline_get(&c, "nope"));
	assert_true(cmdline_has(&c, "quiet"));
	assert_false(cmdline_has(&c, "qui"));
}

static void test_quoted_values_keep_blanks_and_semicolons(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("spmk.run=\"echo a b; numa -j\" \"k=v w\" z", &c, &log.out),
			 ST_OK);
	assert_int_equal(c.count, 3);
	assert_string_equal(cmdline_get(&c, "spmk.run"), "echo a b; numa -j");
	assert_string_equal(cmdline_get(&c, "k"), "v w");
	assert_string_equal(c.args[2].key, "z");
}

static void test_last_occurrence_wins(void **state)
{
	(void)state;
	cmdline_parse("a=1 a=2", &c, &log.out);
	assert_string_equal(cmdline_get(&c, "a"), "2");
}

static void test_every_occurrence_in_order(void **state)
{
	(void)state;
	cmdline_parse("efi_fake_mem=256M@4G:0x40000 x efi_fake_mem=256M@0x120000000:0x40000 "
		      "efi_fake_mem",
		      &c, &log.out);
	unsigned pos = 0;
	assert_string_equal(cmdline_next(&c, "efi_fake_mem", &pos), "256M@4G:0x40000");
	assert_int_equal(pos, 1);
	assert_string_equal(cmdline_next(&c, "efi_fake_mem", &pos), "256M@0x120000000:0x40000");
	assert_string_equal(cmdline_next(&c, "efi_fake_mem", &pos), ""); /* bare key */
	assert_null(cmdline_next(&c, "efi_fake_mem", &pos));
	assert_null(cmdline_next(&c, "efi_fake_mem", &pos)); /* stays at the end */
	pos = 0;
	assert_null(cmdline_next(&c, "efi", &pos));
}

static void test_list_items(void **state)
{
	(void)state;
	const char *cur = "debug,nosoftreserve,,x,", *item = NULL;
	size_t len = 0;
	const char *want[] = { "debug", "nosoftreserve", "", "x", "" };
	for (unsigned i = 0; i < 5; i++) {
		assert_true(cmdline_list_next(&cur, &item, &len));
		assert_true(cmdline_item_is(item, len, want[i]));
	}
	assert_false(cmdline_list_next(&cur, &item, &len));
	cur = "";
	assert_true(cmdline_list_next(&cur, &item, &len));
	assert_int_equal(len, 0);
	assert_false(cmdline_list_next(&cur, &item, &len));
	cur = "ttyS0,115200n8";
	assert_true(cmdline_list_next(&cur, &item, &len));
	assert_true(cmdline_item_is(item, len, "ttyS0"));
	assert_false(cmdline_item_is(item, len, "ttyS"));
	assert_false(cmdline_item_is(item, len, "ttyS01"));
}

static void test_value_may_contain_equals(void **state)
{
	(void)state;
	cmdline_parse("efi_fake_mem=1G@4G:0x40000 x=a=b", &c, &log.out);
	assert_string_equal(cmdline_get(&c, "efi_fake_mem"), "1G@4G:0x40000");
	assert_string_equal(cmdline_get(&c, "x"), "a=b");
}

static void test_unterminated_quote_reported(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("a=\"open value", &c, &log.out), ST_INVALID);
	assert_string_equal(cmdline_get(&c, "a"), "open value");
	assert_true(capture_has(&log, "unterminated quote"));
}

static void test_empty_and_null(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("", &c, &log.out), ST_OK);
	assert_int_equal(c.count, 0);
	assert_int_equal(cmdline_parse(NULL, &c, &log.out), ST_OK);
	assert_int_equal(c.count, 0);
	assert_int_equal(cmdline_parse("\"\"", &c, &log.out), ST_OK);
	assert_int_equal(c.count, 0);
}

static void test_too_many_arguments(void **state)
{
	(void)state;
	char text[1024] = "";
	for (int i = 0; i < CMDLINE_MAX_ARGS + 5; i++)
		strcat(text, "a ");
	assert_int_equal(cmdline_parse(text, &c, &log.out), ST_RANGE);
	assert_int_equal(c.count, CMDLINE_MAX_ARGS);
	assert_true(capture_has(&log, "more than 64 arguments"));
}

static void test_too_long(void **state)
{
	(void)state;
	static char text[CMDLINE_BUF * 2];
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	assert_int_equal(cmdline_parse(text, &c, &log.out), ST_RANGE);
	assert_int_equal(c.count, 0);
	assert_true(capture_has(&log, "longer than"));
}

/* Empty quoted arguments take no room: a line of them followed by a real one still fits,
 * and a full buffer is never written past (found by fuzz_cmdline). */
static void test_empty_arguments_take_no_room(void **state)
{
	(void)state;
	static char text[CMDLINE_BUF * 3];
	size_t n = 0;
	while (n + 3 < CMDLINE_BUF * 2) {
		memcpy(text + n, "\"\" ", 3);
		n += 3;
	}
	strcpy(text + n, "last=1");
	assert_int_equal(cmdline_parse(text, &c, &log.out), ST_OK);
	assert_int_equal(c.count, 1);
	assert_string_equal(cmdline_get(&c, "last"), "1");
	memset(text, 'y', CMDLINE_BUF - 2);
	strcpy(text + CMDLINE_BUF - 2, " \"\" \"\" z");
	assert_int_equal(cmdline_parse(text, &c, &log.out), ST_RANGE);
	assert_int_equal(c.count, 1);
	assert_int_equal(strlen(c.args[0].key), CMDLINE_BUF - 2);
}

TEST_MAIN(cmocka_unit_test_setup(test_keys_and_values, setup),
	  cmocka_unit_test_setup(test_quoted_values_keep_blanks_and_semicolons, setup),
	  cmocka_unit_test_setup(test_last_occurrence_wins, setup),
	  cmocka_unit_test_setup(test_every_occurrence_in_order, setup),
	  cmocka_unit_test_setup(test_list_items, setup),
	  cmocka_unit_test_setup(test_value_may_contain_equals, setup),
	  cmocka_unit_test_setup(test_unterminated_quote_reported, setup),
	  cmocka_unit_test_setup(test_empty_and_null, setup),
	  cmocka_unit_test_setup(test_too_many_arguments, setup),
	  cmocka_unit_test_setup(test_too_long, setup),
	  cmocka_unit_test_setup(test_empty_arguments_take_no_room, setup))
