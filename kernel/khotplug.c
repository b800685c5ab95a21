/* SPDX-License-Identifier: BSD-2-Clause */
/* khotplug.c - kernel side of mm/hotplug and mm/memobj (see khotplug.h).
 *
 * Object pages are mapped 4 KiB at a time in their window, never global. Migration (other
 * CPUs may be writing: kernel/work.h) first turns each PTE of a batch into a migration entry
 * in place (obj_freeze), flushes once on every CPU that may hold a window translation
 * (obj_flush: CR3 reload here, one shootdown round to the other CPUs of the window set,
 * khotplug.h), copies, then points each entry at its new page (obj_remap cannot fail: the
 * table already exists). A CPU that touches a frozen page waits in obj_fault_hook.
 * Hot-added memory enters the direct map with pages of at most 2 MiB and without the global
 * bit, so removing whole 2 MiB blocks never needs a new table and a CR3 reload flushes it. */
#include "kernel/khotplug.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/app_calls.h"
#include "kernel/heap_tables.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/tlb.h"
#include "kernel/work.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/spinlock.h"

struct khotplug_prof khotplug_prof;

static uint64_t obj_va(unsigned slot, uint64_t index)
{
	return MEMOBJ_WINDOW_BASE + slot * MEMOBJ_WINDOW_SLOT + pages_to_bytes(index);
}

/* The object windows' page tables and pt_cache: every CPU may fill, free and look up objects
 * (`selftest stress N SEED all`), and vm_map/vm_unmap of two windows that share a table, or
 * pt_cache walked on one CPU while another frees that table, would lose a mapping. Taken
 * around each map, unmap (with its shootdown: interrupts stay on, so a waiting CPU serves it)
 * and page-table look-up; never nested, taken inside MEMOBJ (migration) and DAX, before the
 * page allocator's locks (docs/locking.md). */
static struct spinlock win_lock = SPINLOCK_INIT("object windows", LOCK_RANK_VM);

/* The page table last walked to in an object window (under win_lock): consecutive pages of
 * an object share one table per 2 MiB, so freeze, remap and lookup walk the four levels once
 * per 512 pages. Tables of a window are freed only by obj_unmap, which forgets the cached
 * one. */
static struct {
	uint64_t va;  /* 2 MiB aligned, 0: none */
	uint64_t *pt; /* its page table */
} pt_cache;

static uint64_t *obj_pte(unsigned slot, uint64_t index)
{
	uint64_t va = obj_va(slot, index), base = ALIGN_DOWN(va, SIZE_2M);
	unsigned i = (unsigned)bytes_to_pages(va - base); /* both page-aligned */
	if (pt_cache.va == base)
		return pt_cache.pt + i;
	uint64_t *pte = vm_pte_4k(&kvm_space, va_of(va));
	if (pte) {
		pt_cache.va = base;
		pt_cache.pt = pte - i;
	}
	return pte;
}

static status_t obj_map(void *ctx, unsigned slot, uint64_t index, pfn_t pfn)
{
	(void)ctx;
	spin_lock(&win_lock);
	status_t st = vm_map(&kvm_space, va_of(obj_va(slot, index)), pfn_to_pa(pfn), PAGE_SIZE,
			     kvm_nx_fixup(VM_WRITE), VM_PAGE_4K);
	spin_unlock(&win_lock);
	return st;
}

/* A migration entry (memobj_ops.freeze): not present, bit 9 (ignored by the MMU in a
 * non-present entry, Intel SDM Vol. 3A §4.5 table 4-19) set, the address still the old page. */
#define PTE_MIGRATION (1ull << 9)

static bool pte_names(uint64_t e, pfn_t pfn)
{
	return (e & (VM_PTE_P | PTE_MIGRATION)) && (e & VM_PTE_ADDR) == pfn_to_pa(pfn).v;
}

static status_t freeze_locked(unsigned slot, uint64_t index, pfn_t old_pfn)
{
	uint64_t *pte = obj_pte(slot, index);
	if (!pte || !(*pte & VM_PTE_P))
		return ST_NOTFOUND;
	if ((*pte & VM_PTE_ADDR) != pfn_to_pa(old_pfn).v)
		return ST_INVALID;
	__atomic_store_n(pte, (*pte & ~VM_PTE_P) | PTE_MIGRATION, __ATOMIC_RELEASE);
	return ST_OK;
}

static status_t obj_freeze(void *ctx, unsigned slot, uint64_t index, pfn_t old_pfn)
{
	(void)ctx;
	spin_lock(&win_lock);
	status_t st = freeze_locked(slot, index, old_pfn);
	spin_unlock(&win_lock);
	return st;
}

