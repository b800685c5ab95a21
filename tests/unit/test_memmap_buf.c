/* SPDX-License-Identifier: BSD-2-Clause */
/* test_memmap_buf.c - host tests of boot/memmap_buf.c: the GetMemoryMap buffer is sized from
 * the map size alone (never from a DescriptorSize the firmware may not have written), with
 * slack, bounded; a successful result is checked before its DescriptorSize is used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "boot/memmap_buf.h"
#include "test_main.h"

static void test_bytes_have_slack_and_are_pages(void **state)
{
	(void)state;
	uint64_t b;
	assert_int_equal(memmap_buf_bytes(120 * 48, &b), ST_OK); /* OVMF, 512 MiB guest */
	assert_true(b >= 120 * 48 + MEMMAP_BUF_SLACK_MIN && b % 4096 == 0);
	assert_int_equal(memmap_buf_bytes(1, &b), ST_OK);
	assert_int_equal(b, 8192); /* 1 + 4096 rounded up */
	assert_int_equal(memmap_buf_bytes(1 << 20, &b), ST_OK);
	assert_int_equal(b, (1 << 20) + (1 << 19)); /* half again for a big map */
	/* the slack holds dozens of descriptors of any plausible size */
	for (uint64_t need = 40; need < 200000; need = need * 3 + 7) {
		assert_int_equal(memmap_buf_bytes(need, &b), ST_OK);
		assert_true(b - need >= MEMMAP_BUF_SLACK_MIN && b - need >= need / 2);
	}
}

static void test_bytes_refuse_nonsense(void **state)
{
	(void)state;
	uint64_t b = 77;
	assert_int_equal(memmap_buf_bytes(0, &b), ST_RANGE);
	assert_int_equal(memmap_buf_bytes(1ull << 32, &b), ST_RANGE);
	assert_int_equal(memmap_buf_bytes(UINT64_MAX, &b), ST_RANGE);
	assert_int_equal(memmap_buf_bytes(0xffffffffull, &b), ST_RANGE); /* + slack passes 4 GiB */
	assert_int_equal(b, 77);
	assert_int_equal(memmap_buf_bytes(3ull << 30, &b), ST_RANGE); /* 4.5 GiB */
	assert_int_equal(memmap_buf_bytes(1ull << 31, &b), ST_OK);    /* 3 GiB */
}

static void test_check_result(void **state)
{
	(void)state;
	assert_null(memmap_buf_validate(120 * 48, 8192, 48));
	assert_null(memmap_buf_validate(40, 40, 40));
	assert_string_equal(memmap_buf_validate(480, 8192, 0), "DescriptorSize is below 40 bytes");
	assert_string_equal(memmap_buf_validate(480, 8192, 32), "DescriptorSize is below 40 bytes");
	assert_string_equal(memmap_buf_validate(480, 8192, 0xdeadbeef),
			    "DescriptorSize is above 4096 bytes");
	assert_string_equal(memmap_buf_validate(480, 8192, 44),
			    "DescriptorSize is not a multiple of 8");
	assert_string_equal(memmap_buf_validate(0, 8192, 48), "the map is empty");
	assert_string_equal(memmap_buf_validate(8240, 8192, 48),
			    "the map is larger than the buffer");
	assert_string_equal(memmap_buf_validate(500, 8192, 48),
			    "the map size is not a multiple of DescriptorSize");
}

/* The loader's direct map reaches the highest descriptor that can be memory, not a board's
 * descriptor at 0x06a9f00000000000 (which would ask for 64 TiB of direct map). */
static void test_highest_end_skips_impossible(void **state)
{
	(void)state;
	static const uint64_t d[][3] = {
		/* start, pages, attribute */
		{ 0x0, 0x40000, 0xf },                           /* [0, 1G) */
		{ 0x06a9f00000000000ull, 0x1000000000ull, 0xf }, /* above 2^52 */
		{ 0x100000000ull, 0x40000, 0xf },                /* [4G, 5G) */
		{ 0x400000000ull, 0, 0xf },                      /* 0 pages */
		{ 0x100000, 0xffffffffffffffffull, 0xf },        /* byte size overflows */
		{ 0xfffffffffff00000ull, 0x200, 0x1 },           /* end wraps */
		{ 0x7fc0000000ull, 0x80000, 0xf },               /* ends at 2^39 + 1 GiB */
	};
	uint8_t map[7 * 48];
	memset(map, 0xa5, sizeof map);
	for (int i = 0; i < 7; i++) {
		uint32_t type = 7;
		memcpy(map + 48 * i, &type, 4);
		memcpy(map + 48 * i + 8, &d[i][0], 8);
		memcpy(map + 48 * i + 24, &d[i][1], 8);
		memcpy(map + 48 * i + 32, &d[i][2], 8);
	}
	assert_int_equal(memmap_buf_highest_end(map, sizeof map, 48, 52), 0x8040000000ull);
	assert_int_equal(memmap_buf_highest_end(map, sizeof map, 48, 39), 0x140000000ull);
	assert_int_equal(memmap_buf_highest_end(map, sizeof map, 48, 0), 0x8040000000ull);
	assert_int_equal(memmap_buf_highest_end(map, 48, 48, 52), 0x40000000);
	assert_int_equal(memmap_buf_highest_end(map + 48, 48, 48, 52), 0);
	assert_int_equal(memmap_buf_highest_end(map, sizeof map, 0, 52), 0);
}

TEST_MAIN(cmocka_unit_test(test_bytes_have_slack_and_are_pages),
	  cmocka_unit_test(test_bytes_refuse_nonsense), cmocka_unit_test(test_check_result),
	  cmocka_unit_test(test_highest_end_skips_impossible))
