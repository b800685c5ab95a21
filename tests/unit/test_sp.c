/* SPDX-License-Identifier: BSD-2-Clause */
/* test_sp.c - host tests of mm/sp.c: SP discovery from a normalised map, SRAT splitting and
 * the boot policy (docs/design.md §6). Every test checks that the pieces are sorted, disjoint, inside
 * SP memory, and add up to exactly the SP pages of the map. */
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
#include "mm/memmap.h"
#include "mm/sp.h"
#include "test_main.h"
#include "xorshift.h"

static struct capture cap;

static uint8_t raw[64 * 48];
static size_t nraw;
static struct memmap map;
static struct memmap_opts opts;
static struct sp_set set;
static struct sp_discover_in in;

static int reset(void **state)
{
	(void)state;
	capture_init(&cap);
	nraw = 0;
	memmap_opts_init(&opts);
	memset(&in, 0, sizeof in);
	in.map = &map;
	return 0;
}

static void log_must_have(const char *needle) { capture_expect(&cap, needle); }

static void put(uint32_t type, uint64_t start, uint64_t size, uint64_t attr)
{
	struct efi_mem_desc d = { type, 0, start, 0, size / 4096, attr };
	memcpy(raw + nraw * 48, &d, sizeof d);
	nraw++;
}

#define SPA 0x4000full
#define WB 0xfull

/* Sorted, disjoint, inside MEM_SP, and no page lost. */
static void check_invariants(void)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < set.count; i++) {
		const struct sp_piece *p = &set.p[i];
		assert_true(p->base < p->end);
		if (i)
			assert_true(set.p[i - 1].end <= p->base);
		bool inside = false;
		for (uint32_t j = 0; j < map.count; j++)
			if (map.r[j].kind == MEM_SP && map.r[j].base <= p->base &&
			    p->base < map.r[j].end)
				inside = true;
		assert_true(inside);
		assert_true(p->align == SIZE_1G || p->align == SIZE_2M || p->align == PAGE_SIZE);
		assert_true(IS_ALIGNED(p->base, p->align) && IS_ALIGNED(p->end, p->align));
		sum += p->end - p->base;
	}
	assert_int_equal(sum, memmap_pages_of(&map, MEM_SP) * 4096);
	assert_int_equal(sum, sp_set_bytes(&set));
}

static void discover(void)
{
	assert_int_equal(memmap_normalize(raw, nraw * 48, 48, &opts, &map, &cap.out), ST_OK);
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_OK);
	check_invariants();
}

static void expect_piece(uint32_t i, uint64_t base, uint64_t end, int pxm, enum sp_policy pol,
			 uint64_t align)
{
	if (i >= set.count)
		fail_msg("piece %u missing (count %u)", i, set.count);
	const struct sp_piece *p = &set.p[i];
	if (p->base != base || p->end != end || p->pxm != pxm || p->policy != pol ||
	    p->align != align)
		fail_msg("piece %u is [0x%llx-0x%llx) pxm %d %s align 0x%llx, want [0x%llx-0x%llx) "
			 "pxm %d %s align 0x%llx",
			 i, (unsigned long long)p->base, (unsigned long long)p->end, p->pxm,
			 sp_policy_name(p->policy), (unsigned long long)p->align,
			 (unsigned long long)base, (unsigned long long)end, pxm,
			 sp_policy_name(pol), (unsigned long long)align);
}

static const struct mem_affinity two_nodes[] = {
	{ 0, 5 * GiB, 0, false },
	{ 5 * GiB, 8 * GiB, 1, true },
};
static const uint32_t hmat_both[] = { 0, 1 };
static const uint32_t hmat_one[] = { 1 };

static void two_node_map(void)
{
	put(EFI_CONVENTIONAL_MEMORY, 0, 2 * GiB, WB);
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 2 * GiB, SPA); /* [4G, 6G) spans both nodes */
	in.aff = two_nodes;
	in.naff = 2;
}

