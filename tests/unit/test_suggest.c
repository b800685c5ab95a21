/* SPDX-License-Identifier: BSD-2-Clause */
/* test_suggest.c - edit distance and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("nohmta", "nohmat"), 1); /* swap */
	assert_int_equal(suggest_distance("creat", "create"), 1);  /* insert */
	assert_int_equal(suggest_distance("claims", "claim"), 1);  /* delete */
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("ca", "abc"), 3); /* OSA, not full Damerau */
	char longer[80];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(suggest_distance(longer, "x"), SUGGEST_FAR);
}

static void test_suggestion(void **state)
{
	(void)state;
	static const char *const words[] = { "list", "create-device", "claim",
					     NULL,   "map",           "release" };
	size_t n = sizeof words / sizeof words[0];
	assert_string_equal(suggest_word("lsit", words, n), "list");
	assert_string_equal(suggest_word("creat-device", words, n), "create-device");
	assert_string_equal(suggest_word("relase", words, n), "release");
	assert_string_equal(suggest_word("mpa", words, n), "map");
	assert_null(suggest_word("claim", words, n));  /* exact: nothing to suggest */
	assert_null(suggest_word("zzzzzz", words, n)); /* too far from everything */
	assert_null(suggest_word("m", words, n));      /* one letter is no evidence */
	static const char *const opts[] = { "spmk.run", "spmk.nohmat", "efi" };
	assert_string_equal(suggest_word("spmk.nohmta", opts, 3), "spmk.nohmat");
	assert_string_equal(suggest_word("spmk.rnu", opts, 3), "spmk.run");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggestion),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
