/* SPDX-License-Identifier: BSD-2-Clause */
/* test_logring.c - the kernel log ring: order, wrapping, dropping whole lines, resizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "lib/logring.h"

static char buf[1024];
static char text[4096];

static const char *held(const struct logring *r)
{
	logring_read(r, 0, text, sizeof text);
	return text;
}

static void test_lines_kept_in_order(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, buf, 256), ST_OK);
	logring_append(&r, "one", 3);
	logring_append(&r, "two\n", 4);
	logring_append(&r, "three\nfour", 10);
	assert_string_equal(held(&r), "one\ntwo\nthree\nfour\n");
	assert_int_equal(r.lines, 4);
	assert_int_equal(r.dropped, 0);
}

static void test_wraps_and_drops_oldest_whole_lines(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, buf, 256), ST_OK);
	char line[32];
	for (int i = 0; i < 100; i++) {
		int n = snprintf(line, sizeof line, "line %03d of the log", i);
		logring_append(&r, line, (size_t)n);
		assert_true(r.len <= 256);
	}
	/* 20 bytes per line: 12 lines fit in 256 bytes; the newest are kept, starting whole */
	assert_int_equal(r.lines, 12);
	assert_int_equal(r.dropped, 88);
	const char *t = held(&r);
	assert_true(strncmp(t, "line 088 of the log\n", 20) == 0);
	assert_non_null(strstr(t, "line 099 of the log\n"));
	assert_null(strstr(t, "line 087"));
	assert_int_equal(strlen(t), 12 * 20);
	struct capture c;
	capture_init(&c);
	logring_print(&r, &c.out);
	assert_int_equal(c.len, 240);
	assert_memory_equal(c.text, t, 240);
}

static void test_overlong_line_keeps_its_end(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, buf, 256), ST_OK);
	char big[600];
	memset(big, 'a', sizeof big);
	memcpy(big + sizeof big - 3, "END", 3);
	logring_append(&r, "before", 6);
	logring_append(&r, big, sizeof big);
	assert_int_equal(r.lines, 1);
	assert_int_equal(r.len, 256);
	const char *t = held(&r);
	assert_true(strlen(t) == 256 && strcmp(t + 252, "END\n") == 0);
	logring_append(&r, "after", 5);
	assert_string_equal(held(&r), "after\n");
}

static void test_resize_keeps_newest(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, buf, sizeof buf), ST_OK);
	char line[32];
	for (int i = 0; i < 70; i++) { /* wraps the 1024-byte ring */
		int n = snprintf(line, sizeof line, "entry %02d", i);
		logring_append(&r, line, (size_t)n);
	}
	assert_int_equal(logring_resize(&r, 100, sizeof buf), ST_INVALID);
	assert_int_equal(logring_resize(&r, 300, sizeof buf), ST_OK);
	const char *t = held(&r);
	assert_true(strlen(t) <= 300);
	assert_non_null(strstr(t, "entry 69\n"));
	assert_true(strncmp(t, "entry ", 6) == 0);
	assert_int_equal(r.lines * 9, strlen(t));
	logring_append(&r, "next", 4);
	assert_non_null(strstr(held(&r), "entry 69\nnext\n"));
	assert_int_equal(logring_init(&r, buf, 10), ST_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_kept_in_order),
		cmocka_unit_test(test_wraps_and_drops_oldest_whole_lines),
		cmocka_unit_test(test_overlong_line_keeps_its_end),
		cmocka_unit_test(test_resize_keeps_newest),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