static void test_sp_spanning_two_domains(void **state)
{
	(void)state;
	two_node_map();
	in.have_hmat = true;
	in.hmat_pxms = hmat_both;
	in.nhmat = 2;
	discover();
	assert_int_equal(set.count, 2);
	expect_piece(0, 4 * GiB, 5 * GiB, 0, SP_DEVICE, SIZE_1G);
	expect_piece(1, 5 * GiB, 6 * GiB, 1, SP_DEVICE, SIZE_1G);
	char buf[256];
	assert_int_equal(sp_format_firmware_bug(&set.p[0], buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_false(sp_warn_firmware_bug(&set.p[1], &cap.out));
}

static void test_sp_without_hmat(void **state)
{
	(void)state;
	two_node_map();
	discover();
	assert_int_equal(set.count, 2);
	expect_piece(0, 4 * GiB, 5 * GiB, 0, SP_RESERVED_NO_HMAT, SIZE_1G);
	expect_piece(1, 5 * GiB, 6 * GiB, 1, SP_RESERVED_NO_HMAT, SIZE_1G);
	assert_int_equal(set.p[0].missing, SP_MISSING_HMAT);
	capture_reset(&cap);
	assert_true(sp_warn_firmware_bug(&set.p[0], &cap.out));
	assert_string_equal(
		cap.text, "FIRMWARE BUG: specific-purpose memory "
			  "[0x100000000-0x140000000) (1048576 KiB): no HMAT, so no data for pxm 0; "
			  "left reserved, no dax device (spmk.nohmat=device creates one)\n");
}

static void test_hmat_for_one_domain(void **state)
{
	(void)state;
	two_node_map();
	in.have_hmat = true;
	in.hmat_pxms = hmat_one;
	in.nhmat = 1;
	discover();
	expect_piece(0, 4 * GiB, 5 * GiB, 0, SP_RESERVED_NO_HMAT, SIZE_1G);
	assert_int_equal(set.p[0].missing, SP_MISSING_HMAT_DOMAIN);
	expect_piece(1, 5 * GiB, 6 * GiB, 1, SP_DEVICE, SIZE_1G);
	char buf[256];
	assert_true(sp_format_firmware_bug(&set.p[0], buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "[0x100000000-0x140000000)"));
	assert_non_null(strstr(buf, "no HMAT data for pxm 0"));
	/* a short buffer is cut but terminated */
	char small[16];
	int len = sp_format_firmware_bug(&set.p[0], small, sizeof small);
	assert_true(len > 16);
	assert_int_equal(strlen(small), 15);
}

static void test_nohmat_device(void **state)
{
	(void)state;
	two_node_map();
	in.have_hmat = true;
	in.hmat_pxms = hmat_one;
	in.nhmat = 1;
	in.nohmat_device = true;
	discover();
	expect_piece(0, 4 * GiB, 5 * GiB, 0, SP_DEVICE_NO_HMAT, SIZE_1G);
	expect_piece(1, 5 * GiB, 6 * GiB, 1, SP_DEVICE, SIZE_1G);
	capture_reset(&cap);
	assert_true(sp_warn_firmware_bug(&set.p[0], &cap.out));
	log_must_have("FIRMWARE BUG: specific-purpose memory [0x100000000-0x140000000)");
	log_must_have("dax device created anyway (spmk.nohmat=device)");
}

static void test_adjacent_sp_different_types(void **state)
{
	(void)state;
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 1 * GiB, SPA);
	put(EFI_BOOT_SERVICES_DATA, 5 * GiB, 2 * MiB, SPA);
	put(EFI_LOADER_DATA, 5 * GiB + 2 * MiB, 2 * MiB, SPA | EFI_MEMORY_MORE_RELIABLE);
	put(EFI_BOOT_SERVICES_CODE, 5 * GiB + 4 * MiB, 1 * GiB - 4 * MiB, SPA);
	in.aff = two_nodes;
	in.naff = 2;
	in.hmat_pxms = hmat_both;
	in.nhmat = 2;
	discover();
	assert_true(map.count >= 2); /* the MORE_RELIABLE part stays apart in the map */
	assert_int_equal(set.count, 2);
	expect_piece(0, 4 * GiB, 5 * GiB, 0, SP_DEVICE, SIZE_1G);
	expect_piece(1, 5 * GiB, 6 * GiB, 1, SP_DEVICE, SIZE_1G);
}

static void test_nosoftreserve(void **state)
{
	(void)state;
	two_node_map();
	opts.nosoftreserve = true;
	discover();
	assert_int_equal(set.count, 0);
	assert_int_equal(memmap_pages_of(&map, MEM_USABLE), 4 * GiB / 4096);
}

static void test_sp_not_covered_by_srat(void **state)
{
	(void)state;
	static const struct mem_affinity low[] = { { 0, 3 * GiB, 0, false } };
	put(EFI_CONVENTIONAL_MEMORY, 2 * GiB, 2 * GiB, SPA); /* [2G, 4G) half covered */
	put(EFI_CONVENTIONAL_MEMORY, 8 * GiB, 1 * GiB, SPA); /* not covered at all */
	in.aff = low;
	in.naff = 1;
	in.hmat_pxms = hmat_both;
	in.nhmat = 2;
	discover();
	assert_int_equal(set.count, 3);
	expect_piece(0, 2 * GiB, 3 * GiB, 0, SP_DEVICE, SIZE_1G);
	expect_piece(1, 3 * GiB, 4 * GiB, -1, SP_RESERVED_NO_HMAT, SIZE_1G);
	expect_piece(2, 8 * GiB, 9 * GiB, -1, SP_RESERVED_NO_HMAT, SIZE_1G);
	assert_int_equal(set.p[1].missing, SP_MISSING_SRAT);
	capture_reset(&cap);
	assert_true(sp_warn_firmware_bug(&set.p[2], &cap.out));
	log_must_have("[0x200000000-0x240000000) (1048576 KiB): no SRAT memory affinity covers it");
	/* no SRAT at all */
	in.aff = NULL;
	in.naff = 0;
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_OK);
	check_invariants();
	assert_int_equal(set.count, 2);
	assert_int_equal(set.p[0].pxm, -1);
}

