/* SPDX-License-Identifier: BSD-2-Clause */
/* test_paging.c - host tests of boot/paging.c: the loader's initial page tables with 1 GiB
 * and with 2 MiB direct-map pages, walked like the MMU would (Intel SDM vol. 3A §4.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/boot_info.h"
#include "boot/paging.h"
#include "lib/types.h"
#include "test_main.h"

#define P 0x1ull
#define PS 0x80ull
#define ADDR 0x000ffffffffff000ull

/* Physical address va maps to (pointers are physical here, as under UEFI), or ~0. */
static uint64_t walk(uint64_t pml4, uint64_t va, uint64_t *page)
{
	uint64_t *t = (uint64_t *)(uintptr_t)pml4;
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & P))
			return ~0ull;
		uint64_t size = 1ull << (12 + 9 * level);
		if (level == 0 || (level < 3 && (e & PS))) {
			*page = size;
			return (e & ADDR & ~(size - 1)) + (va & (size - 1));
		}
		t = (uint64_t *)(uintptr_t)(e & ADDR);
	}
	return ~0ull;
}

static void check_plan(bool page_1g, uint64_t dm_size, uint64_t want_page)
{
	struct paging_plan plan = { dm_size, KERNEL_VIRT_BASE + 0x100000, 0x2000000, 0x300000,
				    page_1g };
	size_t n = paging_pages_needed(&plan);
	void *pool = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);
	uint64_t pml4;
	assert_int_equal(paging_build(&plan, (uint64_t)(uintptr_t)pool, n, &pml4), ST_OK);
	uint64_t probes[] = { 0, SIZE_2M + 0x1234, SIZE_1G - 8, dm_size / 2 + 0x5000, dm_size - 8 };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		uint64_t page = 0;
		assert_int_equal(walk(pml4, probes[i], &page), probes[i]);
		assert_int_equal(page, want_page);
		assert_int_equal(walk(pml4, DIRECT_MAP_BASE + probes[i], &page), probes[i]);
		assert_int_equal(page, want_page);
	}
	uint64_t page = 0;
	assert_int_equal(walk(pml4, dm_size, &page), ~0ull);
	assert_int_equal(walk(pml4, plan.kvirt + 0x2345, &page), plan.kphys + 0x2345);
	assert_int_equal(page, PAGE_SIZE);
	/* a pool short of what paging_pages_needed promised fails cleanly */
	assert_int_equal(paging_build(&plan, (uint64_t)(uintptr_t)pool, n - 4, &pml4), ST_NOMEM);
	free(pool);
}

static void test_direct_map_1g_pages(void **state)
{
	(void)state;
	check_plan(true, 1025 * SIZE_1G, SIZE_1G); /* 513 GiB machine rounded up past 1 TiB */
}

static void test_direct_map_2m_pages(void **state)
{
	(void)state;
	check_plan(false, 8 * SIZE_1G, SIZE_2M);
}

static void test_1g_pages_need_no_page_directories(void **state)
{
	(void)state;
	struct paging_plan a = { PAGING_DM_MAX, KERNEL_VIRT_BASE, 0, PAGE_SIZE, true };
	struct paging_plan b = a;
	b.page_1g = false;
	/* 64 TiB: 128 PDPTs with 1 GiB pages; 65,536 more PDs (256 MiB) with 2 MiB pages */
	assert_int_equal(paging_pages_needed(&b) - paging_pages_needed(&a), 65536);
	assert_true(paging_pages_needed(&a) < 140);
}

TEST_MAIN(cmocka_unit_test(test_direct_map_1g_pages), cmocka_unit_test(test_direct_map_2m_pages),
	  cmocka_unit_test(test_1g_pages_need_no_page_directories))
