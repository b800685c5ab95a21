/* SPDX-License-Identifier: BSD-2-Clause */
/* test_vm.c - host tests of mm/vm: the real page-table code over a malloc'd arena.
 *
 * Physical address = offset in the arena; tables come from a free list over the arena with an
 * optional allocation limit (to inject ST_NOMEM). Entries are checked bit by bit by walking
 * the arena directly, not through vm_translate. A randomized test compares map/unmap/protect
 * with a page-granular reference model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/vm.h"
#include "test_main.h"
#include "xorshift.h"

#define ARENA_PAGES 8192

struct arena {
	uint8_t *mem;
	uint32_t free_list[ARENA_PAGES];
	size_t nfree;
	size_t allocated;
	long budget; /* allocations still allowed; < 0: unlimited */
	size_t flush_pages, flush_alls;
	size_t syncs, pages_at_sync,
		alls_at_sync; /* flush_sync calls; the counts at the last one */
	uint64_t last_flush;
	struct {
		uint64_t va, npages;
	} round[8]; /* the first flush_sync calls' batches */
	/* When set: called once from the next flush_page, in the middle of a batch (another
	 * CPU's whole unmap landing between this call's first flush and its round). */
	void (*interleave)(struct arena *a);
	struct vm_space *space;
};

static status_t arena_alloc(void *ctx, paddr_t *phys)
{
	struct arena *a = ctx;
	if (a->budget == 0 || a->nfree == 0)
		return ST_NOMEM;
	if (a->budget > 0)
		a->budget--;
	uint32_t page = a->free_list[--a->nfree];
	memset(a->mem + (uint64_t)page * PAGE_SIZE, 0xa5, PAGE_SIZE); /* junk: vm must zero */
	*phys = pa_of((uint64_t)page * PAGE_SIZE);
	a->allocated++;
	return ST_OK;
}

static void arena_free(void *ctx, paddr_t phys)
{
	struct arena *a = ctx;
	assert_true(phys.v % PAGE_SIZE == 0 && phys.v / PAGE_SIZE < ARENA_PAGES);
	assert_true(a->allocated > 0);
	a->free_list[a->nfree++] = (uint32_t)(phys.v / PAGE_SIZE);
	a->allocated--;
}

static void *arena_virt(void *ctx, paddr_t phys)
{
	struct arena *a = ctx;
	assert_true(phys.v < (uint64_t)ARENA_PAGES * PAGE_SIZE);
	return a->mem + phys.v;
}

static void arena_flush_page(void *ctx, uint64_t va)
{
	struct arena *a = ctx;
	a->flush_pages++;
	a->last_flush = va;
	void (*interleave)(struct arena *) = a->interleave;
	a->interleave = NULL;
	if (interleave)
		interleave(a);
}

static void arena_flush_all(void *ctx) { ((struct arena *)ctx)->flush_alls++; }

/* The other CPUs' round: must come after this batch's local flushes. */
static void arena_flush_sync(void *ctx, uint64_t va, uint64_t npages)
{
	struct arena *a = ctx;
	if (a->syncs < 8)
		a->round[a->syncs] = (typeof(a->round[0])){ va, npages };
	a->syncs++;
	a->pages_at_sync = a->flush_pages;
	a->alls_at_sync = a->flush_alls;
}

struct fixture {
	struct arena a;
	struct vm_ops ops;
	struct vm_space s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->a.mem = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	for (uint32_t i = 0; i < ARENA_PAGES; i++)
		f->a.free_list[f->a.nfree++] = ARENA_PAGES - 1 - i;
	f->a.budget = -1;
	f->ops = (struct vm_ops){
		.alloc_table = arena_alloc,
		.free_table = arena_free,
		.phys_to_virt = arena_virt,
		.flush_page = arena_flush_page,
		.flush_all = arena_flush_all,
		.ctx = &f->a,
		.flush_sync = arena_flush_sync,
	};
	assert_int_equal(vm_space_init(&f->s, &f->ops), ST_OK);
	f->a.space = &f->s;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vm_space_destroy(&f->s);
	assert_int_equal(f->a.allocated, 0); /* destroy frees every table */
	free(f->a.mem);
	free(f);
	return 0;
}

/* Reads the entry for va at `level` (4 = PML4) by walking the arena; 0 if the path is absent. */
static uint64_t entry_at(struct fixture *f, uint64_t va, int level)
{
	uint64_t phys = f->s.pml4_phys.v;
	for (int l = 4;; l--) {
		uint64_t *t = (uint64_t *)(f->a.mem + phys);
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];
		if (l == level)
			return e;
		if (!(e & VM_PTE_P) || (e & VM_PTE_PS))
			return 0;
		phys = e & VM_PTE_ADDR;
	}
}

static int count_present(struct fixture *f, uint64_t table_phys)
{
	uint64_t *t = (uint64_t *)(f->a.mem + table_phys);
	int n = 0;
	for (int i = 0; i < 512; i++)
		n += (t[i] & VM_PTE_P) != 0;
	return n;
}

#define VA0 0xffffc00000000000ull
#define PA0 0x0000004000000000ull /* 256 GiB: 1 GiB aligned */

