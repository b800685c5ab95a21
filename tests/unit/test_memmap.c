/* SPDX-License-Identifier: BSD-2-Clause */
/* test_memmap.c - host tests of mm/memmap.c: descriptor sizes (40, 48, bogus), zero-length,
 * unaligned and wrapping descriptors, every overlap precedence pair, unsorted input, merging,
 * unknown types, huge maps, efi=nosoftreserve, the printers, and a randomized comparison with
 * a page-by-page reference model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/boot_info.h"
#include "capture.h"
#include "lib/types.h"
#include "memmap_expect.h"
#include "mm/memmap.h"
#include "test_main.h"
#include "xorshift.h"

static struct capture cap;

static int reset(void **state)
{
	(void)state;
	capture_init(&cap);
	return 0;
}

static void log_must_have(const char *needle) { capture_expect(&cap, needle); }

/* ---- raw map builder: descriptors padded with junk beyond 40 bytes */
#define RAW_MAX (24 * 1024)
static uint8_t raw[RAW_MAX * 48];
static struct memmap map;

static void put_desc(uint32_t dsz, size_t i, uint32_t type, uint64_t start, uint64_t pages,
		     uint64_t attr)
{
	struct efi_mem_desc d = { type, 0, start, 0, pages, attr };
	memset(raw + i * dsz, 0xa5, dsz);
	memcpy(raw + i * dsz, &d, sizeof d);
}

struct d {
	uint32_t type;
	uint64_t start, pages, attr;
};

static status_t run(const struct d *ds, size_t n, uint32_t dsz, const struct memmap_opts *o)
{
	for (size_t i = 0; i < n; i++)
		put_desc(dsz, i, ds[i].type, ds[i].start, ds[i].pages, ds[i].attr);
	status_t st = memmap_normalize(raw, n * dsz, dsz, o, &map, &cap.out);
	if (st == ST_OK)
		assert_int_equal(memmap_check(&map, &cap.out), ST_OK);
	return st;
}

static void expect_range(uint32_t i, uint64_t base, uint64_t end, enum mem_kind k)
{
	memmap_expect_range(&map, i, base, end, k);
}

#define WB 0xfull
#define SPA (WB | EFI_MEMORY_SP)

/* A map like OVMF's, out of order at the end. */
static const struct d qemu_like[] = {
	{ EFI_BOOT_SERVICES_CODE, 0x0, 1, WB },
	{ EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f, WB },
	{ EFI_RESERVED_MEMORY, 0xa0000, 0x60, 0 },
	{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700, WB },
	{ EFI_ACPI_RECLAIM_MEMORY, 0x800000, 0x10, WB },
	{ EFI_ACPI_MEMORY_NVS, 0x810000, 0x10, WB },
	{ EFI_LOADER_DATA, 0x820000, 0x100, WB },
	{ SPMK_MEM_KERNEL, 0x920000, 0x40, WB },
	{ SPMK_MEM_PAGETABLE, 0x960000, 0x8, WB },
	{ SPMK_MEM_BOOTINFO, 0x968000, 0x2, WB },
	{ EFI_RUNTIME_SERVICES_DATA, 0x96a000, 0x16, WB | EFI_MEMORY_RUNTIME },
	{ EFI_UNUSABLE_MEMORY, 0x980000, 0x10, WB },
	{ EFI_PERSISTENT_MEMORY, 0x1000000, 0x1000, WB | EFI_MEMORY_NV },
	{ EFI_MEMORY_MAPPED_IO, 0xfec00000, 0x1, EFI_MEMORY_UC | EFI_MEMORY_RUNTIME },
	{ EFI_CONVENTIONAL_MEMORY, 0x100000000, 0x40000, SPA },
	{ EFI_BOOT_SERVICES_DATA, 0x990000, 0x70, WB },
};

static void check_qemu_like(void)
{
	expect_range(0, 0x0, 0xa0000, MEM_USABLE); /* boot services + conventional merged */
	assert_int_equal(map.r[0].efi_type, EFI_BOOT_SERVICES_CODE);
	expect_range(1, 0xa0000, 0x100000, MEM_RESERVED);
	expect_range(2, 0x100000, 0x800000, MEM_USABLE);
	expect_range(3, 0x800000, 0x810000, MEM_ACPI_RECLAIM);
	expect_range(4, 0x810000, 0x820000, MEM_ACPI_NVS);
	expect_range(5, 0x820000, 0x920000, MEM_USABLE);
	expect_range(6, 0x920000, 0x960000, MEM_KERNEL);
	expect_range(7, 0x960000, 0x968000, MEM_PAGETABLE);
	expect_range(8, 0x968000, 0x96a000, MEM_BOOTINFO);
	expect_range(9, 0x96a000, 0x980000, MEM_RESERVED);
	expect_range(10, 0x980000, 0x990000, MEM_UNUSABLE);
	expect_range(11, 0x990000, 0xa00000, MEM_USABLE);
	expect_range(12, 0x1000000, 0x2000000, MEM_PERSISTENT);
	expect_range(13, 0xfec00000, 0xfec01000, MEM_MMIO);
	expect_range(14, 0x100000000, 0x140000000, MEM_SP);
	assert_int_equal(map.count, 15);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 0x40000);
	assert_int_equal(memmap_pages_of(&map, MEM_USABLE), 0xa0 + 0x700 + 0x100 + 0x70);
	assert_int_equal(map.stats.descs, 16);
	assert_int_equal(map.stats.overlaps, 0);
}

static void test_desc_size_48(void **state)
{
	(void)state;
	assert_int_equal(run(qemu_like, ARRAY_SIZE(qemu_like), 48, NULL), ST_OK);
	check_qemu_like();
}

static void test_desc_size_40_and_64(void **state)
{
	(void)state;
	assert_int_equal(run(qemu_like, ARRAY_SIZE(qemu_like), 40, NULL), ST_OK);
	check_qemu_like();
	assert_int_equal(run(qemu_like, ARRAY_SIZE(qemu_like), 64, NULL), ST_OK);
	check_qemu_like();
}

