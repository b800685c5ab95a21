/* SPDX-License-Identifier: BSD-2-Clause */
/* kdax.c - the kernel side of the dax allocator: its page-table and scrub operations, and the
 * page-fault hook that turns a touch of someone else's SP memory into an ownership-violation
 * report (the command that touched it fails; the kernel goes on). */
#include "kernel/kdax.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/heap_tables.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "mm/vm_window.h"

/* A private window for scrubbing: SP memory is mapped here only while it is being zeroed.
 * Its page tables are built once by kdax_init (vm_window), so a scrub never allocates and
 * cannot fail: a release or claim always zeroes what it must (docs/dax.md, "Scrub"). */
#define SCRUB_WINDOW 0xffffd00000000000ull

static struct vm_window scrub_window;
/* One CPU at a time uses the window (a release scrubs without the dax lock, mm/dax.h); held
 * for one VM_WINDOW_SIZE piece at a time, so a waiting CPU waits for one piece at most. */
static struct spinlock scrub_lock = SPINLOCK_INIT("scrub window", LOCK_RANK_VM);

static status_t op_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	(void)ctx;
	uint64_t page = MIN(max_page, kvm_max_page());
	return vm_map(&kvm_space, virt, phys, size, VM_WRITE, page);
}

/* The window's leaves are removed and the TLB flushed before the dirty ones are reported. */
static void op_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	(void)ctx;
	/* a whole window mapped by op_map: no large page is split, so no table is needed */
	CHECK_OK(vm_unmap_dirty(&kvm_space, virt, size, written, arg));
}

/* Zeroes [pa, pa+size) through the scrub window, VM_WINDOW_SIZE at a time. */
void kdax_scrub(uint64_t pa, uint64_t size)
{
	CHECK(IS_ALIGNED(pa | size, PAGE_SIZE));
	while (size) {
		uint64_t n = MIN(size, VM_WINDOW_SIZE);
		spin_lock(&scrub_lock);
		vaddr_t va = vm_window_map(&scrub_window, pa_of(pa), (uint32_t)bytes_to_pages(n),
					   kvm_nx_fixup(VM_WRITE));
		memset((void *)(uintptr_t)va.v, 0, n);
		vm_window_unmap(&scrub_window);
		spin_unlock(&scrub_lock);
		pa += n;
		size -= n;
	}
}

static void op_scrub(void *ctx, struct range r)
{
	(void)ctx;
	kdax_scrub(r.base, range_size(r));
}

static const struct dax_ops ops = {
	.map = op_map,
	.unmap = op_unmap,
	.scrub = op_scrub,
	.alloc = heap_table_alloc, /* region and device tables grow from the kernel heap */
	.free = heap_table_free,
};

/* The SP piece holding physical address pa, or NULL. */
static const struct sp_piece *sp_piece_at(uint64_t pa)
{
	for (uint32_t i = 0; i < K.sp.count; i++)
		if (pa >= K.sp.p[i].base && pa < K.sp.p[i].end)
			return &K.sp.p[i];
	return 0;
}

static enum pf_result page_fault_hook(uint64_t addr, uint64_t error, uint64_t rip)
{
	char line[160];
	if (dax_fault_describe(&K.dax, va_of(addr), line, sizeof line) == ST_OK) {
		printk(LOG_ERR, "%s (address 0x%lx, %s, rip 0x%lx)", line, (unsigned long)addr,
		       error & 2 ? "write" : "read", (unsigned long)rip);
		K.violations++;
		return PF_RECOVER;
	}
	if (addr >= DIRECT_MAP_BASE && addr < DIRECT_MAP_BASE + (1ull << 46)) {
		const struct sp_piece *p = sp_piece_at(addr - DIRECT_MAP_BASE);
		if (p) {
			printk(LOG_ERR,
			       "ownership violation: physical 0x%lx is specific-purpose memory "
			       "[0x%lx-0x%lx), not in the direct map; only its dax owner may map "
			       "it",
			       (unsigned long)(addr - DIRECT_MAP_BASE), (unsigned long)p->base,
			       (unsigned long)p->end);
			K.violations++;
			return PF_RECOVER;
		}
	}
	return PF_UNHANDLED;
}

/* spmk.dax_page=4K|2M|1G: the largest page of a dax window (default 2 MiB), which is also
 * the grain at which release knows what an owner wrote (mm/dax.h). 1 GiB needs a CPU with
 * 1 GiB pages (smaller pages are used otherwise). */
static void kdax_window_page_option(void)
{
	const char *v;
	for (unsigned pos = 0; (v = cmdline_next(&K.cmdline, "spmk.dax_page", &pos));) {
		uint64_t page;
		if (parse_size(v, &page) != ST_OK ||
		    (page != VM_PAGE_4K && page != VM_PAGE_2M && page != VM_PAGE_1G)) {
			printk(LOG_WARN,
			       "cmdline: spmk.dax_page=%s not understood (known: 4K, 2M, 1G); "
			       "using %lu KiB",
			       v, (unsigned long)(K.dax.window_page >> 10));
			continue;
		}
		K.dax.window_page = page;
		if (page > kvm_max_page())
			printk(LOG_WARN,
			       "cmdline: spmk.dax_page=%s: this CPU has no 1 GiB pages; "
			       "windows use 2 MiB",
			       v);
	}
}

void kdax_init(void)
{
	/* at boot, before any device exists: without it no release could ever scrub */
	CHECK_OK(vm_window_init(&scrub_window, &kvm_space, va_of(SCRUB_WINDOW)));
	dax_init(&K.dax, &ops, &kout, (uint32_t)rdtsc());
	kdax_window_page_option();
	trap_set_pf_hook(page_fault_hook);
}
