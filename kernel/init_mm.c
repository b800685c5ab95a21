/* SPDX-License-Identifier: BSD-2-Clause */
/* init_mm.c - physical memory bring-up: from the normalised memory map to the page allocator
 * and the kernel's own page tables.
 *
 *   1. managed memory = usable RAM plus the kernel-owned kinds the loader allocated (kernel
 *      image, its page tables, boot_info), merged where they touch and split at NUMA node
 *      boundaries;
 *   2. the early allocator places the buddy's per-page metadata (8 bytes/page), preferably on
 *      the node it describes; consecutive small pieces of one node share one block
 *      (managed_meta_group), so a map of thousands of one-page pieces costs a few pages of
 *      metadata and a few early allocations, not a page and an allocation each;
 *   3. every managed piece joins the buddy as free, then everything already owned is carved
 *      out with its owner tag: page 0, the metadata, the kernel image, boot_info, the loader's
 *      page tables. From here on, every managed page is free or has a named owner;
 *   4. new page tables (direct map of managed memory and the firmware's ACPI memory, never SP
 *      or MMIO; the kernel image) are built from buddy pages and loaded; the loader's page
 *      tables are then given back, except any in SP memory: no SP page reaches the page
 *      allocator at boot (checked), only by hand-off;
 *   5. each node's reserve (watermark) is set, which only the kernel's own allocations (page
 *      tables, heap, allocator metadata: BUDDY_RESERVE) may use;
 *   6. the kernel heap (kmalloc) on top of the page allocator. */
#include "kernel/boot_scratch.h"
#include "kernel/init.h"

#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "mm/early.h"
#include "mm/kheap.h"
#include "mm/managed.h"

/* The early allocator's tables come from the boot scratch, sized from the map: a free range per
 * usable range plus one per split (an allocation per RAM piece, and a few more), a grant per
 * allocation (a metadata block per RAM piece, and a few more). */
#define EARLY_EXTRA 64

static struct early early;
static struct managed_set managed;

static bool is_managed_kind(enum mem_kind k)
{
	return k == MEM_USABLE || k == MEM_KERNEL || k == MEM_PAGETABLE || k == MEM_BOOTINFO;
}

static unsigned owner_of_kind(enum mem_kind k)
{
	switch (k) {
	case MEM_KERNEL: return BUDDY_OWNER_KERNEL;
	case MEM_PAGETABLE: return BUDDY_OWNER_PAGETABLE;
	case MEM_BOOTINFO: return BUDDY_OWNER_BOOTINFO;
	default: return BUDDY_OWNER_OTHER;
	}
}

/* Managed memory split at node boundaries (mm/managed.h): the map is sorted and the storage
 * bounds the pieces of any map the kernel holds, so this cannot fail. */
static void add_managed(uint64_t base, uint64_t end)
{
	CHECK_OK(managed_add(&managed, &K.numa, base, end, &kout));
}

/* No SP page reaches the page allocator except by hand-off (khotplug.c): every range that
 * becomes free pages at boot is checked against the map's SP memory. */
static void check_not_sp(const struct mem_range *r)
{
	CHECK(!sp_map_overlaps(&K.memmap, r->base, r->end));
}

/* Managed RAM is what the kernel's direct map can reach; RAM above it is reported, unused. */
static void collect_managed(void)
{
	/* RAM pieces of any map: managed_pieces_bound of its ranges, from the boot scratch */
	uint64_t cap = managed_pieces_bound(K.memmap.count);
	CHECK_OP(cap, <=, UINT32_MAX);
	managed_init_into(&managed, boot_scratch_take(cap, sizeof(struct managed_piece)),
			  (uint32_t)cap);
	for (uint32_t i = 0; i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (!is_managed_kind(r->kind))
			continue;
		if (r->kind == MEM_USABLE)
			check_not_sp(r);
		else if (r->attr & EFI_MEMORY_SP)
			printk(LOG_WARN,
			       "mm: loader block %s [0x%lx-0x%lx) lies in SP memory (attr "
			       "0x%lx): the kernel keeps it and never gives it to the page "
			       "allocator",
			       mem_kind_name(r->kind), (unsigned long)r->base,
			       (unsigned long)r->end, (unsigned long)r->attr);
		if (r->end > KVM_DIRECT_MAP_MAX)
			printk(LOG_WARN,
			       "mm: RAM [0x%lx-0x%lx) above the %lu TiB direct map is not used",
			       (unsigned long)MAX(r->base, KVM_DIRECT_MAP_MAX),
			       (unsigned long)r->end, (unsigned long)(KVM_DIRECT_MAP_MAX >> 40));
		if (r->base < KVM_DIRECT_MAP_MAX)
			add_managed(r->base, MIN(r->end, KVM_DIRECT_MAP_MAX));
	}
}