static void test_map_4k_bits(void **state)
{
	struct fixture *f = *state;
	uint64_t va = VA0 + 0x5000, pa = 0x123456000ull;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(pa), PAGE_SIZE, VM_WRITE, VM_PAGE_1G),
			 ST_OK);
	for (int l = 4; l >= 2; l--) {
		uint64_t e = entry_at(f, va, l);
		assert_true(e & VM_PTE_P);
		assert_true(e & VM_PTE_RW);
		assert_false(e & VM_PTE_PS);
		assert_false(e & VM_PTE_NX); /* intermediate entries are permissive */
		assert_false(e & VM_PTE_US);
	}
	uint64_t pte = entry_at(f, va, 1);
	assert_int_equal(pte & VM_PTE_ADDR, pa);
	assert_true(pte & VM_PTE_P);
	assert_true(pte & VM_PTE_RW);
	assert_true(pte & VM_PTE_NX);
	assert_false(pte & (VM_PTE_PS | VM_PTE_G | VM_PTE_PCD | VM_PTE_PWT | VM_PTE_US));
	assert_int_equal(vm_count_tables(&f->s), 4);
	assert_int_equal(f->a.allocated, 4);

	paddr_t got_pa;
	uint64_t ps;
	unsigned flags;
	assert_int_equal(vm_translate(&f->s, va_of(va + 0x123), &got_pa, &flags, &ps), ST_OK);
	assert_int_equal(got_pa.v, pa + 0x123);
	assert_int_equal(flags, VM_WRITE);
	assert_int_equal(ps, VM_PAGE_4K);
	assert_int_equal(vm_translate(&f->s, va_of(va + PAGE_SIZE), NULL, NULL, NULL), ST_NOTFOUND);
	assert_int_equal(vm_translate(&f->s, va_of(va - 1), NULL, NULL, NULL), ST_NOTFOUND);
}

static void test_pte_4k_lookup(void **state)
{
	struct fixture *f = *state;
	uint64_t va = VA0 + 0x7000, pa = 0x200000000ull;
	assert_null(vm_pte_4k(&f->s, va_of(va))); /* no table yet */
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(pa), PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	uint64_t *pte = vm_pte_4k(&f->s, va_of(va));
	assert_non_null(pte);
	assert_int_equal(*pte, entry_at(f, va, 1));
	assert_int_equal(*pte & VM_PTE_ADDR, pa);
	uint64_t *hole = vm_pte_4k(&f->s, va_of(va + PAGE_SIZE)); /* same table, not present */
	assert_ptr_equal(hole, pte + 1);
	assert_false(*hole & VM_PTE_P);
	uint64_t big = VA0 + VM_PAGE_1G;
	assert_int_equal(
		vm_map(&f->s, va_of(big), pa_of(0x40000000ull), VM_PAGE_2M, VM_WRITE, VM_PAGE_2M),
		ST_OK);
	assert_null(vm_pte_4k(&f->s, va_of(big + PAGE_SIZE)));       /* inside a 2 MiB page */
	assert_null(vm_pte_4k(&f->s, va_of(0x0000800000000000ull))); /* not canonical */
}

static void test_map_flags_bits(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), PAGE_SIZE,
				VM_EXEC | VM_GLOBAL | VM_UNCACHED, VM_PAGE_4K),
			 ST_OK);
	uint64_t pte = entry_at(f, VA0, 1);
	assert_false(pte & VM_PTE_NX);
	assert_false(pte & VM_PTE_RW);
	assert_true(pte & VM_PTE_G);
	assert_true(pte & VM_PTE_PCD);
	assert_true(pte & VM_PTE_PWT);
	unsigned flags;
	assert_int_equal(vm_translate(&f->s, va_of(VA0), NULL, &flags, NULL), ST_OK);
	assert_int_equal(flags, VM_EXEC | VM_GLOBAL | VM_UNCACHED);
}

static void test_map_large_pages(void **state)
{
	struct fixture *f = *state;
	/* 1 GiB + 2 MiB + 4 KiB at 1 GiB aligned va and pa: one leaf of each size. */
	uint64_t size = SIZE_1G + SIZE_2M + PAGE_SIZE;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), size, VM_WRITE, VM_PAGE_1G), ST_OK);
	uint64_t e1g = entry_at(f, VA0, 3);
	assert_true(e1g & VM_PTE_PS);
	assert_true(e1g & VM_PTE_P);
	assert_true(e1g & VM_PTE_NX);
	assert_int_equal(e1g & VM_PTE_ADDR, PA0);
	uint64_t e2m = entry_at(f, VA0 + SIZE_1G, 2);
	assert_true(e2m & VM_PTE_PS);
	assert_int_equal(e2m & VM_PTE_ADDR, PA0 + SIZE_1G);
	uint64_t pde_next = entry_at(f, VA0 + SIZE_1G + SIZE_2M, 2);
	assert_false(pde_next & VM_PTE_PS); /* points to a PT */
	uint64_t pte = entry_at(f, VA0 + SIZE_1G + SIZE_2M, 1);
	assert_false(pte & VM_PTE_PS);
	assert_int_equal(pte & VM_PTE_ADDR, PA0 + SIZE_1G + SIZE_2M);
	assert_int_equal(vm_count_tables(&f->s), 4); /* PML4, PDPT, PD, PT */
	uint64_t ps;
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + 12345), NULL, NULL, &ps), ST_OK);
	assert_int_equal(ps, VM_PAGE_1G);
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + SIZE_1G + 5), NULL, NULL, &ps), ST_OK);
	assert_int_equal(ps, VM_PAGE_2M);
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + size), NULL, NULL, NULL), ST_NOTFOUND);
}

