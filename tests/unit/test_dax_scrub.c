/* SPDX-License-Identifier: BSD-2-Clause */
/* test_dax_scrub.c - the dax scrub cannot fail: host tests of mm/vm_window and of release and
 * claim through dax ops that work like the kernel's (kernel/kdax.c): device windows and the
 * scrub window are real page tables (mm/vm) over a simulated physical arena, and the scrub
 * writes through the scrub window's translation, so a wrong entry would zero the wrong page.
 * With every page-table allocation failing (fault_arm(FAULT_PT_ALLOC)), release and claim
 * still zero exactly the memory they must; before the window existed, the scrub mapped
 * memory on demand and a release under this injection left the old owner's bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fault.h"
#include "mm/dax.h"
#include "mm/vm_internal.h"
#include "mm/vm_window.h"
#include "test_main.h"

#define PAGES 4096u          /* 16 MiB of "physical memory" */
#define TABLE_PAGES 1024u    /* page-table pages come from [0, 4 MiB) */
#define SP_BASE (8ull << 20) /* the dax region: [8 MiB, 16 MiB) */
#define SP_SIZE (8ull << 20)
#define SCRUB_VA 0xffffd00000000000ull

struct machine {
	uint8_t *mem;
	uint32_t next_table;
	struct vm_ops vops;
	struct vm_space vm;
	struct vm_window win;
	struct dax_ops dops;
	struct dax d;
	uint64_t scrubbed;
};

static status_t m_alloc(void *ctx, paddr_t *phys)
{
	struct machine *m = ctx;
	if (m->next_table >= TABLE_PAGES)
		return ST_NOMEM;
	*phys = pa_of((uint64_t)m->next_table++ * PAGE_SIZE);
	return ST_OK;
}
static void m_free(void *ctx, paddr_t phys) { (void)ctx, (void)phys.v; }
static void *m_virt(void *ctx, paddr_t phys)
{
	struct machine *m = ctx;
	assert_true(phys.v < (uint64_t)PAGES * PAGE_SIZE);
	return m->mem + phys.v;
}
static void m_flush_page(void *ctx, uint64_t va) { (void)ctx, (void)va; }
static void m_flush_all(void *ctx) { (void)ctx; }

/* The "CPU": bytes at virtual va, through the page tables, for writing: like the processor,
 * it sets the leaf's dirty bit (release zeroes what the dirty bits say was written). */
static uint8_t *m_at(struct machine *m, uint64_t va)
{
	paddr_t pa;
	int level;
	assert_int_equal(vm_translate(&m->vm, va_of(va), &pa, 0, 0), ST_OK);
	*vm_walk(&m->vm, va, 1, &level) |= VM_PTE_A | VM_PTE_D;
	assert_true(pa.v < (uint64_t)PAGES * PAGE_SIZE);
	return m->mem + pa.v;
}

static status_t d_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	uint64_t va = virt.v, pa = phys.v;
	struct machine *m = ctx;
	return vm_map(&m->vm, va_of(va), pa_of(pa), size, VM_WRITE, max_page);
}
static void d_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	uint64_t va = virt.v;
	struct machine *m = ctx;
	assert_int_equal(vm_unmap_dirty(&m->vm, va_of(va), size, written, arg), ST_OK);
}
/* As kdax_scrub: through the scrub window, a window at a time. */
static void d_scrub(void *ctx, struct range r)
{
	uint64_t pa = r.base, size = range_size(r);
	struct machine *m = ctx;
	while (size) {
		uint64_t n = size < VM_WINDOW_SIZE ? size : VM_WINDOW_SIZE;
		uint64_t va =
			vm_window_map(&m->win, pa_of(pa), (uint32_t)bytes_to_pages(n), VM_WRITE).v;
		for (uint64_t off = 0; off < n; off += PAGE_SIZE)
			memset(m_at(m, va + off), 0, PAGE_SIZE);
		vm_window_unmap(&m->win);
		m->scrubbed += n;
		pa += n;
		size -= n;
	}
}

static struct machine *machine_new(void)
{
	struct machine *m = calloc(1, sizeof *m);
	m->mem = calloc(PAGES, PAGE_SIZE);
	m->vops = (struct vm_ops){
		.alloc_table = m_alloc,
		.free_table = m_free,
		.phys_to_virt = m_virt,
		.flush_page = m_flush_page,
		.flush_all = m_flush_all,
		.ctx = m,
	};
	assert_int_equal(vm_space_init(&m->vm, &m->vops), ST_OK);
	assert_int_equal(vm_window_init(&m->win, &m->vm, va_of(SCRUB_VA)), ST_OK);
	m->dops = (struct dax_ops){ .map = d_map, .unmap = d_unmap, .scrub = d_scrub, .ctx = m };
	dax_init(&m->d, &m->dops, NULL, 1);
	assert_int_equal(dax_region_add(&m->d, range_of(pa_of(SP_BASE), SP_SIZE), 1, 0, 0), ST_OK);
	fault_reset();
	return m;
}