/* From the old page (present or frozen) to the new one, present. */
static status_t remap_locked(unsigned slot, uint64_t index, pfn_t old_pfn, pfn_t new_pfn)
{
	uint64_t *pte = obj_pte(slot, index);
	if (!pte || !(*pte & (VM_PTE_P | PTE_MIGRATION)))
		return ST_NOTFOUND;
	if (!pte_names(*pte, old_pfn))
		return ST_INVALID;
	uint64_t e = (*pte & ~(VM_PTE_ADDR | PTE_MIGRATION)) | VM_PTE_P | pfn_to_pa(new_pfn).v;
	__atomic_store_n(pte, e, __ATOMIC_RELEASE);
	return ST_OK;
}

static status_t obj_remap(void *ctx, unsigned slot, uint64_t index, pfn_t old_pfn, pfn_t new_pfn)
{
	(void)ctx;
	spin_lock(&win_lock);
	status_t st = remap_locked(slot, index, old_pfn, new_pfn);
	spin_unlock(&win_lock);
	if (st != ST_OK)
		return st;
	khotplug_prof.remaps++;
	app_obj_moved(slot, index, new_pfn); /* an app's movable memory: its mapping follows */
	return ST_OK;
}

/* memobj_ops.freeze_run: the pages of a run frozen under one win_lock round. */
static unsigned obj_freeze_run(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
			       const pfn_t *old_pfn, status_t *st)
{
	(void)ctx;
	unsigned i;
	*st = ST_OK;
	spin_lock(&win_lock);
	for (i = 0; i < n; i++)
		if ((*st = freeze_locked(obj[i] - 1, index[i], old_pfn[i])) != ST_OK)
			break;
	spin_unlock(&win_lock);
	return i;
}

/* memobj_ops.remap_frozen: a batch's migration entries switched under one win_lock round;
 * the cached page table makes it one walk per 2 MiB of a window. */
static void obj_remap_frozen(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
			     const pfn_t *old_pfn, const pfn_t *new_pfn)
{
	(void)ctx;
	spin_lock(&win_lock);
	for (unsigned i = 0; i < n; i++)
		CHECK_OK(remap_locked(obj[i] - 1, index[i], old_pfn[i],
				      new_pfn[i])); /* frozen by migration */
	spin_unlock(&win_lock);
	khotplug_prof.remaps += n;
	for (unsigned i = 0; i < n; i++)
		app_obj_moved(obj[i] - 1, index[i], new_pfn[i]); /* an app's mapping follows */
}

static uint64_t window_cpus = 1; /* the window set (khotplug.h); CPU 0 always */

void khotplug_window_enter(void)
{
	__atomic_fetch_or(&window_cpus, 1ull << this_cpu_index(), __ATOMIC_SEQ_CST);
	write_cr3(read_cr3()); /* serialising: no window translation predates the membership */
}

void khotplug_window_leave(void)
{
	unsigned self = this_cpu_index();
	write_cr3(read_cr3()); /* window entries are not global: all gone from this CPU */
	if (self)
		__atomic_fetch_and(&window_cpus, ~(1ull << self), __ATOMIC_SEQ_CST);
}

/* Object windows are not global: a CR3 reload drops every stale entry here (and, being
 * serialising, makes the batch's freezes visible before the set is read), and one shootdown
 * round on the other CPUs of the window set (kernel/tlb.h). */
static void obj_flush(void *ctx)
{
	(void)ctx;
	write_cr3(read_cr3());
	uint64_t t0 = rdtsc(), rounds = tlb_rounds();
	tlb_shootdown_cpus(__atomic_load_n(&window_cpus, __ATOMIC_SEQ_CST), 0, 0);
	khotplug_prof.shootdown_tsc += rdtsc() - t0;
	khotplug_prof.shootdown_rounds += tlb_rounds() - rounds;
	khotplug_prof.flushes++;
}

/* A worker touched a page in migration (kernel/work.h): wait, serving shootdowns, until the
 * entry is no longer a migration entry, then run the instruction again. */
static enum pf_result obj_fault_hook(uint64_t addr, uint64_t error, uint64_t rip)
{
	(void)error;
	(void)rip;
	if (addr < MEMOBJ_WINDOW_BASE ||
	    addr - MEMOBJ_WINDOW_BASE >= (uint64_t)MEMOBJ_WINDOW_SLOTS * MEMOBJ_WINDOW_SLOT)
		return PF_UNHANDLED;
	uint64_t *pte = vm_pte_4k(&kvm_space, va_of(ALIGN_DOWN(addr, PAGE_SIZE)));
	if (!pte)
		return PF_UNHANDLED;
	uint64_t e = __atomic_load_n(pte, __ATOMIC_ACQUIRE);
	if (e & VM_PTE_P)
		return PF_RETRY; /* remapped between the fault and this look */
	if (!(e & PTE_MIGRATION))
		return PF_UNHANDLED;
	work_note_wait();
	while (__atomic_load_n(pte, __ATOMIC_ACQUIRE) & PTE_MIGRATION) {
		tlb_serve();
		cpu_relax();
	}
	return PF_RETRY;
}