static void test_map_max_page_and_alignment(void **state)
{
	struct fixture *f = *state;
	/* max_page 2 MiB over 1 GiB: a full PD of 2 MiB leaves. */
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, 0, VM_PAGE_2M), ST_OK);
	uint64_t pdpte = entry_at(f, VA0, 3);
	assert_false(pdpte & VM_PTE_PS);
	assert_int_equal(count_present(f, pdpte & VM_PTE_ADDR), 512);
	assert_true(entry_at(f, VA0 + 7 * SIZE_2M, 2) & VM_PTE_PS);
	/* va 2 MiB aligned but pa only 4 KiB aligned: 4 KiB pages only. */
	uint64_t va = VA0 + 4 * SIZE_1G;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0 + PAGE_SIZE), SIZE_2M, 0, VM_PAGE_1G),
			 ST_OK);
	uint64_t pde = entry_at(f, va, 2);
	assert_false(pde & VM_PTE_PS);
	assert_int_equal(count_present(f, pde & VM_PTE_ADDR), 512);
	/* pa 2 MiB aligned, va offset by 4 KiB: 4 KiB pages as well. */
	uint64_t ps;
	va = VA0 + 8 * SIZE_1G + PAGE_SIZE;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0), SIZE_2M, 0, VM_PAGE_1G), ST_OK);
	assert_int_equal(vm_translate(&f->s, va_of(va), NULL, NULL, &ps), ST_OK);
	assert_int_equal(ps, VM_PAGE_4K);
	/* max_page 4 KiB over 2 MiB aligned memory. */
	va = VA0 + 12 * SIZE_1G;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0), SIZE_2M, 0, VM_PAGE_4K), ST_OK);
	assert_int_equal(vm_translate(&f->s, va_of(va + SIZE_2M - 1), NULL, NULL, &ps), ST_OK);
	assert_int_equal(ps, VM_PAGE_4K);
}

/* Snapshot of everything the vm code may touch: the arena and the allocator. */
struct snap {
	uint8_t *mem;
	size_t allocated, nfree;
};

static void snap_take(struct fixture *f, struct snap *s)
{
	s->mem = malloc((size_t)ARENA_PAGES * PAGE_SIZE);
	memcpy(s->mem, f->a.mem, (size_t)ARENA_PAGES * PAGE_SIZE);
	s->allocated = f->a.allocated;
	s->nfree = f->a.nfree;
}

static void snap_same(struct fixture *f, struct snap *s)
{
	assert_int_equal(f->a.allocated, s->allocated);
	assert_int_equal(f->a.nfree, s->nfree);
	/* Only pages in use as tables matter; free pages may hold junk. */
	static bool is_free[ARENA_PAGES];
	memset(is_free, 0, sizeof is_free);
	for (size_t j = 0; j < f->a.nfree; j++)
		is_free[f->a.free_list[j]] = true;
	for (size_t i = 0; i < ARENA_PAGES; i++)
		if (!is_free[i])
			assert_memory_equal(f->a.mem + i * PAGE_SIZE, s->mem + i * PAGE_SIZE,
					    PAGE_SIZE);
	free(s->mem);
}

static void test_map_errors(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 4 * SIZE_2M, VM_WRITE, VM_PAGE_2M),
			 ST_OK);
	assert_int_equal(vm_map(&f->s, va_of(VA0 + SIZE_1G), pa_of(PA0), PAGE_SIZE, 0, VM_PAGE_4K),
			 ST_OK);
	struct snap s;
	snap_take(f, &s);
	uint64_t v = VA0 + 3 * SIZE_1G;
	assert_int_equal(vm_map(&f->s, va_of(v + 1), pa_of(PA0), PAGE_SIZE, 0, VM_PAGE_4K),
			 ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0 + 8), PAGE_SIZE, 0, VM_PAGE_4K),
			 ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0), 100, 0, VM_PAGE_4K), ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0), 0, 0, VM_PAGE_4K), ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0), PAGE_SIZE, 1u << 9, VM_PAGE_4K),
			 ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0), PAGE_SIZE, 0, 8192), ST_INVALID);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(PA0), PAGE_SIZE, 0, 0), ST_INVALID);
	/* non-canonical, crossing the hole, wrapping, physical limit */
	assert_int_equal(
		vm_map(&f->s, va_of(0x0000800000000000ull), pa_of(PA0), PAGE_SIZE, 0, VM_PAGE_4K),
		ST_RANGE);
	assert_int_equal(vm_map(&f->s, va_of(0x00007ffffffff000ull), pa_of(PA0), 2 * PAGE_SIZE, 0,
				VM_PAGE_4K),
			 ST_RANGE);
	assert_int_equal(vm_map(&f->s, va_of(0xfffffffffffff000ull), pa_of(PA0), 2 * PAGE_SIZE, 0,
				VM_PAGE_4K),
			 ST_RANGE);
	assert_int_equal(vm_map(&f->s, va_of(v), pa_of(VM_PHYS_LIMIT - PAGE_SIZE), 2 * PAGE_SIZE, 0,
				VM_PAGE_4K),
			 ST_RANGE);
	assert_int_equal(
		vm_map(&f->s, va_of(v), pa_of(0xfffffffffffff000ull), 2 * PAGE_SIZE, 0, VM_PAGE_4K),
		ST_RANGE);
	/* overlaps: exact, partial at either end, inside a 2 MiB leaf, over a 4 KiB leaf */
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 4 * SIZE_2M, 0, VM_PAGE_2M),
			 ST_EXISTS);
	assert_int_equal(
		vm_map(&f->s, va_of(VA0 - PAGE_SIZE), pa_of(PA0), 2 * PAGE_SIZE, 0, VM_PAGE_4K),
		ST_EXISTS);
	assert_int_equal(vm_map(&f->s, va_of(VA0 + 4 * SIZE_2M - PAGE_SIZE), pa_of(PA0),
				2 * PAGE_SIZE, 0, VM_PAGE_4K),
			 ST_EXISTS);
	assert_int_equal(
		vm_map(&f->s, va_of(VA0 + SIZE_2M + 0x3000), pa_of(PA0), PAGE_SIZE, 0, VM_PAGE_4K),
		ST_EXISTS);
	assert_int_equal(vm_map(&f->s, va_of(VA0 + SIZE_1G), pa_of(PA0), SIZE_1G, 0, VM_PAGE_1G),
			 ST_EXISTS);
	/* a large map whose last page overlaps: nothing of the first part stays */
	assert_int_equal(
		vm_map(&f->s, va_of(VA0 - SIZE_1G), pa_of(PA0), SIZE_1G + PAGE_SIZE, 0, VM_PAGE_1G),
		ST_EXISTS);
	snap_same(f, &s);
}

