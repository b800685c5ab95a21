/* SPDX-License-Identifier: BSD-2-Clause */
/* test_sp_claim.c - host tests of boot/sp_claim.c: which free SP descriptors the loader claims,
 * which ranges it avoids (every SP descriptor, touching ones merged), descriptors that cannot
 * be memory, the table limit, and the overlap query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot/memmap_append.h"
#include "boot/sp_claim.h"
#include "test_main.h"

static uint8_t raw[(SP_CLAIM_MAX * 2 + 8) * 56];
static struct sp_claims c;

/* Lays the text's descriptors out at desc_size; returns the map size in bytes. */
static size_t map_of(const char *text, size_t desc_size)
{
	static struct memmap_append a;
	size_t w;
	assert_int_equal(memmap_append_parse(text, strlen(text), &a, NULL), ST_OK);
	assert_int_equal(memmap_append_write(&a, raw, sizeof raw, desc_size, &w), ST_OK);
	return w;
}

static void test_free_and_all(void **state)
{
	(void)state;
	size_t n = map_of("7 0x0 0x100 0xf\n"             /* RAM */
			  "7 0x60000000 0x1000 0x4000f\n" /* free SP: claimed */
			  "4 0x61000000 0x10 0x4000f\n"   /* boot-services data in SP: avoided */
			  "0x80000001 0x61010000 4 0x4000f\n" /* a loader block in SP: avoided */
			  "7 0x61014000 0x2000 0x4000f\n"     /* free SP again */
			  "6 0x70000000 0x10 0x800000000004000f\n" /* runtime data in SP */
			  "2 0x100000 0x10 0xf\n",
			  56);
	sp_claim_scan(raw, n, 56, &c);
	assert_int_equal(c.nfree, 2);
	assert_true(c.free[0].base == 0x60000000 && c.free[0].end == 0x61000000);
	assert_true(c.free[1].base == 0x61014000 && c.free[1].end == 0x63014000);
	assert_int_equal(c.free_pages, 0x3000);
	assert_int_equal(c.nall, 2); /* the four touching SP descriptors are one range */
	assert_true(c.all[0].base == 0x60000000 && c.all[0].end == 0x63014000);
	assert_true(c.all[1].base == 0x70000000 && c.all[1].end == 0x70010000);
	assert_int_equal(c.dropped + c.bogus, 0);
}

static void test_overlap(void **state)
{
	(void)state;
	size_t n = map_of("7 0x60000000 0x1000 0x4000f\n4 0x80000000 1 0x4000f\n", 48);
	sp_claim_scan(raw, n, 48, &c);
	assert_null(sp_claim_overlap(&c, 0x5fff0000, 0x10000)); /* ends where SP starts */
	assert_non_null(sp_claim_overlap(&c, 0x5fff0000, 0x10001));
	assert_ptr_equal(sp_claim_overlap(&c, 0x60fff000, 0x1000), &c.all[0]);
	assert_null(sp_claim_overlap(&c, 0x61000000, 0x1000));
	assert_ptr_equal(sp_claim_overlap(&c, 0x7ffff000, 0x2000), &c.all[1]);
	assert_null(sp_claim_overlap(&c, 0x80000000, 0));
	assert_non_null(sp_claim_overlap(&c, 0x70000000, UINT64_MAX)); /* wraps: to the top */
}

static void test_not_memory_skipped(void **state)
{
	(void)state;
	size_t n = map_of("7 0x60000000 0 0x4000f\n"            /* zero pages */
			  "7 0xfffffffffffff000 2 0x4000f\n"    /* end past 2^64 */
			  "7 0x1000 0x10000000000000 0x4000f\n" /* pages * 4 KiB overflow */
			  "7 0x06a9f00000000000 0x1000000000 0xf\n",
			  48); /* not SP: not ours */
	sp_claim_scan(raw, n, 48, &c);
	assert_int_equal(c.nfree + c.nall, 0);
	assert_int_equal(c.bogus, 3);
}

static void test_limit_and_sizes(void **state)
{
	(void)state;
	size_t n = 0;
	for (int i = 0; i < SP_CLAIM_MAX + 3; i++, n += 48) { /* apart, so none merges */
		uint64_t d[6] = { 7, 0x1000000 + i * 0x2000, 0, 1, 0x4000f, 0 };
		memcpy(raw + n, d, 48);
	}
	sp_claim_scan(raw, n, 48, &c);
	assert_int_equal(c.nfree, SP_CLAIM_MAX);
	assert_int_equal(c.nall, SP_CLAIM_MAX);
	assert_int_equal(c.dropped, 6);
	assert_int_equal(c.free_pages, SP_CLAIM_MAX);
	sp_claim_scan(raw, n - 1, 48, &c); /* a trailing partial descriptor is ignored */
	assert_int_equal(c.nall, SP_CLAIM_MAX);
	sp_claim_scan(raw, n, 39, &c); /* no descriptor is that small */
	assert_int_equal(c.nall + c.nfree + c.dropped, 0);
	/* with storage for every descriptor of the map, as the loader gives it: none dropped */
	static struct range storage[2 * (SP_CLAIM_MAX + 3)];
	assert_int_equal(sp_claim_descs(n, 48), SP_CLAIM_MAX + 3);
	assert_int_equal(sp_claim_descs(n, 39), 0);
	sp_claim_storage(&c, storage, SP_CLAIM_MAX + 3);
	sp_claim_scan(raw, n, 48, &c);
	assert_int_equal(c.nfree, SP_CLAIM_MAX + 3);
	assert_int_equal(c.nall, SP_CLAIM_MAX + 3);
	assert_int_equal(c.dropped, 0);
	assert_int_equal(c.free_pages, SP_CLAIM_MAX + 3);
	assert_int_equal(c.all[SP_CLAIM_MAX + 2].base, 0x1000000 + (SP_CLAIM_MAX + 2) * 0x2000);
	assert_non_null(sp_claim_overlap(&c, 0x1000000 + (SP_CLAIM_MAX + 2) * 0x2000, 1));
	sp_claim_storage(&c, NULL, 0);
}

TEST_MAIN(cmocka_unit_test(test_free_and_all), cmocka_unit_test(test_overlap),
	  cmocka_unit_test(test_not_memory_skipped), cmocka_unit_test(test_limit_and_sizes))