static void test_desc_size_bogus(void **state)
{
	(void)state;
	static const uint32_t bad[] = { 0, 8, 32, 39, 44, 52, 4104 };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset(NULL);
		assert_int_equal(
			memmap_normalize(raw, (size_t)bad[i] * 2, bad[i], NULL, &map, &cap.out),
			ST_INVALID);
		assert_int_equal(map.count, 0);
		log_must_have("desc_size");
	}
	reset(NULL);
	assert_int_equal(memmap_normalize(raw, 48 * 3 + 8, 48, NULL, &map, &cap.out), ST_INVALID);
	log_must_have("not a multiple of the descriptor size (map 152 bytes, desc_size 48)");
	assert_int_equal(memmap_normalize(NULL, 48, 48, NULL, &map, &cap.out), ST_INVALID);
	assert_int_equal(memmap_normalize(raw, 48, 48, NULL, NULL, &cap.out), ST_INVALID);
	/* An empty map is valid and empty. */
	assert_int_equal(memmap_normalize(raw, 0, 48, NULL, &map, &cap.out), ST_OK);
	assert_int_equal(map.count, 0);
}

static void test_zero_length(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x10, WB },
		{ EFI_RESERVED_MEMORY, 0x8000, 0, 0 }, /* inside usable: would split it */
		{ EFI_CONVENTIONAL_MEMORY, 0x10000, 0x10, WB },
	};
	assert_int_equal(run(ds, 3, 48, NULL), ST_OK);
	assert_int_equal(map.count, 1);
	expect_range(0, 0x0, 0x20000, MEM_USABLE);
	assert_int_equal(map.stats.zero, 1);
	log_must_have("memmap: FIRMWARE BUG: desc 1 Reserved at 0x8000, 0 pages, attr 0x0: "
		      "NumberOfPages is 0: dropped");
}

static void test_unaligned(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x10800, 2, WB },  /* RAM, start unaligned: dropped */
		{ EFI_RESERVED_MEMORY, 0x20800, 1, 0 },       /* [0x20800,0x21800) -> grow */
		{ EFI_BOOT_SERVICES_DATA, 0x30010, 1, WB },   /* RAM: dropped */
		{ EFI_CONVENTIONAL_MEMORY, 0x40000, 1, SPA }, /* aligned SP: kept */
		{ EFI_CONVENTIONAL_MEMORY, 0x50200, 4, SPA }, /* unaligned SP: dropped */
	};
	assert_int_equal(run(ds, 5, 48, NULL), ST_OK);
	assert_int_equal(map.count, 2);
	expect_range(0, 0x20000, 0x22000, MEM_RESERVED);
	expect_range(1, 0x40000, 0x41000, MEM_SP);
	assert_int_equal(map.stats.misaligned, 3);
	assert_int_equal(map.stats.unaligned, 1);
	assert_int_equal(memmap_pages_of(&map, MEM_USABLE), 0);
	log_must_have("memmap: FIRMWARE BUG: desc 0 Conventional at 0x10800, 2 pages, attr 0xf: "
		      "PhysicalStart of RAM not 4 KiB aligned: dropped");
	log_must_have("desc 1 Reserved [0x20800-0x21800) not 4 KiB aligned: grown to "
		      "[0x20000-0x22000)");
	log_must_have("desc 2 BootServicesData at 0x30010, 1 pages, attr 0xf: PhysicalStart of "
		      "RAM not 4 KiB aligned: dropped");
	log_must_have("desc 4 Conventional at 0x50200, 4 pages, attr 0x4000f: PhysicalStart");
}

static void test_unaligned_reserved_takes_partial_usable_page(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x10, WB },
		{ EFI_ACPI_MEMORY_NVS, 0xf800, 1, 0 }, /* grows to [0xf000,0x11000) */
	};
	assert_int_equal(run(ds, 2, 48, NULL), ST_OK);
	expect_range(0, 0x0, 0xf000, MEM_USABLE);
	expect_range(1, 0xf000, 0x11000, MEM_ACPI_NVS);
	assert_int_equal(map.stats.overlaps, 1);
	log_must_have("memmap: FIRMWARE BUG: overlap: desc 1 ACPIMemoryNVS");
}

/* Descriptors past 2^64 are dropped whole, never clipped. */
static void test_wraparound(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x100, WB },
		{ EFI_RESERVED_MEMORY, 0xfffffffffff00000ull, 0x200, 0 }, /* end wraps */
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x0010000000000001ull,
		  WB },                                                /* pages*4K overflows */
		{ EFI_MEMORY_MAPPED_IO, 0xfffffffffffff000ull, 1, 0 }, /* ends at 2^64 */
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x000ffffffffffe00ull,
		  WB }, /* huge, no wrap */
	};
	assert_int_equal(run(ds, 5, 48, NULL), ST_OK);
	assert_int_equal(map.stats.wrapped, 3);
	assert_int_equal(map.stats.above_max, 1);
	assert_int_equal(map.count, 1);
	expect_range(0, 0x0, 0x100000, MEM_USABLE);
	log_must_have("desc 1 Reserved at 0xfffffffffff00000, 512 pages, attr 0x0: its end wraps "
		      "past 2^64: dropped");
	log_must_have("desc 2 Conventional at 0x100000, 4503599627370497 pages, attr 0xf: "
		      "NumberOfPages x 4 KiB overflows 64 bits: dropped");
	log_must_have("desc 3 MMIO at 0xfffffffffffff000, 1 pages, attr 0x0: its end wraps past "
		      "2^64: dropped");
	log_must_have("desc 4 Conventional at 0x100000, 4503599627369984 pages, attr 0xf: it ends "
		      "above 2^MAXPHYADDR (0x10000000000000): dropped");
}

/* A board's map with descriptors at 0x06a9f00000000000 (type 3, 0x1000000000 pages) and nearby:
 * not ~752 TiB of usable memory, and the summaries stay exact. */