static void test_map_oom_rolls_back(void **state)
{
	struct fixture *f = *state;
	/* Spans two PML4 slots and needs 4 KiB pages at both ends: many tables. */
	uint64_t va = 0xffffc07fffe00000ull + PAGE_SIZE; /* ends past a 512 GiB boundary */
	uint64_t size = 4 * SIZE_1G;
	/* an unrelated mapping sharing the first PDPT must survive every failure */
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), PAGE_SIZE, 0, VM_PAGE_4K), ST_OK);
	size_t base = f->a.allocated;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0 + PAGE_SIZE), size, 0, VM_PAGE_1G),
			 ST_OK);
	size_t need_total = f->a.allocated - base;
	assert_int_equal(vm_unmap(&f->s, va_of(va), size), ST_OK);
	assert_int_equal(f->a.allocated, base);
	assert_true(need_total >= 8);
	for (long budget = 0; budget < (long)need_total; budget++) {
		struct snap s;
		snap_take(f, &s);
		f->a.budget = budget;
		assert_int_equal(
			vm_map(&f->s, va_of(va), pa_of(PA0 + PAGE_SIZE), size, 0, VM_PAGE_1G),
			ST_NOMEM);
		f->a.budget = -1;
		snap_same(f, &s);
	}
	f->a.budget = (long)need_total;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0 + PAGE_SIZE), size, 0, VM_PAGE_1G),
			 ST_OK);
	assert_int_equal(f->a.budget, 0);
	f->a.budget = -1;
}

static void expect_map(struct fixture *f, uint64_t va, uint64_t pa, uint64_t ps)
{
	paddr_t got_pa;
	uint64_t got_ps;
	assert_int_equal(vm_translate(&f->s, va_of(va), &got_pa, NULL, &got_ps), ST_OK);
	assert_int_equal(got_pa.v, pa);
	assert_int_equal(got_ps, ps);
}

static void test_unmap_splits_1g(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(
		vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, VM_WRITE | VM_GLOBAL, VM_PAGE_1G),
		ST_OK);
	assert_int_equal(vm_count_tables(&f->s), 2);
	uint64_t hole = VA0 + 5 * SIZE_2M + 3 * PAGE_SIZE;
	f->a.flush_pages = 0;
	assert_int_equal(vm_unmap(&f->s, va_of(hole), PAGE_SIZE), ST_OK);
	assert_true(f->a.flush_pages >= 1);
	assert_int_equal(vm_count_tables(&f->s), 4); /* PD and one PT added */
	assert_int_equal(vm_translate(&f->s, va_of(hole), NULL, NULL, NULL), ST_NOTFOUND);
	expect_map(f, hole - PAGE_SIZE, PA0 + 5 * SIZE_2M + 2 * PAGE_SIZE, VM_PAGE_4K);
	expect_map(f, hole + PAGE_SIZE, PA0 + 5 * SIZE_2M + 4 * PAGE_SIZE, VM_PAGE_4K);
	expect_map(f, VA0, PA0, VM_PAGE_2M);
	expect_map(f, VA0 + SIZE_1G - 1, PA0 + SIZE_1G - 1, VM_PAGE_2M);
	/* attributes survive the split, bit by bit */
	uint64_t pte = entry_at(f, hole + PAGE_SIZE, 1);
	assert_true(pte & VM_PTE_RW);
	assert_true(pte & VM_PTE_G);
	assert_true(pte & VM_PTE_NX);
	assert_false(pte & VM_PTE_PS);
	uint64_t pde = entry_at(f, VA0, 2);
	assert_true(pde & VM_PTE_PS);
	assert_true(pde & VM_PTE_G);
	assert_int_equal(count_present(f, entry_at(f, VA0, 3) & VM_PTE_ADDR), 512);
	assert_int_equal(count_present(f, entry_at(f, hole, 2) & VM_PTE_ADDR), 511);
	/* unmapping the rest frees every table but the PML4 */
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), SIZE_1G), ST_OK);
	assert_int_equal(vm_count_tables(&f->s), 1);
	assert_int_equal(f->a.allocated, 1);
	assert_int_equal(count_present(f, f->s.pml4_phys.v), 0);
}

static void test_unmap_splits_2m_both_edges(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 2 * SIZE_2M, 0, VM_PAGE_2M), ST_OK);
	/* unmap [1 MiB, 3 MiB): each 2 MiB page loses half */
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + MiB), SIZE_2M), ST_OK);
	expect_map(f, VA0, PA0, VM_PAGE_4K);
	expect_map(f, VA0 + MiB - PAGE_SIZE, PA0 + MiB - PAGE_SIZE, VM_PAGE_4K);
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + MiB), NULL, NULL, NULL), ST_NOTFOUND);
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + 3 * MiB - PAGE_SIZE), NULL, NULL, NULL),
			 ST_NOTFOUND);
	expect_map(f, VA0 + 3 * MiB, PA0 + 3 * MiB, VM_PAGE_4K);
	assert_int_equal(vm_count_tables(&f->s), 5);
	/* a range with holes is fine; unmapping nothing is fine */
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 - SIZE_1G), 4 * SIZE_1G), ST_OK);
	assert_int_equal(vm_count_tables(&f->s), 1);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), PAGE_SIZE), ST_OK);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 1), PAGE_SIZE), ST_INVALID);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), 0), ST_INVALID);
	assert_int_equal(vm_unmap(&f->s, va_of(0x0000800000000000ull), PAGE_SIZE), ST_RANGE);
}

