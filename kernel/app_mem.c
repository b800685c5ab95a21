/* SPDX-License-Identifier: BSD-2-Clause */
/* app_mem.c - the memory system calls: alloc/free with a node preference, movable or not,
 * pin/unpin, the node of a page, hand-off and reclaim (include/spmk/memory.h).
 *
 * Unmovable memory is buddy blocks (up to 2 MiB) mapped into the app (app_map_pages).
 * Movable memory is a memory object of the kernel (memobj_alloc_user, mm/memobj.h) whose
 * pages are mapped 4 KiB at a time both in the kernel's object window and in the app: when
 * reclaim migrates a page, the kernel's remap (kernel/khotplug.c) calls app_obj_moved, which
 * rewrites the app's PTE in place, so the app keeps its bytes at the same address. Every
 * allocation is followed by a 2 MiB unmapped gap; a freed allocation's addresses are reused
 * (mm/uspace_va.h), and a stale pointer into it faults until they are. */
#include "include/spmk/errors.h"
#include "include/spmk/memory.h"
#include "kernel/app_calls.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "mm/uargs.h"

static struct app_alloc *alloc_at(struct app *a, uint64_t va, unsigned *slot)
{
	for (unsigned i = 0; i < APP_ALLOCS; i++)
		if (a->allocs[i].used && a->allocs[i].va == va) {
			*slot = i;
			return &a->allocs[i];
		}
	return 0;
}

/* The allocation holding va and the page index of va in it. */
static struct app_alloc *alloc_holding(struct app *a, uint64_t va, uint64_t *index)
{
	for (unsigned i = 0; i < APP_ALLOCS; i++) {
		struct app_alloc *m = &a->allocs[i];
		if (m->used && va >= m->va && va - m->va < m->pages * PAGE_SIZE) {
			*index = (va - m->va) >> PAGE_SHIFT;
			return m;
		}
	}
	return 0;
}

/* Maps every page of object `obj` into the app at va. */
static status_t map_object(struct app *a, unsigned obj, uint64_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		pfn_t pfn;
		CHECK_OK(memobj_page_pfn(&K.objs, obj, i, &pfn)); /* the object was just made */
		status_t st = vm_map(&a->vm, va_of(va + i * PAGE_SIZE), pfn_to_pa(pfn), PAGE_SIZE,
				     kvm_nx_fixup(VM_USER | VM_WRITE), VM_PAGE_4K);
		if (st != ST_OK) {
			if (i)
				/* 4 KiB leaves */
				CHECK_OK(vm_unmap(&a->vm, va_of(va), i * PAGE_SIZE));
			return st;
		}
	}
	return ST_OK;
}

long sys_mem_alloc(struct app *a, const struct syscall_frame *f)
{
	uint64_t flags = f->a2, pages;
	int64_t node = (int64_t)f->a1;
	long bad = uargs_mem_alloc(f->a0, node, flags, K.numa.n_nodes, &pages);
	if (bad)
		return bad;
	unsigned slot = 0;
	while (slot < APP_ALLOCS && a->allocs[slot].used)
		slot++;
	if (slot == APP_ALLOCS)
		return -SPMK_ENOMEM;
	struct app_alloc *m = &a->allocs[slot];
	if ((flags & SPMK_MEM_MOVABLE) && (flags & SPMK_MEM_THISNODE) && node >= 0) {
		/* a node whose free pages cannot hold it is refused at once, before a fill that
		 * would take (and zero) pages of other nodes only to give them back */
		struct buddy_stats bs;
		if (buddy_stats(&K.buddy, (int)node, -1, &bs) != ST_OK || bs.free < pages)
			return -SPMK_ENOMEM;
	}
	uint64_t va;
	status_t st = uspace_va_alloc(&a->mem_va, pages * PAGE_SIZE, SIZE_2M, 0, &va);
	if (st != ST_OK)
		return -SPMK_ENOMEM; /* the area has no free range that holds it */
	if (flags & SPMK_MEM_MOVABLE) {
		char name[MEMOBJ_NAME_MAX + 1];
		unsigned obj;
		fmt_snprintf(name, sizeof name, "%s.%u", a->owner, slot);
		st = memobj_alloc_user(&K.objs, name, pages, (int)node, &obj);
		if (st == ST_OK && (flags & SPMK_MEM_THISNODE)) {
			/* no fallback: every page must be on the node asked for */
			for (uint64_t i = 0; i < pages && st == ST_OK; i++) {
				pfn_t pfn;
				CHECK_OK(memobj_page_pfn(&K.objs, obj, i, &pfn));
				if (numa_node_of_addr(&K.numa, pfn_to_pa(pfn).v) != node)
					st = ST_NOMEM;
			}
			if (st != ST_OK)
				CHECK_OK(memobj_free(&K.objs, obj)); /* unpinned: just made */
		}
		if (st == ST_OK) {
			st = map_object(a, obj, va, pages);
			if (st != ST_OK)
				CHECK_OK(memobj_free(&K.objs, obj));
		}
		if (st == ST_OK)
			*m = (struct app_alloc){
				.used = true, .movable = true, .va = va, .pages = pages, .obj = obj
			};
	} else {
		unsigned bf = BUDDY_OWNER(BUDDY_OWNER_OTHER) |
			      (flags & SPMK_MEM_THISNODE ? BUDDY_THISNODE : 0);
		st = app_map_pages(a, va, pages, (int)node, bf, VM_WRITE, (uint16_t)(slot + 1));
		if (st == ST_RANGE)
			st = ST_NOMEM;
		if (st == ST_OK)
			*m = (struct app_alloc){ .used = true, .va = va, .pages = pages };
	}
	if (st != ST_OK) {
		uspace_va_free(&a->mem_va, va, pages * PAGE_SIZE); /* nothing is mapped there */
		return -uspace_errno(st);
	}
	return (long)va;
}