/* The other CPUs start in real mode at a page below 1 MiB (kernel/smp.h): the first free,
 * page-aligned SMP_TRAMP_PAGES pages of usable RAM there become the kernel's (owner kernel,
 * carved with the rest) before anything else can take them. None: one CPU, said once. */
static void reserve_trampoline(void)
{
	const uint64_t need = SMP_TRAMP_PAGES * PAGE_SIZE, below = 1ull << 20;
	uint64_t pa;
	if (early_alloc_in(&early, PAGE_SIZE, below, need, PAGE_SIZE, BUDDY_OWNER_KERNEL, &pa) ==
	    ST_OK) {
		smp_set_trampoline(pa);
		printk(LOG_INFO, "mm: CPU start-up trampoline at 0x%lx (%lu KiB below 1 MiB)",
		       (unsigned long)pa, (unsigned long)(need >> 10));
	} else {
		printk(LOG_WARN,
		       "mm: no %lu KiB of free RAM below 1 MiB for the CPU start-up trampoline; "
		       "one CPU",
		       (unsigned long)(need >> 10));
	}
}

static status_t early_setup(void)
{
	struct range *freer = boot_scratch_take(K.memmap.count, sizeof *freer);
	size_t n = 0;
	for (uint32_t i = 0; i < K.memmap.count; i++)
		if (K.memmap.r[i].kind == MEM_USABLE)
			freer[n++] = (struct range){ K.memmap.r[i].base, K.memmap.r[i].end };
	uint32_t cap_free = (uint32_t)n + managed.n + EARLY_EXTRA; /* a split per allocation */
	size_t cap_grants = managed.n + EARLY_EXTRA;
	status_t st = early_init_into(
		&early, freer, n, boot_scratch_take(cap_free, sizeof(struct range)), cap_free,
		boot_scratch_take(cap_grants, sizeof(struct early_grant)), cap_grants);
	/* Metadata is written through the loader's direct map: nothing may land beyond it. */
	uint64_t beyond = st == ST_OK ? early_limit(&early, K.bi->direct_map_size) : 0;
	if (beyond)
		printk(LOG_NOTICE,
		       "mm: %lu KiB of RAM above the loader's direct map (0x%lx) not used "
		       "for early allocations",
		       (unsigned long)(beyond >> 10), (unsigned long)K.bi->direct_map_size);
	if (st == ST_OK)
		st = early_reserve(&early, 0, PAGE_SIZE,
				   BUDDY_OWNER_FIRMWARE); /* page 0: never handed out */
	if (st == ST_OK)
		reserve_trampoline();
	return st;
}

/* Zeroes pages for an allocation, and tells hand-off which of its blocks got dirty
 * (mm/hotplug.h "Dirty blocks"; nothing before khotplug_init has handed anything off). */
static void buddy_zero(void *ctx, uint64_t pfn, uint64_t npages)
{
	(void)ctx;
	memset(phys_to_virt(pfn_to_pa(pfn_of(pfn)).v), 0, pages_to_bytes(npages));
	hotplug_note_zero(&K.hotplug, pfn_of(pfn), npages);
}

/* Debug builds: freed pages are filled with BUDDY_JUNK_BYTE (mm/buddy.h). */
static void buddy_junk(void *ctx, uint64_t pfn, uint64_t npages)
{
	(void)ctx;
	memset(phys_to_virt(pfn_to_pa(pfn_of(pfn)).v), BUDDY_JUNK_BYTE, pages_to_bytes(npages));
}

/* Grown descriptor and isolation tables of the page allocator (mm/buddy.h): from the early
 * allocator while boot adds its RAM pieces (granted as metadata, carved with the other early
 * grants and kept for good), from the kernel heap once it exists. */
static void *boot_tables[16];
static unsigned nboot_tables;

static void *buddy_table_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	void *p = 0;
	uint64_t pa;
	if (K.mm_ready)
		return kmalloc(&K.heap, bytes, &p) == ST_OK ? p : 0;
	if (nboot_tables == ARRAY_SIZE(boot_tables) ||
	    early_alloc(&early, bytes, PAGE_SIZE, BUDDY_OWNER_META, &pa) != ST_OK)
		return 0;
	return boot_tables[nboot_tables++] = phys_to_virt(pa);
}

static void buddy_table_free(void *ctx, void *p)
{
	(void)ctx;
	for (unsigned i = 0; i < nboot_tables; i++)
		if (boot_tables[i] == p)
			return;      /* boot metadata: stays carved */
	CHECK_OK(kfree(&K.heap, p)); /* only tables buddy_table_alloc took from the heap */
}