static void test_unmap_middle_of_1g_two_2m(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, 0, VM_PAGE_1G), ST_OK);
	/* both edges inside the same 1 GiB page, in different 2 MiB pages: 1 PD + 2 PTs */
	uint64_t lo = VA0 + SIZE_2M + PAGE_SIZE, size = 3 * SIZE_2M;
	assert_int_equal(vm_unmap(&f->s, va_of(lo), size), ST_OK);
	assert_int_equal(vm_count_tables(&f->s), 5);
	expect_map(f, lo - PAGE_SIZE, PA0 + SIZE_2M, VM_PAGE_4K);
	expect_map(f, lo + size, PA0 + SIZE_2M + PAGE_SIZE + size, VM_PAGE_4K);
	expect_map(f, VA0 + 10 * SIZE_2M, PA0 + 10 * SIZE_2M, VM_PAGE_2M);
	for (uint64_t o = 0; o < size; o += PAGE_SIZE)
		assert_int_equal(vm_translate(&f->s, va_of(lo + o), NULL, NULL, NULL), ST_NOTFOUND);
}

static void test_unmap_oom_on_split(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, 0, VM_PAGE_1G), ST_OK);
	for (long budget = 0; budget < 2; budget++) {
		struct snap s;
		snap_take(f, &s);
		f->a.budget = budget;
		assert_int_equal(vm_unmap(&f->s, va_of(VA0 + PAGE_SIZE), PAGE_SIZE), ST_NOMEM);
		assert_int_equal(vm_protect(&f->s, va_of(VA0 + PAGE_SIZE), PAGE_SIZE, 0), ST_NOMEM);
		f->a.budget = -1;
		snap_same(f, &s);
	}
	expect_map(f, VA0 + PAGE_SIZE, PA0 + PAGE_SIZE, VM_PAGE_1G);
}

static void test_unmap_flush(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 8 * PAGE_SIZE, 0, VM_PAGE_4K),
			 ST_OK);
	f->a.flush_pages = f->a.flush_alls = 0;
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 2 * PAGE_SIZE), PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.flush_pages, 1);
	assert_int_equal(f->a.last_flush, VA0 + 2 * PAGE_SIZE);
	assert_int_equal(f->a.flush_alls, 0);
	/* many pages: a full flush at the end */
	assert_int_equal(
		vm_map(&f->s, va_of(VA0 + SIZE_1G), pa_of(PA0), 100 * PAGE_SIZE, 0, VM_PAGE_4K),
		ST_OK);
	f->a.flush_pages = f->a.flush_alls = 0;
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + SIZE_1G), 100 * PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.flush_alls, 1);
	assert_true(f->a.flush_pages <= VM_FLUSH_PAGES_MAX);
	/* one 1 GiB leaf: one flush of its base */
	assert_int_equal(
		vm_map(&f->s, va_of(VA0 + 4 * SIZE_1G), pa_of(PA0), SIZE_1G, 0, VM_PAGE_1G), ST_OK);
	f->a.flush_pages = f->a.flush_alls = 0;
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 4 * SIZE_1G), SIZE_1G), ST_OK);
	assert_true(f->a.flush_pages >= 1);
	assert_int_equal(f->a.flush_alls, 0);
}

/* One other-CPU round per call that changed something, after its local flushes; none for a
 * call that changed nothing. */
static void test_flush_sync_once_per_batch(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(
		vm_map(&f->s, va_of(VA0), pa_of(PA0), 100 * PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
		ST_OK);
	assert_int_equal(f->a.syncs, 0); /* new mappings need no flush */
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), 3 * PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.syncs, 1);
	assert_int_equal(f->a.pages_at_sync, f->a.flush_pages);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 10 * PAGE_SIZE), 80 * PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.syncs, 2);
	assert_int_equal(f->a.alls_at_sync, f->a.flush_alls);
	assert_int_equal(vm_protect(&f->s, va_of(VA0 + 95 * PAGE_SIZE), 2 * PAGE_SIZE, 0), ST_OK);
	assert_int_equal(f->a.syncs, 3);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + SIZE_1G), PAGE_SIZE), ST_OK); /* a hole */
	assert_int_equal(f->a.syncs, 3);
}

/* Whether a round for (va, npages) invalidates [lo, lo + n pages): npages 0 = everything. */
static bool round_covers(uint64_t va, uint64_t npages, uint64_t lo, uint64_t n)
{
	return npages == 0 || (lo >= va && lo + n * PAGE_SIZE <= va + npages * PAGE_SIZE);
}

#define VA_OTHER (VA0 + 512 * SIZE_1G) /* another PML4 entry: no table shared with VA0 */

static void unmap_other(struct arena *a)
{
	assert_int_equal(vm_unmap(a->space, va_of(VA_OTHER + 7 * PAGE_SIZE), PAGE_SIZE), ST_OK);
}

/* Each call's round names its own pages, even when another call's whole unmap (another CPU,
 * under another lock) lands between the first call's flushes and its round: one batch
 * shared by both would be reset by the inner round, and the outer round would miss its first
 * pages (or name the other's), leaving a stale translation on the other CPUs. */
static void test_flush_sync_batches_never_shared(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 8 * PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	assert_int_equal(
		vm_map(&f->s, va_of(VA_OTHER), pa_of(PA0), 8 * PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
		ST_OK);
	f->a.interleave = unmap_other;
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 2 * PAGE_SIZE), 4 * PAGE_SIZE), ST_OK);
	assert_null(f->a.interleave); /* the inner unmap ran */
	assert_int_equal(f->a.syncs, 2);
	/* the inner call's round first: exactly its page */
	assert_int_equal(f->a.round[0].va, VA_OTHER + 7 * PAGE_SIZE);
	assert_int_equal(f->a.round[0].npages, 1);
	/* then the outer call's: all four of its pages, and only its own span */
	assert_true(round_covers(f->a.round[1].va, f->a.round[1].npages, VA0 + 2 * PAGE_SIZE, 4));
	assert_int_equal(f->a.round[1].va, VA0 + 2 * PAGE_SIZE);
	assert_int_equal(f->a.round[1].npages, 4);
}

