/* SPDX-License-Identifier: BSD-2-Clause */
/* vm_internal.h - helpers shared by mm/vm.c (map, translate) and mm/vm_unmap.c (unmap,
 * protect): entry decoding, the table walk, the table pool and the TLB flush accumulator.
 *
 * Levels are numbered as the hardware walks them: 4 = PML4, 3 = PDPT (1 GiB leaves),
 * 2 = PD (2 MiB leaves), 1 = PT (4 KiB leaves). The "table of level l" holds level-l entries.
 *
 * The pool holds table pages allocated during a CHECK step so the COMMIT step cannot fail:
 * free pages are chained through their first 8 bytes and zeroed when taken. */
#ifndef SPMK_MM_VM_INTERNAL_H
#define SPMK_MM_VM_INTERNAL_H

#include "lib/fault.h"
#include "lib/kstring.h"
#include "mm/vm.h"

static inline unsigned vm_shift(int level) { return 12u + 9u * (unsigned)(level - 1); }

static inline unsigned vm_index(uint64_t va, int level)
{
	return (unsigned)(va >> vm_shift(level)) & (VM_ENTRIES - 1);
}

static inline uint64_t vm_level_size(int level) { return 1ull << vm_shift(level); }

static inline bool vm_present(uint64_t e) { return (e & VM_PTE_P) != 0; }

static inline bool vm_is_leaf(uint64_t e, int level) { return level == 1 || (e & VM_PTE_PS); }

/* Physical base of the page a leaf maps (drops the PAT bit 12 of large leaves). */
static inline uint64_t vm_leaf_pa(uint64_t e, int level)
{
	return e & VM_PTE_ADDR & ~(vm_level_size(level) - 1);
}

static inline uint64_t *vm_table(const struct vm_space *s, uint64_t phys)
{
	return (uint64_t *)s->ops->phys_to_virt(s->ops->ctx, pa_of(phys));
}

/* Walks from the PML4 towards level `want` for va and returns the entry where it stopped:
 * at `want`, at a non-present entry, or at a leaf; *level_out is that entry's level. */
static inline uint64_t *vm_walk(const struct vm_space *s, uint64_t va, int want, int *level_out)
{
	uint64_t *t = vm_table(s, s->pml4_phys.v);
	for (int l = 4;; l--) {
		uint64_t *e = &t[vm_index(va, l)];
		if (l == want || !vm_present(*e) || vm_is_leaf(*e, l)) {
			*level_out = l;
			return e;
		}
		t = vm_table(s, *e & VM_PTE_ADDR);
	}
}

struct vm_pool {
	uint64_t head;
	size_t count;
};

status_t vm_pool_fill(const struct vm_space *s, struct vm_pool *p, size_t n);
uint64_t vm_pool_take(const struct vm_space *s, struct vm_pool *p);
void vm_pool_drain(const struct vm_space *s, struct vm_pool *p);

/* One call's batch of changed translations, on the caller's stack: never shared, so calls
 * on several CPUs at once (or one nested in another's flush hook) each send their own round. */
struct vm_flush {
	const struct vm_space *s;
	size_t pages;    /* translations changed */
	uint64_t lo, hi; /* the lowest and highest address among them (pages > 0) */
};

#define VM_FLUSH_INIT(space)                                                                       \
	{                                                                                          \
		(space), 0, UINT64_MAX, 0                                                          \
	}

/* Records one changed translation at va: flush_page while under the limit. */
static inline void vm_flush_add(struct vm_flush *f, uint64_t va)
{
	if (f->pages < VM_FLUSH_PAGES_MAX)
		f->s->ops->flush_page(f->s->ops->ctx, va);
	f->pages++;
	f->lo = MIN(f->lo, va);
	f->hi = MAX(f->hi, va);
}

/* Ends a batch: one flush_all when the per-page limit was passed, then one flush_sync
 * (the other CPUs) when anything changed, naming this batch's span in 4 KiB pages, or 0
 * (everything) past the limit. */
static inline void vm_flush_finish(struct vm_flush *f)
{
	if (f->pages > VM_FLUSH_PAGES_MAX)
		f->s->ops->flush_all(f->s->ops->ctx);
	if (!f->pages || !f->s->ops->flush_sync)
		return;
	uint64_t span = bytes_to_pages(f->hi - f->lo) + 1; /* lo, hi: page addresses */
	bool all = f->pages > VM_FLUSH_PAGES_MAX || span > VM_FLUSH_PAGES_MAX;
	f->s->ops->flush_sync(f->s->ops->ctx, all ? 0 : f->lo, all ? 0 : span);
}

/* Checks a 4 KiB-aligned, non-empty, canonical range that does not cross the hole. */
status_t vm_validate_range(uint64_t va, uint64_t size);
/* The checks every request that sets leaf flags shares (vm_map, vm_protect): a space with
 * ops and known flags (else ST_INVALID), the range as vm_validate_range, and VM_USER only in
 * the lower (user) half (else ST_RANGE). */
status_t vm_validate_request(const struct vm_space *s, uint64_t va, uint64_t size, unsigned flags);
/* Bits of an intermediate entry covering va: P|RW, and US in the lower (user) half. */
static inline uint64_t vm_table_bits(uint64_t va)
{
	return VM_PTE_P | VM_PTE_RW | ((va >> 63) ? 0 : VM_PTE_US);
}
/* Hardware bits of a leaf at `level` for VM_* flags. */
uint64_t vm_leaf_bits(unsigned flags, int level);

#endif