static const struct buddy_ops buddy_ops = {
	.zero = buddy_zero, .junk = buddy_junk, .alloc = buddy_table_alloc, .free = buddy_table_free
};

/* One block of `bytes` of page words for the pieces [first, last] (mm/managed.h: one piece,
 * or a run of small pieces of one node), inside them when it fits, else anywhere. */
static status_t meta_block(const struct managed_piece *first, const struct managed_piece *last,
			   uint64_t bytes, uint64_t *meta)
{
	status_t st = early_alloc_in(&early, first->base, last->end, bytes, PAGE_SIZE,
				     BUDDY_OWNER_META, meta);
	return st == ST_OK ? st : early_alloc(&early, bytes, PAGE_SIZE, BUDDY_OWNER_META, meta);
}

static status_t buddy_setup(void)
{
	buddy_init(&K.buddy, &buddy_ops, 0);
	for (uint32_t a = 0; a < K.numa.n_nodes; a++)
		for (uint32_t b = 0; b < K.numa.n_nodes; b++)
			buddy_set_distance(&K.buddy, a, b, numa_distance(&K.numa, a, b));
	for (uint32_t i = 0, next; i < managed.n; i = next) {
		uint64_t bytes = managed_meta_group(&managed, i, &next), meta;
		status_t st = meta_block(&managed.p[i], &managed.p[next - 1], bytes, &meta);
		for (uint32_t j = i; j < next && st == ST_OK; j++) {
			const struct managed_piece *m = &managed.p[j];
			uint64_t npages = bytes_to_pages(m->end - m->base);
			st = buddy_add_range(&K.buddy, m->node, BUDDY_ZONE_NORMAL,
					     pa_to_pfn(pa_of(m->base)), npages, phys_to_virt(meta),
					     buddy_meta_bytes(npages), 0);
			meta += buddy_meta_bytes(npages);
		}
		if (st != ST_OK) {
			printk(LOG_ERR, "mm: cannot manage [0x%lx-0x%lx): %s",
			       (unsigned long)managed.p[i].base,
			       (unsigned long)managed.p[next - 1].end, status_str(st));
			return st;
		}
	}
	return ST_OK;
}