void app_free_movable(struct app *a, unsigned i)
{
	struct app_alloc *m = &a->allocs[i];
	for (uint64_t p = 0; p < m->pages; p++)
		while (memobj_unpin(&K.objs, m->obj, p) == ST_OK)
			;
	CHECK_OK(vm_unmap(&a->vm, va_of(m->va), m->pages * PAGE_SIZE)); /* 4 KiB leaves */
	CHECK_OK(memobj_free(&K.objs, m->obj)); /* nothing pinned any more */
	uspace_va_free(&a->mem_va, m->va, m->pages * PAGE_SIZE);
	memset(m, 0, sizeof *m);
}

long sys_mem_free(struct app *a, const struct syscall_frame *f)
{
	unsigned slot;
	struct app_alloc *m = alloc_at(a, f->a0, &slot);
	if (!m)
		return -SPMK_ENOENT;
	if (m->movable) {
		if (K.objs.obj[m->obj].pinned)
			return -SPMK_EBUSY;
		app_free_movable(a, slot);
		return 0;
	}
	app_unmap_alloc(a, (uint16_t)(slot + 1));
	uspace_va_free(&a->mem_va, m->va, m->pages * PAGE_SIZE);
	memset(m, 0, sizeof *m);
	return 0;
}

long sys_mem_node(struct app *a, const struct syscall_frame *f)
{
	paddr_t pa;
	status_t st = uspace_validate(&a->u, f->a0, 1, false);
	if (st != ST_OK)
		return -uspace_errno(st);
	CHECK_OK(vm_translate(&a->vm, va_of(f->a0), &pa, 0, 0)); /* checked just above */
	int node = numa_node_of_addr(&K.numa, pa.v);
	return node < 0 ? -SPMK_ENOENT : node;
}

static long pin_op(struct app *a, uint64_t va, bool pin)
{
	uint64_t index;
	struct app_alloc *m = alloc_holding(a, va, &index);
	if (!m)
		return -SPMK_ENOENT;
	if (!m->movable)
		return 0; /* unmovable memory never moves: pinning it is a no-op */
	status_t st =
		pin ? memobj_pin(&K.objs, m->obj, index) : memobj_unpin(&K.objs, m->obj, index);
	return -uspace_errno(st);
}

long sys_mem_pin(struct app *a, const struct syscall_frame *f) { return pin_op(a, f->a0, true); }
long sys_mem_unpin(struct app *a, const struct syscall_frame *f) { return pin_op(a, f->a0, false); }

static long device_arg(struct app *a, uint64_t va, uint32_t *dev)
{
	char name[DAX_NAME_MAX];
	status_t st = uspace_copy_str(&a->u, name, sizeof name, va);
	if (st != ST_OK)
		return st == ST_RANGE && va < USPACE_END ? -SPMK_ENOENT : -uspace_errno(st);
	return dax_find(&K.dax, name, dev) == ST_OK ? 0 : -SPMK_ENOENT;
}

long sys_handoff(struct app *a, const struct syscall_frame *f)
{
	uint32_t dev;
	long r = device_arg(a, f->a0, &dev);
	if (r < 0)
		return r;
	if (f->a1 & ~(uint64_t)SPMK_HANDOFF_MOVABLE)
		return -SPMK_EINVAL;
	status_t st = hotplug_handoff(&K.hotplug, dev, f->a1 & SPMK_HANDOFF_MOVABLE);
	if (st != ST_OK)
		return -uspace_errno(st);
	return dax_device_node(&K.dax, dev);
}

long sys_reclaim(struct app *a, const struct syscall_frame *f)
{
	uint32_t dev;
	long r = device_arg(a, f->a0, &dev);
	if (r < 0)
		return r;
	struct hotplug_reclaim_info info;
	return -uspace_errno(hotplug_reclaim(&K.hotplug, dev, 0, &info));
}

void app_obj_moved(unsigned obj, uint64_t index, pfn_t new_pfn)
{
	struct app *a = app_current();
	if (!a)
		return;
	for (unsigned i = 0; i < APP_ALLOCS; i++) {
		struct app_alloc *m = &a->allocs[i];
		if (!m->used || !m->movable || m->obj != obj)
			continue;
		uint64_t *pte = vm_pte_4k(&a->vm, va_of(m->va + index * PAGE_SIZE));
		CHECK(pte && (*pte & VM_PTE_P)); /* every page of the object is mapped in the app */
		*pte = (*pte & ~VM_PTE_ADDR) | pfn_to_pa(new_pfn).v;
	}
}
