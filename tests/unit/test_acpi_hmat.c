/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_hmat.c - HMAT parser: revisions 1 and 2, every structure type, units, no-data
 * entries, overflow, and malformed variants. */
#include "test_acpi_util.h"

#include "acpi/hmat.h"
#include "test_main.h"

static struct tcap cap;
static struct hmat_info h;
static uint8_t b[8192];

static void assert_perf(uint32_t ip, uint32_t tp, uint32_t rl, uint32_t wl, uint32_t rb,
			uint32_t wb)
{
	const struct hmat_perf *p = hmat_perf_get(&h, ip, tp);
	assert_non_null(p);
	assert_int_equal(p->v[HMAT_READ_LATENCY], rl);
	assert_int_equal(p->v[HMAT_WRITE_LATENCY], wl);
	assert_int_equal(p->v[HMAT_READ_BANDWIDTH], rb);
	assert_int_equal(p->v[HMAT_WRITE_BANDWIDTH], wb);
}

static void test_qemu_rev2(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_qemu", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(hmat_parse(b, n, &h, &o), ST_OK);
	assert_int_equal(cap.len, 0);
	assert_int_equal(h.revision, 2);
	assert_int_equal(h.n_domains, 2);
	assert_int_equal(h.n_mpda, 2);
	assert_true(h.mpda[1].initiator_valid);
	assert_true(h.mpda[1].memory_valid);
	assert_int_equal(h.mpda[1].memory_pxm, 1);
	assert_int_equal(h.n_sllbi, 2);
	assert_perf(0, 0, 10, 10, 10240, 10240);
	assert_perf(0, 1, 30, 30, 4096, 4096);
	assert_perf(1, 0, 0, 0, 0, 0);
	assert_null(hmat_perf_get(&h, 0, 7));
	assert_int_equal(h.n_caches, 1);
	assert_int_equal(h.caches[0].pxm, 1);
	assert_int_equal(h.caches[0].size, 16 << 20);
	assert_int_equal(h.caches[0].level, 1);
	assert_int_equal(h.caches[0].total_levels, 1);
	assert_int_equal(h.caches[0].associativity, 1);
	assert_int_equal(h.caches[0].write_policy, 1);
	assert_int_equal(h.caches[0].line_size, 64);
	assert_true(hmat_describes(&h, 0));
	assert_true(hmat_describes(&h, 1));
	assert_false(hmat_describes(&h, 2));
}

static void test_multi(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_multi", b, sizeof b);
	assert_int_equal(hmat_parse(b, n, &h, NULL), ST_OK);
	assert_int_equal(h.n_sllbi, 3);
	assert_int_equal(h.n_sllbi_cache, 1); /* hierarchy 2: validated, not merged */
	assert_perf(0, 0, 100, 110, 10000, 10000);
	assert_perf(0, 2, 300, 400, 2000, 2000); /* not 50: the cache-level figure is not merged */
	assert_perf(1, 2, 250, 350, 3000, 3000);
	assert_perf(1, 4, 0, 0, 0, 0); /* 0xFFFF and 0: no data */
	assert_perf(3, 4, 400, 500, 1000, 1000);
	assert_true(hmat_describes(&h, 2));
	assert_true(hmat_describes(&h, 4));
	assert_false(hmat_describes(&h, 3)); /* initiator only */
	assert_false(h.mpda[1].initiator_valid);
	assert_int_equal(h.n_caches, 2);
	assert_int_equal(h.caches[1].size, 0x100000000ull);
	assert_int_equal(h.caches[1].level, 2);
	assert_int_equal(h.caches[1].total_levels, 2);
	assert_int_equal(h.caches[1].associativity, 2);
	assert_int_equal(h.caches[1].write_policy, 2);
	assert_int_equal(h.caches[1].line_size, 128);
	assert_int_equal(h.caches[1].n_smbios, 2);
}

