/* SPDX-License-Identifier: BSD-2-Clause */
/* test_shell_parse.c - splitting scripts into commands and commands into words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/shell/shell_parse.h"
#include "test_main.h"

/* The next command of script *s must be want. */
static void next_is(const char **s, const char *want)
{
	char buf[64];
	assert_int_equal(shell_next_command(s, buf, sizeof buf), ST_OK);
	assert_string_equal(buf, want);
}

static void test_script_split_on_semicolons_and_newlines(void **state)
{
	(void)state;
	const char *s = " echo a ;;  mem\nnuma -j; ";
	char buf[64];
	next_is(&s, "echo a ");
	next_is(&s, "mem");
	next_is(&s, "numa -j");
	assert_int_equal(shell_next_command(&s, buf, sizeof buf), ST_NOTFOUND);
}

static void test_quotes_protect_separators(void **state)
{
	(void)state;
	const char *s = "echo 'a;b' \"c;d\"; x";
	next_is(&s, "echo 'a;b' \"c;d\"");
	next_is(&s, "x");
}

static void test_command_too_long_is_skipped(void **state)
{
	(void)state;
	const char *s = "0123456789abcdef; ok";
	char buf[8];
	assert_int_equal(shell_next_command(&s, buf, sizeof buf), ST_RANGE);
	next_is(&s, "ok");
}

static void test_words(void **state)
{
	(void)state;
	char line[] = "  dax  write dax0.0 0 'hello world' \"\" 16 ";
	int argc;
	char *argv[SHELL_MAX_ARGS];
	assert_int_equal(shell_split(line, &argc, argv), ST_OK);
	assert_int_equal(argc, 7);
	assert_string_equal(argv[0], "dax");
	assert_string_equal(argv[4], "hello world");
	assert_string_equal(argv[5], "");
	assert_string_equal(argv[6], "16");
}

static void test_unterminated_quote_and_too_many_words(void **state)
{
	(void)state;
	char a[] = "echo 'oops";
	int argc;
	char *argv[SHELL_MAX_ARGS];
	assert_int_equal(shell_split(a, &argc, argv), ST_INVALID);
	char b[128] = "";
	for (int i = 0; i < SHELL_MAX_ARGS + 1; i++)
		strcat(b, "w ");
	assert_int_equal(shell_split(b, &argc, argv), ST_RANGE);
	char c[] = "";
	assert_int_equal(shell_split(c, &argc, argv), ST_OK);
	assert_int_equal(argc, 0);
}

static void test_options_in_daxctl_spellings(void **state)
{
	(void)state;
	char *argv[] = { "dax", "create-device", "--size=1G", "-a", "2M", "--region", "0",
			 "-s",  "--sizes=3",     "--align" };
	int argc = 10, i = 2;
	const char *v;
	assert_true(shell_opt_value(argc, argv, &i, "size", 's', &v));
	assert_string_equal(v, "1G");
	assert_int_equal(i, 3);
	assert_false(shell_opt_value(argc, argv, &i, "size", 's', &v));
	assert_true(shell_opt_value(argc, argv, &i, "align", 'a', &v));
	assert_string_equal(v, "2M");
	assert_int_equal(i, 5);
	assert_true(shell_opt_value(argc, argv, &i, "region", 'r', &v));
	assert_string_equal(v, "0");
	assert_int_equal(i, 7);
	assert_true(shell_opt_value(argc, argv, &i, "size", 's', &v)); /* -s takes the next word */
	assert_string_equal(v, "--sizes=3");
	i = 8;
	assert_false(shell_opt_value(argc, argv, &i, "size", 's', &v)); /* --sizes is not --size */
	i = 9;
	assert_true(shell_opt_value(argc, argv, &i, "align", 'a', &v)); /* missing value */
	assert_null(v);
	assert_int_equal(i, 10);
}

static void test_sizes_echo_as_typed(void **state)
{
	(void)state;
	char buf[64];
	shell_size_echo("4G", 4ull << 30, buf, sizeof buf);
	assert_string_equal(buf, "4G (4294967296 bytes)");
	shell_size_echo("16", 16, buf, sizeof buf);
	assert_string_equal(buf, "16 bytes");
	shell_size_echo("0x10", 16, buf, sizeof buf);
	assert_string_equal(buf, "0x10 (16 bytes)");
}

TEST_MAIN(cmocka_unit_test(test_script_split_on_semicolons_and_newlines),
	  cmocka_unit_test(test_quotes_protect_separators),
	  cmocka_unit_test(test_command_too_long_is_skipped), cmocka_unit_test(test_words),
	  cmocka_unit_test(test_unterminated_quote_and_too_many_words),
	  cmocka_unit_test(test_options_in_daxctl_spellings),
	  cmocka_unit_test(test_sizes_echo_as_typed))