/* The warning names the true cause: a rejected SRAT or HMAT is not "no affinity covers it". */
static void test_sp_warning_names_true_cause(void **state)
{
	(void)state;
	static const struct {
		enum sp_table srat, hmat;
		bool aff;
		enum sp_missing missing;
		const char *text;
	} cases[] = {
		{ SP_TABLE_REJECTED, SP_TABLE_OK, false, SP_MISSING_SRAT_BAD,
		  "(1048576 KiB): the SRAT was rejected (error above), so no proximity domain; "
		  "left" },
		{ SP_TABLE_ABSENT, SP_TABLE_ABSENT, false, SP_MISSING_SRAT_TABLE,
		  "(1048576 KiB): no SRAT, so no proximity domain; left" },
		{ SP_TABLE_LIMIT, SP_TABLE_LIMIT, false, SP_MISSING_SRAT_LIMIT,
		  "(1048576 KiB): NUMA is off (more proximity domains than the 64 supported, error "
		  "above), so no node; left" },
		{ SP_TABLE_OK, SP_TABLE_OK, false, SP_MISSING_SRAT,
		  "(1048576 KiB): no SRAT memory affinity covers it; left" },
		{ SP_TABLE_OK, SP_TABLE_REJECTED, true, SP_MISSING_HMAT_BAD,
		  "(1048576 KiB): the HMAT was rejected (error above), so no data for pxm 1; "
		  "left" },
		{ SP_TABLE_OK, SP_TABLE_ABSENT, true, SP_MISSING_HMAT,
		  "(1048576 KiB): no HMAT, so no data for pxm 1; left" },
	};
	static const struct mem_affinity node1[] = { { 4 * GiB, 5 * GiB, 1, false } };
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 1 * GiB, SPA);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		in.srat = cases[i].srat;
		in.hmat = cases[i].hmat;
		in.aff = cases[i].aff ? node1 : NULL;
		in.naff = cases[i].aff ? 1 : 0;
		in.have_hmat = cases[i].hmat == SP_TABLE_OK;
		discover();
		assert_int_equal(set.count, 1);
		assert_int_equal(set.p[0].missing, cases[i].missing);
		capture_reset(&cap);
		/* a warning every time; a firmware bug (taint) unless it is spmk's node limit */
		bool limit = cases[i].missing == SP_MISSING_SRAT_LIMIT;
		assert_int_equal(sp_warn_firmware_bug(&set.p[0], &cap.out), !limit);
		log_must_have(cases[i].text);
		assert_int_equal(strstr(cap.text, "FIRMWARE BUG") == NULL, limit);
	}
}