static void machine_free(struct machine *m)
{
	fault_reset();
	free(m->mem);
	free(m);
}

static bool all_zero(const struct machine *m, uint64_t pa, uint64_t size)
{
	for (uint64_t i = 0; i < size; i++)
		if (m->mem[pa + i])
			return false;
	return true;
}

/* The window maps exactly the pages asked for, needs no table after init, and leaves nothing
 * mapped behind it; init refuses a misaligned or occupied window. */
static void test_window(void **state)
{
	(void)state;
	struct machine *m = machine_new();
	uint32_t tables = m->next_table;
	fault_arm(FAULT_PT_ALLOC, 1000);
	uint64_t va =
		vm_window_map(&m->win, pa_of(SP_BASE + 5 * PAGE_SIZE), VM_WINDOW_PAGES, VM_WRITE).v;
	assert_int_equal(va, SCRUB_VA);
	for (uint32_t i = 0; i < VM_WINDOW_PAGES; i += 97) {
		paddr_t pa;
		assert_int_equal(vm_translate(&m->vm, va_of(va + i * PAGE_SIZE), &pa, 0, 0), ST_OK);
		assert_int_equal(pa.v, SP_BASE + (5 + i) * PAGE_SIZE);
	}
	vm_window_unmap(&m->win);
	assert_int_equal(vm_translate(&m->vm, va_of(va), 0, 0, 0), ST_NOTFOUND);
	assert_int_equal(fault_counters(FAULT_PT_ALLOC).uses, 0);
	assert_int_equal(m->next_table, tables);
	struct vm_window w2;
	assert_int_equal(vm_window_init(&w2, &m->vm, va_of(SCRUB_VA + PAGE_SIZE)), ST_INVALID);
	vm_window_map(&m->win, pa_of(0), 1, 0);
	assert_int_equal(vm_window_init(&w2, &m->vm, va_of(SCRUB_VA)), ST_EXISTS);
	vm_window_unmap(&m->win);
	assert_int_equal(vm_window_init(&w2, &m->vm, va_of(SCRUB_VA + VM_WINDOW_SIZE)), ST_NOMEM);
	fault_reset();
	assert_int_equal(vm_window_init(&w2, &m->vm, va_of(SCRUB_VA + VM_WINDOW_SIZE)), ST_OK);
	machine_free(m);
}

/* Release zeroes the whole device with no page-table memory left at all; the next owner
 * reads zeros; memory outside the device is untouched. */
static void test_release_scrubs_without_table_memory(void **state)
{
	(void)state;
	struct machine *m = machine_new();
	uint32_t dev;
	struct dax_handle h;
	assert_int_equal(dax_destroy_device(&m->d, 0), ST_OK);
	assert_int_equal(dax_create_device(&m->d, 0, 3 * SIZE_2M, SIZE_2M, &dev), ST_OK);
	assert_int_equal(dax_activate(&m->d, "alice"), ST_OK);
	assert_int_equal(dax_claim(&m->d, dev, "alice", &h), ST_OK);
	assert_int_equal(dax_map(&m->d, h), ST_OK);
	const struct dax_device *x = dax_device_get(&m->d, dev);
	for (uint64_t off = 0; off < x->size; off += 4096 + 8)
		*m_at(m, x->window + off) = 0x5a;            /* alice writes through her window */
	memset(m->mem + SP_BASE + x->size, 0x77, PAGE_SIZE); /* next to the device: not hers */
	fault_arm(FAULT_PT_ALLOC, 1000000);
	assert_int_equal(dax_release(&m->d, h), ST_OK);
	assert_int_equal(fault_counters(FAULT_PT_ALLOC).injected, 0); /* nothing even tried */
	assert_true(all_zero(m, x->base, x->size));
	assert_int_equal(m->mem[SP_BASE + x->size], 0x77);
	assert_int_equal(m->scrubbed, x->size);
	/* the next owner cannot map (no table) but nothing of alice's is there anyway */
	assert_int_equal(dax_activate(&m->d, "bob"), ST_OK);
	assert_int_equal(dax_claim(&m->d, dev, "bob", &h), ST_OK);
	fault_reset();
	assert_int_equal(dax_map(&m->d, h), ST_OK);
	assert_true(all_zero(m, x->base, x->size));
	assert_int_equal(dax_check(&m->d, NULL), ST_OK);
	machine_free(m);
}

