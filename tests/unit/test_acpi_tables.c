/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_tables.c - discovery over a fake physical memory: RSDP v1/v2, XSDT and RSDT
 * fallback, bad checksums, lying lengths, unmappable pointers, listing and hex dump. */
#include "test_acpi_util.h"

#include "acpi/tables.h"
#include "lib/hexdump.h"
#include "test_main.h"

#define MEM_BASE 0x10000ull
#define MEM_SIZE 0x8000u
#define RSDP 0x10000ull
#define XSDT 0x10100ull
#define RSDT 0x10200ull
#define T_SRAT 0x11000ull
#define T_SLIT 0x12000ull
#define T_FACP 0x13000ull
#define T_DSDT 0x14000ull
#define T_HMAT 0x15000ull

static uint8_t mem[MEM_SIZE];
static struct tcap cap;

static const void *fake_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (phys < MEM_BASE || len > MEM_SIZE || phys - MEM_BASE > MEM_SIZE - len)
		return NULL;
	return mem + (phys - MEM_BASE);
}

static uint8_t *at(uint64_t phys) { return mem + (phys - MEM_BASE); }

static void place(const char *name, uint64_t phys) { fixture_load(name, at(phys), 0x1000); }

static void sdt_header(uint8_t *p, const char *sig, uint32_t len)
{
	memcpy(p, sig, 4);
	put32(p + 4, len);
	p[8] = 1;
	memcpy(p + 10, "SPMK  ", 6);
	memcpy(p + 16, "FAKEMEM ", 8);
}

/* RSDP rev 2 -> XSDT(SRAT, SLIT, FACP, HMAT) and RSDT(SRAT, FACP); FACP -> DSDT. */
static void build(void)
{
	memset(mem, 0, sizeof mem);
	place("srat_qemu", T_SRAT);
	place("slit_qemu", T_SLIT);
	place("fadt_q35", T_FACP);
	place("dsdt_s5_zero", T_DSDT);
	place("hmat_qemu", T_HMAT);
	put32(at(T_FACP) + 40, (uint32_t)T_DSDT);
	put64(at(T_FACP) + 140, T_DSDT);
	fix_checksum(at(T_FACP), 276, 9);
	uint64_t x[] = { T_SRAT, T_SLIT, T_FACP, T_HMAT };
	sdt_header(at(XSDT), "XSDT", 36 + 8 * 4);
	for (int i = 0; i < 4; i++)
		put64(at(XSDT) + 36 + 8 * i, x[i]);
	fix_checksum(at(XSDT), 36 + 32, 9);
	sdt_header(at(RSDT), "RSDT", 36 + 4 * 2);
	put32(at(RSDT) + 36, (uint32_t)T_SRAT);
	put32(at(RSDT) + 40, (uint32_t)T_FACP);
	fix_checksum(at(RSDT), 44, 9);
	uint8_t *r = at(RSDP);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "SPMK  ", 6);
	r[15] = 2;
	put32(r + 16, (uint32_t)RSDT);
	put32(r + 20, 36);
	put64(r + 24, XSDT);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
}

static struct acpi_tables tabs;

static status_t discover(struct out *o) { return acpi_discover(RSDP, fake_map, NULL, &tabs, o); }

static void test_xsdt(void **state)
{
	(void)state;
	build();
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_true(tabs.via_xsdt);
	assert_int_equal(tabs.root_phys, XSDT);
	assert_int_equal(tabs.count, 6); /* XSDT, 4 tables, DSDT */
	assert_string_equal(tabs.t[0].sig, "XSDT");
	assert_string_equal(tabs.t[5].sig, "DSDT");
	const struct acpi_table *h = acpi_find(&tabs, "HMAT");
	assert_non_null(h);
	assert_int_equal(h->phys, T_HMAT);
	assert_int_equal(h->length, 248);
	assert_int_equal(h->revision, 2);
	assert_string_equal(h->oem_id, "SPMK  ");
	assert_string_equal(h->oem_table_id, "QEMUHMAT");
	assert_true(h->checksum_ok);
	assert_ptr_equal(h->data, at(T_HMAT));
	assert_null(acpi_find(&tabs, "APIC"));
	assert_null(acpi_find(&tabs, "HMA"));
	assert_int_equal(cap.len, 0); /* nothing logged */
}