static void test_above_maxphyaddr(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x40000, WB }, /* 1 GiB */
		{ EFI_BOOT_SERVICES_CODE, 0x06a9f00000000000ull, 0x1000000000ull, WB },
		{ EFI_CONVENTIONAL_MEMORY, 0x06a9e00000000000ull, 0x100, WB },
		{ EFI_RESERVED_MEMORY, 0x06aa000000000000ull, 0x10, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0x000ffffffff00000ull, 0x200, WB }, /* straddles 2^52 */
		{ EFI_CONVENTIONAL_MEMORY, 0x000fffffffe00000ull, 0x200, WB }, /* ends at 2^52 */
	};
	assert_int_equal(run(ds, 6, 48, NULL), ST_OK);
	assert_int_equal(map.stats.above_max, 4);
	assert_int_equal(map.count, 2);
	expect_range(0, 0x0, 0x40000000, MEM_USABLE);
	expect_range(1, 0x000fffffffe00000ull, 0x0010000000000000ull, MEM_USABLE);
	assert_int_equal(memmap_pages_of(&map, MEM_USABLE), 0x40000 + 0x200);
	log_must_have("memmap: FIRMWARE BUG: desc 1 BootServicesCode at 0x6a9f00000000000, "
		      "68719476736 pages, attr 0xf: it ends above 2^MAXPHYADDR (0x10000000000000): "
		      "dropped");
	log_must_have("desc 4 Conventional at 0xffffffff00000, 512 pages");
	log_must_have(
		"(dropped: 0 zero-length, 0 past 2^64, 4 above MAXPHYADDR, 0 misaligned RAM;");
	/* the kernel passes the CPU's width: 39 bits drops what ends above 512 GiB */
	struct memmap_opts o;
	memmap_opts_init(&o);
	o.maxphyaddr = 39;
	struct d small[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x100, WB },
		{ EFI_CONVENTIONAL_MEMORY, 0x7fc0000000ull, 0x40000, WB }, /* ends at 2^39 */
		{ EFI_CONVENTIONAL_MEMORY, 0x7fc0000000ull, 0x40001, WB }, /* one page past */
		{ EFI_MEMORY_MAPPED_IO, 0x8000000000ull, 1, 0 },
	};
	capture_reset(&cap);
	assert_int_equal(run(small, 4, 48, &o), ST_OK);
	assert_int_equal(map.count, 2);
	expect_range(1, 0x7fc0000000ull, 0x8000000000ull, MEM_USABLE);
	assert_int_equal(map.stats.above_max, 2);
	log_must_have("it ends above 2^MAXPHYADDR (0x8000000000): dropped");
	/* a width outside 32..52 is reported and 52 used */
	o.maxphyaddr = 60;
	capture_reset(&cap);
	assert_int_equal(run(small, 4, 48, &o), ST_OK);
	assert_int_equal(map.stats.above_max, 0);
	log_must_have("memmap: MAXPHYADDR 60 outside 32..52; 52 used");
}

/* The raw printer sums NumberOfPages without overflowing. */
static void test_print_raw_sum_overflow(void **state)
{
	(void)state;
	put_desc(48, 0, EFI_CONVENTIONAL_MEMORY, 0, 0xffffffffffffffffull, WB);
	put_desc(48, 1, EFI_CONVENTIONAL_MEMORY, 0, 2, WB);
	capture_reset(&cap);
	memmap_print_raw(raw, 2 * 48, 48, &cap.out);
	log_must_have("memmap: 2 descriptors, more than 2^64 pages\n");
}

/* One UEFI type/attribute per kind, to build overlaps. */
static void kind_desc(enum mem_kind k, uint32_t *type, uint64_t *attr)
{
	static const uint32_t types[MEM_KIND_COUNT] = {
		[MEM_USABLE] = EFI_CONVENTIONAL_MEMORY,
		[MEM_SP] = EFI_CONVENTIONAL_MEMORY,
		[MEM_ACPI_RECLAIM] = EFI_ACPI_RECLAIM_MEMORY,
		[MEM_ACPI_NVS] = EFI_ACPI_MEMORY_NVS,
		[MEM_RESERVED] = EFI_RESERVED_MEMORY,
		[MEM_MMIO] = EFI_MEMORY_MAPPED_IO,
		[MEM_PERSISTENT] = EFI_PERSISTENT_MEMORY,
		[MEM_UNUSABLE] = EFI_UNUSABLE_MEMORY,
		[MEM_KERNEL] = SPMK_MEM_KERNEL,
		[MEM_PAGETABLE] = SPMK_MEM_PAGETABLE,
		[MEM_BOOTINFO] = SPMK_MEM_BOOTINFO,
	};
	*type = types[k];
	*attr = k == MEM_SP ? SPA : WB;
}

static void test_precedence_order(void **state)
{
	(void)state;
	static const enum mem_kind order[] = {
		MEM_USABLE, MEM_SP,         MEM_BOOTINFO,     MEM_PAGETABLE,
		MEM_KERNEL, MEM_PERSISTENT, MEM_ACPI_RECLAIM, MEM_ACPI_NVS,
		MEM_MMIO,   MEM_RESERVED,   MEM_UNUSABLE,
	};
	assert_int_equal(ARRAY_SIZE(order), MEM_KIND_COUNT);
	for (size_t i = 1; i < ARRAY_SIZE(order); i++)
		assert_true(mem_kind_precedence(order[i]) > mem_kind_precedence(order[i - 1]));
}

static void test_overlap_every_pair(void **state)
{
	(void)state;
	for (int a = 0; a < MEM_KIND_COUNT; a++) {
		for (int b = 0; b < MEM_KIND_COUNT; b++) {
			if (a == b)
				continue;
			struct d ds[2];
			kind_desc((enum mem_kind)a, &ds[0].type, &ds[0].attr);
			kind_desc((enum mem_kind)b, &ds[1].type, &ds[1].attr);
			ds[0].start = 0x10000, ds[0].pages = 0x20; /* [0x10000, 0x30000) */
			ds[1].start = 0x20000, ds[1].pages = 0x20; /* [0x20000, 0x40000) */
			reset(NULL);
			assert_int_equal(run(ds, 2, 48, NULL), ST_OK);
			enum mem_kind w = mem_kind_precedence((enum mem_kind)a) >
							  mem_kind_precedence((enum mem_kind)b)
						  ? (enum mem_kind)a
						  : (enum mem_kind)b;
			if (w == (enum mem_kind)a) {
				expect_range(0, 0x10000, 0x30000, (enum mem_kind)a);
				expect_range(1, 0x30000, 0x40000, (enum mem_kind)b);
				assert_int_equal(map.count, 2);
			} else {
				expect_range(0, 0x10000, 0x20000, (enum mem_kind)a);
				expect_range(1, 0x20000, 0x40000, (enum mem_kind)b);
				assert_int_equal(map.count, 2);
			}
			assert_int_equal(map.stats.overlaps, 1);
			char want[160];
			snprintf(want, sizeof want,
				 "[0x20000-0x40000) %s and [0x10000-0x30000) %s "
				 "share [0x20000-0x30000): %s kept",
				 mem_kind_name((enum mem_kind)b), mem_kind_name((enum mem_kind)a),
				 mem_kind_name(w));
			log_must_have(want);
		}
	}
}