/* A batch past VM_FLUSH_PAGES_MAX pages, or spanning more, asks for everything (npages 0). */
static void test_flush_sync_names_span(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(
		vm_map(&f->s, va_of(VA0), pa_of(PA0), 100 * PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
		ST_OK);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 5 * PAGE_SIZE), 3 * PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.round[0].va, VA0 + 5 * PAGE_SIZE);
	assert_int_equal(f->a.round[0].npages, 3);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 10 * PAGE_SIZE), 40 * PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.round[1].npages, 0);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), PAGE_SIZE), ST_OK);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0 + 99 * PAGE_SIZE), PAGE_SIZE), ST_OK);
	assert_int_equal(f->a.round[2].va, VA0);
	assert_int_equal(f->a.round[2].npages, 1);
	assert_int_equal(f->a.round[3].va, VA0 + 99 * PAGE_SIZE);
	assert_int_equal(f->a.round[3].npages, 1);
}

static void test_protect(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_2M, VM_WRITE, VM_PAGE_2M),
			 ST_OK);
	f->a.flush_pages = 0;
	assert_int_equal(vm_protect(&f->s, va_of(VA0 + PAGE_SIZE), PAGE_SIZE, VM_EXEC), ST_OK);
	assert_true(f->a.flush_pages >= 1);
	uint64_t pte = entry_at(f, VA0 + PAGE_SIZE, 1);
	assert_false(pte & VM_PTE_RW);
	assert_false(pte & VM_PTE_NX);
	assert_int_equal(pte & VM_PTE_ADDR, PA0 + PAGE_SIZE);
	pte = entry_at(f, VA0, 1);
	assert_true(pte & VM_PTE_RW);
	assert_true(pte & VM_PTE_NX);
	unsigned flags;
	assert_int_equal(vm_translate(&f->s, va_of(VA0 + 2 * PAGE_SIZE), NULL, &flags, NULL),
			 ST_OK);
	assert_int_equal(flags, VM_WRITE);
	/* holes and bad flags refused with nothing changed */
	struct snap s;
	snap_take(f, &s);
	assert_int_equal(vm_protect(&f->s, va_of(VA0), SIZE_2M + PAGE_SIZE, 0), ST_NOTFOUND);
	assert_int_equal(vm_protect(&f->s, va_of(VA0), PAGE_SIZE, 0x100), ST_INVALID);
	snap_same(f, &s);
	/* protecting a whole large page keeps it large */
	assert_int_equal(vm_map(&f->s, va_of(VA0 + SIZE_1G), pa_of(PA0), SIZE_1G, 0, VM_PAGE_1G),
			 ST_OK);
	assert_int_equal(vm_protect(&f->s, va_of(VA0 + SIZE_1G), SIZE_1G, VM_WRITE | VM_GLOBAL),
			 ST_OK);
	uint64_t e = entry_at(f, VA0 + SIZE_1G, 3);
	assert_true(e & VM_PTE_PS);
	assert_true(e & VM_PTE_G);
	assert_true(e & VM_PTE_RW);
	assert_int_equal(e & VM_PTE_ADDR, PA0);
}

static void test_existing_empty_table_is_used(void **state)
{
	struct fixture *f = *state;
	/* Build PML4 -> PDPT -> PD -> empty PT by hand (as a loader might leave it). */
	paddr_t t[3];
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(arena_alloc(&f->a, &t[i]), ST_OK);
	uint64_t pdpt = t[0].v, pd = t[1].v, pt = t[2].v;
	memset(f->a.mem + pdpt, 0, PAGE_SIZE);
	memset(f->a.mem + pd, 0, PAGE_SIZE);
	memset(f->a.mem + pt, 0, PAGE_SIZE);
	uint64_t *pml4 = (uint64_t *)(f->a.mem + f->s.pml4_phys.v);
	pml4[(VA0 >> 39) & 511] = pdpt | VM_PTE_P | VM_PTE_RW;
	((uint64_t *)(f->a.mem + pdpt))[(VA0 >> 30) & 511] = pd | VM_PTE_P | VM_PTE_RW;
	((uint64_t *)(f->a.mem + pd))[(VA0 >> 21) & 511] = pt | VM_PTE_P | VM_PTE_RW;
	size_t before = f->a.allocated;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_2M, 0, VM_PAGE_2M), ST_OK);
	assert_int_equal(f->a.allocated, before);
	assert_int_equal(count_present(f, pt), 512);
	expect_map(f, VA0 + SIZE_2M - PAGE_SIZE, PA0 + SIZE_2M - PAGE_SIZE, VM_PAGE_4K);
}

static void test_top_of_address_space(void **state)
{
	struct fixture *f = *state;
	uint64_t va = 0xffffffffffe00000ull;
	assert_int_equal(vm_map(&f->s, va_of(va), pa_of(PA0), SIZE_2M, VM_WRITE, VM_PAGE_2M),
			 ST_OK);
	expect_map(f, 0xfffffffffffff000ull, PA0 + SIZE_2M - PAGE_SIZE, VM_PAGE_2M);
	assert_int_equal(vm_unmap(&f->s, va_of(0xfffffffffffff000ull), PAGE_SIZE), ST_OK);
	expect_map(f, 0xffffffffffffe000ull, PA0 + SIZE_2M - 2 * PAGE_SIZE, VM_PAGE_4K);
	assert_int_equal(vm_unmap(&f->s, va_of(va), SIZE_2M), ST_OK);
	assert_int_equal(vm_count_tables(&f->s), 1);
	assert_int_equal(vm_map(&f->s, va_of(0), pa_of(0), PAGE_SIZE, 0, VM_PAGE_4K), ST_OK);
	expect_map(f, 0, 0, VM_PAGE_4K);
}

