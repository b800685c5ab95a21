/* SPDX-License-Identifier: BSD-2-Clause */
/* paging.c - builds the loader's initial page tables (see paging.h).
 *
 * Tables are handed out sequentially from the pool; a table page is never freed. Physical
 * addresses equal pointers here because UEFI identity-maps all memory while boot services run. */
#include "boot/paging.h"

#include "boot/boot_info.h"
#include "lib/types.h"

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define DM_PML4_INDEX 256 /* PML4 index of DIRECT_MAP_BASE */

_Static_assert(((DIRECT_MAP_BASE >> 39) & 511) == DM_PML4_INDEX, "direct map PML4 slot");
_Static_assert(((DIRECT_MAP_BASE >> 30) & 511) == 0, "direct map starts a PDPT");

struct pt_pool {
	uint64_t base;
	size_t used, cap;
};

static uint64_t *pt_alloc(struct pt_pool *pool)
{
	if (pool->used == pool->cap)
		return NULL;
	uint64_t *t = (uint64_t *)(uintptr_t)(pool->base + pool->used * PAGE_SIZE);
	pool->used++;
	for (int i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

size_t paging_pages_needed(const struct paging_plan *p)
{
	uint64_t gib = p->dm_size / SIZE_1G;
	size_t n = 1;                /* PML4 */
	n += (gib + 511) / 512;      /* shared PDPTs */
	n += p->page_1g ? 0 : gib;   /* shared PDs (none with 1 GiB pages) */
	n += 1 + 2;                  /* kernel PDPT, up to 2 PDs (span < 1 GiB) */
	n += p->ksize / SIZE_2M + 2; /* kernel PTs */
	return n;
}

static status_t paging_map_direct(uint64_t *pml4, const struct paging_plan *p, struct pt_pool *pool)
{
	uint64_t *pdpt = NULL;
	for (uint64_t g = 0; g < p->dm_size / SIZE_1G; g++) {
		if (g % 512 == 0) {
			pdpt = pt_alloc(pool);
			if (!pdpt)
				return ST_NOMEM;
			pml4[g / 512] = (uint64_t)(uintptr_t)pdpt | PTE_P | PTE_RW;
			pml4[DM_PML4_INDEX + g / 512] = pml4[g / 512];
		}
		if (p->page_1g) {
			pdpt[g % 512] = (g * SIZE_1G) | PTE_P | PTE_RW | PTE_PS;
			continue;
		}
		uint64_t *pd = pt_alloc(pool);
		if (!pd)
			return ST_NOMEM;
		for (uint64_t j = 0; j < 512; j++)
			pd[j] = (g * SIZE_1G + j * SIZE_2M) | PTE_P | PTE_RW | PTE_PS;
		pdpt[g % 512] = (uint64_t)(uintptr_t)pd | PTE_P | PTE_RW;
	}
	return ST_OK;
}

/* The next-level table under entry idx of t, created when missing. */
static uint64_t *pt_next(uint64_t *t, unsigned idx, struct pt_pool *pool)
{
	if (!(t[idx] & PTE_P)) {
		uint64_t *n = pt_alloc(pool);
		if (!n)
			return NULL;
		t[idx] = (uint64_t)(uintptr_t)n | PTE_P | PTE_RW;
	}
	return (uint64_t *)(uintptr_t)(t[idx] & PTE_ADDR);
}

static status_t paging_map_kernel(uint64_t *pml4, const struct paging_plan *p, struct pt_pool *pool)
{
	for (uint64_t off = 0; off < p->ksize; off += PAGE_SIZE) {
		uint64_t v = p->kvirt + off;
		uint64_t *pdpt = pt_next(pml4, (v >> 39) & 511, pool);
		uint64_t *pd = pdpt ? pt_next(pdpt, (v >> 30) & 511, pool) : NULL;
		uint64_t *pt = pd ? pt_next(pd, (v >> 21) & 511, pool) : NULL;
		if (!pt)
			return ST_NOMEM;
		pt[(v >> 12) & 511] = (p->kphys + off) | PTE_P | PTE_RW;
	}
	return ST_OK;
}

status_t paging_build(const struct paging_plan *p, uint64_t pool_phys, size_t pool_pages,
		      uint64_t *pml4_phys)
{
	uint64_t kend;
	if (p->dm_size == 0 || !IS_ALIGNED(p->dm_size, SIZE_1G) || p->dm_size > PAGING_DM_MAX ||
	    p->kvirt < KERNEL_VIRT_BASE || !IS_ALIGNED(p->kvirt | p->kphys | p->ksize, PAGE_SIZE) ||
	    p->ksize == 0 || p->ksize >= SIZE_1G || add_overflows(p->kvirt, p->ksize - 1, &kend))
		return ST_INVALID;
	struct pt_pool pool = { pool_phys, 0, pool_pages };
	uint64_t *pml4 = pt_alloc(&pool);
	if (!pml4)
		return ST_NOMEM;
	status_t st = paging_map_direct(pml4, p, &pool);
	if (st == ST_OK)
		st = paging_map_kernel(pml4, p, &pool);
	if (st == ST_OK)
		*pml4_phys = (uint64_t)(uintptr_t)pml4;
	return st;
}