static void test_unaligned_pieces(void **state)
{
	(void)state;
	/* Firmware allocations inside an SP range (runtime data at +12K, a reserved page just
	 * below 5G+2M) split it into pieces that are not 2 MiB aligned. A boot-services
	 * allocation carrying the SP attribute stays SP. Nothing is lost. */
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 0x3000, SPA);
	put(EFI_RUNTIME_SERVICES_DATA, 4 * GiB + 0x3000, 0x2000, WB | EFI_MEMORY_RUNTIME);
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB + 0x5000, 1 * GiB - 0x5000, SPA);
	put(EFI_BOOT_SERVICES_DATA, 5 * GiB, 0x10000, SPA);
	put(EFI_CONVENTIONAL_MEMORY, 5 * GiB + 0x10000, 2 * MiB - 0x11000, SPA);
	put(EFI_RESERVED_MEMORY, 5 * GiB + 2 * MiB - 4096, 4096, 0);
	put(EFI_CONVENTIONAL_MEMORY, 5 * GiB + 2 * MiB, 1 * GiB - 2 * MiB, SPA);
	in.aff = two_nodes;
	in.naff = 2;
	in.hmat_pxms = hmat_both;
	in.nhmat = 2;
	discover();
	assert_int_equal(set.count, 4);
	expect_piece(0, 4 * GiB, 4 * GiB + 0x3000, 0, SP_DEVICE, PAGE_SIZE);
	expect_piece(1, 4 * GiB + 0x5000, 5 * GiB, 0, SP_DEVICE, PAGE_SIZE);
	expect_piece(2, 5 * GiB, 5 * GiB + 2 * MiB - 4096, 1, SP_DEVICE, PAGE_SIZE);
	expect_piece(3, 5 * GiB + 2 * MiB, 6 * GiB, 1, SP_DEVICE, SIZE_2M);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), (2 * GiB - 0x2000 - 0x1000) / 4096);
	/* an SP range overlapped by a usable descriptor keeps the overlap SP (precedence) */
	reset(NULL);
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 2 * MiB, SPA);
	put(EFI_BOOT_SERVICES_DATA, 4 * GiB + 0x3000, 0x2000, WB);
	discover();
	assert_int_equal(set.count, 1);
	expect_piece(0, 4 * GiB, 4 * GiB + 2 * MiB, -1, SP_RESERVED_NO_HMAT, SIZE_2M);
}

static void test_srat_odd_entries(void **state)
{
	(void)state;
	/* Unaligned SRAT bounds are rounded down; overlapping entries: the first wins. Two
	 * touching entries of the same domain give one piece. */
	static const struct mem_affinity odd[] = {
		{ 4 * GiB, 5 * GiB + 0x800, 3, false },
		{ 4 * GiB + 512 * MiB, 6 * GiB, 4, false },
		{ 6 * GiB, 7 * GiB, 4, false },
		{ 7 * GiB, 7 * GiB, 9, false }, /* empty: ignored */
	};
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 3 * GiB, SPA);
	in.aff = odd;
	in.naff = ARRAY_SIZE(odd);
	in.have_hmat = true;
	discover();
	assert_int_equal(set.count, 2);
	expect_piece(0, 4 * GiB, 5 * GiB, 3, SP_RESERVED_NO_HMAT, SIZE_1G);
	expect_piece(1, 5 * GiB, 7 * GiB, 4, SP_RESERVED_NO_HMAT, SIZE_1G);
	log_must_have(
		"sp: SRAT memory affinities overlap at 0x120000000: pxm 3 used, pxm 4 ignored");
	/* A later, lower-index entry starting inside a higher-index one takes over there. */
	static const struct mem_affinity nested[] = {
		{ 5 * GiB, 6 * GiB, 7, false },
		{ 4 * GiB, 7 * GiB, 8, false },
	};
	in.aff = nested;
	in.naff = 2;
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_OK);
	check_invariants();
	assert_int_equal(set.count, 3);
	expect_piece(0, 4 * GiB, 5 * GiB, 8, SP_RESERVED_NO_HMAT, SIZE_1G);
	expect_piece(1, 5 * GiB, 6 * GiB, 7, SP_RESERVED_NO_HMAT, SIZE_1G);
	expect_piece(2, 6 * GiB, 7 * GiB, 8, SP_RESERVED_NO_HMAT, SIZE_1G);
}

