/* SPDX-License-Identifier: BSD-2-Clause */
/* vm_window.h - a fixed window of 4 KiB pages whose page tables exist from init, so mapping
 * physical memory into it never allocates and cannot fail.
 *
 * The window is VM_WINDOW_PAGES pages (2 MiB) at a 2 MiB-aligned virtual address. vm_window_init
 * creates every table down to its page table once (the only step that can fail: at boot); the
 * window then maps at most VM_WINDOW_PAGES consecutive physical pages at a time by writing
 * that page table's entries directly, and vm_window_unmap clears them and flushes the TLB.
 * Nothing ever unmaps the window through vm_unmap, so its tables are never freed.
 * Used by the kernel's dax scrub (kernel/kdax.c): a release or claim must never find the
 * scrub impossible for lack of page-table memory (issue: a scrub that fails open).
 * Single user at a time; the caller serialises. */
#ifndef SPMK_MM_VM_WINDOW_H
#define SPMK_MM_VM_WINDOW_H

#include "mm/vm.h"

#define VM_WINDOW_PAGES 512u
#define VM_WINDOW_SIZE (VM_WINDOW_PAGES * PAGE_SIZE)

struct vm_window {
	struct vm_space *s;
	uint64_t va;     /* 2 MiB aligned */
	uint64_t *pt;    /* the window's page table (VM_WINDOW_PAGES entries) */
	uint32_t mapped; /* pages mapped now, from the window's start */
};

/* Creates the tables of [va, va + VM_WINDOW_SIZE) in s. Errors: ST_INVALID (va not 2 MiB
 * aligned or not canonical), ST_EXISTS (something is mapped there), ST_NOMEM (no table
 * page); nothing changes on error. */
status_t vm_window_init(struct vm_window *w, struct vm_space *s, vaddr_t va);

/* Maps physical [pa, pa + npages * 4 KiB) at the window's start with `flags` (VM_*; no
 * VM_GLOBAL) and returns that virtual address. Cannot fail: pa page-aligned, 1 <= npages
 * <= VM_WINDOW_PAGES, pa + size below 2^52 and an empty window are CHECKed (caller bugs). */
vaddr_t vm_window_map(struct vm_window *w, paddr_t pa, uint32_t npages, unsigned flags);

/* Removes the window's mapping and flushes it from the TLB (per page up to
 * VM_FLUSH_PAGES_MAX pages, else one flush_all). */
void vm_window_unmap(struct vm_window *w);

#endif
