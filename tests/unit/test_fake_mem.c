/* SPDX-License-Identifier: BSD-2-Clause */
/* test_fake_mem.c - host tests of mm/fake_mem.c and its use by memmap_normalize():
 * efi_fake_mem= syntax (valid single and multiple, every kind of bad element, limits),
 * the descriptor splitter, and the effect on a map (conventional only, ranges that span two
 * descriptors, no-op ranges, interaction with efi=nosoftreserve). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "lib/types.h"
#include "memmap_expect.h"
#include "mm/fake_mem.h"
#include "mm/memmap.h"
#include "test_main.h"

static struct capture cap;
static struct memmap_opts opts;

static int reset(void **state)
{
	(void)state;
	capture_init(&cap);
	memmap_opts_init(&opts);
	return 0;
}

static void log_must_have(const char *needle) { capture_expect(&cap, needle); }

static void test_parse_single(void **state)
{
	(void)state;
	assert_int_equal(memmap_opts_parse_fake_mem("1G@4G:0x40000", &opts, &cap.out), ST_OK);
	assert_int_equal(opts.nfake, 1);
	assert_int_equal(opts.fake[0].base, 4 * GiB);
	assert_int_equal(opts.fake[0].size, 1 * GiB);
	assert_int_equal(opts.fake[0].attr, 0x40000);
	assert_int_equal(cap.warnings, 0);
	assert_false(opts.nosoftreserve);
}

static void test_parse_multiple_and_append(void **state)
{
	(void)state;
	assert_int_equal(memmap_opts_parse_fake_mem("2G@4G:0x10000,2G@0x10a0000000:0x10000", &opts,
						    &cap.out),
			 ST_OK);
	assert_int_equal(opts.nfake, 2);
	assert_int_equal(opts.fake[1].base, 0x10a0000000ull);
	assert_int_equal(opts.fake[1].size, 2 * GiB);
	assert_int_equal(opts.fake[1].attr, EFI_MEMORY_MORE_RELIABLE);
	/* a second option appends; decimal numbers and lower-case suffixes work */
	assert_int_equal(memmap_opts_parse_fake_mem("8m@16m:262144", &opts, &cap.out), ST_OK);
	assert_int_equal(opts.nfake, 3);
	assert_int_equal(opts.fake[2].base, 16 * MiB);
	assert_int_equal(opts.fake[2].size, 8 * MiB);
	assert_int_equal(opts.fake[2].attr, EFI_MEMORY_SP);
	assert_int_equal(cap.warnings, 0);
}

struct bad_case {
	const char *value;
	const char *reason;
};

static void test_parse_bad_each_way(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "abc", "bad SIZE" },
		{ "1G", "expected '@' after SIZE" },
		{ "1G@", "bad START" },
		{ "1G@4G", "expected ':' after START" },
		{ "1G4G:0x40000", "expected '@' after SIZE" },
		{ "1G@4G:", "bad ATTR" },
		{ "1G@4G:xyz", "bad ATTR" },
		{ "1G@4G:0x40000junk", "trailing characters" },
		{ "1G@4G:0x40000 ", "trailing characters" },
		{ "1Q@4G:0x40000", "expected '@'" },
		{ "0@4G:0x40000", "SIZE is 0" },
		{ "1G@4G:0", "ATTR is 0" },
		{ "1G@4G:40000", "not UEFI memory attributes" }, /* decimal 40000 = 0x9c40 */
		{ "1G@4G:0x8000000000000000", "not UEFI memory attributes" },
		{ "4095@0:0x40000", "multiples of 4 KiB" },
		{ "1G@0x1001:0x40000", "multiples of 4 KiB" },
		{ "0xfffffffffffff000@0x2000:0x40000", "wraps past 2^64" },
		{ "99999999999999999999@0:0x40000", "bad SIZE" },
		{ "16777216T@0:0x40000", "bad SIZE" },
		{ "-1G@4G:0x40000", "bad SIZE" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		reset(NULL);
		assert_int_equal(memmap_opts_parse_fake_mem(cases[i].value, &opts, &cap.out),
				 ST_INVALID);
		assert_int_equal(opts.nfake, 0);
		assert_int_equal(cap.warnings, 1);
		log_must_have("efi_fake_mem: element 0");
		log_must_have(cases[i].reason);
	}
}

