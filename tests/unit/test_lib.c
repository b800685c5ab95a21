/* SPDX-License-Identifier: BSD-2-Clause */
/* test_lib.c - the freestanding formatter and the number/size parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "lib/args.h"
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/fmt.h"
#include "lib/out.h"
#include "lib/parse.h"
#include "lib/prng.h"
#include "lib/status.h"
#include "lib/table.h"
#include "test_heap.h"
#include "test_main.h"

#define CHECK_FMT(expect, ...)                                                                     \
	do {                                                                                       \
		char b[128], ref[128];                                                             \
		int n = fmt_snprintf(b, sizeof b, __VA_ARGS__);                                    \
		int m = snprintf(ref, sizeof ref, __VA_ARGS__);                                    \
		assert_string_equal(b, expect);                                                    \
		assert_string_equal(b, ref);                                                       \
		assert_int_equal(n, m);                                                            \
	} while (0)

static void test_fmt_matches_libc(void **state)
{
	(void)state;
	CHECK_FMT("42 -7 +3", "%d %i %+d", 42, -7, 3);
	CHECK_FMT("0x00ff|FF|377", "0x%04x|%X|%o", 255, 255, 255);
	CHECK_FMT("   12|12   |0012", "%5u|%-5u|%04u", 12u, 12u, 12u);
	CHECK_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK_FMT("ab|  abc|abc  |a", "%.2s|%5s|%-5s|%c", "abc", "abc", "abc", 'a');
	CHECK_FMT("%|x", "%%|%.*s", 1, "xyz");
	CHECK_FMT("0x1f", "%#x", 31);
	CHECK_FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	CHECK_FMT("7|-1", "%zu|%hhd", (size_t)7, (signed char)-1);
}

static void test_fmt_null_string(void **state)
{
	(void)state;
	char b[16];
	const char *volatile none = NULL;
	fmt_snprintf(b, sizeof b, "%s", none);
	assert_string_equal(b, "(null)");
}

/* "%.*s" reads at most the precision: the bytes need not be NUL-terminated (C11 7.21.6.1). */
static void test_fmt_precision_reads_no_further(void **state)
{
	(void)state;
	char *raw = malloc(3); /* ASan reports a read of raw[3] */
	memcpy(raw, "abc", 3);
	char b[8];
	assert_int_equal(fmt_snprintf(b, sizeof b, "%.*s|", 3, raw), 4);
	assert_string_equal(b, "abc|");
	free(raw);
}