/* A claim's deferred scrub also needs no table memory. */
static void test_claim_scrubs_without_table_memory(void **state)
{
	(void)state;
	struct machine *m = machine_new();
	uint32_t dev;
	struct dax_handle h;
	assert_int_equal(dax_destroy_device(&m->d, 0), ST_OK);
	assert_int_equal(dax_create_device(&m->d, 0, SIZE_2M + 4 * PAGE_SIZE, PAGE_SIZE, &dev),
			 ST_OK);
	const struct dax_device *x = dax_device_get(&m->d, dev);
	memset(m->mem + x->base, 0x33, x->size); /* an earlier user's bytes, left for the claim */
	assert_int_equal(dax_defer_scrub(&m->d, range_of(pa_of(x->base), x->size)), ST_OK);
	fault_arm(FAULT_PT_ALLOC, 1000000);
	assert_int_equal(dax_claim(&m->d, dev, "carol", &h), ST_OK);
	assert_true(all_zero(m, x->base, x->size));
	assert_int_equal(dax_dirty_bytes(&m->d, range_of(pa_of(x->base), x->size)), 0);
	machine_free(m);
}

/* A claim that cuts an extent of the full deferred-scrub table in the middle: the device and
 * the shorter piece beside it are zeroed (memory nobody holds), the longer piece stays in the
 * table with its bytes, and nothing outside the extent is written. */
static void test_full_table_claim_zeroes_only_unowned_memory(void **state)
{
	(void)state;
	struct machine *m = machine_new();
	uint32_t dev[40];
	struct dax_handle h;
	assert_int_equal(dax_destroy_device(&m->d, 0), ST_OK);
	for (uint32_t i = 0; i < 40; i++) /* 40 one-page devices, then free space */
		assert_int_equal(dax_create_device(&m->d, 0, PAGE_SIZE, PAGE_SIZE, &dev[i]), ST_OK);
	memset(m->mem + SP_BASE, 0x44, SP_SIZE);
	/* 31 one-page extents (pages 0, 2, .. 60), then one long extent over free space: pages
	 * [100, 2048) */
	for (uint32_t i = 0; i < 31; i++)
		assert_int_equal(
			dax_defer_scrub(&m->d,
					range_of(pa_of(SP_BASE + 2ull * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	assert_int_equal(dax_defer_scrub(&m->d, range_of(pa_of(SP_BASE + 100 * PAGE_SIZE),
							 1948 * PAGE_SIZE)),
			 ST_OK);
	assert_int_equal(m->d.ndirty, DAX_INIT_DIRTY);
	uint32_t mid;
	assert_int_equal(dax_create_device(&m->d, 0, 8 * PAGE_SIZE, PAGE_SIZE, &mid), ST_OK);
	const struct dax_device *x = dax_device_get(&m->d, mid);
	assert_int_equal(x->base, SP_BASE + 40 * PAGE_SIZE); /* first fit: not in the extent */
	assert_int_equal(dax_destroy_device(&m->d, mid), ST_OK);
	/* a device inside the long extent: pages [300, 308); the shorter side is [100, 300) */
	uint32_t pad;
	assert_int_equal(dax_create_device(&m->d, 0, 260 * PAGE_SIZE, PAGE_SIZE, &pad), ST_OK);
	assert_int_equal(dax_create_device(&m->d, 0, 8 * PAGE_SIZE, PAGE_SIZE, &mid), ST_OK);
	x = dax_device_get(&m->d, mid);
	assert_int_equal(x->base, SP_BASE + 300 * PAGE_SIZE);
	m->scrubbed = 0;
	assert_int_equal(dax_claim(&m->d, mid, "x", &h), ST_OK);
	assert_true(all_zero(m, SP_BASE + 100 * PAGE_SIZE, 208 * PAGE_SIZE)); /* side + device */
	assert_int_equal(m->scrubbed, 208 * PAGE_SIZE);
	assert_int_equal(m->mem[SP_BASE + 99 * PAGE_SIZE + 4095], 0x44); /* before the extent */
	assert_int_equal(m->mem[SP_BASE + 308 * PAGE_SIZE], 0x44);       /* still owed, kept */
	assert_int_equal(dax_dirty_bytes(&m->d, range_of(pa_of(SP_BASE), SP_SIZE)),
			 31 * PAGE_SIZE + 1740 * PAGE_SIZE);
	assert_int_equal(m->d.ndirty, DAX_INIT_DIRTY);
	assert_int_equal(dax_check(&m->d, NULL), ST_OK);
	machine_free(m);
}

TEST_MAIN(cmocka_unit_test(test_window), cmocka_unit_test(test_release_scrubs_without_table_memory),
	  cmocka_unit_test(test_claim_scrubs_without_table_memory),
	  cmocka_unit_test(test_full_table_claim_zeroes_only_unowned_memory))