static void test_parse_bad_element_skipped(void **state)
{
	(void)state;
	assert_int_equal(
		memmap_opts_parse_fake_mem("1G@4G:0x40000,bad,2G@8G:0x40000", &opts, &cap.out),
		ST_INVALID);
	assert_int_equal(opts.nfake, 2);
	assert_int_equal(opts.fake[1].base, 8 * GiB);
	log_must_have("efi_fake_mem: element 1 'bad' ignored: bad SIZE");
	reset(NULL);
	assert_int_equal(memmap_opts_parse_fake_mem("1G@4G:0x40000,,", &opts, &cap.out),
			 ST_INVALID);
	assert_int_equal(opts.nfake, 1);
	assert_int_equal(cap.warnings, 2);
	log_must_have("element 1 '' ignored: empty element");
	log_must_have("element 2 '' ignored: empty element");
	reset(NULL);
	assert_int_equal(memmap_opts_parse_fake_mem("", &opts, &cap.out), ST_INVALID);
	log_must_have("empty value");
	assert_int_equal(memmap_opts_parse_fake_mem(NULL, &opts, &cap.out), ST_INVALID);
	assert_int_equal(memmap_opts_parse_fake_mem("1G@0:0x40000", NULL, &cap.out), ST_INVALID);
}

static void test_parse_too_many(void **state)
{
	(void)state;
	char buf[1024] = "";
	for (int i = 0; i < 18; i++) {
		char el[40];
		snprintf(el, sizeof el, "%s4K@%dM:0x40000", i ? "," : "", i);
		strcat(buf, el);
	}
	assert_int_equal(memmap_opts_parse_fake_mem(buf, &opts, &cap.out), ST_INVALID);
	assert_int_equal(opts.nfake, MEMMAP_FAKE_MAX);
	assert_int_equal(cap.warnings, 2);
	log_must_have("element 16 '4K@16M:0x40000' ignored: too many ranges (at most 16)");
	log_must_have("element 17");
}

static void test_parse_efi_list_and_repeats(void **state)
{
	(void)state;
	assert_int_equal(memmap_opts_parse_efi("debug,nosoftreserve", &opts, &cap.out), ST_OK);
	assert_true(opts.debug && opts.nosoftreserve);
	assert_int_equal(cap.lines, 0);
	memmap_opts_init(&opts);
	/* each occurrence adds its flags; none clears another's */
	assert_int_equal(memmap_opts_parse_efi("nosoftreserve", &opts, &cap.out), ST_OK);
	assert_int_equal(memmap_opts_parse_efi("debug", &opts, &cap.out), ST_OK);
	assert_true(opts.debug && opts.nosoftreserve);
}

static void test_parse_efi_reports_every_unknown_item(void **state)
{
	(void)state;
	assert_int_equal(memmap_opts_parse_efi("noruntime,nosoftreserve,,debugx", &opts, &cap.out),
			 ST_INVALID);
	assert_true(opts.nosoftreserve && !opts.debug); /* the understood item still applies */
	log_must_have("efi=noruntime not understood (known: debug, nosoftreserve); ignored");
	log_must_have("efi= not understood");
	log_must_have("efi=debugx not understood");
	assert_int_equal(cap.warnings, 3);
	capture_reset(&cap);
	assert_int_equal(memmap_opts_parse_efi("", &opts, &cap.out), ST_INVALID);
	log_must_have("efi= not understood");
	assert_int_equal(memmap_opts_parse_efi(NULL, &opts, &cap.out), ST_INVALID);
}

