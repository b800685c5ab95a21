/* SPDX-License-Identifier: BSD-2-Clause */
/* vm.h - x86_64 4-level page tables (PML4 -> PDPT -> PD -> PT), as pure code.
 *
 * A vm_space is one tree of page tables rooted at pml4_phys. All hardware access goes through
 * the caller's vm_ops: table pages come from alloc_table/free_table, a table's physical address
 * becomes a pointer through phys_to_virt, and TLB invalidation is flush_page/flush_all. So the
 * same code runs in the kernel (tables from the page allocator, invlpg, CR3 reload) and on the
 * host (tables from a malloc'd arena, flushes counted) - see tests/unit/test_vm.c.
 *
 * Entry format (Intel SDM Vol. 3A §4.5, tables 4-15..4-20): bit 0 P, 1 RW, 2 US, 3 PWT, 4 PCD,
 * 5 A, 6 D, 7 PS (large page in a PDPT or PD entry), 8 G, 12..51 address, 63 NX. Intermediate
 * entries are P|RW, plus US in the lower (user) half, so the leaf alone decides permissions;
 * a leaf gets US only with VM_USER, which the upper (kernel) half never accepts.
 *
 * Algorithms and guarantees:
 * - vm_map picks, at each step, the largest page (1 GiB, 2 MiB, 4 KiB) that the alignment of va
 *   and pa, the remaining size and max_page allow, and that is not blocked by an existing lower
 *   table at that slot (then it uses smaller pages inside that table). It first walks the whole
 *   range (CHECK: overlap -> ST_EXISTS, and counts the tables it will need), then allocates
 *   exactly that many tables (any failure frees them: ST_NOMEM, nothing changed), then installs
 *   the entries (COMMIT, cannot fail). So a failed map leaves the tree bit-for-bit unchanged.
 * - vm_unmap / vm_protect split a large page that the range covers only partly (1 GiB -> 512 x
 *   2 MiB, 2 MiB -> 512 x 4 KiB; at most 4 new tables, preallocated the same way), then clear or
 *   rewrite the leaves. vm_unmap frees every table that becomes empty (never the PML4).
 * - TLB: every changed or removed leaf is flushed with flush_page; beyond VM_FLUSH_PAGES_MAX
 *   leaves in one call a single flush_all is issued instead; then flush_sync, once per call
 *   (the other CPUs' round). New mappings need no flush.
 * - Addresses: va must be canonical (48-bit) and the range may not cross the canonical hole;
 *   pa + size must stay below 2^52. Ranges are half-open [va, va + size). The interface takes
 *   typed addresses (vaddr_t, paddr_t: lib/types.h), so a physical address given as a virtual
 *   one does not compile; vm_ops and the entries themselves deal in raw 64-bit values. */
#ifndef SPMK_MM_VM_H
#define SPMK_MM_VM_H

#include "lib/status.h"
#include "lib/types.h"

/* Mapping flags (vm_map, vm_protect, vm_translate). Without VM_EXEC the leaf gets NX. */
#define VM_WRITE (1u << 0)
#define VM_EXEC (1u << 1)
#define VM_GLOBAL (1u << 2)
#define VM_UNCACHED (1u << 3) /* PCD|PWT: uncacheable with the default PAT */
#define VM_USER (1u << 4)     /* US: reachable from ring 3 (lower half only, ST_RANGE above) */
#define VM_FLAGS_ALL (VM_WRITE | VM_EXEC | VM_GLOBAL | VM_UNCACHED | VM_USER)

/* Page sizes, also the values of max_page and of vm_translate's page_size. */
#define VM_PAGE_4K PAGE_SIZE
#define VM_PAGE_2M SIZE_2M
#define VM_PAGE_1G SIZE_1G

/* Hardware entry bits, exported for tests and the fault handler. */
#define VM_PTE_P (1ull << 0)
#define VM_PTE_RW (1ull << 1)
#define VM_PTE_US (1ull << 2)
#define VM_PTE_PWT (1ull << 3)
#define VM_PTE_PCD (1ull << 4)
#define VM_PTE_A (1ull << 5)
#define VM_PTE_D (1ull << 6)
#define VM_PTE_PS (1ull << 7)
#define VM_PTE_G (1ull << 8)
#define VM_PTE_NX (1ull << 63)
#define VM_PTE_ADDR 0x000ffffffffff000ull
#define VM_ENTRIES 512
#define VM_PHYS_LIMIT (1ull << 52)

/* Above this many changed leaves in one call, one flush_all replaces the per-page flushes. */
#define VM_FLUSH_PAGES_MAX 32