static void test_rsdp_v1_uses_rsdt(void **state)
{
	(void)state;
	build();
	at(RSDP)[15] = 0;
	fix_checksum(at(RSDP), 20, 8);
	assert_int_equal(discover(NULL), ST_OK);
	assert_false(tabs.via_xsdt);
	assert_int_equal(tabs.count, 4); /* RSDT, SRAT, FACP, DSDT */
	assert_null(acpi_find(&tabs, "HMAT"));
	assert_non_null(acpi_find(&tabs, "DSDT"));
}

static void test_bad_xsdt_falls_back(void **state)
{
	(void)state;
	build();
	at(XSDT)[20]++; /* checksum now wrong */
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_false(tabs.via_xsdt);
	assert_string_equal(tabs.t[0].sig, "XSDT");
	assert_false(tabs.t[0].checksum_ok); /* listed, marked */
	assert_string_equal(tabs.t[1].sig, "RSDT");
	assert_non_null(strstr(cap.buf, "XSDT at 0x10100 unusable, falling back to the RSDT"));
	assert_non_null(strstr(cap.buf, "bad checksum"));
}

/* A partial trailing entry does not throw the XSDT away: its whole entries are used. */
static void test_xsdt_odd_length_uses_whole_entries(void **state)
{
	(void)state;
	build();
	put32(at(XSDT) + 4, 36 + 8 * 4 - 3);
	fix_checksum(at(XSDT), 36 + 29, 9);
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_true(tabs.via_xsdt);
	assert_non_null(acpi_find(&tabs, "FACP"));
	assert_null(acpi_find(&tabs, "HMAT")); /* the fourth entry is cut */
	assert_non_null(strstr(cap.buf,
			       "ACPI: FIRMWARE BUG: XSDT length 65 leaves 29 bytes after the "
			       "header, not a multiple of 8; the trailing 5 bytes are ignored"));
}

static void test_bad_extended_checksum(void **state)
{
	(void)state;
	build();
	at(RSDP)[33] = 0x55; /* reserved byte: only the extended checksum covers it */
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_false(tabs.via_xsdt);
	assert_non_null(strstr(cap.buf, "extended checksum"));
}

static void test_bad_rsdp(void **state)
{
	(void)state;
	build();
	at(RSDP)[12] ^= 1;
	assert_int_equal(discover(NULL), ST_CHECKSUM);
	build();
	at(RSDP)[0] = 'X';
	assert_int_equal(discover(NULL), ST_INVALID);
	assert_int_equal(acpi_discover(0x1000, fake_map, NULL, &tabs, NULL), ST_NOTFOUND);
	assert_int_equal(acpi_discover(RSDP, NULL, NULL, &tabs, NULL), ST_INVALID);
	build(); /* no usable root at all */
	put64(at(RSDP) + 24, 0x900000);
	put32(at(RSDP) + 16, 0);
	fix_checksum(at(RSDP), 20, 8);
	fix_checksum(at(RSDP), 36, 32);
	assert_int_equal(discover(NULL), ST_TRUNCATED);
}

static void test_bad_table_listed_not_found(void **state)
{
	(void)state;
	build();
	at(T_HMAT)[100] ^= 0xff;
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_int_equal(tabs.count, 6);
	assert_null(acpi_find(&tabs, "HMAT"));
	assert_non_null(strstr(cap.buf, "ACPI: table HMAT at 0x15000 (248 bytes): bad checksum"));
	struct tcap c2;
	struct out o2 = tcap_out(&c2);
	acpi_print_tables(&tabs, &o2);
	assert_non_null(strstr(c2.buf, "HMAT 0x0000000000015000    248   2 SPMK   QEMUHMAT BAD\n"));
	assert_non_null(strstr(c2.buf, "SRAT 0x0000000000011000    224   1 SPMK   QEMUSRAT ok\n"));
}