static void test_overlap_containment(void **state)
{
	(void)state;
	/* A reserved hole reported inside usable memory splits it, in either order. */
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x100, WB },
		{ EFI_RUNTIME_SERVICES_CODE, 0x40000, 0x10, WB | EFI_MEMORY_RUNTIME },
	};
	assert_int_equal(run(ds, 2, 48, NULL), ST_OK);
	expect_range(0, 0x0, 0x40000, MEM_USABLE);
	expect_range(1, 0x40000, 0x50000, MEM_RESERVED);
	expect_range(2, 0x50000, 0x100000, MEM_USABLE);
	struct d rev[] = { ds[1], ds[0] };
	assert_int_equal(run(rev, 2, 48, NULL), ST_OK);
	expect_range(0, 0x0, 0x40000, MEM_USABLE);
	expect_range(1, 0x40000, 0x50000, MEM_RESERVED);
	expect_range(2, 0x50000, 0x100000, MEM_USABLE);
	assert_int_equal(map.count, 3);
	/* A usable range inside reserved disappears; duplicates of the same kind merge. */
	struct d dup[] = {
		{ EFI_RESERVED_MEMORY, 0x0, 0x100, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0x10000, 0x10, WB },
		{ EFI_RESERVED_MEMORY, 0x80000, 0x100, 0 },
	};
	assert_int_equal(run(dup, 3, 48, NULL), ST_OK);
	assert_int_equal(map.count, 1);
	expect_range(0, 0x0, 0x180000, MEM_RESERVED);
	assert_int_equal(map.stats.overlaps, 2);
}

static void test_overlap_many_winners_inside(void **state)
{
	(void)state;
	/* Small reserved islands, then one large conventional range over all of them. */
	struct d ds[6];
	for (int i = 0; i < 5; i++)
		ds[i] = (struct d){ EFI_RESERVED_MEMORY, 0x100000 + (uint64_t)i * 0x10000, 1, 0 };
	ds[5] = (struct d){ EFI_CONVENTIONAL_MEMORY, 0x0, 0x200, WB };
	assert_int_equal(run(ds, 6, 48, NULL), ST_OK);
	assert_int_equal(map.count, 11);
	expect_range(0, 0x0, 0x100000, MEM_USABLE);
	expect_range(1, 0x100000, 0x101000, MEM_RESERVED);
	expect_range(2, 0x101000, 0x110000, MEM_USABLE);
	expect_range(10, 0x141000, 0x200000, MEM_USABLE);
	assert_int_equal(map.stats.overlaps, 5);
}

static void test_unsorted(void **state)
{
	(void)state;
	struct d rev[ARRAY_SIZE(qemu_like)];
	for (size_t i = 0; i < ARRAY_SIZE(qemu_like); i++)
		rev[i] = qemu_like[ARRAY_SIZE(qemu_like) - 1 - i];
	assert_int_equal(run(rev, ARRAY_SIZE(rev), 48, NULL), ST_OK);
	assert_int_equal(map.count, 15);
	expect_range(0, 0x0, 0xa0000, MEM_USABLE);
	assert_int_equal(map.r[0].efi_type, EFI_BOOT_SERVICES_CODE); /* the lowest descriptor */
	expect_range(14, 0x100000000, 0x140000000, MEM_SP);
}

static void test_adjacent_merge(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_LOADER_CODE, 0x0, 0x10, WB },
		{ EFI_LOADER_DATA, 0x10000, 0x10, WB },
		{ EFI_BOOT_SERVICES_DATA, 0x20000, 0x10, WB | EFI_MEMORY_XP }, /* cache/XP: merge */
		{ EFI_CONVENTIONAL_MEMORY, 0x30000, 0x10, WB | EFI_MEMORY_MORE_RELIABLE },
		{ EFI_CONVENTIONAL_MEMORY, 0x40000, 0x10, SPA },
		{ EFI_BOOT_SERVICES_CODE, 0x50000, 0x10, SPA },
		{ EFI_RUNTIME_SERVICES_CODE, 0x60000, 0x10, WB | EFI_MEMORY_RUNTIME },
		{ EFI_RUNTIME_SERVICES_DATA, 0x70000, 0x10, WB | EFI_MEMORY_RUNTIME },
		{ EFI_RESERVED_MEMORY, 0x80000, 0x10, 0 }, /* no RUNTIME bit: separate */
	};
	assert_int_equal(run(ds, ARRAY_SIZE(ds), 48, NULL), ST_OK);
	expect_range(0, 0x0, 0x30000, MEM_USABLE);
	expect_range(1, 0x30000, 0x40000, MEM_USABLE);
	assert_true(map.r[1].attr & EFI_MEMORY_MORE_RELIABLE);
	expect_range(2, 0x40000, 0x60000, MEM_SP);
	expect_range(3, 0x60000, 0x80000, MEM_RESERVED);
	expect_range(4, 0x80000, 0x90000, MEM_RESERVED);
	assert_int_equal(map.count, 5);
}

