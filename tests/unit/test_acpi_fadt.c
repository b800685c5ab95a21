/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_fadt.c - FADT fields for power-off/reset and the \_S5 package scan. */
#include "test_acpi_util.h"

#include "acpi/fadt.h"
#include "test_main.h"

static struct tcap cap;
static struct fadt_info f;
static uint8_t b[4096];

static void test_fadt_q35(void **state)
{
	(void)state;
	size_t n = fixture_load("fadt_q35", b, sizeof b);
	assert_int_equal(fadt_parse(b, n, &f, NULL), ST_OK);
	assert_int_equal(f.revision, 6);
	assert_int_equal(f.pm1a_cnt, 0x604); /* X_PM1a_CNT_BLK preferred */
	assert_int_equal(f.pm1b_cnt, 0);
	assert_int_equal(f.pm1_cnt_len, 2);
	assert_int_equal(f.dsdt_phys, 0xbffe0000); /* X_DSDT preferred */
	assert_true(f.reset_supported);
	assert_int_equal(f.reset_reg.space_id, 1);
	assert_int_equal(f.reset_reg.address, 0xcf9);
	assert_int_equal(f.reset_value, 6);
	assert_false(f.hw_reduced);
}

static void test_fadt_v1_and_short(void **state)
{
	(void)state;
	size_t n = fixture_load("fadt_q35", b, sizeof b);
	put32(b + 4, 116); /* ACPI 1.0 length: no X_ fields, no reset register */
	assert_int_equal(fadt_parse(b, n, &f, NULL), ST_OK);
	assert_int_equal(f.pm1a_cnt, 0xb004);
	assert_int_equal(f.dsdt_phys, 0x7ffe0000);
	assert_false(f.reset_supported);
	put32(b + 4, 100);
	struct out o = tcap_out(&cap);
	assert_int_equal(fadt_parse(b, n, &f, &o), ST_TRUNCATED);
	assert_string_equal(cap.buf, "FACP: length 100 is shorter than the 116-byte fixed part\n");
	assert_int_equal(f.pm1a_cnt, 0);
	memcpy(b, "APIC", 4);
	assert_int_equal(fadt_parse(b, n, &f, NULL), ST_INVALID);
}

/* A legacy PM1 block above 0xffff is not truncated into a port number. */
static void test_fadt_pm1_not_a_port(void **state)
{
	(void)state;
	size_t n = fixture_load("fadt_q35", b, sizeof b);
	put32(b + 4, 116);
	put32(b + 64, 0x1b004);
	struct out o = tcap_out(&cap);
	assert_int_equal(fadt_parse(b, n, &f, &o), ST_OK);
	assert_int_equal(f.pm1a_cnt, 0);
	assert_string_equal(cap.buf, "FACP: FIRMWARE BUG: PM1a_CNT_BLK 0x1b004 is not an I/O port "
				     "(above 0xffff); not used\n");
}

static void test_s5_fixtures(void **state)
{
	(void)state;
	uint8_t a = 9, c = 9;
	size_t n = fixture_load("dsdt_s5_zero", b, sizeof b);
	assert_int_equal(dsdt_find_s5(b, n, &a, &c), ST_OK);
	assert_int_equal(a, 0);
	assert_int_equal(c, 0);
	n = fixture_load("dsdt_s5_byte", b, sizeof b);
	assert_int_equal(dsdt_find_s5(b, n, &a, &c), ST_OK); /* the string "_S5_" is skipped */
	assert_int_equal(a, 7);
	assert_int_equal(c, 1);
	assert_int_equal(dsdt_find_s5(b, n - 2, &a, &c), ST_NOTFOUND); /* package cut short */
	assert_int_equal(dsdt_find_s5(b, 20, &a, &c), ST_INVALID);
	n = fixture_load("fadt_q35", b, sizeof b);
	assert_int_equal(dsdt_find_s5(b, n, &a, &c), ST_NOTFOUND);
}

static void test_s5_encodings(void **state)
{
	(void)state;
	uint8_t a, c;
	uint8_t t[64] = { 0 };
	memcpy(t, "DSDT", 4);
	/* \_S5_ Package(1) { WordPrefix 0x0105 } with a 2-byte PkgLength */
	const uint8_t aml[] = { 0x08, '\\', '_',  'S',  '5',  '_', 0x12,
				0x45, 0x00, 0x01, 0x0b, 0x05, 0x01 };
	memcpy(t + 36, aml, sizeof aml);
	assert_int_equal(dsdt_find_s5(t, 36 + sizeof aml, &a, &c), ST_OK);
	assert_int_equal(a, 5);
	assert_int_equal(c, 5); /* one element: b = a */
	t[36 + 10] = 0x0c;      /* DWordPrefix needs 4 bytes: not there */
	assert_int_equal(dsdt_find_s5(t, 36 + sizeof aml, &a, &c), ST_NOTFOUND);
	t[36 + 10] = 0xff; /* OnesOp */
	assert_int_equal(dsdt_find_s5(t, 36 + sizeof aml, &a, &c), ST_OK);
	assert_int_equal(a, 7);
	t[36 + 10] = 0x70; /* not an integer: a method body, say */
	assert_int_equal(dsdt_find_s5(t, 36 + sizeof aml, &a, &c), ST_NOTFOUND);
}

TEST_MAIN(cmocka_unit_test(test_fadt_q35), cmocka_unit_test(test_fadt_v1_and_short),
	  cmocka_unit_test(test_fadt_pm1_not_a_port), cmocka_unit_test(test_s5_fixtures),
	  cmocka_unit_test(test_s5_encodings))