/* ---- randomized comparison with a page-granular model over a 4 GiB window ---- */
#define MODEL_PAGES (4 * (SIZE_1G / PAGE_SIZE))

struct model_page {
	uint64_t pa; /* 0: unmapped (test pa's are never 0) */
	unsigned flags;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) { return xorshift64(&rng_state); }

static uint64_t rand_size(void)
{
	static const uint64_t units[] = { PAGE_SIZE, SIZE_2M, SIZE_1G };
	uint64_t u = units[rng() % 3];
	uint64_t n = 1 + rng() % (u == SIZE_1G ? 2 : 8);
	uint64_t size = u * n;
	if (rng() % 3 == 0)
		size += PAGE_SIZE * (rng() % 4);
	return size;
}

static uint64_t rand_base(uint64_t size)
{
	uint64_t max_pages = MODEL_PAGES - size / PAGE_SIZE;
	uint64_t p = rng() % (max_pages + 1);
	if (rng() % 2)
		p = ALIGN_DOWN(p, 512);
	if (rng() % 4 == 0)
		p = ALIGN_DOWN(p, 512 * 512);
	return p * PAGE_SIZE;
}

static void model_check_sample(struct fixture *f, struct model_page *m, int samples)
{
	for (int i = 0; i < samples; i++) {
		uint64_t p = samples == (int)MODEL_PAGES ? (uint64_t)i : rng() % MODEL_PAGES;
		paddr_t got_pa;
		unsigned flags;
		status_t st =
			vm_translate(&f->s, va_of(VA0 + p * PAGE_SIZE), &got_pa, &flags, NULL);
		if (!m[p].pa) {
			assert_int_equal(st, ST_NOTFOUND);
		} else {
			assert_int_equal(st, ST_OK);
			assert_int_equal(got_pa.v, m[p].pa);
			assert_int_equal(flags, m[p].flags);
		}
	}
}

static void test_random_against_model(void **state)
{
	struct fixture *f = *state;
	struct model_page *m = calloc(MODEL_PAGES, sizeof *m);
	for (int op = 0; op < 600; op++) {
		uint64_t size = rand_size();
		uint64_t off = rand_base(size);
		uint64_t p0 = off / PAGE_SIZE, n = size / PAGE_SIZE;
		unsigned kind = rng() % 3, flags = rng() % 16;
		if (kind == 0) {
			uint64_t pa = PA0 + off + (rng() % 2 ? 0 : PAGE_SIZE);
			bool overlap = false;
			for (uint64_t i = 0; i < n; i++)
				overlap |= m[p0 + i].pa != 0;
			status_t st =
				vm_map(&f->s, va_of(VA0 + off), pa_of(pa), size, flags, VM_PAGE_1G);
			assert_int_equal(st, overlap ? ST_EXISTS : ST_OK);
			for (uint64_t i = 0; !overlap && i < n; i++)
				m[p0 + i] = (struct model_page){ pa + i * PAGE_SIZE, flags };
		} else if (kind == 1) {
			assert_int_equal(vm_unmap(&f->s, va_of(VA0 + off), size), ST_OK);
			memset(&m[p0], 0, n * sizeof *m);
		} else {
			bool hole = false;
			for (uint64_t i = 0; i < n; i++)
				hole |= m[p0 + i].pa == 0;
			status_t st = vm_protect(&f->s, va_of(VA0 + off), size, flags);
			assert_int_equal(st, hole ? ST_NOTFOUND : ST_OK);
			for (uint64_t i = 0; !hole && i < n; i++)
				m[p0 + i].flags = flags;
		}
		assert_int_equal(vm_count_tables(&f->s), f->a.allocated);
		model_check_sample(f, m, 2000);
	}
	model_check_sample(f, m, (int)MODEL_PAGES);
	assert_int_equal(vm_unmap(&f->s, va_of(VA0), 4 * SIZE_1G), ST_OK);
	assert_int_equal(f->a.allocated, 1);
	free(m);
}

/* ---- vm_unmap_dirty: the dirty leaves of the removed range, as sorted merged runs ---- */
struct dirty_log {
	int n;
	uint64_t va[16], size[16];
	int flushes_at_report; /* flush_all + flush_page count when the first run was reported */
	struct fixture *f;
};

static void dirty_note(void *arg, vaddr_t va, uint64_t size)
{
	struct dirty_log *l = arg;
	assert_true(l->n < 16);
	if (l->n == 0)
		l->flushes_at_report = (int)(l->f->a.flush_pages + l->f->a.flush_alls);
	l->va[l->n] = va.v;
	l->size[l->n++] = size;
}

/* Sets D on the leaf holding va, as the processor does on a write (SDM Vol. 3A §4.8). */
static void set_dirty(struct fixture *f, uint64_t va)
{
	for (int level = 1; level <= 3; level++) {
		uint64_t e = entry_at(f, va, level);
		if ((e & VM_PTE_P) && (level == 1 || (e & VM_PTE_PS))) {
			uint64_t phys = f->s.pml4_phys.v;
			for (int l = 4; l > level; l--)
				phys = ((uint64_t *)(f->a.mem +
						     phys))[(va >> (12 + 9 * (l - 1))) & 511] &
				       VM_PTE_ADDR;
			((uint64_t *)(f->a.mem + phys))[(va >> (12 + 9 * (level - 1))) & 511] |=
				VM_PTE_D | VM_PTE_A;
			return;
		}
	}
	fail_msg("va 0x%llx not mapped", (unsigned long long)va);
}