static void test_unknown_type(void **state)
{
	(void)state;
	struct d ds[] = {
		{ 0x70000000, 0x0, 0x10, WB },
		{ EFI_UNACCEPTED_MEMORY, 0x10000, 0x10, WB },
		{ EFI_PAL_CODE, 0x20000, 0x10, WB },
		{ 0x80000007, 0x100000, 1, WB },
	};
	assert_int_equal(run(ds, ARRAY_SIZE(ds), 48, NULL), ST_OK);
	expect_range(0, 0x0, 0x30000, MEM_RESERVED);
	expect_range(1, 0x100000, 0x101000, MEM_RESERVED);
	assert_int_equal(map.stats.unknown, 2);
	log_must_have("desc 0 [0x0-0x10000) has unknown type 0x70000000: treated as reserved");
	log_must_have("unknown type 0x80000007");
	assert_string_equal(efi_mem_type_name(0x70000000), "Unknown");
	assert_string_equal(efi_mem_type_name(EFI_BOOT_SERVICES_DATA), "BootServicesData");
	assert_string_equal(efi_mem_type_name(SPMK_MEM_BOOTINFO), "spmk-bootinfo");
}

static void test_sp_attr_only_on_ram_types(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_RESERVED_MEMORY, 0x0, 0x10, SPA },
		{ EFI_PERSISTENT_MEMORY, 0x10000, 0x10, SPA },
		{ SPMK_MEM_KERNEL, 0x20000, 0x10, SPA },
		{ EFI_LOADER_DATA, 0x30000, 0x10, SPA },
	};
	assert_int_equal(run(ds, ARRAY_SIZE(ds), 48, NULL), ST_OK);
	expect_range(0, 0x0, 0x10000, MEM_RESERVED);
	expect_range(1, 0x10000, 0x20000, MEM_PERSISTENT);
	expect_range(2, 0x20000, 0x30000, MEM_KERNEL);
	expect_range(3, 0x30000, 0x40000, MEM_SP);
}

static void test_nosoftreserve(void **state)
{
	(void)state;
	struct memmap_opts o;
	memmap_opts_init(&o);
	o.nosoftreserve = true;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x100, WB },
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100, SPA },
		{ EFI_BOOT_SERVICES_DATA, 0x200000, 0x100, SPA },
		{ EFI_RESERVED_MEMORY, 0x300000, 0x10, SPA },
	};
	assert_int_equal(run(ds, ARRAY_SIZE(ds), 48, &o), ST_OK);
	expect_range(0, 0x0, 0x300000, MEM_USABLE);
	assert_false(map.r[0].attr & EFI_MEMORY_SP);
	expect_range(1, 0x300000, 0x310000, MEM_RESERVED);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 0);
	assert_int_equal(map.stats.sp_ignored_pages, 0x200);
	log_must_have("efi=nosoftreserve: [0x100000-0x200000) is usable RAM");
	/* Without the option the same map has SP. */
	assert_int_equal(run(ds, ARRAY_SIZE(ds), 48, NULL), ST_OK);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 0x200);
}

static void test_huge_count_merges(void **state)
{
	(void)state;
	/* 20000 one-page descriptors, alternating types, all touching: one range. */
	const size_t n = 20000;
	for (size_t i = 0; i < n; i++)
		put_desc(48, i, (i & 1) ? EFI_BOOT_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY,
			 0x100000 + i * 0x1000, 1, WB);
	assert_int_equal(memmap_normalize(raw, n * 48, 48, NULL, &map, &cap.out), ST_OK);
	assert_int_equal(map.count, 1);
	expect_range(0, 0x100000, 0x100000 + n * 0x1000, MEM_USABLE);
	assert_int_equal(map.stats.descs, n);
}

/* A 10,000-descriptor map (a big machine's firmware: distinct ranges of five kinds with
 * gaps, given in a scrambled order, plus 100 reserved pages inside usable ranges) normalised
 * into storage sized by memmap_ranges_bound(): every range exact, the invariants hold; the
 * 512 ranges inside struct memmap are refused with ST_NOMEM. */
/* A firmware bug repeated thousands of times stays loud and exact but bounded: the first
 * MEMMAP_NOTE_LINES findings of each kind in full, then one line with the total count and the
 * bytes involved. 2,000 reserved pages over RAM (overlaps), 300 zero-length descriptors
 * (dropped), 300 pieces of unknown type and 300 unaligned reserved ones. */
static void test_repeated_findings_are_bounded(void **state)
{
	(void)state;
	enum { NOVER = 2000, NZERO = 300, NUNK = 300, NUNAL = 300 };
	size_t n = 0;
	put_desc(48, n++, EFI_CONVENTIONAL_MEMORY, 0x1000000, 0x4000, WB); /* 64 MiB */
	for (unsigned i = 0; i < NOVER; i++) /* every other page of the first 16 MiB */
		put_desc(48, n++, EFI_RESERVED_MEMORY, 0x1000000 + 2ull * i * 0x1000, 1, 0);
	for (unsigned i = 0; i < NZERO; i++)
		put_desc(48, n++, EFI_RESERVED_MEMORY, 0x10000000 + i * 0x1000ull, 0, 0);
	for (unsigned i = 0; i < NUNK; i++)
		put_desc(48, n++, 0x70000001u, 0x20000000 + 2ull * i * 0x1000, 1, 0);
	for (unsigned i = 0; i < NUNAL; i++)
		put_desc(48, n++, EFI_RESERVED_MEMORY, 0x30000000 + 2ull * i * 0x1000 + 8, 1, 0);
	static struct mem_range store[16384];
	static struct memmap big;
	memset(&big, 0, sizeof big);
	assert_int_equal(memmap_normalize_into(raw, n * 48, 48, NULL, &big, store, 16384, &cap.out),
			 ST_OK);
	assert_int_equal(big.stats.overlaps, NOVER);
	assert_int_equal(big.stats.zero, NZERO);
	assert_int_equal(big.stats.unknown, NUNK);
	assert_int_equal(big.stats.unaligned, NUNAL);
	/* 16 lines of each kind, one summary per kind, the statistics line */
	assert_true(cap.lines <= 4 * (MEMMAP_NOTE_LINES + 1) + 1);
	assert_true(cap.lines >= 4 * (MEMMAP_NOTE_LINES + 1) + 1);
	log_must_have("memmap: FIRMWARE BUG: overlap: desc 1 Reserved [0x1000000-0x1001000)");
	assert_false(capture_has(&cap, "desc 17 Reserved"));
	log_must_have("memmap: FIRMWARE BUG: 2000 overlaps in all, 1984 more not shown above; "
		      "they share 0x7d0000 bytes (8000 KiB)");
	log_must_have("memmap: FIRMWARE BUG: 300 descriptors dropped in all, 284 more not shown "
		      "above; they describe 0x0 bytes (0 KiB)");
	log_must_have("memmap: 300 descriptors of unknown type in all, 284 more not shown above; "
		      "they describe 0x12c000 bytes (1200 KiB)");
	log_must_have("memmap: 300 pieces rounded to whole pages in all, 284 more not shown "
		      "above; rounding changed 0x12c000 bytes (1200 KiB)");
}