static void test_split(void **state)
{
	(void)state;
	struct fake_mem_seg seg[FAKE_MEM_SEG_MAX];
	assert_int_equal(fake_mem_split(NULL, 0x1000, 0x9000, seg), 1);
	assert_int_equal(fake_mem_split(&opts, 0x1000, 0x1000, seg), 0);
	assert_int_equal(memmap_opts_parse_fake_mem("0x4000@0x2000:0x40000,0x4000@0x4000:0x10000,"
						    "0x1000@0x20000:0x1",
						    &opts, &cap.out),
			 ST_OK);
	unsigned n = fake_mem_split(&opts, 0x1000, 0x9000, seg);
	assert_int_equal(n, 5);
	const struct fake_mem_seg want[] = {
		{ 0x1000, 0x2000, 0 },       { 0x2000, 0x4000, 0x40000 },
		{ 0x4000, 0x6000, 0x50000 }, { 0x6000, 0x8000, 0x10000 },
		{ 0x8000, 0x9000, 0 },
	};
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(seg[i].base, want[i].base);
		assert_int_equal(seg[i].end, want[i].end);
		assert_int_equal(seg[i].attr, want[i].attr);
	}
	/* a descriptor wholly inside one fake range is one segment */
	n = fake_mem_split(&opts, 0x2000, 0x3000, seg);
	assert_int_equal(n, 1);
	assert_int_equal(seg[0].attr, 0x40000);
}

/* ---- the normaliser with overrides */
static uint8_t raw[64 * 48];
static struct memmap map;

static void put(size_t i, uint32_t type, uint64_t start, uint64_t pages, uint64_t attr)
{
	struct efi_mem_desc d = { type, 0, start, 0, pages, attr };
	memset(raw + i * 48, 0x5a, 48);
	memcpy(raw + i * 48, &d, sizeof d);
}

static void expect_range(uint32_t i, uint64_t base, uint64_t end, enum mem_kind k)
{
	memmap_expect_range(&map, i, base, end, k);
}

static status_t normalize(size_t n)
{
	status_t st = memmap_normalize(raw, n * 48, 48, &opts, &map, &cap.out);
	if (st == ST_OK)
		assert_int_equal(memmap_check(&map, &cap.out), ST_OK);
	return st;
}

static void test_apply_conventional(void **state)
{
	(void)state;
	put(0, EFI_CONVENTIONAL_MEMORY, 0, 16 * MiB / 4096, 0xf);
	assert_int_equal(memmap_opts_parse_fake_mem("4M@8M:0x40000", &opts, &cap.out), ST_OK);
	assert_int_equal(normalize(1), ST_OK);
	assert_int_equal(map.count, 3);
	expect_range(0, 0, 8 * MiB, MEM_USABLE);
	expect_range(1, 8 * MiB, 12 * MiB, MEM_SP);
	assert_int_equal(map.r[1].attr, 0x4000f);
	expect_range(2, 12 * MiB, 16 * MiB, MEM_USABLE);
	assert_int_equal(map.stats.faked, 1);
	log_must_have("efi_fake_mem: desc 0 Conventional [0x800000-0xc00000): attr 0xf -> 0x4000f");
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 1024);
}

static void test_apply_non_conventional_ignored(void **state)
{
	(void)state;
	put(0, EFI_BOOT_SERVICES_DATA, 0, 0x100, 0xf);
	put(1, EFI_RESERVED_MEMORY, 0x100000, 0x100, 0);
	put(2, EFI_LOADER_CODE, 0x200000, 0x100, 0xf);
	put(3, EFI_ACPI_RECLAIM_MEMORY, 0x300000, 0x100, 0xf);
	assert_int_equal(memmap_opts_parse_fake_mem("4M@0:0x40000", &opts, &cap.out), ST_OK);
	assert_int_equal(normalize(4), ST_OK);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 0);
	assert_int_equal(map.stats.faked, 0);
	expect_range(0, 0, 0x100000, MEM_USABLE);
	expect_range(1, 0x100000, 0x200000, MEM_RESERVED);
	expect_range(2, 0x200000, 0x300000, MEM_USABLE);
	expect_range(3, 0x300000, 0x400000, MEM_ACPI_RECLAIM);
	log_must_have("efi_fake_mem: 0x400000@0x0:0x40000 covers no conventional memory");
}