static void test_rev1(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_v1", b, sizeof b);
	assert_int_equal(hmat_parse(b, n, &h, NULL), ST_OK);
	assert_int_equal(h.revision, 1);
	assert_true(h.mpda[0].memory_valid);
	assert_true(h.mpda[0].initiator_valid);
	assert_int_equal(h.mpda[0].base, 0x100000000ull);
	assert_int_equal(h.mpda[0].length, 0x80000000ull);
	assert_false(h.mpda[1].memory_valid); /* flag bit 1 clear in revision 1 */
	assert_false(hmat_describes(&h, 0) && h.role[hmat_domain_index(&h, 0)] == HMAT_ROLE_TARGET);
	/* revision 1: entry x base / 10 */
	assert_perf(0, 0, 1000, 1000, 0, 0);
	assert_perf(1, 2, 3000, 3000, 500, 400);
	assert_perf(0, 4, 0, 0, 0, 0); /* 5 x 1 < 10: no data */
	assert_false(hmat_describes(&h, 4));
}

static void test_entry_value(void **state)
{
	(void)state;
	bool ovf = false;
	assert_int_equal(hmat_entry_value(0, 1000, 0, 2, &ovf), 0);
	assert_int_equal(hmat_entry_value(0xffff, 1000, 0, 2, &ovf), 0);
	assert_int_equal(hmat_entry_value(5, 0, 3, 2, &ovf), 0);
	assert_int_equal(hmat_entry_value(15, 100, 1, 2, &ovf), 2); /* 1500 ps -> 2 ns */
	assert_int_equal(hmat_entry_value(3, 10000, 2, 2, &ovf), 30);
	assert_int_equal(hmat_entry_value(15, 100, 4, 2, &ovf), 1500); /* MB/s as is */
	assert_int_equal(hmat_entry_value(9, 1, 0, 1, &ovf), 0);       /* rev 1: < 10 */
	assert_int_equal(hmat_entry_value(11, 1, 3, 1, &ovf), 2);      /* rev 1: /10 up */
	assert_false(ovf);
	assert_int_equal(hmat_entry_value(4, 1ull << 62, 3, 2, &ovf), 0);
	assert_true(ovf);
	ovf = false;
	assert_int_equal(hmat_entry_value(2, 1ull << 32, 3, 2, &ovf), 0); /* > 2^32-1 */
	assert_true(ovf);
}

static void test_overflow_fixture(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_overflow", b, sizeof b);
	struct out o = tcap_out(&cap);
	assert_int_equal(hmat_parse(b, n, &h, &o), ST_OK);
	assert_perf(0, 0, 1099511628, 1099511628, 0, 0);
	assert_perf(0, 1, 0, 0, 0, 0);
	assert_non_null(strstr(cap.buf,
			       "HMAT: locality structure at offset 0x28: 2 entries overflow "
			       "with base unit 4611686018427387904, treated as no data\n"));
	assert_non_null(strstr(cap.buf, "offset 0x58: 1 entries overflow"));
}

static void reject(const uint8_t *tbl, size_t n, status_t want, const char *msg)
{
	struct out o = tcap_out(&cap);
	assert_int_equal(hmat_parse(tbl, n, &h, &o), want);
	assert_int_equal(h.n_domains, 0);
	assert_int_equal(h.revision, 0);
	if (!strstr(cap.buf, msg))
		fail_msg("log \"%s\" lacks \"%s\"", cap.buf, msg);
}