static void test_too_many_pieces_and_bad_args(void **state)
{
	(void)state;
	static struct mem_affinity many[SP_PIECES_MAX + 1];
	for (int i = 0; i <= SP_PIECES_MAX; i++)
		many[i] = (struct mem_affinity){ 4 * GiB + (uint64_t)i * SIZE_2M,
						 4 * GiB + (uint64_t)(i + 1) * SIZE_2M, (uint32_t)i,
						 false };
	put(EFI_CONVENTIONAL_MEMORY, 4 * GiB, 1 * GiB, SPA);
	assert_int_equal(memmap_normalize(raw, nraw * 48, 48, &opts, &map, &cap.out), ST_OK);
	in.aff = many;
	in.naff = ARRAY_SIZE(many);
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_NOMEM);
	assert_int_equal(set.count, SP_PIECES_MAX);
	/* the rest is counted, to be reserved: every SP page is a piece or overflow */
	assert_int_equal(set.overflow_base, 4 * GiB + SP_PIECES_MAX * SIZE_2M);
	assert_int_equal(set.overflow_bytes, 1 * GiB - SP_PIECES_MAX * SIZE_2M);
	assert_int_equal(sp_set_bytes(&set) + set.overflow_bytes,
			 memmap_pages_of(&map, MEM_SP) * 4096);
	log_must_have(
		"sp: more than 128 SP pieces (the size of the piece table); stopped at "
		"0x110000000: 786432 KiB of SP memory from there on is reserved, not a device");
	/* with storage of sp_pieces_bound() pieces, as the kernel gives it, all 129 are pieces */
	uint64_t bound = sp_pieces_bound(&map, in.naff);
	assert_int_equal(bound, 1 + 2 * ARRAY_SIZE(many));
	struct sp_piece *storage = calloc(bound, sizeof *storage);
	sp_set_storage(&set, storage, (uint32_t)bound);
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_OK);
	assert_int_equal(set.count, SP_PIECES_MAX + 2); /* 129 domains and the rest without one */
	assert_int_equal(set.overflow_bytes, 0);
	assert_int_equal(set.p[SP_PIECES_MAX].pxm, SP_PIECES_MAX);
	assert_int_equal(set.p[SP_PIECES_MAX + 1].pxm, -1);
	assert_int_equal(sp_set_bytes(&set), memmap_pages_of(&map, MEM_SP) * 4096);
	check_invariants();
	sp_set_storage(&set, NULL, 0);
	free(storage);
	assert_int_equal(sp_discover(NULL, &set, &cap.out), ST_INVALID);
	assert_int_equal(sp_discover(&in, NULL, &cap.out), ST_INVALID);
	in.aff = NULL;
	assert_int_equal(sp_discover(&in, &set, &cap.out), ST_INVALID);
}

static void test_print(void **state)
{
	(void)state;
	two_node_map();
	in.hmat_pxms = hmat_one;
	in.nhmat = 1;
	discover();
	capture_reset(&cap);
	sp_print(&set, &cap.out);
	log_must_have(
		"  sp [0x0000000100000000-0x0000000140000000)    1048576 KiB pxm   0 align 1G   "
		"reserved (no HMAT data)\n");
	log_must_have("sp: 2 pieces, 2097152 KiB\n");
}

/* Random maps and SRATs: the invariants always hold and each piece has the domain of the
 * first SRAT entry covering its base. */
static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) { return xorshift64(&rng); }