static void test_apply_spanning_two_descriptors(void **state)
{
	(void)state;
	/* conventional | boot-services | conventional; the fake range covers parts of all three */
	put(0, EFI_CONVENTIONAL_MEMORY, 0, 0x400, 0xf);        /* [0, 4M) */
	put(1, EFI_BOOT_SERVICES_DATA, 0x400000, 0x100, 0xf);  /* [4M, 5M) */
	put(2, EFI_CONVENTIONAL_MEMORY, 0x500000, 0x300, 0xf); /* [5M, 8M) */
	assert_int_equal(memmap_opts_parse_fake_mem("4M@2M:0x40000", &opts, &cap.out), ST_OK);
	assert_int_equal(normalize(3), ST_OK);
	expect_range(0, 0, 2 * MiB, MEM_USABLE);
	expect_range(1, 2 * MiB, 4 * MiB, MEM_SP);
	expect_range(2, 4 * MiB, 5 * MiB, MEM_USABLE);
	expect_range(3, 5 * MiB, 6 * MiB, MEM_SP);
	expect_range(4, 6 * MiB, 8 * MiB, MEM_USABLE);
	assert_int_equal(map.count, 5);
	assert_int_equal(map.stats.faked, 2);
	/* the range is used, so no "covers no conventional memory" warning */
	assert_null(strstr(cap.text, "covers no conventional"));
}

static void test_apply_two_ranges_one_descriptor(void **state)
{
	(void)state;
	put(0, EFI_CONVENTIONAL_MEMORY, 0x100000000ull, 0x100000, 0xf); /* [4G, 8G) */
	assert_int_equal(memmap_opts_parse_fake_mem("1G@4G:0x40000,1G@6G:0x40000,2M@5G:0x10000",
						    &opts, &cap.out),
			 ST_OK);
	assert_int_equal(normalize(1), ST_OK);
	expect_range(0, 4 * GiB, 5 * GiB, MEM_SP);
	expect_range(1, 5 * GiB, 5 * GiB + 2 * MiB, MEM_USABLE);
	assert_int_equal(map.r[1].attr, 0x1000f);
	expect_range(2, 5 * GiB + 2 * MiB, 6 * GiB, MEM_USABLE);
	expect_range(3, 6 * GiB, 7 * GiB, MEM_SP);
	expect_range(4, 7 * GiB, 8 * GiB, MEM_USABLE);
	assert_int_equal(map.count, 5);
}

static void test_apply_with_nosoftreserve(void **state)
{
	(void)state;
	put(0, EFI_CONVENTIONAL_MEMORY, 0, 0x1000, 0xf);
	assert_int_equal(memmap_opts_parse_fake_mem("4M@4M:0x40000", &opts, &cap.out), ST_OK);
	opts.nosoftreserve = true;
	assert_int_equal(normalize(1), ST_OK);
	assert_int_equal(map.count, 1);
	expect_range(0, 0, 16 * MiB, MEM_USABLE);
	assert_int_equal(map.stats.sp_ignored_pages, 1024);
}

static void test_apply_to_already_sp(void **state)
{
	(void)state;
	put(0, EFI_CONVENTIONAL_MEMORY, 0, 0x1000, 0x4000f);
	assert_int_equal(memmap_opts_parse_fake_mem("4M@4M:0x40000", &opts, &cap.out), ST_OK);
	assert_int_equal(normalize(1), ST_OK);
	assert_int_equal(map.count, 1);
	expect_range(0, 0, 16 * MiB, MEM_SP);
	assert_int_equal(map.stats.faked, 0); /* nothing changed */
}

TEST_MAIN(cmocka_unit_test_setup(test_parse_single, reset),
	  cmocka_unit_test_setup(test_parse_multiple_and_append, reset),
	  cmocka_unit_test_setup(test_parse_bad_each_way, reset),
	  cmocka_unit_test_setup(test_parse_bad_element_skipped, reset),
	  cmocka_unit_test_setup(test_parse_too_many, reset),
	  cmocka_unit_test_setup(test_parse_efi_list_and_repeats, reset),
	  cmocka_unit_test_setup(test_parse_efi_reports_every_unknown_item, reset),
	  cmocka_unit_test_setup(test_split, reset),
	  cmocka_unit_test_setup(test_apply_conventional, reset),
	  cmocka_unit_test_setup(test_apply_non_conventional_ignored, reset),
	  cmocka_unit_test_setup(test_apply_spanning_two_descriptors, reset),
	  cmocka_unit_test_setup(test_apply_two_ranges_one_descriptor, reset),
	  cmocka_unit_test_setup(test_apply_with_nosoftreserve, reset),
	  cmocka_unit_test_setup(test_apply_to_already_sp, reset))
