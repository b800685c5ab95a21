/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_srat.c - the SRAT parser over iasl fixtures and edited copies of them. */
#include "test_acpi_util.h"

#include "acpi/srat.h"
#include "test_main.h"

static struct tcap cap;
static struct srat_info s;
static uint8_t b[4096];

static void test_srat_qemu(void **state)
{
	(void)state;
	size_t n = fixture_load("srat_qemu", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.revision, 1);
	assert_int_equal(s.n_cpus, 1);
	assert_int_equal(s.cpus[0].apic_id, 0);
	assert_false(s.cpus[0].x2apic);
	assert_int_equal(s.n_mem, 3); /* the disabled zero padding entry is skipped */
	assert_int_equal(s.mem[0].r.base, 0);
	assert_int_equal(s.mem[0].r.end, 0xa0000);
	assert_int_equal(s.mem[1].r.base, 0x100000);
	assert_int_equal(s.mem[1].r.end, 0x40000000);
	assert_int_equal(s.mem[2].pxm, 1);
	assert_int_equal(s.mem[2].r.base, 0x100000000ull);
	assert_int_equal(s.mem[2].r.end, 0x140000000ull);
	assert_int_equal(s.n_pxm, 2);
	assert_int_equal(s.pxm[0], 0);
	assert_int_equal(s.pxm[1], 1);
	assert_int_equal(cap.len, 0);
	/* revision 1: only 8 bits of a memory domain count */
	put32(b + 48 + 16 + 40 * 2 + 2, 0x101);
	assert_int_equal(srat_parse(b, n, &s, NULL), ST_OK);
	assert_int_equal(s.mem[2].pxm, 1);
}

static void test_srat_all_types(void **state)
{
	(void)state;
	size_t n = fixture_load("srat_all", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.revision, 3);
	uint32_t want_pxm[] = { 1, 0, 2, 3, 4, 0x101 };
	assert_int_equal(s.n_pxm, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(s.pxm[i], want_pxm[i]);
	assert_int_equal(s.n_cpus, 4); /* the disabled APIC (pxm 7) is skipped */
	assert_true(s.cpus[0].x2apic);
	assert_int_equal(s.cpus[0].apic_id, 0x100);
	assert_int_equal(s.cpus[0].pxm, 1);
	assert_int_equal(s.cpus[2].apic_id, 1);
	assert_int_equal(s.cpus[3].pxm, 0x101); /* 24 high bits used in revision >= 2 */
	assert_int_equal(s.n_mem, 4);
	assert_true(s.mem[2].nonvolatile);
	assert_false(s.mem[2].hotplug);
	assert_true(s.mem[3].hotplug);
	assert_int_equal(s.mem[3].pxm, 4);
	assert_int_equal(s.n_gi, 1);
	assert_int_equal(s.gi[0].pxm, 3);
	assert_int_equal(s.gi[0].handle_type, 1);
	assert_int_equal(s.gi[0].handle[2], 8);
	assert_string_equal(cap.buf, "SRAT: structure type 3 at offset 0x160 not used, skipped\n");
}

/* Edits one byte of srat_qemu and expects rejection with a message. */
static void expect_reject(size_t off, uint8_t val, size_t n_cut, status_t want, const char *msg)
{
	size_t n = fixture_load("srat_qemu", b, sizeof b);
	if (off)
		b[off] = val;
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n - n_cut, &s, &o), want);
	assert_int_equal(s.n_mem, 0); /* rejected whole */
	assert_int_equal(s.n_pxm, 0);
	if (!strstr(cap.buf, msg))
		fail_msg("log \"%s\" lacks \"%s\"", cap.buf, msg);
}