static void test_ten_thousand_descriptors(void **state)
{
	(void)state;
	const size_t n = 10000, nover = 100;
	static const struct {
		uint32_t type;
		uint64_t attr;
		enum mem_kind kind;
	} kinds[] = {
		{ EFI_CONVENTIONAL_MEMORY, WB, MEM_USABLE },
		{ EFI_CONVENTIONAL_MEMORY, SPA, MEM_SP },
		{ EFI_RESERVED_MEMORY, 0, MEM_RESERVED },
		{ EFI_ACPI_RECLAIM_MEMORY, WB, MEM_ACPI_RECLAIM },
		{ EFI_BOOT_SERVICES_DATA, WB, MEM_USABLE },
	};
	uint64_t want[MEM_KIND_COUNT] = { 0 };
	for (size_t i = 0; i < n; i++) {
		size_t slot = (i * 7919) % n; /* 7919 is prime to 10000: a permutation */
		const size_t k = slot % ARRAY_SIZE(kinds);
		put_desc(48, i, kinds[k].type, 0x100000 + slot * 0x4000, 3, kinds[k].attr);
		want[kinds[k].kind] += 3;
	}
	for (size_t j = 0; j < nover; j++) { /* the middle page of usable range slot 5j */
		put_desc(48, n + j, EFI_RESERVED_MEMORY, 0x100000 + 5 * j * 0x4000 + 0x1000, 1, 0);
		want[MEM_USABLE]--;
		want[MEM_RESERVED]++;
	}
	uint64_t cap_bound = memmap_ranges_bound(n + nover, 0);
	struct mem_range *store = calloc(cap_bound, sizeof *store);
	struct memmap *m = calloc(1, sizeof *m);
	assert_int_equal(memmap_normalize_into(raw, (n + nover) * 48, 48, NULL, m, store,
					       (uint32_t)cap_bound, &cap.out),
			 ST_OK);
	assert_int_equal(memmap_check(m, &cap.out), ST_OK);
	assert_int_equal(m->count, n + 2 * nover);
	assert_int_equal(m->stats.overlaps, nover);
	for (int k = 0; k < MEM_KIND_COUNT; k++)
		assert_int_equal(memmap_pages_of(m, (enum mem_kind)k), want[k]);
	for (uint32_t i = 0, slot = 0; i < m->count;
	     slot++) { /* range by range, in address order */
		uint64_t b = 0x100000 + slot * 0x4000;
		if (slot % 5 == 0 && slot / 5 < nover) {
			memmap_expect_range(m, i, b, b + 0x1000, MEM_USABLE);
			memmap_expect_range(m, i + 1, b + 0x1000, b + 0x2000, MEM_RESERVED);
			memmap_expect_range(m, i + 2, b + 0x2000, b + 0x3000, MEM_USABLE);
			i += 3;
		} else {
			memmap_expect_range(m, i, b, b + 0x3000,
					    kinds[slot % ARRAY_SIZE(kinds)].kind);
			i++;
		}
	}
	assert_int_equal(memmap_normalize(raw, (n + nover) * 48, 48, NULL, &map, &cap.out),
			 ST_NOMEM);
	log_must_have("more than 512 distinct ranges");
	free(store);
	free(m);
}

/* The address sort works on every byte of an address: a scrambled map whose descriptors
 * differ only in their top bytes (one every 2^44 + 2^36 + 2^28 bytes, up to 2^52), with
 * zero-length descriptors among them, normalises to the ranges in address order. */
static void test_scrambled_high_addresses(void **state)
{
	(void)state;
	const size_t n = 251; /* prime: i -> (i * 97) % n is a permutation */
	const uint64_t step = (1ull << 44) + (1ull << 36) + (1ull << 28);
	for (size_t i = 0; i < n; i++) {
		size_t slot = (i * 97) % n;
		put_desc(48, i, EFI_CONVENTIONAL_MEMORY, 0x100000 + slot * step,
			 slot % 10 == 3 ? 0 : 2, WB);
	}
	assert_int_equal(memmap_normalize(raw, n * 48, 48, NULL, &map, &cap.out), ST_OK);
	assert_int_equal(memmap_check(&map, &cap.out), ST_OK);
	for (uint32_t i = 0, slot = 0; slot < n; slot++) {
		if (slot % 10 == 3)
			continue;
		expect_range(i++, 0x100000 + slot * step, 0x100000 + slot * step + 0x2000,
			     MEM_USABLE);
	}
}

/* Scrambled maps whose descriptors do not overlap are read in address order (mm/memmap_order.c):
 * the result must be exactly the one of the same descriptors given in address order, for
 * random maps with touching, mergeable, unaligned non-RAM and zero-length descriptors. */