static void test_fmt_truncates_and_reports_length(void **state)
{
	(void)state;
	char b[5];
	assert_int_equal(fmt_snprintf(b, sizeof b, "hello world"), 11);
	assert_string_equal(b, "hell");
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_parse_numbers(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(parse_u64("0", &v), ST_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("0x1F", &v), ST_OK);
	assert_int_equal(v, 31);
	assert_int_equal(parse_u64("18446744073709551615", &v), ST_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", &v), ST_RANGE);
	assert_int_equal(parse_u64("0x10000000000000000", &v), ST_RANGE);
	assert_int_equal(parse_u64("", &v), ST_INVALID);
	assert_int_equal(parse_u64("12a", &v), ST_INVALID);
	assert_int_equal(parse_u64("-1", &v), ST_INVALID);
	assert_int_equal(parse_u64("0x", &v), ST_INVALID);
}

static void test_parse_sizes(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(parse_size("4k", &v), ST_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("2M", &v), ST_OK);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(parse_size("0x1G", &v), ST_OK);
	assert_true(v == 1ull << 30);
	assert_int_equal(parse_size("3T", &v), ST_OK);
	assert_true(v == 3ull << 40);
	assert_int_equal(parse_size("16777216T", &v), ST_RANGE);
	assert_int_equal(parse_size("1GB", &v), ST_INVALID);
	const char *s = "1G@0x100000000";
	assert_int_equal(parse_size_prefix(&s, &v), ST_OK);
	assert_string_equal(s, "@0x100000000");
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(status_str(ST_OK), "ok");
	assert_string_equal(status_str(ST_PERM), "not the owner");
	assert_string_equal(status_str((status_t)999), "unknown status");
	for (int s = 0; s < ST_COUNT; s++)
		assert_string_not_equal(status_str((status_t)s), "unknown status");
}

static void test_fault_points(void **state)
{
	(void)state;
	fault_reset();
	enum fault_point p;
	assert_int_equal(fault_lookup("migrate", &p), ST_OK);
	assert_int_equal(p, FAULT_MIGRATE_DEST);
	assert_int_equal(fault_lookup("nope", &p), ST_NOTFOUND);
	assert_false(fault_hit(FAULT_KHEAP));
	assert_int_equal(fault_arm(FAULT_KHEAP, 2), ST_OK);
	assert_true(fault_hit(FAULT_KHEAP));
	assert_false(fault_hit(FAULT_PT_ALLOC)); /* points are independent */
	assert_true(fault_hit(FAULT_KHEAP));
	assert_false(fault_hit(FAULT_KHEAP));
	struct fault_counters c = fault_counters(FAULT_KHEAP);
	assert_int_equal(c.uses, 4);
	assert_int_equal(c.injected, 2);
	assert_int_equal(c.armed, 0);
	assert_int_equal(fault_arm(FAULT_NPOINTS, 1), ST_INVALID);
	assert_string_equal(fault_name(FAULT_NPOINTS), "?");
	assert_string_equal(fault_what(FAULT_PT_ALLOC), "page-table page");
	assert_string_equal(fault_what(FAULT_NPOINTS), "?");
	fault_reset();
	assert_int_equal(fault_counters(FAULT_KHEAP).uses, 0);
}

/* splitmix64's published first outputs for seed 0; bounds and determinism. */
static void test_prng(void **state)
{
	(void)state;
	struct prng r, q;
	prng_seed(&r, 0);
	assert_true(prng_next(&r) == 0xe220a8397b1dcdafull);
	assert_true(prng_next(&r) == 0x6e789e6aa1b965f4ull);
	assert_true(prng_next(&r) == 0x06c45d188009454full);
	prng_seed(&r, 42);
	prng_seed(&q, 42);
	unsigned hist[10] = { 0 };
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t v = prng_below(&r, 10);
		assert_true(v < 10);
		assert_int_equal(v, prng_below(&q, 10));
		hist[v]++;
		uint64_t x = prng_range(&r, 5, 7);
		assert_true(x >= 5 && x <= 7);
		prng_range(&q, 5, 7);
	}
	for (unsigned i = 0; i < 10; i++)
		assert_true(hist[i] > 9000 && hist[i] < 11000);
	assert_int_equal(prng_below(&r, 0), 0);
	assert_int_equal(prng_range(&r, 9, 3), 9);
	assert_false(prng_chance(&r, 1, 0));
	assert_true(prng_chance(&r, 3, 3));
}

static void check_op_fails(void)
{
	uint64_t three = 3;
	CHECK_OP(three, <, 2);
}

static void test_check_aborts_with_values(void **state)
{
	(void)state;
	CHECK(1 + 1 == 2);
	CHECK_OP(2, <, 3);
	CHECK_OK(ST_OK);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		check_op_fails();
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

/* User-typed sizes and numbers: each hostile value is refused with the text as typed. */
static void test_args_table(void **state)
{
	(void)state;
	static const struct {
		bool size;
		const char *text;
		uint64_t min, max;
		status_t st;
		uint64_t value;
		const char *msg;
	} cases[] = {
		{ true, "2M", 1, UINT64_MAX, ST_OK, 2u << 20, "" },
		{ true, "0x10", 1, 16, ST_OK, 16, "" },
		{ true, "0xffffffffffffffff", 1, 1ull << 36, ST_RANGE, 0,
		  "size '0xffffffffffffffff' is out of range 1..68719476736" },
		{ true, "0x10000000000000000", 1, UINT64_MAX, ST_RANGE, 0,
		  "size '0x10000000000000000' does not fit in 64 bits" },
		{ true, "18446744073709551616", 0, UINT64_MAX, ST_RANGE, 0,
		  "size '18446744073709551616' does not fit in 64 bits" },
		{ true, "16777216T", 0, UINT64_MAX, ST_RANGE, 0,
		  "size '16777216T' does not fit in 64 bits" },
		{ true, "0", 1, 100, ST_RANGE, 0, "size '0' is out of range 1..100" },
		{ true, "-1", 0, UINT64_MAX, ST_INVALID, 0, "size '-1' is not a size" },
		{ true, "12Q", 0, UINT64_MAX, ST_INVALID, 0, "size '12Q' is not a size" },
		{ true, "", 0, UINT64_MAX, ST_INVALID, 0, "size '' is not a size" },
		{ false, "63", 0, 63, ST_OK, 63, "" },
		{ false, "64", 0, 63, ST_RANGE, 0, "size '64' is out of range 0..63" },
		{ false, "4G", 0, UINT64_MAX, ST_INVALID, 0, "size '4G' is not a number" },
		{ false, "99999999999999999999", 0, UINT64_MAX, ST_RANGE, 0,
		  "size '99999999999999999999' does not fit in 64 bits" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[128];
		uint64_t v = 12345;
		status_t st = cases[i].size ? arg_size("size", cases[i].text, cases[i].min,
						       cases[i].max, &v, err, sizeof err)
					    : arg_u64("size", cases[i].text, cases[i].min,
						      cases[i].max, &v, err, sizeof err);
		if (st != cases[i].st || strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0 ||
		    (st == ST_OK && (v != cases[i].value || err[0])) || (st != ST_OK && v != 12345))
			fail_msg("case %zu '%s': status %d, value %llu, message '%s'", i,
				 cases[i].text, st, (unsigned long long)v, err);
	}
}

/* Bytes to pages rounds up and never wraps: the old (size + 4095) >> 12 gave 0 for 2^64 - 1. */
static void test_bytes_to_pages(void **state)
{
	(void)state;
	static const uint64_t in[][2] = {
		{ 0, 0 },
		{ 1, 1 },
		{ 4096, 1 },
		{ 4097, 2 },
		{ UINT64_MAX, 1ull << 52 },
		{ UINT64_MAX - 4095, (1ull << 52) - 1 },
		{ UINT64_MAX - 4096, (1ull << 52) - 1 },
	};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		assert_int_equal(bytes_to_pages(in[i][0]), in[i][1]);
}

/* lib/table.h: the table doubles until it holds what is asked, keeps its contents, zeroes the
 * new slots, frees the old one unless inline; without an allocator, or past 2^32 elements, it
 * refuses with nothing changed. */
static void test_table_reserve(void **state)
{
	(void)state;
	uint32_t inl[4] = { 1, 2, 3, 4 }, cap = 4;
	void *t = inl;
	const struct table_alloc none = { 0, 0, 0 }, a = { test_heap_alloc, test_heap_free, 0 };
	test_heap_reset();
	assert_int_equal(table_reserve(&none, &t, &cap, sizeof inl[0], inl, 4), ST_OK); /* fits */
	assert_int_equal(table_reserve(&none, &t, &cap, sizeof inl[0], inl, 5), ST_NOMEM);
	assert_true(t == inl && cap == 4);
	assert_int_equal(table_reserve(&a, &t, &cap, sizeof inl[0], inl, (uint64_t)UINT32_MAX + 1),
			 ST_NOMEM);
	assert_true(t == inl && cap == 4 && test_heap_live == 0);
	assert_int_equal(table_reserve(&a, &t, &cap, sizeof inl[0], inl, 9), ST_OK);
	assert_int_equal(cap, 16);
	uint32_t *g = t;
	assert_int_equal(g[3], 4);
	for (unsigned i = 4; i < 16; i++)
		assert_int_equal(g[i], 0);
	assert_int_equal(table_reserve(&a, &t, &cap, sizeof inl[0], inl, 17), ST_OK);
	assert_int_equal(cap, 32);
	assert_int_equal(test_heap_live, 1); /* the 16-slot table went back */
	table_release(&a, &t, inl);
	assert_true(t == inl && test_heap_live == 0);
}

/* A plain line longer than out_printf's buffer is cut, and still ends its line. */
static void test_out_printf_cut_keeps_the_newline(void **state)
{
	(void)state;
	static struct capture c;
	char word[1100];
	memset(word, 'x', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	capture_init(&c);
	out_printf(&c.out, "%s: unknown command\n", word);
	out_printf(&c.out, "next\n");
	assert_int_equal(c.len, 511 + 5);
	assert_int_equal(c.text[510], '\n');
	assert_string_equal(c.text + 511, "next\n");
	capture_reset(&c);
	out_printf(&c.out, "%s", word); /* no newline asked for: none added */
	assert_int_equal(c.len, 511);
	assert_int_equal(c.text[510], 'x');
}

TEST_MAIN(cmocka_unit_test(test_fmt_matches_libc),
	  cmocka_unit_test(test_out_printf_cut_keeps_the_newline),
	  cmocka_unit_test(test_fmt_truncates_and_reports_length),
	  cmocka_unit_test(test_fmt_null_string),
	  cmocka_unit_test(test_fmt_precision_reads_no_further),
	  cmocka_unit_test(test_parse_numbers), cmocka_unit_test(test_parse_sizes),
	  cmocka_unit_test(test_args_table), cmocka_unit_test(test_bytes_to_pages),
	  cmocka_unit_test(test_status_names), cmocka_unit_test(test_fault_points),
	  cmocka_unit_test(test_prng), cmocka_unit_test(test_table_reserve),
	  cmocka_unit_test(test_check_aborts_with_values))