static void test_srat_malformed(void **state)
{
	(void)state;
	expect_reject(48 + 1, 0, 0, ST_INVALID,
		      "SRAT: structure type 0 at offset 0x30: length 0 (need 16, 176 bytes left)");
	expect_reject(64 + 1, 39, 0, ST_INVALID,
		      "structure type 1 at offset 0x40: length 39 (need 40");
	expect_reject(184 + 1, 200, 0, ST_TRUNCATED, "length 200 (need 40, 40 bytes left)");
	expect_reject(0, 0, 1, ST_TRUNCATED, "header length 224 outside [36, 223]");
	expect_reject(3, 'X', 0, ST_INVALID, "not SRAT");
	/* the third structure moved to base 0x90000 in pxm 1: domains 0 and 1 overlap */
	size_t n = fixture_load("srat_qemu", b, sizeof b);
	b[104 + 8 + 2] = 0x09;
	put32(b + 104 + 2, 1);
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_INVALID);
	assert_int_equal(s.n_mem, 0);
	assert_non_null(strstr(cap.buf, "[0x90000, 0x3ff90000) (pxm 1) overlaps [0x0, 0xa0000) "
					"(pxm 0); table rejected"));
	n = fixture_load("srat_qemu", b, sizeof b);
	/* a wrapping range is skipped, the table kept (Linux skips such a block) */
	put64(b + 144 + 8, 0xfffffffff0000000ull);
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.n_mem, 2);
	assert_int_equal(s.n_skipped, 1);
	assert_non_null(strstr(
		cap.buf, "SRAT: FIRMWARE BUG: memory affinity at offset 0x90: base "
			 "0xfffffffff0000000 + length 0x40000000 wraps past 2^64; entry skipped"));
	/* 1 stray byte after the last structure */
	n = fixture_load("srat_qemu", b, sizeof b);
	put32(b + 4, (uint32_t)n + 1);
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n + 1, &s, &o), ST_TRUNCATED);
	assert_non_null(strstr(cap.buf, "1 stray byte(s) at offset 0xe0"));
	assert_int_equal(srat_parse(b, 10, &s, NULL), ST_TRUNCATED);
	assert_int_equal(srat_parse(NULL, 100, &s, NULL), ST_INVALID);
}

/* Same-domain overlap: [0, 1G) pxm 0 again as [512M, 1G) pxm 0; [4G, 5G) pxm 1. Kept, merged,
 * with a warning naming both ranges (as Linux); NUMA keeps both domains. */
static void test_srat_same_domain_overlap_merged(void **state)
{
	(void)state;
	size_t n = fixture_load("srat_overlap", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.n_mem, 2);
	assert_int_equal(s.mem[0].pxm, 0);
	assert_int_equal(s.mem[0].r.base, 0);
	assert_int_equal(s.mem[0].r.end, 0x40000000);
	assert_int_equal(s.mem[1].pxm, 1);
	assert_int_equal(s.mem[1].r.base, 0x100000000ull);
	assert_int_equal(s.n_merged, 1);
	assert_int_equal(s.n_pxm, 2);
	assert_string_equal(
		cap.buf, "SRAT: FIRMWARE BUG: memory affinity at offset 0x68: "
			 "[0x20000000, 0x40000000) overlaps [0x0, 0x40000000) of the same pxm 0; "
			 "merged\n");
	/* [0, 512M) and [768M, 1G) do not overlap: kept apart, nothing merged */
	put64(b + 64 + 16, 0x20000000);
	put64(b + 104 + 8, 0x30000000);
	put64(b + 104 + 16, 0x10000000);
	assert_int_equal(srat_parse(b, n, &s, NULL), ST_OK);
	assert_int_equal(s.n_mem, 3);
	assert_int_equal(s.n_merged, 0);
	/* [256M, 1G) overlaps [0, 512M): one range [0, 1G) */
	put64(b + 104 + 8, 0x10000000);
	put64(b + 104 + 16, 0x30000000);
	assert_int_equal(srat_parse(b, n, &s, NULL), ST_OK);
	assert_int_equal(s.n_mem, 2);
	assert_int_equal(s.mem[0].r.base, 0);
	assert_int_equal(s.mem[0].r.end, 0x40000000);
	/* the same overlap across domains stays an error */
	put32(b + 104 + 2, 1);
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_INVALID);
	assert_non_null(
		strstr(cap.buf, "(pxm 1) overlaps [0x0, 0x20000000) (pxm 0); table rejected"));
}