static void test_unmap_dirty_reports_dirty_leaves(void **state)
{
	struct fixture *f = *state;
	struct dirty_log l = { .f = f };
	/* 1 GiB leaf, then 2 MiB leaves, then 4 KiB leaves */
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, VM_WRITE, VM_PAGE_1G),
			 ST_OK);
	assert_int_equal(vm_map(&f->s, va_of(VA0 + SIZE_1G), pa_of(PA0 + SIZE_1G), 8 * SIZE_2M,
				VM_WRITE, VM_PAGE_2M),
			 ST_OK);
	uint64_t v4 = VA0 + SIZE_1G + 8 * SIZE_2M;
	assert_int_equal(vm_map(&f->s, va_of(v4), pa_of(PA0 + SIZE_1G + 8 * SIZE_2M),
				16 * PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	set_dirty(f, VA0 + 12345);                 /* the 1 GiB leaf */
	set_dirty(f, VA0 + SIZE_1G + 7);           /* 2 MiB leaf 0, adjacent: merges with it */
	set_dirty(f, VA0 + SIZE_1G + 3 * SIZE_2M); /* 2 MiB leaf 3 */
	set_dirty(f, VA0 + SIZE_1G + 4 * SIZE_2M); /* 2 MiB leaf 4: merges with 3 */
	set_dirty(f, v4 + 5 * PAGE_SIZE);          /* one 4 KiB leaf */
	uint64_t total = SIZE_1G + 8 * SIZE_2M + 16 * PAGE_SIZE;
	f->a.flush_pages = f->a.flush_alls = 0;
	assert_int_equal(vm_unmap_dirty(&f->s, va_of(VA0), total, dirty_note, &l), ST_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.va[0], VA0);
	assert_int_equal(l.size[0], SIZE_1G + SIZE_2M);
	assert_int_equal(l.va[1], VA0 + SIZE_1G + 3 * SIZE_2M);
	assert_int_equal(l.size[1], 2 * SIZE_2M);
	assert_int_equal(l.va[2], v4 + 5 * PAGE_SIZE);
	assert_int_equal(l.size[2], PAGE_SIZE);
	assert_true(l.flushes_at_report > 0); /* reported only after the TLB flush */
	assert_int_equal(vm_count_tables(&f->s), 1);
}

static void test_unmap_dirty_split_edges(void **state)
{
	struct fixture *f = *state;
	struct dirty_log l = { .f = f };
	/* a dirty 1 GiB leaf unmapped in part: only the removed part is reported; the rest stays
	 * mapped and dirty (a later unmap reports it) */
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_1G, VM_WRITE, VM_PAGE_1G),
			 ST_OK);
	set_dirty(f, VA0);
	uint64_t cut = VA0 + 5 * SIZE_2M + 3 * PAGE_SIZE;
	assert_int_equal(vm_unmap_dirty(&f->s, va_of(cut), 2 * PAGE_SIZE, dirty_note, &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.va[0], cut);
	assert_int_equal(l.size[0], 2 * PAGE_SIZE);
	l.n = 0;
	assert_int_equal(vm_unmap_dirty(&f->s, va_of(VA0), SIZE_1G, dirty_note, &l), ST_OK);
	assert_int_equal(l.n, 2); /* around the hole */
	assert_int_equal(l.va[0], VA0);
	assert_int_equal(l.size[0], cut - VA0);
	assert_int_equal(l.va[1], cut + 2 * PAGE_SIZE);
	assert_int_equal(l.va[1] + l.size[1], VA0 + SIZE_1G);
	/* clean leaves report nothing; plain vm_unmap never calls back */
	l.n = 0;
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), SIZE_2M, VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	assert_int_equal(vm_unmap_dirty(&f->s, va_of(VA0), SIZE_2M, dirty_note, &l), ST_OK);
	assert_int_equal(l.n, 0);
}

/* A protection change keeps D in every leaf it rewrites, including the pieces of a large page
 * it splits at an edge: a later unmap still reports what was written before it. */
static void test_protect_keeps_dirty(void **state)
{
	struct fixture *f = *state;
	struct dirty_log l = { .f = f };
	assert_int_equal(vm_map(&f->s, va_of(VA0), pa_of(PA0), 4 * SIZE_2M, VM_WRITE, VM_PAGE_2M),
			 ST_OK);
	set_dirty(f, VA0 + SIZE_2M + 5 * PAGE_SIZE);
	/* read-only from the middle of the dirty 2 MiB leaf (split) to the end */
	assert_int_equal(vm_protect(&f->s, va_of(VA0 + SIZE_2M + 8 * PAGE_SIZE),
				    3 * SIZE_2M - 8 * PAGE_SIZE, 0),
			 ST_OK);
	assert_int_equal(vm_protect(&f->s, va_of(VA0), 4 * SIZE_2M, VM_WRITE), ST_OK);
	assert_int_equal(vm_unmap_dirty(&f->s, va_of(VA0), 4 * SIZE_2M, dirty_note, &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.va[0], VA0 + SIZE_2M); /* the whole old leaf: its pieces inherited D */
	assert_int_equal(l.size[0], SIZE_2M);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_map_4k_bits, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_flags_bits, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_large_pages, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_max_page_and_alignment, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_errors, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_oom_rolls_back, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_splits_1g, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_splits_2m_both_edges, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_middle_of_1g_two_2m, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_oom_on_split, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_flush, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_flush_sync_once_per_batch, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_flush_sync_batches_never_shared, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_flush_sync_names_span, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_protect, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_pte_4k_lookup, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_existing_empty_table_is_used, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_top_of_address_space, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_dirty_reports_dirty_leaves, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_unmap_dirty_split_edges, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_protect_keeps_dirty, setup, teardown))