static void obj_unmap(void *ctx, unsigned slot, uint64_t first, uint64_t n)
{
	(void)ctx;
	/* 4 KiB leaves only: no split, so no table is needed and unmapping cannot fail */
	spin_lock(&win_lock);
	CHECK_OK(vm_unmap(&kvm_space, va_of(obj_va(slot, first)), pages_to_bytes(n)));
	pt_cache.va = 0; /* the unmap may have freed that table */
	spin_unlock(&win_lock);
}

static status_t obj_lookup(void *ctx, unsigned slot, uint64_t index, pfn_t *pfn)
{
	(void)ctx;
	spin_lock(&win_lock);
	uint64_t *pte = obj_pte(slot, index), e = pte ? *pte : 0;
	spin_unlock(&win_lock);
	if (!(e & (VM_PTE_P | PTE_MIGRATION)))
		return ST_NOTFOUND;
	*pfn = pa_to_pfn(pa_of(e & VM_PTE_ADDR));
	return ST_OK;
}

static uint8_t *obj_page(void *ctx, unsigned slot, uint64_t index)
{
	(void)ctx;
	return (uint8_t *)(uintptr_t)obj_va(slot, index);
}

static void page_copy(void *ctx, pfn_t dst, pfn_t src)
{
	(void)ctx;
	memcpy(phys_to_virt(pfn_to_pa(dst).v), phys_to_virt(pfn_to_pa(src).v), PAGE_SIZE);
	khotplug_prof.copies++;
}

/* memobj_ops.phase: the time since the last call goes to the phase that ran. */
static void obj_phase(void *ctx, unsigned phase)
{
	(void)ctx;
	uint64_t now = rdtsc();
	if (khotplug_prof.phase_t0 && khotplug_prof.phase < MIGRATE_PHASES)
		khotplug_prof.phase_tsc[khotplug_prof.phase] += now - khotplug_prof.phase_t0;
	khotplug_prof.phase = phase;
	khotplug_prof.phase_t0 = now;
	khotplug_prof.marks++;
}

static const struct memobj_ops obj_ops = {
	.map = obj_map,
	.remap = obj_remap,
	.flush = obj_flush,
	.unmap = obj_unmap,
	.lookup = obj_lookup,
	.page = obj_page,
	.copy = page_copy,
	.freeze = obj_freeze,
	.freeze_run = obj_freeze_run,
	.remap_frozen = obj_remap_frozen,
	.phase = obj_phase,
};

static status_t direct_map(void *ctx, struct range r)
{
	(void)ctx;
	return vm_map(&kvm_space, va_of(DIRECT_MAP_BASE + r.base), range_base(r), range_size(r),
		      kvm_nx_fixup(VM_WRITE), VM_PAGE_2M);
}

static void direct_unmap(void *ctx, struct range r)
{
	(void)ctx;
	/* whole 2 MiB blocks mapped with pages of at most 2 MiB: no split, cannot fail */
	CHECK_OK(vm_unmap(&kvm_space, va_of(DIRECT_MAP_BASE + r.base), range_size(r)));
}

static void direct_scrub(void *ctx, struct range r)
{
	(void)ctx;
	memset(phys_to_virt(r.base), 0, range_size(r));
}

static uint64_t *meta_ptr(void *ctx, pfn_t pfn)
{
	(void)ctx;
	return phys_to_virt(pfn_to_pa(pfn).v);
}

static const struct hotplug_ops hp_ops = {
	.map_direct = direct_map,
	.unmap_direct = direct_unmap,
	.scrub = direct_scrub,
	.meta_ptr = meta_ptr,
	.alloc = heap_table_alloc, /* the record table grows from the kernel heap */
	.free = heap_table_free,
};

void khotplug_init(void)
{
	/* the object table grows from the kernel heap (mm/memobj.h) */
	static const struct table_alloc heap = { heap_table_alloc, heap_table_free, 0 };
	memobj_init(&K.objs, &K.buddy, &obj_ops, &kout);
	memobj_set_growth(&K.objs, &heap, MEMOBJ_WINDOW_SLOTS);
	trap_set_pf_hook(obj_fault_hook);
	hotplug_init(&K.hotplug, &K.buddy, &K.dax, &K.objs, &hp_ops, &kout);
}