/* APIC IDs 0-3 as local APIC and again as x2APIC, plus x2APIC-only 0x100 and 0x101: 6 CPUs. */
static void test_srat_duplicate_cpus_counted_once(void **state)
{
	(void)state;
	size_t n = fixture_load("srat_dup_cpus", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.n_cpus, 6);
	assert_int_equal(s.n_dup_cpus, 4);
	uint32_t want_id[] = { 0, 1, 2, 3, 0x100, 0x101 }, want_pxm[] = { 0, 0, 1, 1, 0, 1 };
	for (int i = 0; i < 6; i++) {
		assert_int_equal(s.cpus[i].apic_id, want_id[i]);
		assert_int_equal(s.cpus[i].pxm, want_pxm[i]);
	}
	assert_non_null(strstr(cap.buf, "SRAT: firmware note: x2APIC affinity at offset 0x70 lists "
					"APIC ID 0x0 (pxm 0) again; counted once\n"));
	assert_null(strstr(cap.buf, "FIRMWARE BUG"));
	/* the repeat names another domain: first listing kept, both domains named */
	put32(b + 0x70 + 4, 1);
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, n, &s, &o), ST_OK);
	assert_int_equal(s.n_cpus, 6);
	assert_int_equal(s.cpus[0].pxm, 0);
	assert_non_null(strstr(cap.buf,
			       "SRAT: FIRMWARE BUG: x2APIC affinity at offset 0x70 puts "
			       "APIC ID 0x0 in pxm 1, an earlier structure in pxm 0; pxm 0 kept"));
}

static void test_srat_too_many(void **state)
{
	(void)state;
	/* 65 x2APIC entries in 65 domains */
	memset(b, 0, sizeof b);
	memcpy(b, "SRAT", 4);
	b[8] = 3;
	uint32_t len = 48 + 65 * 24;
	put32(b + 4, len);
	for (uint32_t i = 0; i < 65; i++) {
		uint8_t *p = b + 48 + 24 * i;
		p[0] = 2;
		p[1] = 24;
		put32(p + 4, i);
		put32(p + 8, i);
		put32(p + 12, 1);
	}
	struct out o = tcap_out(&cap);
	assert_int_equal(srat_parse(b, len, &s, &o), ST_RANGE);
	/* spmk's limit, said once with both numbers (every domain counted, not just the 65th) */
	assert_non_null(strstr(cap.buf,
			       "SRAT: 65 proximity domains, more than the 64 NUMA nodes "
			       "spmk supports (NUMA_MAX_NODES); table rejected: NUMA off"));
	assert_true(s.over_pxm);
	assert_int_equal(s.n_pxm_found, 65);
	assert_null(strstr(cap.buf, "FIRMWARE BUG"));
	/* 80 domains, a disabled structure in a 81st and a repeat of one: still 80 */
	uint32_t len80 = 48 + 82 * 24;
	static uint8_t b80[48 + 82 * 24];
	memcpy(b80, b, 48);
	put32(b80 + 4, len80);
	for (uint32_t i = 0; i < 82; i++) {
		uint8_t *p = b80 + 48 + 24 * i;
		p[0] = 2;
		p[1] = 24;
		put32(p + 4, i == 81 ? 7 : i);
		put32(p + 8, i);
		put32(p + 12, i != 80);
	}
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(b80, len80, &s, &o), ST_RANGE);
	assert_non_null(strstr(cap.buf, "SRAT: 80 proximity domains, more than the 64"));
	assert_int_equal(s.n_pxm_found, 80);
	/* 300 CPUs in 2 domains: the first 256 listed, the table kept */
	len = 48 + 300 * 24;
	static uint8_t big[48 + 300 * 24];
	memcpy(big, b, 48);
	put32(big + 4, len);
	for (uint32_t i = 0; i < 300; i++) {
		uint8_t *p = big + 48 + 24 * i;
		p[0] = 2;
		p[1] = 24;
		put32(p + 4, i >= 290); /* the last ten in pxm 1 */
		put32(p + 8, i);
		put32(p + 12, 1);
	}
	o = tcap_out(&cap);
	assert_int_equal(srat_parse(big, len, &s, &o), ST_OK);
	assert_int_equal(s.n_cpus, 256);
	assert_int_equal(s.n_cpus_unlisted, 44);
	assert_int_equal(s.n_pxm, 2); /* pxm 1 only has unlisted CPUs: still a node */
	assert_string_equal(cap.buf, "SRAT: structure at offset 0x1830: more than 256 processors; "
				     "the rest are not listed (their domains still count)\n");
}

TEST_MAIN(cmocka_unit_test(test_srat_qemu), cmocka_unit_test(test_srat_all_types),
	  cmocka_unit_test(test_srat_malformed),
	  cmocka_unit_test(test_srat_same_domain_overlap_merged),
	  cmocka_unit_test(test_srat_duplicate_cpus_counted_once),
	  cmocka_unit_test(test_srat_too_many))