static void test_lying_lengths_and_pointers(void **state)
{
	(void)state;
	build();
	put32(at(T_SLIT) + 4, 20);                /* shorter than a header */
	put32(at(T_HMAT) + 4, 0x7fffffff);        /* far beyond the sanity bound */
	put64(at(XSDT) + 36 + 8 * 2, 0x7fff0000); /* FACP pointer: unmappable */
	fix_checksum(at(XSDT), 68, 9);
	struct out o = tcap_out(&cap);
	assert_int_equal(discover(&o), ST_OK);
	assert_int_equal(tabs.count, 2); /* XSDT, SRAT; no FACP so no DSDT */
	assert_non_null(strstr(cap.buf, "table SLIT at 0x12000: length 20 outside [36, 16777216]"));
	assert_non_null(strstr(cap.buf, "table HMAT at 0x15000: length 2147483647 outside"));
	assert_non_null(strstr(cap.buf, "table header at 0x7fff0000 cannot be mapped"));
	/* a table whose body runs past mapped memory */
	build();
	put32(at(T_HMAT) + 4, 0x4000);
	assert_int_equal(discover(NULL), ST_OK);
	assert_null(acpi_find(&tabs, "HMAT"));
}

static void test_dump(void **state)
{
	(void)state;
	build();
	assert_int_equal(discover(NULL), ST_OK);
	struct out o = tcap_out(&cap);
	assert_int_equal(acpi_dump_table(&tabs, "slit", &o), ST_OK);
	const char *want_start = "SLIT @ 0x12000, 48 bytes\n"
				 "00000000  53 4c 49 54 30 00 00 00  01 ";
	assert_memory_equal(cap.buf, want_start, strlen(want_start));
	assert_non_null(strstr(cap.buf,
			       "00000020  25 09 20 20 02 00 00 00  00 00 00 00 0a 14 14 0a  "
			       "|%.  ............|\n00000030\n"));
	o = tcap_out(&cap);
	assert_int_equal(acpi_dump_table(&tabs, "APIC", &o), ST_NOTFOUND);
	assert_string_equal(cap.buf, "acpi dump: no table APIC (see `acpi tables`)\n");
	o = tcap_out(&cap);
	assert_int_equal(acpi_dump_table(&tabs, "HM", &o), ST_INVALID);
	assert_non_null(strstr(cap.buf, "must be 4 characters"));
}

static void test_hexdump_layout(void **state)
{
	(void)state;
	struct out o = tcap_out(&cap);
	hexdump((const uint8_t *)"Hello\n", 6, &o);
	assert_string_equal(cap.buf, "00000000  48 65 6c 6c 6f 0a                                 "
				     "|Hello.|\n00000006\n");
	uint8_t a[40];
	memset(a, 'A', sizeof a);
	o = tcap_out(&cap);
	hexdump(a, sizeof a, &o);
	assert_string_equal(
		cap.buf,
		"00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n"
		"00000010  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n"
		"00000020  41 41 41 41 41 41 41 41                           |AAAAAAAA|\n"
		"00000028\n");
}

TEST_MAIN(cmocka_unit_test(test_xsdt), cmocka_unit_test(test_rsdp_v1_uses_rsdt),
	  cmocka_unit_test(test_bad_xsdt_falls_back),
	  cmocka_unit_test(test_xsdt_odd_length_uses_whole_entries),
	  cmocka_unit_test(test_bad_extended_checksum), cmocka_unit_test(test_bad_rsdp),
	  cmocka_unit_test(test_bad_table_listed_not_found),
	  cmocka_unit_test(test_lying_lengths_and_pointers), cmocka_unit_test(test_dump),
	  cmocka_unit_test(test_hexdump_layout))