struct vm_ops {
	/* A zeroed or unzeroed 4 KiB page for a table (vm zeroes it); ST_NOMEM when none. */
	status_t (*alloc_table)(void *ctx, paddr_t *phys_out);
	void (*free_table)(void *ctx, paddr_t phys);
	/* Where table page `phys` can be read and written. */
	void *(*phys_to_virt)(void *ctx, paddr_t phys);
	void (*flush_page)(void *ctx, uint64_t va); /* invlpg */
	void (*flush_all)(void *ctx);               /* reload CR3 (non-global entries) */
	void *ctx;
	/* Optional (NULL: none): called once at the end of every vm_unmap / vm_protect /
	 * vm_window_unmap that changed at least one translation, after its flush_page/flush_all
	 * calls, so that a multi-CPU kernel invalidates the batch on the other CPUs in one
	 * round (kernel/tlb.h). The batch is that call's own: [va, va + npages * 4 KiB) spans
	 * every translation it changed (npages <= VM_FLUSH_PAGES_MAX), or npages 0: more than
	 * that, flush everything. Calls on several CPUs at once each name only their own pages,
	 * so the hook needs no state of its own (docs/smp.md, "TLB shootdown"). */
	void (*flush_sync)(void *ctx, uint64_t va, uint64_t npages);
};

struct vm_space {
	paddr_t pml4_phys; /* the CR3 value (its low 12 bits zero) */
	const struct vm_ops *ops;
};

/* Allocates and zeroes a PML4. Errors: ST_INVALID (NULL args), ST_NOMEM. */
status_t vm_space_init(struct vm_space *s, const struct vm_ops *ops);
/* Frees every table of the tree, the PML4 included (not the mapped pages). Only for spaces
 * whose tables are not shared with another space. */
void vm_space_destroy(struct vm_space *s);

/* Maps [va, va+size) to [pa, pa+size) with the largest pages allowed (see top comment).
 * max_page: VM_PAGE_4K, VM_PAGE_2M or VM_PAGE_1G.
 * Errors: ST_INVALID (va, pa or size not 4 KiB aligned, size 0, unknown flag bits, bad
 * max_page), ST_RANGE (non-canonical va range, pa range beyond 2^52 or wrapping),
 * ST_EXISTS (some page of the range is already mapped), ST_NOMEM (no table page).
 * On any error the page tables are unchanged. */
status_t vm_map(struct vm_space *s, vaddr_t va, paddr_t pa, uint64_t size, unsigned flags,
		uint64_t max_page);

/* Removes every mapping inside [va, va+size); holes are allowed. Large pages covered only
 * partly are split first. Empty tables are freed; the TLB is flushed.
 * Errors: ST_INVALID (unaligned, size 0), ST_RANGE (non-canonical), ST_NOMEM (a split needed
 * a table and none was left; nothing changed). */
status_t vm_unmap(struct vm_space *s, vaddr_t va, uint64_t size);

/* Receives one run [va, va+size) of leaves whose dirty bit (D) was set when they were removed. */
typedef void (*vm_dirty_fn)(void *arg, vaddr_t va, uint64_t size);

/* vm_unmap that also reports, through dirty(arg, va, size), every maximal run of removed leaves
 * whose D bit was set (Intel SDM Vol. 3A §4.8: the processor sets D in the leaf before the
 * first write through it), in increasing address order; each leaf is read and cleared in one
 * atomic step, so a D bit another CPU sets is never lost, and a write after the clear faults.
 * Act on the runs only after the call returns (the TLB is flushed by then). The grain is the
 * leaf: a dirty 2 MiB leaf reports 2 MiB; a large page split at an edge passes D to its pieces.
 * Only pages inside [va, va+size) are reported. dirty may be NULL. Errors: as vm_unmap. */
status_t vm_unmap_dirty(struct vm_space *s, vaddr_t va, uint64_t size, vm_dirty_fn dirty,
			void *arg);

/* Sets the flags of every page in [va, va+size), splitting partly covered large pages.
 * Errors: as vm_unmap, plus ST_NOTFOUND (some page in the range is not mapped; nothing
 * changed) and ST_INVALID for unknown flag bits. */
status_t vm_protect(struct vm_space *s, vaddr_t va, uint64_t size, unsigned flags);

/* Looks va up. Any out-parameter may be NULL. pa_out is the full physical address of va
 * (page base + offset). Errors: ST_RANGE (non-canonical), ST_NOTFOUND (not mapped). */
status_t vm_translate(const struct vm_space *s, vaddr_t va, paddr_t *pa_out, unsigned *flags_out,
		      uint64_t *page_size_out);

/* The 4 KiB-level entry for va (present or not), for callers that switch one mapping in place
 * (migration); NULL when no page table covers va at that level (a hole or a large page). */
uint64_t *vm_pte_4k(const struct vm_space *s, vaddr_t va);

/* Number of table pages in the tree, the PML4 included. */
size_t vm_count_tables(const struct vm_space *s);

/* True when va is a canonical 48-bit address. */
static inline bool vm_is_canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1ffff;
}

#endif
