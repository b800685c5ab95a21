/* kdax.c - the kernel side of the dax allocator: its page-table and scrub operations, and the
 * page-fault hook that turns a touch of someone else's SP memory into an ownership-violation
 * report (the command that touched it fails; the kernel goes on). */
#include "kernel/kdax.h"

#include "kernel/cpu.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "lib/kstring.h"

/* A private window for scrubbing: SP memory is mapped here only while it is being zeroed. */
#define SCRUB_WINDOW 0xffffd00000000000ull
#define SCRUB_CHUNK SIZE_1G

static status_t op_map(void *ctx, uint64_t va, uint64_t pa, uint64_t size, uint64_t max_page)
{
	(void)ctx;
	uint64_t page = MIN(max_page, kvm_max_page());
	return vm_map(&kvm_space, va, pa, size, VM_WRITE, page);
}

static void op_unmap(void *ctx, uint64_t va, uint64_t size)
{
	(void)ctx;
	vm_unmap(&kvm_space, va, size);
}

/* Zeroes [pa, pa+size) through SCRUB_WINDOW, a chunk at a time, with the largest pages that fit. */
void kdax_scrub(uint64_t pa, uint64_t size)
{
	while (size) {
		uint64_t n = MIN(size, SCRUB_CHUNK - (pa & (SCRUB_CHUNK - 1)));
		uint64_t va = SCRUB_WINDOW + (pa & (SCRUB_CHUNK - 1));
		if (vm_map(&kvm_space, va, pa, n, VM_WRITE, kvm_max_page()) != ST_OK) {
			printk(LOG_EMERG, "dax: cannot map [0x%lx, +0x%lx) to scrub it", (unsigned long)pa,
			       (unsigned long)n);
			return;
		}
		memset((void *)(uintptr_t)va, 0, n);
		vm_unmap(&kvm_space, va, n);
		pa += n;
		size -= n;
	}
}

static void op_scrub(void *ctx, uint64_t pa, uint64_t size)
{
	(void)ctx;
	kdax_scrub(pa, size);
}

static const struct dax_ops ops = { op_map, op_unmap, op_scrub, 0 };

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
	if (dax_fault_describe(&K.dax, addr, line, sizeof line) == ST_OK) {
		printk(LOG_ERR, "%s (address 0x%lx, %s, rip 0x%lx)", line, (unsigned long)addr,
		       error & 2 ? "write" : "read", (unsigned long)rip);
		K.violations++;
		return PF_RECOVER;
	}
	if (addr >= DIRECT_MAP_BASE && addr < DIRECT_MAP_BASE + (1ull << 46)) {
		const struct sp_piece *p = sp_piece_at(addr - DIRECT_MAP_BASE);
		if (p) {
			printk(LOG_ERR, "ownership violation: physical 0x%lx is specific-purpose memory "
			       "[0x%lx-0x%lx), not in the direct map; only its dax owner may map it",
			       (unsigned long)(addr - DIRECT_MAP_BASE), (unsigned long)p->base,
			       (unsigned long)p->end);
			K.violations++;
			return PF_RECOVER;
		}
	}
	return PF_UNHANDLED;
}

void kdax_init(void)
{
	dax_init(&K.dax, &ops, &kout, (uint32_t)rdtsc());
	trap_set_pf_hook(page_fault_hook);
}