static void test_scrambled_equals_sorted(void **state)
{
	(void)state;
	static const uint32_t types[] = { EFI_CONVENTIONAL_MEMORY, EFI_BOOT_SERVICES_DATA,
					  EFI_RESERVED_MEMORY,     EFI_ACPI_RECLAIM_MEMORY,
					  EFI_MEMORY_MAPPED_IO,    EFI_LOADER_DATA };
	uint64_t seed = 12345;
	struct mem_range *s1 = calloc(50000, sizeof *s1), *s2 = calloc(50000, sizeof *s2);
	struct memmap *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	static struct d ds[8000];
	for (int round = 0; round < 40; round++) {
		size_t n = 2 + (size_t)(round * 197) % 8000;
		uint64_t addr = 0;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t t = types[(seed >> 33) % ARRAY_SIZE(types)];
			uint64_t gap = (seed >> 40) % 3 == 0 ? 0x1000 : 0; /* else touching */
			uint64_t pages = (seed >> 20) % 7 == 0 ? 0 : 1 + (seed >> 45) % 4;
			uint64_t attr =
				t == EFI_CONVENTIONAL_MEMORY && (seed >> 50) % 4 == 0 ? SPA : WB;
			addr += gap;
			ds[i] = (struct d){ t, addr, pages, attr };
			addr += pages * 0x1000;
		}
		for (size_t i = 0; i < n; i++)
			put_desc(48, i, ds[i].type, ds[i].start, ds[i].pages, ds[i].attr);
		assert_int_equal(memmap_normalize_into(raw, n * 48, 48, NULL, a, s1, 50000, NULL),
				 ST_OK);
		for (size_t i = 0; i < n; i++) { /* a permutation: i -> (i * p) % n, p prime to n */
			size_t p = 7919;
			while (n % p == 0 || (n % 2 == 0 && p % 2 == 0))
				p += 2;
			const struct d *x = &ds[(i * p) % n];
			put_desc(48, i, x->type, x->start, x->pages, x->attr);
		}
		assert_int_equal(memmap_normalize_into(raw, n * 48, 48, NULL, b, s2, 50000, NULL),
				 ST_OK);
		assert_int_equal(memmap_check(b, &cap.out), ST_OK);
		assert_int_equal(a->count, b->count);
		assert_memory_equal(a->r, b->r, a->count * sizeof a->r[0]);
		assert_memory_equal(&a->stats, &b->stats, sizeof a->stats);
	}
	free(s1);
	free(s2);
	free(a);
	free(b);
}

static void test_huge_count_overflow(void **state)
{
	(void)state;
	/* 512 distinct ranges fit; 513 do not, and the error says so. */
	for (size_t i = 0; i < 513; i++)
		put_desc(48, i, EFI_CONVENTIONAL_MEMORY, i * 0x2000, 1, WB);
	assert_int_equal(memmap_normalize(raw, 512 * 48, 48, NULL, &map, &cap.out), ST_OK);
	assert_int_equal(map.count, MEMMAP_MAX_RANGES);
	reset(NULL);
	assert_int_equal(memmap_normalize(raw, 513 * 48, 48, NULL, &map, &cap.out), ST_NOMEM);
	assert_int_equal(map.count, MEMMAP_MAX_RANGES);
	log_must_have("more than 512 distinct ranges at desc 512 [0x400000-0x401000)");
	assert_int_equal(memmap_check(&map, &cap.out), ST_OK);
	/* A split of a full table also overflows cleanly. */
	put_desc(48, 512, EFI_RESERVED_MEMORY, 0x1000 * 2 * 10, 0, 0);
	put_desc(48, 0, EFI_CONVENTIONAL_MEMORY, 0, 0x400, WB);
	for (size_t i = 1; i < 512; i++)
		put_desc(48, i, EFI_RESERVED_MEMORY, 0x1000000 + i * 0x2000, 1, 0);
	put_desc(48, 512, EFI_RESERVED_MEMORY, 0x100000, 1, 0); /* splits range 0 */
	assert_int_equal(memmap_normalize(raw, 513 * 48, 48, NULL, &map, &cap.out), ST_NOMEM);
}

static void test_check_rejects_broken(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x0, 0x10, WB },
		{ EFI_RESERVED_MEMORY, 0x10000, 0x10, 0 },
	};
	assert_int_equal(run(ds, 2, 48, NULL), ST_OK);
	map.r[1].kind = MEM_USABLE;
	assert_int_equal(memmap_check(&map, &cap.out), ST_INVALID);
	log_must_have("not merged");
	map.r[1].kind = MEM_RESERVED;
	map.r[1].base = 0x8000;
	assert_int_equal(memmap_check(&map, &cap.out), ST_INVALID);
	map.r[1].base = 0x10800;
	assert_int_equal(memmap_check(&map, &cap.out), ST_INVALID);
}

static void test_print_raw(void **state)
{
	(void)state;
	struct d ds[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f, WB },
		{ EFI_CONVENTIONAL_MEMORY, 0x100000000, 0x40000, SPA },
		{ 0x70000001, 0x0, 0, 0 },
	};
	for (size_t i = 0; i < 3; i++)
		put_desc(48, i, ds[i].type, ds[i].start, ds[i].pages, ds[i].attr);
	memmap_print_raw(raw, 3 * 48, 48, &cap.out);
	const char *last = strstr(cap.text, "memmap: 3 descriptors, 262303 pages\n");
	assert_non_null(last);
	assert_int_equal(last[strlen("memmap: 3 descriptors, 262303 pages\n")], 0);
	log_must_have(
		"    0 Conventional         [0x0000000000001000-0x00000000000a0000)        159 "
		"pages attr 0x000000000000000f\n");
	log_must_have(
		"    1 Conventional         [0x0000000100000000-0x0000000140000000)     262144 "
		"pages attr 0x000000000004000f SP\n");
	log_must_have(
		"    2 Unknown(0x70000001)  [0x0000000000000000-0x0000000000000000)          0 "
		"pages attr 0x0000000000000000\n");
	reset(NULL);
	memmap_print_raw(raw, 100, 48, &cap.out);
	log_must_have("memmap: bad map: map size not a multiple of the descriptor size");
	reset(NULL);
	memmap_print_raw(raw, 0, 48, &cap.out);
	assert_string_equal(cap.text, "memmap: 0 descriptors, 0 pages\n");
}

static void test_print_normalised(void **state)
{
	(void)state;
	assert_int_equal(run(qemu_like, ARRAY_SIZE(qemu_like), 48, NULL), ST_OK);
	reset(NULL);
	memmap_print(&map, &cap.out);
	log_must_have("  [0x0000000100000000-0x0000000140000000) sp               262144 pages  "
		      "Conventional attr 0x4000f\n");
	log_must_have("memmap: sp               262144 pages (1024 MiB)\n");
	log_must_have("memmap: 15 ranges\n");
	assert_string_equal(mem_kind_name(MEM_ACPI_NVS), "acpi-nvs");
	assert_string_equal(mem_kind_name(MEM_KIND_COUNT), "?");
}

