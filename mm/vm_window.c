/* SPDX-License-Identifier: BSD-2-Clause */
/* vm_window.c - the preallocated mapping window (see vm_window.h). */
#include "mm/vm_window.h"

#include "lib/check.h"
#include "mm/vm_internal.h"

status_t vm_window_init(struct vm_window *w, struct vm_space *s, vaddr_t virt)
{
	if (!w || !s || !s->ops || !va_is_aligned(virt, VM_WINDOW_SIZE))
		return ST_INVALID;
	if (vm_validate_range(virt.v, VM_WINDOW_SIZE) != ST_OK)
		return ST_INVALID;
	for (uint64_t off = 0; off < VM_WINDOW_SIZE; off += PAGE_SIZE)
		if (vm_translate(s, va_add(virt, off), 0, 0, 0) == ST_OK)
			return ST_EXISTS;
	/* One 4 KiB mapping makes vm_map build every table down to the window's page table;
	 * its entry is cleared again at once (physical page 0 is never accessed). */
	status_t st = vm_map(s, virt, pa_of(0), PAGE_SIZE, 0, VM_PAGE_4K);
	if (st != ST_OK)
		return st;
	uint64_t *pte = vm_pte_4k(s, virt);
	CHECK(pte != NULL); /* vm_map just installed a 4 KiB leaf there */
	*pte = 0;
	s->ops->flush_page(s->ops->ctx, virt.v);
	*w = (struct vm_window){ .s = s, .va = virt.v, .pt = pte, .mapped = 0 };
	return ST_OK;
}

vaddr_t vm_window_map(struct vm_window *w, paddr_t phys, uint32_t npages, unsigned flags)
{
	uint64_t pa = phys.v;
	CHECK(w->pt != NULL);
	CHECK_OP(w->mapped, ==, 0);
	CHECK(npages >= 1 && npages <= VM_WINDOW_PAGES);
	CHECK(IS_ALIGNED(pa, PAGE_SIZE) && pa + (uint64_t)npages * PAGE_SIZE <= VM_PHYS_LIMIT);
	CHECK_OP(flags & ~(VM_WRITE | VM_EXEC | VM_UNCACHED), ==, 0);
	uint64_t bits = vm_leaf_bits(flags, 1);
	for (uint32_t i = 0; i < npages; i++)
		w->pt[i] = (pa + (uint64_t)i * PAGE_SIZE) | bits; /* were not present: no flush */
	w->mapped = npages;
	return va_of(w->va);
}

void vm_window_unmap(struct vm_window *w)
{
	struct vm_flush f = VM_FLUSH_INIT(w->s);
	for (uint32_t i = 0; i < w->mapped; i++) {
		w->pt[i] = 0;
		vm_flush_add(&f, w->va + (uint64_t)i * PAGE_SIZE);
	}
	vm_flush_finish(&f);
	w->mapped = 0;
}
