/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_decode.c - `acpi decode` (SRAT, SLIT, HMAT field by field) and `acpi dump`'s
 * acpidump text format, on the iasl-compiled fixtures and on truncated copies of them. */
#include <stdlib.h>

#include "test_acpi_util.h"

#include "acpi/acpidump.h"
#include "acpi/decode.h"
#include "test_main.h"

static uint8_t buf[8192];
static struct tcap cap;

/* acpi decode of fixture `name` into cap; it must succeed. */
static void decode_ok(const char *name)
{
	size_t n = fixture_load(name, buf, sizeof buf);
	struct out o = tcap_out(&cap);
	assert_int_equal(acpi_decode(buf, n, &o), ST_OK);
}

static void test_srat_fields(void **state)
{
	(void)state;
	decode_ok("srat_qemu");
	assert_non_null(strstr(cap.buf, "[000 4] Signature                      : \"SRAT\"\n"));
	assert_non_null(strstr(cap.buf, "  Memory Affinity\n"));
	assert_non_null(strstr(cap.buf, "Base Address                   : 0000000100000000\n"));
	assert_non_null(strstr(cap.buf, "Enabled : 1\n"));
	assert_non_null(strstr(cap.buf, "Processor Local APIC/SAPIC Affinity\n"));
}

static void test_slit_and_hmat_fields(void **state)
{
	(void)state;
	decode_ok("slit_qemu");
	assert_non_null(strstr(cap.buf, "Localities                     : 0000000000000002\n"));
	assert_non_null(strstr(cap.buf, "    Locality   0 : 0A 14 \n    Locality   1 : 14 0A \n"));
	decode_ok("hmat_qemu");
	assert_non_null(strstr(cap.buf, "Memory Proximity Domain Attributes\n"));
	assert_non_null(strstr(cap.buf, "System Locality Latency and Bandwidth Information\n"));
	assert_non_null(strstr(cap.buf, "Entry (initiator 0, target 1)"));
	assert_non_null(strstr(cap.buf, "Memory Side Cache Information\n"));
}

/* Every prefix of every table decodes without reading outside it (ASan watches) and says
 * where it stopped. */
static void test_truncated_tables_stop_cleanly(void **state)
{
	(void)state;
	static const char *const names[] = { "srat_qemu", "slit_qemu", "hmat_qemu", "hmat_multi" };
	for (size_t t = 0; t < 4; t++) {
		size_t n = fixture_load(names[t], buf, sizeof buf);
		for (size_t cut = 4; cut < n; cut++) {
			uint8_t *copy = malloc(cut);
			memcpy(copy, buf, cut);
			struct out o = tcap_out(&cap);
			status_t st = acpi_decode(copy, cut, &o);
			assert_true(st == ST_OK || st == ST_TRUNCATED);
			if (st == ST_TRUNCATED)
				assert_non_null(strstr(cap.buf, "runs past the table end"));
			free(copy);
		}
	}
	struct out o = tcap_out(&cap);
	assert_int_equal(acpi_decode((const uint8_t *)"FACP", 4, &o), ST_UNSUPPORTED);
}

static void test_acpidump_format(void **state)
{
	(void)state;
	size_t n = fixture_load("slit_qemu", buf, sizeof buf);
	struct acpi_tables tabs = { .count = 1 };
	memcpy(tabs.t[0].sig, "SLIT", 5);
	tabs.t[0].phys = 0x3f77b000;
	tabs.t[0].length = (uint32_t)n;
	tabs.t[0].data = buf;
	struct out o = tcap_out(&cap);
	assert_int_equal(acpidump_tables(&tabs, "slit", &o), ST_OK);
	assert_memory_equal(cap.buf, "SLIT @ 0x000000003F77B000\n    0000: 53 4C 49 54 ", 43);
	/* 48 bytes: three full lines, then the blank line that ends a table */
	assert_non_null(strstr(cap.buf, "\n    0020: "));
	assert_null(strstr(cap.buf, "\n    0030: "));
	assert_int_equal(cap.buf[cap.len - 1], '\n');
	assert_int_equal(cap.buf[cap.len - 2], '\n');
	o = tcap_out(&cap);
	assert_int_equal(acpidump_tables(&tabs, "HMAT", &o), ST_NOTFOUND);
	assert_int_equal(acpidump_tables(&tabs, "HM", &o), ST_INVALID);
	assert_int_equal(cap.len, 0);
}

TEST_MAIN(cmocka_unit_test(test_srat_fields), cmocka_unit_test(test_slit_and_hmat_fields),
	  cmocka_unit_test(test_truncated_tables_stop_cleanly),
	  cmocka_unit_test(test_acpidump_format))
