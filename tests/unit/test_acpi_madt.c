/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_madt.c - MADT processor parser over an iasl fixture and edited copies of it:
 * enabled and online-capable CPUs counted, disabled ones skipped, a repeated APIC ID counted
 * once, malformed structures reject the table whole. */
#include "test_acpi_util.h"

#include "acpi/madt.h"
#include "test_main.h"

static struct tcap cap;
static struct madt_info m;
static uint8_t b[4096];

static void test_madt_qemu(void **state)
{
	(void)state;
	size_t n = fixture_load("madt_qemu", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(madt_parse(b, n, &m, &o), ST_OK);
	assert_int_equal(m.revision, 5);
	assert_int_equal(m.n_cpus, 4); /* 0, 1, 3 (online capable), 0x100; 2 disabled; 1 again */
	uint32_t want[] = { 0, 1, 3, 0x100 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(m.cpus[i].apic_id, want[i]);
	assert_true(m.cpus[2].online_capable);
	assert_false(m.cpus[1].online_capable);
	assert_true(m.cpus[3].x2apic);
	assert_int_equal(m.n_dup, 1);
	assert_string_equal(cap.buf, "MADT: firmware note: x2APIC structure at offset 0x72 lists "
				     "APIC ID 0x1 again; counted once\n");
}

static void test_madt_malformed(void **state)
{
	(void)state;
	size_t n = fixture_load("madt_qemu", b, sizeof b);
	b[0x2c + 1] = 7; /* a local APIC structure of 7 bytes */
	struct out o = tcap_out(&cap);
	assert_int_equal(madt_parse(b, n, &m, &o), ST_INVALID);
	assert_int_equal(m.n_cpus, 0);
	assert_non_null(strstr(cap.buf, "MADT: structure type 0 at offset 0x2c: length 7 (need 8, "
					"86 bytes left); table rejected"));
	n = fixture_load("madt_qemu", b, sizeof b);
	b[0x72 + 1] = 0x20; /* the last structure runs past the end */
	o = tcap_out(&cap);
	assert_int_equal(madt_parse(b, n, &m, &o), ST_TRUNCATED);
	assert_non_null(strstr(cap.buf, "length 32 (need 16, 16 bytes left)"));
	n = fixture_load("madt_qemu", b, sizeof b);
	b[0x4c + 1] = 0; /* a zero length would loop for ever */
	assert_int_equal(madt_parse(b, n, &m, NULL), ST_INVALID);
	assert_int_equal(madt_parse(b, 40, &m, NULL), ST_TRUNCATED);
	assert_int_equal(madt_parse(NULL, 100, &m, NULL), ST_INVALID);
	assert_int_equal(madt_parse(b, n, NULL, NULL), ST_INVALID);
}

TEST_MAIN(cmocka_unit_test(test_madt_qemu), cmocka_unit_test(test_madt_malformed))