/* Everything already in use gets its owner: early grants, then the loader's allocations. */
static status_t carve_owned(void)
{
	for (size_t i = 0; i < early.ngrants; i++) {
		const struct early_grant *g = &early.grant[i];
		status_t st = buddy_carve(&K.buddy, pa_to_pfn(pa_of(g->base)),
					  bytes_to_pages(g->end - g->base), g->tag);
		if (st != ST_OK)
			return st;
	}
	for (uint32_t i = 0; i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (!is_managed_kind(r->kind) || r->kind == MEM_USABLE)
			continue;
		status_t st = buddy_carve(&K.buddy, pa_to_pfn(pa_of(r->base)),
					  bytes_to_pages(r->end - r->base), owner_of_kind(r->kind));
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* Each node's reserve (buddy.h "Reserve"): Linux's min_free_kbytes rule over all NORMAL
 * memory, shared by the nodes in proportion to their NORMAL pages (docs/page-allocator.md). */
static void set_reserves(void)
{
	struct buddy_stats all;
	buddy_stats(&K.buddy, -1, BUDDY_ZONE_NORMAL, &all);
	for (unsigned node = 0; node < BUDDY_MAX_NODES; node++) {
		struct buddy_stats s;
		buddy_stats(&K.buddy, (int)node, BUDDY_ZONE_NORMAL, &s);
		CHECK_OK(
			buddy_set_reserve(&K.buddy, node, buddy_reserve_pages(s.total, all.total)));
	}
}

static status_t table_page_alloc(void *ctx, paddr_t *phys)
{
	(void)ctx;
	pfn_t pfn;
	status_t st =
		buddy_alloc(&K.buddy, 0, -1,
			    BUDDY_ZERO | BUDDY_RESERVE | BUDDY_OWNER(BUDDY_OWNER_PAGETABLE), &pfn);
	*phys = pfn_to_pa(pfn);
	return st;
}

static void table_page_free(void *ctx, paddr_t phys)
{
	(void)ctx;
	CHECK_OK(buddy_free(&K.buddy, pa_to_pfn(phys), 0)); /* a table page vm gives back */
}

static status_t page_tables_setup(void)
{
	static const struct kvm_page_source src = {
		.alloc = table_page_alloc,
		.free = table_page_free,
	};
	const struct boot_info *bi = K.bi;
	kvm_set_page_source(&src);
	status_t st = kvm_build(bi->kernel_phys, bi->kernel_virt, bi->kernel_size);
	for (uint32_t i = 0; st == ST_OK && i < managed.n; i++)
		st = kvm_direct_map(managed.p[i].base, managed.p[i].end);
	for (uint32_t i = 0; st == ST_OK && i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (r->kind == MEM_ACPI_RECLAIM || r->kind == MEM_ACPI_NVS)
			st = kvm_map_firmware(r->base, r->end - r->base);
	}
	for (uint32_t i = 0; st == ST_OK && i < K.acpi.count; i++)
		st = kvm_map_firmware(K.acpi.t[i].phys, K.acpi.t[i].length);
	if (st == ST_OK && K.acpi.rsdp_phys)
		st = kvm_map_firmware(K.acpi.rsdp_phys, 36);
	if (st != ST_OK)
		return st;
	kvm_activate();
	/* The loader's tables are no longer in use; any in SP memory stay owned (collect_managed
	 * reported them). */
	for (uint32_t i = 0; i < K.memmap.count; i++) {
		const struct mem_range *r = &K.memmap.r[i];
		if (r->kind != MEM_PAGETABLE || (r->attr & EFI_MEMORY_SP))
			continue;
		check_not_sp(r);
		CHECK_OK(buddy_uncarve(&K.buddy, pa_to_pfn(pa_of(r->base)),
				       bytes_to_pages(r->end - r->base))); /* carved at boot */
	}
	return ST_OK;
}

static status_t heap_pages_alloc(void *ctx, unsigned order, uint64_t *pfn)
{
	(void)ctx;
	pfn_t f = { 0 }; /* written on success only */
	status_t st =
		buddy_alloc(&K.buddy, order, -1, BUDDY_RESERVE | BUDDY_OWNER(BUDDY_OWNER_HEAP), &f);
	*pfn = f.v;
	return st;
}

static void heap_pages_free(void *ctx, uint64_t pfn, unsigned order)
{
	(void)ctx;
	CHECK_OK(buddy_free(&K.buddy, pfn_of(pfn),
			    order)); /* the heap frees only what it allocated */
}

static void *heap_page_virt(void *ctx, uint64_t pfn)
{
	(void)ctx;
	return phys_to_virt(pfn_to_pa(pfn_of(pfn)).v);
}

void init_mm(void)
{
	static const struct kheap_ops heap_ops = {
		.alloc_pages = heap_pages_alloc,
		.free_pages = heap_pages_free,
		.phys_to_virt = heap_page_virt,
	};
	kvm_probe_cpu();
	collect_managed();
	status_t st = early_setup();
	if (st == ST_OK)
		st = buddy_setup();
	if (st == ST_OK)
		st = carve_owned();
	if (st == ST_OK) {
		set_reserves();
		st = page_tables_setup();
	}
	if (st != ST_OK) {
		printk(LOG_EMERG, "mm: cannot set up physical memory (%s)", status_str(st));
		return;
	}
	kheap_init(&K.heap, &heap_ops, 0);
	struct buddy_stats s;
	CHECK_OK(buddy_stats(&K.buddy, -1, -1, &s));
	printk(LOG_INFO,
	       "mm: %u RAM pieces, %lu MiB managed, %lu MiB free, %lu KiB metadata; page tables: "
	       "%zu pages%s",
	       managed.n, (unsigned long)(s.total >> 8), (unsigned long)(s.free >> 8),
	       (unsigned long)(s.owner[BUDDY_OWNER_META] * 4), vm_count_tables(&kvm_space),
	       kvm_has_1g_pages() ? " (1 GiB pages)" : "");
	printk(LOG_INFO,
	       "mm: reserve %lu KiB in all, kept for the kernel's own allocations (per node in "
	       "`mem`)",
	       (unsigned long)(s.reserve * 4));
	K.mm_ready = true;
}

status_t init_mm_pcp(unsigned ncpus)
{
	uint64_t bytes = (uint64_t)ncpus * sizeof(struct buddy_pcp);
	pfn_t pfn;
	unsigned order = 0;
	while (((uint64_t)PAGE_SIZE << order) < bytes)
		order++;
	status_t st = buddy_alloc(&K.buddy, order, -1,
				  BUDDY_RESERVE | BUDDY_OWNER(BUDDY_OWNER_META), &pfn);
	if (st == ST_OK) {
		st = buddy_pcp_enable(&K.buddy, phys_to_virt(pfn_to_pa(pfn).v), ncpus);
		if (st != ST_OK)
			CHECK_OK(buddy_free(&K.buddy, pfn, order)); /* allocated just above */
		else /* on at the first contended allocation: one CPU alone is faster without */
			CHECK_OK(buddy_pcp_defer(&K.buddy)); /* caches just enabled */
	}
	if (st != ST_OK)
		printk(LOG_ERR, "mm: no per-CPU page caches for %u CPUs (%lu bytes): %s", ncpus,
		       (unsigned long)bytes, status_str(st));
	return st;
}