/* hmat_qemu layout: MPDA at 0x28 and 0x50, SLLBI at 0x78 and 0xa8, cache at 0xd8. */
static void test_malformed(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_qemu", b, sizeof b);
	reject(b, n - 1, ST_TRUNCATED, "header length 248 outside [36, 247]");
	put32(b + 4, n - 4);
	reject(b, n, ST_TRUNCATED,
	       "structure type 2 at offset 0xd8: length 32 (need 32, 28 bytes left)");
	n = fixture_load("hmat_qemu", b, sizeof b);
	put32(b + 0x50 + 4, 4);
	reject(b, n, ST_INVALID,
	       "structure type 0 at offset 0x50: length 4 (need 40, 168 bytes left)");
	n = fixture_load("hmat_qemu", b, sizeof b);
	put32(b + 0x50 + 4, 0x1000);
	reject(b, n, ST_TRUNCATED, "length 4096 (need 40, 168 bytes left)");
	n = fixture_load("hmat_qemu", b, sizeof b);
	put32(b + 0x50 + 4, 20); /* lies: shorter than a type-0 structure */
	reject(b, n, ST_INVALID,
	       "structure type 0 at offset 0x50: length 20 (need 40, 168 bytes left)");
	n = fixture_load("hmat_qemu", b, sizeof b);
	put32(b + 0x78 + 12, 0xffffffff);
	put32(b + 0x78 + 16, 0xffffffff);
	reject(b, n, ST_RANGE, "4294967295 initiators x 4294967295 targets need more than");
	n = fixture_load("hmat_qemu", b, sizeof b);
	put32(b + 0x78 + 12, 2);
	reject(b, n, ST_TRUNCATED,
	       "locality structure at offset 0x78: 2 initiators x 2 targets need "
	       "56 bytes, structure has 48");
	n = fixture_load("hmat_qemu", b, sizeof b);
	b[0xd8 + 30] = 3;
	reject(b, n, ST_TRUNCATED,
	       "cache structure at offset 0xd8: 3 SMBIOS handles need 38 bytes, "
	       "structure has 32");
	n = fixture_load("hmat_qemu", b, sizeof b);
	b[8] = 3;
	reject(b, n, ST_UNSUPPORTED, "HMAT: revision 3 unknown");
	b[8] = 0;
	reject(b, n, ST_UNSUPPORTED, "revision 0 unknown");
	reject(b, 12, ST_TRUNCATED, "shorter than the 36-byte header");
}

static void test_unknown_type_and_limits(void **state)
{
	(void)state;
	size_t n = fixture_load("hmat_qemu", b, sizeof b);
	/* append a type-7 structure of 12 bytes */
	memset(b + n, 0, 12);
	b[n] = 7;
	put32(b + n + 4, 12);
	put32(b + 4, n + 12);
	struct out o = tcap_out(&cap);
	assert_int_equal(hmat_parse(b, n + 12, &h, &o), ST_OK);
	assert_string_equal(cap.buf, "HMAT: structure type 7 at offset 0xf8 unknown, skipped\n");
	assert_int_equal(h.n_caches, 1);
	/* an undefined data type is skipped, not fatal */
	n = fixture_load("hmat_qemu", b, sizeof b);
	b[0x78 + 9] = 6;
	o = tcap_out(&cap);
	assert_int_equal(hmat_parse(b, n, &h, &o), ST_OK);
	assert_non_null(strstr(cap.buf, "data type 6, hierarchy 0 not defined, skipped"));
	assert_perf(0, 0, 0, 0, 10240, 10240);
	/* 65 initiators: more domains than supported */
	memcpy(b, "HMAT", 4);
	b[8] = 2;
	uint32_t ni = 65, nt = 1, slen = 32 + 4 * (ni + nt) + 2 * ni * nt;
	uint8_t *p = b + 40;
	memset(p, 0, slen);
	p[0] = 1;
	put32(p + 4, slen);
	put32(p + 12, ni);
	put32(p + 16, nt);
	put64(p + 24, 1000);
	for (uint32_t i = 0; i <= ni; i++)
		put32(p + 32 + 4 * i, 100 + i);
	put32(b + 4, 40 + slen);
	reject(b, 40 + slen, ST_RANGE, "names pxm 163, more than 64 proximity domains");
}

TEST_MAIN(cmocka_unit_test(test_qemu_rev2), cmocka_unit_test(test_multi),
	  cmocka_unit_test(test_rev1), cmocka_unit_test(test_entry_value),
	  cmocka_unit_test(test_overflow_fixture), cmocka_unit_test(test_malformed),
	  cmocka_unit_test(test_unknown_type_and_limits))