static void test_random(void **state)
{
	(void)state;
	static const uint32_t types[] = { 7, 7, 4, 3, 0, 2 };
	for (int iter = 0; iter < 2000; iter++) {
		reset(NULL);
		struct mem_affinity aff[6];
		size_t n = 1 + rnd() % 20;
		for (size_t i = 0; i < n; i++)
			put(types[rnd() % ARRAY_SIZE(types)], (rnd() % 512) * SIZE_2M / 4,
			    (1 + rnd() % 64) * 0x1000 * (1 + rnd() % 64), rnd() % 2 ? SPA : WB);
		in.naff = rnd() % 6;
		for (size_t i = 0; i < in.naff; i++) {
			uint64_t b = (rnd() % 256) * SIZE_2M / 2;
			aff[i] = (struct mem_affinity){ b, b + (rnd() % 128) * SIZE_2M,
							(uint32_t)(rnd() % 3), false };
		}
		in.aff = aff;
		in.nhmat = rnd() % 3;
		in.hmat_pxms = hmat_both;
		assert_int_equal(memmap_normalize(raw, nraw * 48, 48, &opts, &map, &cap.out),
				 ST_OK);
		assert_int_equal(sp_discover(&in, &set, &cap.out), ST_OK);
		check_invariants();
		for (uint32_t i = 0; i < set.count; i++) {
			int want = -1;
			for (size_t k = 0; k < in.naff && want < 0; k++)
				if (aff[k].base <= set.p[i].base && set.p[i].base < aff[k].end)
					want = (int)aff[k].pxm;
			assert_int_equal(set.p[i].pxm, want);
		}
	}
}

/* SP memory of the map, whatever kind it became: loader and boot-services types with the SP
 * attribute are SP (as in Linux), a loader block carrying it is SP memory too; nosoftreserve
 * makes it ordinary RAM. */
static void test_map_overlaps_sp(void **state)
{
	(void)state;
	put(EFI_CONVENTIONAL_MEMORY, 0x0, 0x100000, WB);
	put(EFI_BOOT_SERVICES_DATA, 0x100000, 0x10000, SPA);
	put(EFI_LOADER_CODE, 0x110000, 0x10000, SPA);
	put(EFI_CONVENTIONAL_MEMORY, 0x120000, 0xe0000, SPA);
	put(SPMK_MEM_PAGETABLE, 0x200000, 0x4000, SPA);
	put(SPMK_MEM_KERNEL, 0x300000, 0x4000, WB);
	assert_int_equal(memmap_normalize(raw, nraw * 48, 48, &opts, &map, &cap.out), ST_OK);
	assert_int_equal(memmap_pages_of(&map, MEM_SP), 0x100);
	assert_false(sp_map_overlaps(&map, 0x0, 0x100000));
	assert_true(sp_map_overlaps(&map, 0xff000, 0x101000));  /* boot-services data + SP */
	assert_true(sp_map_overlaps(&map, 0x118000, 0x119000)); /* loader code + SP */
	assert_true(sp_map_overlaps(&map, 0x1ff000, 0x200000));
	assert_true(sp_map_overlaps(&map, 0x203000, 0x204000)); /* a loader block in SP */
	assert_false(sp_map_overlaps(&map, 0x204000, 0x300000));
	assert_false(sp_map_overlaps(&map, 0x300000, 0x304000));
	opts.nosoftreserve = true;
	assert_int_equal(memmap_normalize(raw, nraw * 48, 48, &opts, &map, &cap.out), ST_OK);
	assert_false(sp_map_overlaps(&map, 0x0, 0x200000));
}

TEST_MAIN(cmocka_unit_test_setup(test_sp_spanning_two_domains, reset),
	  cmocka_unit_test_setup(test_sp_without_hmat, reset),
	  cmocka_unit_test_setup(test_sp_warning_names_true_cause, reset),
	  cmocka_unit_test_setup(test_hmat_for_one_domain, reset),
	  cmocka_unit_test_setup(test_nohmat_device, reset),
	  cmocka_unit_test_setup(test_adjacent_sp_different_types, reset),
	  cmocka_unit_test_setup(test_nosoftreserve, reset),
	  cmocka_unit_test_setup(test_sp_not_covered_by_srat, reset),
	  cmocka_unit_test_setup(test_unaligned_pieces, reset),
	  cmocka_unit_test_setup(test_srat_odd_entries, reset),
	  cmocka_unit_test_setup(test_too_many_pieces_and_bad_args, reset),
	  cmocka_unit_test_setup(test_print, reset), cmocka_unit_test_setup(test_random, reset),
	  cmocka_unit_test_setup(test_map_overlaps_sp, reset))