/* ---- randomized comparison with a page-level reference model */
#define MODEL_PAGES 256
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { return xorshift64(&rng_state); }

static void test_random_vs_model(void **state)
{
	(void)state;
	static const uint32_t types[] = { 0,  1,          3,          4,          5,         7,
					  7,  7,          8,          9,          10,        11,
					  14, 0x80000001, 0x80000002, 0x80000003, 0x70000000 };
	for (int iter = 0; iter < 3000; iter++) {
		int model[MODEL_PAGES];
		for (int p = 0; p < MODEL_PAGES; p++)
			model[p] = -1;
		size_t n = 1 + rnd() % 24;
		struct d ds[24];
		bool unaligned = iter & 1;
		for (size_t i = 0; i < n; i++) {
			uint64_t sp = rnd() % 4 == 0 ? EFI_MEMORY_SP : 0;
			ds[i] = (struct d){ types[rnd() % ARRAY_SIZE(types)],
					    (rnd() % MODEL_PAGES) * 0x1000, rnd() % 40, WB | sp };
			if (unaligned && rnd() % 3 == 0)
				ds[i].start += (rnd() % 8) * 0x200;
			if (ds[i].start / 0x1000 + ds[i].pages + 1 > MODEL_PAGES)
				ds[i].pages = MODEL_PAGES - 1 - ds[i].start / 0x1000;
			/* reference: classify and align like the spec says */
			bool known;
			(void)known;
			enum mem_kind k;
			uint32_t t = ds[i].type;
			if (t == 1 || t == 2 || t == 3 || t == 4 || t == 7)
				k = sp ? MEM_SP : MEM_USABLE;
			else if (t == 8)
				k = MEM_UNUSABLE;
			else if (t == 9)
				k = MEM_ACPI_RECLAIM;
			else if (t == 10)
				k = MEM_ACPI_NVS;
			else if (t == 11)
				k = MEM_MMIO;
			else if (t == 14)
				k = MEM_PERSISTENT;
			else if (t == 0x80000001)
				k = MEM_KERNEL;
			else if (t == 0x80000002)
				k = MEM_PAGETABLE;
			else if (t == 0x80000003)
				k = MEM_BOOTINFO;
			else
				k = MEM_RESERVED;
			uint64_t b = ds[i].start, e = b + ds[i].pages * 0x1000;
			if (ds[i].pages == 0)
				continue;
			bool ram = k == MEM_USABLE || k == MEM_SP || k == MEM_KERNEL ||
				   k == MEM_PAGETABLE || k == MEM_BOOTINFO;
			if (ram && b % 0x1000)
				continue; /* a RAM descriptor with an unaligned start is dropped */
			bool shrink = k == MEM_USABLE || k == MEM_SP;
			uint64_t pb = shrink ? (b + 0xfff) / 0x1000 : b / 0x1000;
			uint64_t pe = shrink ? e / 0x1000 : (e + 0xfff) / 0x1000;
			for (uint64_t p = pb; p < pe; p++)
				if (model[p] < 0 ||
				    mem_kind_precedence(k) > mem_kind_precedence(model[p]))
					model[p] = (int)k;
		}
		assert_int_equal(run(ds, n, 48, NULL), ST_OK);
		int got[MODEL_PAGES];
		for (int p = 0; p < MODEL_PAGES; p++)
			got[p] = -1;
		for (uint32_t i = 0; i < map.count; i++)
			for (uint64_t p = map.r[i].base / 0x1000; p < map.r[i].end / 0x1000; p++)
				got[p] = (int)map.r[i].kind;
		for (int p = 0; p < MODEL_PAGES; p++)
			if (got[p] != model[p])
				fail_msg("iter %d page %d: got %d want %d", iter, p, got[p],
					 model[p]);
		reset(NULL);
	}
}

TEST_MAIN(cmocka_unit_test_setup(test_desc_size_48, reset),
	  cmocka_unit_test_setup(test_desc_size_40_and_64, reset),
	  cmocka_unit_test_setup(test_desc_size_bogus, reset),
	  cmocka_unit_test_setup(test_zero_length, reset),
	  cmocka_unit_test_setup(test_unaligned, reset),
	  cmocka_unit_test_setup(test_unaligned_reserved_takes_partial_usable_page, reset),
	  cmocka_unit_test_setup(test_wraparound, reset),
	  cmocka_unit_test_setup(test_above_maxphyaddr, reset),
	  cmocka_unit_test_setup(test_print_raw_sum_overflow, reset),
	  cmocka_unit_test_setup(test_precedence_order, reset),
	  cmocka_unit_test_setup(test_overlap_every_pair, reset),
	  cmocka_unit_test_setup(test_repeated_findings_are_bounded, reset),
	  cmocka_unit_test_setup(test_overlap_containment, reset),
	  cmocka_unit_test_setup(test_overlap_many_winners_inside, reset),
	  cmocka_unit_test_setup(test_unsorted, reset),
	  cmocka_unit_test_setup(test_adjacent_merge, reset),
	  cmocka_unit_test_setup(test_unknown_type, reset),
	  cmocka_unit_test_setup(test_sp_attr_only_on_ram_types, reset),
	  cmocka_unit_test_setup(test_nosoftreserve, reset),
	  cmocka_unit_test_setup(test_huge_count_merges, reset),
	  cmocka_unit_test_setup(test_huge_count_overflow, reset),
	  cmocka_unit_test_setup(test_check_rejects_broken, reset),
	  cmocka_unit_test_setup(test_print_raw, reset),
	  cmocka_unit_test_setup(test_print_normalised, reset),
	  cmocka_unit_test_setup(test_random_vs_model, reset),
	  cmocka_unit_test_setup(test_ten_thousand_descriptors, reset),
	  cmocka_unit_test_setup(test_scrambled_equals_sorted, reset),
	  cmocka_unit_test_setup(test_scrambled_high_addresses, reset))
