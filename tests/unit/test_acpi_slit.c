/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_slit.c - the SLIT parser (ACPI 6.5 §5.2.17) over the iasl fixture and edited
 * copies of it: the matrix, its size checks, the distance rules and the 64-locality cap. */
#include "test_acpi_util.h"

#include "acpi/slit.h"
#include "test_main.h"

static struct tcap cap;
static struct slit_info sl;
static uint8_t b[4096];

static void test_slit_qemu(void **state)
{
	(void)state;
	size_t n = fixture_load("slit_qemu", b, sizeof b);
	assert_int_equal(slit_parse(b, n, &sl, NULL), ST_OK);
	assert_int_equal(sl.count, 2);
	assert_int_equal(sl.dist[0][0], 10);
	assert_int_equal(sl.dist[0][1], 20);
	assert_int_equal(sl.dist[1][0], 20);
	assert_int_equal(sl.dist[1][1], 10);
}

static void test_slit_size(void **state)
{
	(void)state;
	size_t n = fixture_load("slit_qemu", b, sizeof b);
	struct out o = tcap_out(&cap);
	put64(b + 36, 0x100000000ull); /* squared: 2^64 */
	assert_int_equal(slit_parse(b, n, &sl, &o), ST_RANGE);
	assert_non_null(strstr(cap.buf, "locality count 4294967296 squared overflows"));
	put64(b + 36, 3);
	o = tcap_out(&cap);
	assert_int_equal(slit_parse(b, n, &sl, &o), ST_TRUNCATED);
	assert_non_null(
		strstr(cap.buf, "3 localities need 9 matrix bytes at offset 0x2c, table has 4"));
	assert_int_equal(sl.count, 0);
	/* a header length with no room for the locality count */
	n = fixture_load("slit_qemu", b, sizeof b);
	put32(b + 4, 40);
	o = tcap_out(&cap);
	assert_int_equal(slit_parse(b, n, &sl, &o), ST_TRUNCATED);
	assert_string_equal(cap.buf, "SLIT: length 40 is shorter than the 44-byte fixed part\n");
	assert_int_equal(slit_parse(b, 40, &sl, NULL), ST_TRUNCATED);
	memcpy(b, "SRAT", 4);
	assert_int_equal(slit_parse(b, n, &sl, NULL), ST_INVALID);
	assert_int_equal(slit_parse(NULL, n, &sl, NULL), ST_INVALID);
	assert_int_equal(slit_parse(b, n, NULL, NULL), ST_INVALID);
}

static void test_slit_distances(void **state)
{
	(void)state;
	size_t n = fixture_load("slit_qemu", b, sizeof b);
	b[44 + 3] = 11;
	struct out o = tcap_out(&cap);
	assert_int_equal(slit_parse(b, n, &sl, &o), ST_INVALID);
	assert_non_null(
		strstr(cap.buf, "entry [1][1] at offset 0x2f is 11 (local distance must be 10)"));
	b[44 + 3] = 10;
	b[44 + 1] = 10;
	o = tcap_out(&cap);
	assert_int_equal(slit_parse(b, n, &sl, &o), ST_INVALID);
	assert_non_null(strstr(cap.buf, "entry [0][1] at offset 0x2d is 10 (remote distance must "
					"exceed 10)"));
	assert_int_equal(sl.count, 0);
}

/* 65 valid localities: checked whole, the first 64 kept. */
static void test_slit_cap(void **state)
{
	(void)state;
	fixture_load("slit_qemu", b, sizeof b);
	static uint8_t big[44 + 65 * 65];
	memcpy(big, b, 44);
	put32(big + 4, sizeof big);
	put64(big + 36, 65);
	for (int i = 0; i < 65; i++)
		for (int j = 0; j < 65; j++)
			big[44 + i * 65 + j] = i == j ? 10 : (uint8_t)(20 + (i + j) % 50);
	struct out o = tcap_out(&cap);
	assert_int_equal(slit_parse(big, sizeof big, &sl, &o), ST_OK);
	assert_int_equal(sl.count, 64);
	assert_int_equal(sl.dist[63][62], 20 + 125 % 50);
	assert_int_equal(sl.dist[1][0], 21);
	assert_non_null(strstr(cap.buf, "SLIT: 65 localities; the first 64 are used, pxm 64 and "
					"above get default distances"));
	big[44 + 64 * 65 + 64] = 11; /* a bad entry beyond the kept part still rejects it */
	assert_int_equal(slit_parse(big, sizeof big, &sl, NULL), ST_INVALID);
}

TEST_MAIN(cmocka_unit_test(test_slit_qemu), cmocka_unit_test(test_slit_size),
	  cmocka_unit_test(test_slit_distances), cmocka_unit_test(test_slit_cap))
