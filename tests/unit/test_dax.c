/* SPDX-License-Identifier: BSD-2-Clause */
/* test_dax.c - host tests of mm/dax: the device state machine, every refused transition
 * (each leaves the allocator and the fake hardware bit-for-bit unchanged), the active-owner
 * mapping rule, scrubbing, listing, the invariant walker, and a randomized page-ownership test.
 *
 * Fake hardware: map/unmap record window mappings in a small table (a map that overlaps an
 * existing one, or an unmap of something not mapped, fails the test); physical memory is one
 * tag byte per 4 KiB page ("written by an owner"), which scrub zeroes, and a dirty byte per
 * page that a write through a window sets; unmap reports, like page-table leaves with their
 * dirty bits, every leaf-sized part of the mapping (its max_page) holding a dirty page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "lib/cancel.h"
#include "mm/dax.h"
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "test_heap.h"
#include "test_main.h"
#include "xorshift.h"

#define MEM_BASE 0x100000000ull /* 4 GiB */
#define MEM_SIZE (9 * SIZE_1G)
#define MEM_PAGES (MEM_SIZE / PAGE_SIZE)
#define MAPS_MAX 128

struct fake_map {
	uint64_t va, pa, size, max_page;
};

struct fake {
	struct fake_map maps[MAPS_MAX];
	int nmaps;
	long map_budget; /* successful maps left; < 0 unlimited */
	unsigned map_calls, unmap_calls, scrub_calls;
	uint8_t *tag;                /* per page of [MEM_BASE, MEM_BASE + MEM_SIZE) */
	uint8_t *dirty;              /* per page: written through a window since it was mapped */
	void (*on_scrub)(void *arg); /* called at each scrub, before it (NULL: none) */
	void *on_scrub_arg;
};

static status_t fake_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	uint64_t va = virt.v, pa = phys.v;
	struct fake *f = ctx;
	f->map_calls++;
	if (f->map_budget == 0)
		return ST_NOMEM;
	if (f->map_budget > 0)
		f->map_budget--;
	assert_true(IS_ALIGNED(va | pa | size, max_page)); /* window aligned like the memory */
	assert_true(va >= DAX_WINDOW_BASE && va - DAX_WINDOW_BASE < DAX_WINDOW_SIZE);
	for (int i = 0; i < f->nmaps; i++)
		assert_false(va < f->maps[i].va + f->maps[i].size && f->maps[i].va < va + size);
	assert_true(f->nmaps < MAPS_MAX);
	f->maps[f->nmaps++] = (struct fake_map){ va, pa, size, max_page };
	return ST_OK;
}

static void fake_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	uint64_t va = virt.v;
	struct fake *f = ctx;
	f->unmap_calls++;
	for (int i = 0; i < f->nmaps; i++) {
		struct fake_map m = f->maps[i];
		if (m.va != va || m.size != size)
			continue;
		f->maps[i] = f->maps[--f->nmaps];
		for (uint64_t off = 0; off < size; off += m.max_page) {
			uint8_t *dp = f->dirty + (m.pa + off - MEM_BASE) / PAGE_SIZE;
			if (memchr(dp, 1, m.max_page / PAGE_SIZE)) {
				memset(dp, 0, m.max_page / PAGE_SIZE);
				written(arg, va_of(va + off), m.max_page);
			}
		}
		return;
	}
	fail_msg("unmap of 0x%llx +0x%llx that is not mapped", (unsigned long long)va,
		 (unsigned long long)size);
}

static void fake_scrub(void *ctx, struct range r)
{
	uint64_t pa = r.base, size = range_size(r);
	struct fake *f = ctx;
	f->scrub_calls++;
	if (f->on_scrub)
		f->on_scrub(f->on_scrub_arg);
	assert_true(pa >= MEM_BASE && pa + size <= MEM_BASE + MEM_SIZE);
	memset(f->tag + (pa - MEM_BASE) / PAGE_SIZE, 0, size / PAGE_SIZE);
}

/* Physical address behind a window address, or 0 when not mapped. */
static uint64_t fake_translate(struct fake *f, uint64_t va)
{
	for (int i = 0; i < f->nmaps; i++)
		if (va >= f->maps[i].va && va - f->maps[i].va < f->maps[i].size)
			return f->maps[i].pa + (va - f->maps[i].va);
	return 0;
}

/* The CPU writes `tag` to the page at window address va: the page and its dirty byte. */
static void fake_write(struct fake *f, uint64_t va, uint8_t tag)
{
	uint64_t pa = fake_translate(f, va);
	assert_true(pa != 0);
	f->tag[(pa - MEM_BASE) / PAGE_SIZE] = tag;
	f->dirty[(pa - MEM_BASE) / PAGE_SIZE] = 1;
}

struct fx {
	struct fake fake;
	struct dax_ops ops;
	struct capture log;
	struct dax d;
	struct dax snap_d;
	struct fake snap_fake;
};

/* Region 0: 64 MiB at 4 GiB (2 MiB align), node 1. Region 1: 2 GiB at 9 GiB (1 GiB align),
 * node 2. Region 2: 20 KiB at 12 GiB + 12 KiB (4 KiB align), no node. */
#define R0_BASE MEM_BASE
#define R0_SIZE (64 * MiB)
#define R1_BASE (9 * GiB)
#define R1_SIZE (2 * GiB)
#define R2_BASE (12 * GiB + 0x3000)
#define R2_SIZE 0x5000ull

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	x->fake.tag = calloc(MEM_PAGES, 1);
	x->fake.dirty = calloc(MEM_PAGES, 1);
	x->fake.map_budget = -1;
	x->ops = (struct dax_ops){
		.map = fake_map,
		.unmap = fake_unmap,
		.scrub = fake_scrub,
		.ctx = &x->fake,
	};
	capture_init(&x->log);
	dax_init(&x->d, &x->ops, &x->log.out, 1000);
	uint32_t r;
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(R0_BASE), R0_SIZE), 1, 0, &r), ST_OK);
	assert_int_equal(r, 0);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(R1_BASE), R1_SIZE), 2, 0, &r), ST_OK);
	assert_int_equal(r, 1);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(R2_BASE), R2_SIZE), -1, 0, &r),
			 ST_OK);
	assert_int_equal(r, 2);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	free(x->fake.tag);
	free(x->fake.dirty);
	free(x);
	return 0;
}

static uint32_t find(struct fx *x, const char *name)
{
	uint32_t dev = UINT32_MAX;
	assert_int_equal(dax_find(&x->d, name, &dev), ST_OK);
	return dev;
}

static void snap(struct fx *x)
{
	x->snap_d = x->d;
	x->snap_fake = x->fake;
}

static void same_as_snap(struct fx *x)
{
	assert_memory_equal(&x->d.ops, &x->snap_d.ops, /* not the lock: its tickets move */
			    sizeof x->d - offsetof(struct dax, ops));
	assert_int_equal(x->fake.nmaps, x->snap_fake.nmaps);
	for (int i = 0; i < x->fake.nmaps; i++) { /* same set of mappings, any order */
		bool found = false;
		for (int j = 0; j < x->snap_fake.nmaps; j++)
			found |= memcmp(&x->fake.maps[i], &x->snap_fake.maps[j],
					sizeof x->fake.maps[i]) == 0;
		assert_true(found);
	}
	assert_int_equal(x->fake.scrub_calls, x->snap_fake.scrub_calls);
	assert_int_equal(x->fake.unmap_calls, x->snap_fake.unmap_calls);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

static void test_boot_devices(void **state)
{
	struct fx *x = *state;
	static const struct {
		const char *name;
		uint64_t base, size, align;
	} want[] = {
		{ "dax0.0", R0_BASE, R0_SIZE, SIZE_2M },
		{ "dax1.0", R1_BASE, R1_SIZE, SIZE_1G },
		{ "dax2.0", R2_BASE, R2_SIZE, PAGE_SIZE },
	};
	for (size_t i = 0; i < 3; i++) {
		const struct dax_device *dev = dax_device_get(&x->d, find(x, want[i].name));
		assert_non_null(dev);
		assert_int_equal(dev->base, want[i].base);
		assert_int_equal(dev->size, want[i].size);
		assert_int_equal(dev->align, want[i].align);
		assert_int_equal(dev->mode, DAX_MODE_DEVDAX);
		assert_int_equal(dev->state, DAX_UNCLAIMED);
		assert_string_equal(dev->owner, "");
		assert_true(IS_ALIGNED(dev->window, dev->align));
		assert_true(dev->window >= DAX_WINDOW_BASE);
	}
	assert_int_equal(x->d.regions[1].window % SIZE_1G, 0);
	assert_int_equal(x->d.regions[2].window % SIZE_1G, R2_BASE % SIZE_1G);
	uint32_t dev;
	assert_int_equal(dax_find(&x->d, "dax3.0", &dev), ST_NOTFOUND);
	assert_int_equal(dax_find(&x->d, "dax0", &dev), ST_NOTFOUND);
	assert_int_equal(dax_find(&x->d, "", &dev), ST_NOTFOUND);
	assert_int_equal(dax_align_best(3 * GiB, 2 * GiB), SIZE_1G);
	assert_int_equal(dax_align_best(3 * GiB + SIZE_2M, 2 * GiB), SIZE_2M);
	assert_int_equal(dax_align_best(3 * GiB, 2 * GiB + PAGE_SIZE), PAGE_SIZE);
	assert_int_equal(dax_align_best(3 * GiB, 100), 0);
}

static void test_region_add_refusals(void **state)
{
	struct fx *x = *state;
	snap(x);
	assert_int_equal(
		dax_region_add(&x->d, range_of(pa_of(R0_BASE + SIZE_2M), SIZE_2M), 0, 0, NULL),
		ST_EXISTS);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(20 * GiB), 0), 0, 0, NULL),
			 ST_INVALID);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(20 * GiB + 1), SIZE_2M), 0, 0, NULL),
			 ST_INVALID);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(20 * GiB + SIZE_2M), SIZE_2M), 0,
					SIZE_1G, NULL),
			 ST_INVALID);
	assert_int_equal(dax_region_add(&x->d,
					range_of(pa_of(UINT64_MAX - SIZE_2M + 1), 2 * SIZE_2M), 0,
					SIZE_2M, NULL),
			 ST_RANGE);
	assert_int_equal(
		dax_region_add(&x->d, range_of(pa_of(20 * GiB), 17ull << 40), 0, SIZE_1G, NULL),
		ST_NOMEM);
	same_as_snap(x);
	/* fill every region slot */
	for (uint32_t i = 3; i < DAX_INIT_REGIONS;
	     i++) /* no ops->alloc: the first size is the limit */
		assert_int_equal(
			dax_region_add(&x->d, range_of(pa_of((20 + i) * GiB), SIZE_2M), 0, 0, NULL),
			ST_OK);
	snap(x);
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(100 * GiB), SIZE_2M), 0, 0, NULL),
			 ST_NOMEM);
	same_as_snap(x);
}

/* A piece so large that its window slot size wraps 2^64 gets no window; it used to get a
 * 1 GiB window overlapping the next region's. A firmware map with one SP descriptor of
 * 2^52 - 2 pages at 4 KiB reached it (tests/fuzz/crashes/fuzz_discover/dax-window-wrap) until
 * the normaliser dropped descriptors above MAXPHYADDR; dax_region_add refuses it on its own. */
static void test_region_add_window_wrap(void **state)
{
	struct fx *x = *state;
	struct dax d;
	dax_init(&d, &x->ops, &x->log.out, 1);
	assert_int_equal(
		dax_region_add(&d, range_of(pa_of(0x1000), UINT64_MAX - 0x1fff), 0, 0, NULL),
		ST_NOMEM);
	/* here the 1 GiB guard gap is what wraps */
	assert_int_equal(dax_region_add(&d,
					range_of(pa_of(SIZE_1G - 0x1000), 0xffffffff50000000ull), 0,
					0, NULL),
			 ST_NOMEM);
	assert_int_equal(d.nregions, 0);
	assert_true(capture_has(&x->log, "no window space"));
	/* the largest region the window area holds still fits, once */
	assert_int_equal(
		dax_region_add(&d, range_of(pa_of(0), DAX_WINDOW_SIZE - SIZE_1G), 0, 0, NULL),
		ST_OK);
	assert_int_equal(dax_region_add(&d, range_of(pa_of(32ull << 40), SIZE_1G), 0, 0, NULL),
			 ST_NOMEM);
	assert_int_equal(dax_check(&d, &x->log.out), ST_OK);
}

static void test_create_destroy_first_fit(void **state)
{
	struct fx *x = *state;
	assert_int_equal(dax_destroy_device(&x->d, find(x, "dax0.0")), ST_OK);
	assert_int_equal(x->d.regions[0].nfree, 1);
	uint32_t a, b, c, e;
	assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, PAGE_SIZE, &a), ST_OK);
	assert_int_equal(dax_create_device(&x->d, 0, 4 * SIZE_2M, SIZE_2M, &b), ST_OK);
	assert_int_equal(dax_create_device(&x->d, 0, 3 * PAGE_SIZE, 0x1000, &c), ST_OK);
	const struct dax_device *da = dax_device_get(&x->d, a), *db = dax_device_get(&x->d, b),
				*dc = dax_device_get(&x->d, c);
	assert_int_equal(da->base, R0_BASE);
	assert_int_equal(db->base, R0_BASE + SIZE_2M);   /* aligned up past dax0.0 */
	assert_int_equal(dc->base, R0_BASE + PAGE_SIZE); /* first fit in the gap */
	assert_int_equal(da->id, 0);
	assert_int_equal(db->id, 1);
	assert_int_equal(dc->id, 2);
	assert_int_equal(find(x, "dax0.2"), c);
	assert_int_equal(x->d.regions[0].nfree, 2);
	/* default align is the region's */
	assert_int_equal(dax_create_device(&x->d, 0, SIZE_2M, 0, &e), ST_OK);
	assert_int_equal(dax_device_get(&x->d, e)->align, SIZE_2M);
	assert_int_equal(dax_device_get(&x->d, e)->base, R0_BASE + 5 * SIZE_2M);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* destroying the middle ones merges the free space back */
	assert_int_equal(dax_destroy_device(&x->d, b), ST_OK);
	assert_int_equal(dax_destroy_device(&x->d, c), ST_OK);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	assert_int_equal(x->d.regions[0].nfree, 2);
	assert_int_equal(x->d.regions[0].free[0].base, R0_BASE + PAGE_SIZE);
	assert_int_equal(x->d.regions[0].free[0].end, R0_BASE + 5 * SIZE_2M);
	/* the lowest free <n> is reused */
	uint32_t f;
	assert_int_equal(dax_create_device(&x->d, 0, SIZE_2M, SIZE_2M, &f), ST_OK);
	char name[DAX_NAME_MAX];
	dax_device_name(&x->d, f, name, sizeof name);
	assert_string_equal(name, "dax0.1");
	assert_int_equal(dax_destroy_device(&x->d, a), ST_OK);
	assert_int_equal(dax_destroy_device(&x->d, e), ST_OK);
	assert_int_equal(dax_destroy_device(&x->d, f), ST_OK);
	assert_int_equal(x->d.regions[0].nfree, 1);
	assert_int_equal(x->d.regions[0].free[0].base, R0_BASE);
	assert_int_equal(x->d.regions[0].free[0].end, R0_BASE + R0_SIZE);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

static void test_create_refusals(void **state)
{
	struct fx *x = *state;
	uint32_t dev;
	assert_int_equal(dax_destroy_device(&x->d, find(x, "dax0.0")), ST_OK);
	assert_int_equal(dax_create_device(&x->d, 0, 60 * MiB, SIZE_2M, &dev), ST_OK);
	snap(x);
	capture_init(&x->log);
	/* too big for what is left: the message has the numbers */
	assert_int_equal(dax_create_device(&x->d, 0, 8 * MiB, SIZE_2M, &dev), ST_NOMEM);
	assert_true(capture_has(&x->log,
				"region 0 has no free range of 0x800000 bytes aligned to "
				"0x200000 (free 0x400000 bytes in 1 extents, largest 0x400000)"));
	assert_int_equal(dax_create_device(&x->d, 0, 2 * R0_SIZE, SIZE_2M, &dev), ST_NOMEM);
	/* a busy region: every region has its boot device */
	assert_int_equal(dax_create_device(&x->d, 1, SIZE_1G, SIZE_1G, &dev), ST_NOMEM);
	/* bad align: not a page size, above the region's */
	assert_int_equal(dax_create_device(&x->d, 0, SIZE_2M, 0x3000, &dev), ST_INVALID);
	assert_int_equal(dax_create_device(&x->d, 0, 4 * SIZE_2M, 4 * MiB, &dev), ST_INVALID);
	assert_int_equal(dax_create_device(&x->d, 0, SIZE_1G, SIZE_1G, &dev), ST_INVALID);
	assert_true(capture_has(&x->log, "at most region 0's align 0x200000"));
	/* size 0, not a multiple of align */
	assert_int_equal(dax_create_device(&x->d, 0, 0, SIZE_2M, &dev), ST_INVALID);
	assert_int_equal(dax_create_device(&x->d, 0, SIZE_2M + PAGE_SIZE, SIZE_2M, &dev),
			 ST_INVALID);
	/* unknown region */
	assert_int_equal(dax_create_device(&x->d, 7, SIZE_2M, SIZE_2M, &dev), ST_NOTFOUND);
	assert_int_equal(dax_create_device(&x->d, UINT32_MAX, SIZE_2M, 0, &dev), ST_NOTFOUND);
	/* unknown device */
	assert_int_equal(dax_destroy_device(&x->d, 63), ST_NOTFOUND);
	assert_int_equal(dax_destroy_device(&x->d, 1000), ST_NOTFOUND);
	same_as_snap(x);
}

static void test_device_slots_run_out(void **state)
{
	struct fx *x = *state;
	uint32_t dev;
	assert_int_equal(dax_destroy_device(&x->d, find(x, "dax0.0")), ST_OK);
	for (int i = 0; i < DAX_INIT_DEVICES - 2; i++)
		assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, PAGE_SIZE, &dev), ST_OK);
	snap(x);
	assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, PAGE_SIZE, &dev), ST_NOMEM);
	same_as_snap(x);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* alternate destroys: the free list grows to its bound and stays consistent */
	for (uint32_t i = 0; i < x->d.cap_devices; i += 2)
		if (dax_device_get(&x->d, i) && dax_device_get(&x->d, i)->region == 0)
			assert_int_equal(dax_destroy_device(&x->d, i), ST_OK);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

static unsigned stop_points, stop_at;
static bool stop_hook(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	assert_true(done > 0 && done < total);
	return ++stop_points >= stop_at;
}

/* The owner of h maps its device and writes `tag` over every page of it through the window. */
static void write_all(struct fx *x, struct dax_handle h, uint64_t size, uint8_t tag)
{
	uint64_t va;
	if (dax_device_get(&x->d, h.index)->state != DAX_MAPPED)
		assert_int_equal(dax_map(&x->d, h), ST_OK);
	assert_int_equal(dax_access_ptr(&x->d, h, 0, size, &va), ST_OK);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		fake_write(&x->fake, va + off, tag);
}

/* A release stopped during its scrub still releases the device; the unscrubbed rest is left
 * to the deferred scrub, which the next claim does before the owner can read a byte. With no
 * deferred-scrub extent free, the rest is scrubbed at once. */
static void test_release_stopped_defers_the_rest(void **state)
{
	struct fx *x = *state;
	uint32_t d1 = find(x, "dax1.0");
	uint64_t first = (R1_BASE - MEM_BASE) / PAGE_SIZE, n = R1_SIZE / PAGE_SIZE;
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, d1, "alice", &h), ST_OK);
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	write_all(x, h, R1_SIZE, 0xab);
	stop_points = 0;
	stop_at = 3;
	cancel_set(stop_hook, 0);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	cancel_set(0, 0);
	assert_int_equal(stop_points, 3);
	assert_int_equal(dax_device_get(&x->d, d1)->state, DAX_UNCLAIMED);
	uint64_t scrubbed = 3 * DAX_SCRUB_CHUNK;
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(R1_BASE), R1_SIZE)),
			 R1_SIZE - scrubbed);
	assert_int_equal(x->fake.tag[first + scrubbed / PAGE_SIZE - 1], 0);
	assert_int_equal(x->fake.tag[first + scrubbed / PAGE_SIZE], 0xab); /* not yet */
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	assert_int_equal(dax_claim(&x->d, d1, "bob", &h), ST_OK);
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(x->fake.tag[first + p], 0);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(R1_BASE), R1_SIZE)), 0);
	/* the deferred-scrub table full: a stopped release scrubs the rest at once */
	uint32_t d0 = find(x, "dax0.0");
	const struct dax_device *x0 = dax_device_get(&x->d, d0);
	for (uint32_t i = 0; x->d.ndirty < DAX_INIT_DIRTY; i++)
		assert_int_equal(
			dax_defer_scrub(&x->d,
					range_of(pa_of(x0->base + 2 * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	assert_int_equal(dax_activate(&x->d, "bob"), ST_OK);
	write_all(x, h, R1_SIZE, 0xcd);
	stop_points = 0;
	stop_at = 1;
	cancel_set(stop_hook, 0);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	cancel_set(0, 0);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(R1_BASE), R1_SIZE)), 0);
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(x->fake.tag[first + p], 0);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

/* Bytes nobody wrote through a window (what firmware left): a claim and a release do not zero
 * them (nothing was written); dax_defer_scrub_device makes the next claim zero them, or zeroes
 * them at once when the deferred-scrub table is full. */
static void test_defer_scrub_device(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0"), d1 = find(x, "dax1.0");
	const struct dax_device *dev = dax_device_get(&x->d, d0);
	uint64_t first = (dev->base - MEM_BASE) / PAGE_SIZE, n = dev->size / PAGE_SIZE;
	memset(x->fake.tag + first, 0xaf, n);
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, d0, "alice", &h), ST_OK);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	assert_int_equal(x->fake.tag[first], 0xaf);
	assert_int_equal(dax_defer_scrub_device(&x->d, d0), ST_OK);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(dev->base), dev->size)), dev->size);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	assert_int_equal(dax_claim(&x->d, d0, "bob", &h), ST_OK);
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(x->fake.tag[first + p], 0);
	assert_int_equal(dax_defer_scrub_device(&x->d, d0), ST_BUSY); /* claimed */
	assert_int_equal(dax_defer_scrub_device(&x->d, 999), ST_NOTFOUND);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	/* the table full: zeroed at once */
	memset(x->fake.tag + first, 0xaf, n);
	const struct dax_device *x1 = dax_device_get(&x->d, d1);
	for (uint32_t i = 0; x->d.ndirty < DAX_INIT_DIRTY; i++)
		assert_int_equal(
			dax_defer_scrub(&x->d,
					range_of(pa_of(x1->base + 2 * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	assert_int_equal(dax_defer_scrub_device(&x->d, d0), ST_OK);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(dev->base), dev->size)), 0);
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(x->fake.tag[first + p], 0);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

/* ---- tables that grow from ops->alloc ---- */
/* From now on the fixture's dax grows its tables from the test heap: no limit, none live, and
 * every call must find the dax lock free (the kernel's heap ranks after it: tables grow with
 * the lock dropped, docs/locking.md). */
static void grow_from_heap(struct fx *x)
{
	x->ops.alloc = test_heap_alloc;
	x->ops.free = test_heap_free;
	test_heap_reset();
	test_heap_lock = &x->d.lock;
}

/* dax_fini gives back every table it grew, and no growth called the heap with the dax lock
 * held; the fixture's dax is set up again for the teardown (which frees the fixture only). */
static void fini_gives_all_back(struct fx *x)
{
	dax_fini(&x->d);
	assert_int_equal(test_heap_live, 0);
	assert_int_equal(test_heap_under_lock, 0);
	test_heap_lock = NULL;
	dax_init(&x->d, &x->ops, &x->log.out, 1000);
}

/* The whole observable state: counters and every region and device slot. */
struct dax_image {
	uint32_t nregions, cap_regions, cap_devices, ndirty;
	struct dax_region r[512];
	struct dax_device dv[1024];
};

static void dax_image_take(const struct dax *d, struct dax_image *im)
{
	memset(im, 0, sizeof *im);
	im->nregions = d->nregions;
	im->cap_regions = d->cap_regions;
	im->cap_devices = d->cap_devices;
	im->ndirty = d->ndirty;
	assert_true(d->cap_regions <= 512 && d->cap_devices <= 1024);
	memcpy(im->r, d->regions, d->cap_regions * sizeof im->r[0]);
	memcpy(im->dv, d->devices, d->cap_devices * sizeof im->dv[0]);
}

/* 100 regions (the machine had 63) and 300 devices: more than the first tables hold;
 * every name, window and byte of accounting stays right while the tables move. A refused
 * growth (allocator out of memory) changes nothing and says why. */
static void test_tables_grow_from_heap(void **state)
{
	struct fx *x = *state;
	grow_from_heap(x);
	for (uint32_t i = 3; i < 100; i++) {
		uint32_t r;
		assert_int_equal(dax_region_add(&x->d,
						range_of(pa_of((20 + 2 * i) * GiB), 3 * SIZE_2M),
						(int)i % 64, 0, &r),
				 ST_OK);
		assert_int_equal(r, i);
	}
	assert_true(x->d.cap_regions >= 100 && x->d.regions != x->d.regions0);
	for (uint32_t i = 3; i < 100; i++) { /* three 2 MiB devices each: 3 + 97 * 3 = 294 */
		char name[DAX_NAME_MAX];
		snprintf(name, sizeof name, "dax%u.0", i);
		assert_int_equal(dax_destroy_device(&x->d, find(x, name)), ST_OK);
		for (int k = 0; k < 3; k++)
			assert_int_equal(dax_create_device(&x->d, i, SIZE_2M, 0, NULL), ST_OK);
	}
	assert_true(x->d.cap_devices >= 294 && x->d.devices != x->d.devices0);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	uint32_t dev = find(x, "dax99.2");
	const struct dax_device *last = dax_device_get(&x->d, dev);
	assert_int_equal(last->base, (20 + 2 * 99) * GiB + 2 * SIZE_2M);
	assert_int_equal(last->window, x->d.regions[99].window + 2 * SIZE_2M);
	assert_int_equal(dax_find(&x->d, "dax99.2", &dev), ST_OK);

	fini_gives_all_back(x);
}

/* Refused growth asks the heap once, changes nothing (every slot compared) and names the
 * table in one error line; the refusal is the operation's own (the same call with memory
 * grows the table); the per-region
 * device limit refuses with its numbers; dax_fini gives every grown table back. */
static void test_tables_growth_refused(void **state)
{
	struct fx *x = *state;
	static struct dax_image before, after;
	grow_from_heap(x);
	dax_fini(&x->d);
	dax_init(&x->d, &x->ops, &x->log.out, 7);
	assert_int_equal(dax_region_add(&x->d,
					range_of(pa_of(R0_BASE), DAX_REGION_DEVICES * PAGE_SIZE), 0,
					PAGE_SIZE, NULL),
			 ST_OK);
	assert_int_equal(dax_destroy_device(&x->d, 0), ST_OK);
	for (int i = 0; i < DAX_REGION_DEVICES; i++) /* fills the 64 first device slots too */
		assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, 0, NULL), ST_OK);
	assert_int_equal(x->d.cap_devices, DAX_INIT_DEVICES);
	test_heap_budget = 0;
	dax_image_take(&x->d, &before);
	capture_init(&x->log);
	test_heap_calls = 0;
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(R1_BASE), SIZE_2M), 1, 0, NULL),
			 ST_NOMEM);
	assert_int_equal(test_heap_calls, 1); /* asked once, refused once, reported once */
	capture_expect_one_error(&x->log, "region_add, heap refusing",
				 "all 64 device slots in use and the table cannot grow");
	dax_image_take(&x->d, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(test_heap_live, 0);
	/* with memory the same call succeeds and the table doubles */
	test_heap_budget = -1;
	assert_int_equal(dax_region_add(&x->d, range_of(pa_of(R1_BASE), SIZE_2M), 1, 0, NULL),
			 ST_OK);
	assert_int_equal(x->d.cap_devices, 2 * DAX_INIT_DEVICES);
	assert_int_equal(test_heap_live, 1);
	/* region 0 is at its own limit: refused with numbers, nothing changes */
	assert_int_equal(dax_destroy_device(&x->d, 5), ST_OK);
	assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, 0, NULL), ST_OK);
	dax_image_take(&x->d, &before);
	capture_init(&x->log);
	uint32_t nd;
	assert_int_equal(dax_split_device(&x->d, 64, SIZE_2M / 2, &nd), ST_OK); /* region 1: room */
	assert_int_equal(dax_destroy_device(&x->d, nd), ST_OK);
	assert_int_equal(x->d.devices[64].size, SIZE_2M / 2);
	dax_image_take(&x->d, &before);
	assert_int_equal(dax_device_reserve(&x->d, 0, "test"), ST_NOMEM);
	assert_non_null(strstr(x->log.text, "region 0 already has 64 devices (max 64)"));
	assert_int_equal(dax_split_device(&x->d, 0, 0, &nd), ST_INVALID);
	dax_image_take(&x->d, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	fini_gives_all_back(x);
}

/* The deferred-scrub table grows from ops->alloc: 300 separate extents (the first table holds
 * 32) are kept and zeroed by the next claim; a claim cutting an extent in the middle splits it
 * (the table grows again). With the allocator refusing, a new extent is refused with nothing
 * changed (its caller zeroes at once) and a middle cut zeroes the shorter side instead, so no
 * byte is lost either way; dax_fini gives the grown table back. */
static void test_dirty_table_grows_from_heap(void **state)
{
	struct fx *x = *state;
	static struct dax_image before, after;
	grow_from_heap(x);
	uint32_t d1 = find(x, "dax1.0");
	const struct dax_device *dev = dax_device_get(&x->d, d1);
	uint64_t first = (dev->base - MEM_BASE) / PAGE_SIZE;
	for (uint32_t i = 0; i < 300; i++) {
		memset(x->fake.tag + first + 2 * i, 0xaf, 1);
		assert_int_equal(
			dax_defer_scrub(&x->d,
					range_of(pa_of(dev->base + 2 * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	}
	assert_int_equal(x->d.ndirty, 300);
	assert_true(x->d.cap_dirty >= 300 && x->d.dirty != x->d.dirty0);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(dev->base), dev->size)),
			 300 * PAGE_SIZE);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* merging keeps order: page 1 joins pages 0 and 2 into one extent */
	assert_int_equal(dax_defer_scrub(&x->d, range_of(pa_of(dev->base + PAGE_SIZE), PAGE_SIZE)),
			 ST_OK);
	assert_int_equal(x->d.ndirty, 299);
	assert_int_equal(x->d.dirty[0].end, dev->base + 3 * PAGE_SIZE);
	/* the table full at its new size, the allocator out of memory */
	for (uint32_t i = 300; x->d.ndirty < x->d.cap_dirty; i++)
		assert_int_equal(
			dax_defer_scrub(&x->d,
					range_of(pa_of(dev->base + 2 * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	test_heap_budget = 0;
	dax_image_take(&x->d, &before);
	struct range saved[512];
	assert_true(x->d.ndirty <= 512);
	memcpy(saved, x->d.dirty, x->d.ndirty * sizeof saved[0]);
	assert_int_equal(dax_defer_scrub(&x->d, range_of(pa_of(dev->base + dev->size - PAGE_SIZE),
							 PAGE_SIZE)),
			 ST_NOMEM);
	dax_image_take(&x->d, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_memory_equal(saved, x->d.dirty, x->d.ndirty * sizeof saved[0]);
	/* a device cut out of the middle of extent [0, 3 pages): no slot for the split, so the
	 * shorter side (page 0) is zeroed and leaves the table with page 1; page 2 stays */
	uint32_t n0 = x->d.ndirty;
	assert_int_equal(dax_destroy_device(&x->d, d1), ST_OK);
	uint32_t a, b;
	assert_int_equal(dax_create_device(&x->d, 1, PAGE_SIZE, PAGE_SIZE, &a), ST_OK); /* page 0 */
	assert_int_equal(dax_create_device(&x->d, 1, PAGE_SIZE, PAGE_SIZE, &b), ST_OK); /* page 1 */
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, b, "bob", &h), ST_OK);
	assert_int_equal(x->d.ndirty, n0);
	assert_int_equal(x->d.dirty[0].base, R1_BASE + 2 * PAGE_SIZE);
	assert_int_equal(x->fake.tag[first + 0], 0); /* the shorter side, zeroed at once */
	assert_int_equal(x->fake.tag[first + 1], 0);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(R1_BASE), 3 * PAGE_SIZE)),
			 PAGE_SIZE); /* page 2 */
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* with memory again, the same cut splits: page 4 of [4, 7) after a claim of page 5 */
	test_heap_budget = -1;
	assert_int_equal(
		dax_defer_scrub(&x->d, range_of(pa_of(R1_BASE + 5 * PAGE_SIZE), PAGE_SIZE)), ST_OK);
	assert_int_equal(x->d.ndirty, x->d.cap_dirty - 1); /* [4, 7) is one extent now */
	assert_int_equal(
		dax_defer_scrub(&x->d, range_of(pa_of(R1_BASE + R1_SIZE - PAGE_SIZE), PAGE_SIZE)),
		ST_OK);
	uint32_t c[6];
	for (int i = 0; i < 4; i++)
		assert_int_equal(dax_create_device(&x->d, 1, PAGE_SIZE, PAGE_SIZE, &c[i]), ST_OK);
	assert_int_equal(dax_device_get(&x->d, c[3])->base, R1_BASE + 5 * PAGE_SIZE);
	uint32_t cap = x->d.cap_dirty, n1 = x->d.ndirty;
	assert_int_equal(n1, cap); /* full: the split needs the table to grow */
	assert_int_equal(dax_claim(&x->d, c[3], "carol", &h), ST_OK);
	assert_int_equal(x->d.cap_dirty, 2 * cap);
	assert_int_equal(x->d.ndirty, n1 + 1);
	assert_int_equal(
		dax_dirty_bytes(&x->d, range_of(pa_of(R1_BASE + 4 * PAGE_SIZE), 3 * PAGE_SIZE)),
		2 * PAGE_SIZE);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	fini_gives_all_back(x);
}

/* A whole device owed a scrub while the deferred-scrub table is full: the table grows and the
 * device is deferred (its bytes are not zeroed now, under the dax lock). */
static void test_device_scrub_deferred_when_table_full(void **state)
{
	struct fx *x = *state;
	grow_from_heap(x);
	uint32_t d0 = find(x, "dax0.0"), d1 = find(x, "dax1.0");
	const struct dax_device *a = dax_device_get(&x->d, d0), *b = dax_device_get(&x->d, d1);
	for (uint32_t i = 0; x->d.ndirty < x->d.cap_dirty; i++)
		assert_int_equal(dax_defer_scrub(&x->d, range_of(pa_of(b->base + 2 * i * PAGE_SIZE),
								 PAGE_SIZE)),
				 ST_OK);
	uint32_t cap = x->d.cap_dirty;
	uint64_t first = (a->base - MEM_BASE) / PAGE_SIZE;
	memset(x->fake.tag + first, 0xaf, 1);
	assert_int_equal(dax_defer_scrub_device(&x->d, d0), ST_OK);
	assert_true(x->d.cap_dirty > cap);
	assert_int_equal(dax_dirty_bytes(&x->d, range_of(pa_of(a->base), a->size)), a->size);
	assert_int_equal(x->fake.tag[first], 0xaf); /* deferred, not zeroed at once */
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	fini_gives_all_back(x);
}

/* At the release's scrub of what its stopped scrub left (the first scrub after the stop),
 * another operation runs and ends: a device reservation in region 0, which has room. */
static status_t other_op_st = ST_INVALID;
static void other_op_after_stop(void *arg)
{
	struct fx *x = arg;
	if (stop_points < stop_at || other_op_st != ST_INVALID)
		return;
	other_op_st = dax_device_reserve(&x->d, 0, "other");
}

/* The wants are the operation's own: a release that finds the deferred-scrub table full (its
 * stopped scrub left writes that no extent can take) zeroes them at once, unlocked, and grows
 * the table for the next time, even when another operation runs and ends in between (it
 * used to take the release's want with it, and the table never grew). */
static void test_release_keeps_its_want(void **state)
{
	struct fx *x = *state;
	grow_from_heap(x);
	uint32_t d1 = find(x, "dax1.0");
	uint64_t first = (R1_BASE - MEM_BASE) / PAGE_SIZE, n = R1_SIZE / PAGE_SIZE;
	const struct dax_device *x0 = dax_device_get(&x->d, find(x, "dax0.0"));
	for (uint32_t i = 0; x->d.ndirty < DAX_INIT_DIRTY; i++)
		assert_int_equal(
			dax_defer_scrub(&x->d,
					range_of(pa_of(x0->base + 2 * i * PAGE_SIZE), PAGE_SIZE)),
			ST_OK);
	assert_int_equal(x->d.cap_dirty, DAX_INIT_DIRTY);
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, d1, "alice", &h), ST_OK);
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	write_all(x, h, R1_SIZE, 0xcd);
	stop_points = 0;
	stop_at = 1;
	other_op_st = ST_INVALID;
	x->fake.on_scrub = other_op_after_stop;
	x->fake.on_scrub_arg = x;
	cancel_set(stop_hook, 0);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	cancel_set(0, 0);
	x->fake.on_scrub = NULL;
	assert_int_equal(other_op_st, ST_OK);
	assert_int_equal(x->d.cap_dirty, 2 * DAX_INIT_DIRTY); /* grown by the release */
	assert_int_equal(x->d.ndirty, DAX_INIT_DIRTY);
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(x->fake.tag[first + p], 0);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	fini_gives_all_back(x);
}

static void test_claim_map_release_cycle(void **state)
{
	struct fx *x = *state;
	uint32_t d1 = find(x, "dax1.0");
	struct dax_handle h;
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	assert_int_equal(dax_claim(&x->d, d1, "alice", &h), ST_OK);
	assert_int_equal(h.index, d1);
	assert_int_equal(dax_device_get(&x->d, d1)->state, DAX_CLAIMED);
	assert_string_equal(dax_device_get(&x->d, d1)->owner, "alice");
	assert_int_equal(x->fake.nmaps, 0);
	assert_int_equal(dax_map(&x->d, h), ST_OK);
	assert_int_equal(dax_device_get(&x->d, d1)->state, DAX_MAPPED);
	/* one mapping, window aligned, pages of at most the 2 MiB tracking grain */
	assert_int_equal(x->fake.nmaps, 1);
	assert_int_equal(x->fake.maps[0].pa, R1_BASE);
	assert_int_equal(x->fake.maps[0].size, R1_SIZE);
	assert_int_equal(x->fake.maps[0].max_page, SIZE_2M);
	assert_int_equal(x->fake.maps[0].va, dax_device_get(&x->d, d1)->window);
	/* the owner writes through its window */
	uint64_t va;
	assert_int_equal(dax_access_ptr(&x->d, h, SIZE_1G + 5 * PAGE_SIZE, 3 * PAGE_SIZE, &va),
			 ST_OK);
	uint64_t pa = fake_translate(&x->fake, va);
	assert_int_equal(pa, R1_BASE + SIZE_1G + 5 * PAGE_SIZE);
	for (int i = 0; i < 3; i++)
		fake_write(&x->fake, va + i * PAGE_SIZE, 0xab);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* release: unmapped, the written 2 MiB leaf scrubbed, unclaimed, handle dead */
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	assert_int_equal(x->fake.nmaps, 0);
	assert_int_equal(x->fake.scrub_calls, 1);
	assert_int_equal(x->d.release_scrubbed, SIZE_2M);
	for (uint64_t p = 0; p < R1_SIZE / PAGE_SIZE; p++)
		assert_int_equal(x->fake.tag[(R1_BASE - MEM_BASE) / PAGE_SIZE + p], 0);
	const struct dax_device *dev = dax_device_get(&x->d, d1);
	assert_int_equal(dev->state, DAX_UNCLAIMED);
	assert_string_equal(dev->owner, "");
	assert_int_not_equal(dev->gen, h.gen);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* a new claim gets a different handle; the old one stays dead */
	struct dax_handle h2;
	assert_int_equal(dax_claim(&x->d, d1, "bob", &h2), ST_OK);
	assert_int_not_equal(h2.gen, h.gen);
	snap(x);
	assert_int_equal(dax_map(&x->d, h), ST_PERM);
	assert_int_equal(dax_release(&x->d, h), ST_PERM);
	same_as_snap(x);
	/* release of a claimed but never mapped device: nothing to unmap, nothing written */
	assert_int_equal(dax_release(&x->d, h2), ST_OK);
	assert_int_equal(x->fake.unmap_calls, 1);
	assert_int_equal(x->fake.scrub_calls, 1);
	assert_int_equal(x->d.release_scrubbed, 0);
}

static void test_refused_transitions(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0"), d1 = find(x, "dax1.0"), d2 = find(x, "dax2.0");
	struct dax_handle h0, h1, tmp;
	assert_int_equal(dax_claim(&x->d, d0, "alice", &h0), ST_OK);
	assert_int_equal(dax_claim(&x->d, d1, "bob", &h1), ST_OK);
	assert_int_equal(dax_map(&x->d, h1), ST_OK);
	struct dax_handle stale;
	assert_int_equal(dax_claim(&x->d, d2, "carol", &stale), ST_OK);
	assert_int_equal(dax_release(&x->d, stale), ST_OK);
	assert_int_equal(dax_mode_set(&x->d, d2, DAX_MODE_SYSTEM_RAM, true), ST_OK);
	struct dax other;
	dax_init(&other, &x->ops, NULL, 777);
	uint32_t od;
	assert_int_equal(dax_region_add(&other, range_of(pa_of(R0_BASE), R0_SIZE), 0, 0, NULL),
			 ST_OK);
	assert_int_equal(dax_find(&other, "dax0.0", &od), ST_OK);
	struct dax_handle other_h;
	assert_int_equal(dax_claim(&other, od, "alice", &other_h), ST_OK);

	snap(x);
	uint64_t va;
	assert_int_equal(dax_claim(&x->d, d0, "bob", &tmp), ST_BUSY);     /* claim claimed */
	assert_int_equal(dax_claim(&x->d, d1, "bob", &tmp), ST_BUSY);     /* claim mapped */
	assert_int_equal(dax_claim(&x->d, d2, "bob", &tmp), ST_BUSY);     /* claim system-ram */
	assert_int_equal(dax_claim(&x->d, 40, "bob", &tmp), ST_NOTFOUND); /* unknown device */
	assert_int_equal(dax_claim(&x->d, 9999, "bob", &tmp), ST_NOTFOUND);
	assert_int_equal(dax_destroy_device(&x->d, d0), ST_BUSY); /* destroy claimed */
	assert_int_equal(dax_destroy_device(&x->d, d1), ST_BUSY); /* destroy mapped */
	assert_int_equal(dax_destroy_device(&x->d, d2), ST_BUSY); /* destroy system-ram */
	assert_int_equal(dax_map(&x->d, h1), ST_BUSY);            /* map mapped */
	assert_int_equal(dax_map(&x->d, stale), ST_PERM);         /* map unclaimed/stale */
	assert_int_equal(dax_release(&x->d, stale), ST_PERM);     /* release stale */
	assert_int_equal(dax_map(&x->d, (struct dax_handle){ d0, h1.gen }), ST_PERM); /* forged */
	assert_int_equal(dax_release(&x->d, (struct dax_handle){ d1, h0.gen }), ST_PERM);
	assert_int_equal(dax_release(&x->d, (struct dax_handle){ 9999, h0.gen }), ST_PERM);
	assert_int_equal(dax_release(&x->d, (struct dax_handle){ d0, 0 }), ST_PERM);
	assert_int_equal(dax_release(&x->d, other_h), ST_PERM);          /* other instance */
	assert_int_equal(dax_access_ptr(&x->d, h1, 0, 1, &va), ST_PERM); /* bob not active */
	assert_int_equal(dax_access_ptr(&x->d, h0, 0, 1, &va), ST_BUSY); /* not mapped */
	assert_int_equal(dax_access_ptr(&x->d, stale, 0, 1, &va), ST_PERM);
	assert_int_equal(dax_handle_for(&x->d, d0, "bob", &tmp), ST_PERM); /* foreign owner */
	assert_int_equal(dax_handle_for(&x->d, d2, "carol", &tmp), ST_PERM);
	assert_int_equal(dax_handle_for(&x->d, 50, "carol", &tmp), ST_NOTFOUND);
	/* bad owner names */
	char longname[40];
	memset(longname, 'a', sizeof longname);
	longname[DAX_OWNER_MAX + 1] = '\0';
	uint32_t d_free;
	assert_int_equal(dax_claim(&x->d, d0, "", &tmp), ST_INVALID);
	assert_int_equal(dax_claim(&x->d, d0, NULL, &tmp), ST_INVALID);
	assert_int_equal(dax_claim(&x->d, d0, longname, &tmp), ST_INVALID);
	assert_int_equal(dax_claim(&x->d, d0, "a b", &tmp), ST_INVALID);
	assert_int_equal(dax_claim(&x->d, d0, "x\"y", &tmp), ST_INVALID);
	assert_int_equal(dax_activate(&x->d, longname), ST_INVALID);
	assert_int_equal(dax_activate(&x->d, "no way"), ST_INVALID);
	assert_int_equal(dax_find(&x->d, "dax9.9", &d_free), ST_NOTFOUND);
	assert_int_equal(dax_mode_set(&x->d, d0, DAX_MODE_SYSTEM_RAM, true), ST_BUSY);
	assert_int_equal(dax_ram_blocks_set(&x->d, d0, 1, 2), ST_BUSY);
	same_as_snap(x);

	/* a 31-character name is fine; the handle_for round trip works */
	longname[DAX_OWNER_MAX] = '\0';
	assert_int_equal(dax_release(&x->d, h0), ST_OK);
	assert_int_equal(dax_claim(&x->d, d0, longname, &h0), ST_OK);
	assert_int_equal(dax_handle_for(&x->d, d0, longname, &tmp), ST_OK);
	assert_memory_equal(&tmp, &h0, sizeof tmp);
	/* the system-ram hooks, and back */
	assert_int_equal(dax_ram_blocks_set(&x->d, d2, 3, 2), ST_BUSY);
	assert_int_equal(dax_ram_blocks_set(&x->d, d2, 1, 2), ST_OK);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	assert_int_equal(dax_mode_set(&x->d, d2, DAX_MODE_DEVDAX, false), ST_OK);
	assert_int_equal(dax_device_get(&x->d, d2)->total_blocks, 0);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

static void test_access_bounds(void **state)
{
	struct fx *x = *state;
	uint32_t d2 = find(x, "dax2.0");
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, d2, "alice", &h), ST_OK);
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	assert_int_equal(dax_map(&x->d, h), ST_OK);
	assert_int_equal(x->fake.maps[0].max_page, PAGE_SIZE);
	uint64_t va = 0;
	assert_int_equal(dax_access_ptr(&x->d, h, 0, R2_SIZE, &va), ST_OK);
	assert_int_equal(fake_translate(&x->fake, va), R2_BASE);
	assert_int_equal(dax_access_ptr(&x->d, h, R2_SIZE, 0, &va), ST_OK);
	assert_int_equal(dax_access_ptr(&x->d, h, R2_SIZE - 1, 2, &va), ST_RANGE);
	assert_int_equal(dax_access_ptr(&x->d, h, 1, UINT64_MAX, &va), ST_RANGE);
	assert_int_equal(dax_access_ptr(&x->d, h, R2_SIZE + 1, 0, &va), ST_RANGE);
}

static void test_active_owner_enforcement(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0"), d1 = find(x, "dax1.0"), d2 = find(x, "dax2.0");
	struct dax_handle ha, hb, hc;
	assert_int_equal(dax_claim(&x->d, d0, "alice", &ha), ST_OK);
	assert_int_equal(dax_claim(&x->d, d1, "bob", &hb), ST_OK);
	assert_int_equal(dax_claim(&x->d, d2, "alice", &hc), ST_OK);
	/* nobody active: map records the state but installs nothing */
	assert_int_equal(dax_map(&x->d, ha), ST_OK);
	assert_int_equal(dax_map(&x->d, hb), ST_OK);
	assert_int_equal(x->fake.nmaps, 0);
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	assert_int_equal(x->fake.nmaps, 1);
	assert_int_equal(x->fake.maps[0].pa, R0_BASE);
	assert_int_equal(x->fake.maps[0].max_page, SIZE_2M);
	uint64_t wa = dax_device_get(&x->d, d0)->window, wb = dax_device_get(&x->d, d1)->window;
	/* alice's second device is claimed, not mapped: mapping it now installs it at once */
	assert_int_equal(dax_map(&x->d, hc), ST_OK);
	assert_int_equal(x->fake.nmaps, 2);
	/* switch to bob: alice's windows disappear, bob's appears */
	assert_int_equal(dax_activate(&x->d, "bob"), ST_OK);
	assert_int_equal(x->fake.nmaps, 1);
	assert_int_equal(fake_translate(&x->fake, wa), 0);
	assert_int_equal(fake_translate(&x->fake, wb + 12345), R1_BASE + 12345);
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	/* bob touches alice's window: the fault is attributed */
	char msg[128];
	uint32_t dev;
	assert_int_equal(dax_fault_lookup(&x->d, va_of(wa + 100), &dev), ST_OK);
	assert_int_equal(dev, d0);
	assert_int_equal(dax_fault_describe(&x->d, va_of(wa + 100), msg, sizeof msg), ST_OK);
	assert_string_equal(msg, "ownership violation: dax0.0 owned by 'alice', accessed as 'bob'");
	/* the guard gap */
	assert_int_equal(dax_fault_lookup(&x->d, va_of(wa + R0_SIZE), &dev), ST_NOTFOUND);
	assert_int_equal(dax_fault_lookup(&x->d, va_of(DAX_WINDOW_BASE - 1), &dev), ST_NOTFOUND);
	assert_int_equal(dax_fault_describe(&x->d, va_of(0x1000), msg, sizeof msg), ST_NOTFOUND);
	/* re-activating the same owner changes nothing */
	unsigned maps_before = x->fake.map_calls;
	assert_int_equal(dax_activate(&x->d, "bob"), ST_OK);
	assert_int_equal(x->fake.map_calls, maps_before);
	/* no active owner: nothing mapped */
	assert_int_equal(dax_activate(&x->d, NULL), ST_OK);
	assert_int_equal(x->fake.nmaps, 0);
	assert_int_equal(dax_fault_describe(&x->d, va_of(wb), msg, sizeof msg), ST_OK);
	assert_string_equal(msg,
			    "ownership violation: dax1.0 owned by 'bob', accessed as no owner");
	/* release while inactive: nothing to unmap */
	unsigned unmaps = x->fake.unmap_calls;
	assert_int_equal(dax_release(&x->d, hb), ST_OK);
	assert_int_equal(x->fake.unmap_calls, unmaps);
	assert_int_equal(dax_fault_describe(&x->d, va_of(wb), msg, sizeof msg), ST_OK);
	assert_string_equal(msg, "ownership violation: dax1.0 is unclaimed, accessed as no owner");
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

static void test_map_failure_changes_nothing(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0"), d1 = find(x, "dax1.0"), d2 = find(x, "dax2.0");
	struct dax_handle h0, h1, h2;
	assert_int_equal(dax_claim(&x->d, d0, "alice", &h0), ST_OK);
	assert_int_equal(dax_claim(&x->d, d1, "alice", &h1), ST_OK);
	assert_int_equal(dax_claim(&x->d, d2, "alice", &h2), ST_OK);
	assert_int_equal(dax_map(&x->d, h0), ST_OK);
	assert_int_equal(dax_map(&x->d, h1), ST_OK);
	assert_int_equal(dax_map(&x->d, h2), ST_OK);
	for (long budget = 0; budget < 3; budget++) {
		snap(x);
		x->fake.map_budget = budget;
		assert_int_equal(dax_activate(&x->d, "alice"), ST_NOMEM);
		x->fake.map_budget = -1;
		x->fake.map_calls = x->snap_fake.map_calls;
		x->fake.unmap_calls = x->snap_fake.unmap_calls;
		same_as_snap(x);
	}
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	assert_int_equal(x->fake.nmaps, 3);
	assert_int_equal(dax_release(&x->d, h2), ST_OK);
	assert_int_equal(dax_claim(&x->d, d2, "alice", &h2), ST_OK);
	snap(x);
	x->fake.map_budget = 0;
	assert_int_equal(dax_map(&x->d, h2), ST_NOMEM);
	x->fake.map_budget = -1;
	x->fake.map_calls = x->snap_fake.map_calls;
	same_as_snap(x);
}

static void test_list_json_and_text(void **state)
{
	struct fx *x = *state;
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, find(x, "dax1.0"), "alice", &h), ST_OK);
	assert_int_equal(dax_map(&x->d, h), ST_OK);
	assert_int_equal(dax_destroy_device(&x->d, find(x, "dax0.0")), ST_OK);
	uint32_t dev;
	assert_int_equal(dax_create_device(&x->d, 0, 8 * MiB, SIZE_2M, &dev), ST_OK);
	assert_int_equal(dax_create_device(&x->d, 0, PAGE_SIZE, PAGE_SIZE, &dev), ST_OK);
	assert_int_equal(dax_mode_set(&x->d, find(x, "dax2.0"), DAX_MODE_SYSTEM_RAM, true), ST_OK);
	assert_int_equal(dax_ram_blocks_set(&x->d, find(x, "dax2.0"), 0, 1), ST_OK);
	struct capture c;
	capture_init(&c);
	dax_list_print(&x->d, &c.out, true);
	assert_string_equal(
		c.text,
		"{\"regions\":["
		"{\"id\":0,\"base\":\"0x100000000\",\"size\":67108864,\"align\":2097152,\"target_"
		"node\":1,"
		"\"available_size\":58716160,\"devices\":["
		"{\"chardev\":\"dax0.0\",\"base\":\"0x100000000\",\"size\":8388608,\"target_node\":"
		"1,"
		"\"align\":2097152,\"mode\":\"devdax\",\"state\":\"unclaimed\",\"mapped\":false,"
		"\"owner\":null},"
		"{\"chardev\":\"dax0.1\",\"base\":\"0x100800000\",\"size\":4096,\"target_node\":1,"
		"\"align\":4096,\"mode\":\"devdax\",\"state\":\"unclaimed\",\"mapped\":false,"
		"\"owner\":null}]},"
		"{\"id\":1,\"base\":\"0x240000000\",\"size\":2147483648,\"align\":1073741824,"
		"\"target_node\":2,\"available_size\":0,\"devices\":["
		"{\"chardev\":\"dax1.0\",\"base\":\"0x240000000\",\"size\":2147483648,\"target_"
		"node\":2,"
		"\"align\":1073741824,\"mode\":\"devdax\",\"state\":\"claimed\",\"mapped\":true,"
		"\"owner\":\"alice\"}]},"
		"{\"id\":2,\"base\":\"0x300003000\",\"size\":20480,\"align\":4096,\"target_node\":-"
		"1,"
		"\"available_size\":0,\"devices\":["
		"{\"chardev\":\"dax2.0\",\"base\":\"0x300003000\",\"size\":20480,\"target_node\":-"
		"1,"
		"\"align\":4096,\"mode\":\"system-ram\",\"online_memblocks\":0,\"total_memblocks\":"
		"1,"
		"\"movable\":true,\"state\":\"unclaimed\",\"mapped\":false,\"owner\":null}]}"
		"]}\n");
	assert_ptr_equal(strchr(c.text, '\n'), c.text + c.len - 1); /* one line */
	capture_init(&c);
	dax_list_print(&x->d, &c.out, false);
	assert_true(capture_has(&c, "  {\n    \"id\":0,\n    \"base\":\"0x100000000\",\n"
				    "    \"size\":\"64.00 MiB (67.11 MB)\",\n"));
	assert_true(capture_has(&c, "\"available_size\":\"56.00 MiB (58.72 MB)\""));
	assert_true(capture_has(&c, "\"chardev\":\"dax1.0\""));
	assert_true(capture_has(&c, "\"size\":\"2.00 GiB (2.15 GB)\""));
	assert_true(capture_has(&c, "\"size\":\"20.00 KiB (20.48 kB)\""));
	assert_true(capture_has(&c, "\"owner\":\"alice\""));
	assert_true(capture_has(&c, "\"mode\":\"system-ram\",\n        \"online_memblocks\":0,\n"
				    "        \"total_memblocks\":1,\n        \"movable\":true"));
	assert_true(capture_has(
		&c, "\"chardev\":\"dax0.1\",\n        \"base\":\"0x100800000\",\n"
		    "        \"size\":\"4.00 KiB (4.10 kB)\",\n        \"target_node\":1,\n"));
	assert_int_equal(c.text[0], '[');
	assert_int_equal(c.text[c.len - 2], ']');
	/* no regions */
	struct dax empty;
	dax_init(&empty, &x->ops, NULL, 1);
	capture_init(&c);
	dax_list_print(&empty, &c.out, true);
	assert_string_equal(c.text, "{\"regions\":[]}\n");
	capture_init(&c);
	dax_list_print(&empty, &c.out, false);
	assert_string_equal(c.text, "[\n]\n");
}

static void test_check_catches_corruption(void **state)
{
	struct fx *x = *state;
	struct capture c;
	uint32_t d0 = find(x, "dax0.0");
	static const int cases = 7;
	for (int k = 0; k < cases; k++) {
		struct dax saved = x->d;
		struct dax_device *dev = &x->d.devices[d0];
		switch (k) {
		case 0: dev->size += PAGE_SIZE; break;   /* sticks out */
		case 1: dev->state = DAX_CLAIMED; break; /* no owner */
		case 2: dev->live = true; break;         /* mapping while unclaimed */
		case 3:
			x->d.regions[0].free[x->d.regions[0].nfree++] =
				(struct range){ R0_BASE, R0_BASE + PAGE_SIZE };
			break; /* page twice */
		case 4:
			x->d.devices[d0 + 10] = *dev;
			x->d.devices[d0 + 10].id = 9;
			break; /* overlap */
		case 5: dev->window += SIZE_2M; break;
		case 6:
			dev->base += PAGE_SIZE;
			dev->size -= SIZE_2M;
			break; /* misaligned, lost */
		}
		capture_init(&c);
		assert_int_equal(dax_check(&x->d, &c.out), ST_INVALID);
		assert_true(c.lines > 0);
		x->d = saved;
	}
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
}

/* ---- randomized page-ownership invariant ---- */
static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void) { return xorshift64(&rng_state); }

static const char *const owners[] = { "alice", "bob", "carol" };

/* Every page of every region is in exactly one place: a free extent or one device. Every
 * fake mapping is exactly the window of a MAPPED device of the active owner, and back. */
static void check_world(struct fx *x)
{
	assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	static uint8_t places[MEM_PAGES];
	memset(places, 0, sizeof places);
	for (uint32_t r = 0; r < x->d.nregions; r++) {
		const struct dax_region *reg = &x->d.regions[r];
		for (uint32_t i = 0; i < reg->nfree; i++)
			for (uint64_t pa = reg->free[i].base; pa < reg->free[i].end;
			     pa += PAGE_SIZE)
				places[(pa - MEM_BASE) / PAGE_SIZE]++;
	}
	for (uint32_t i = 0; i < x->d.cap_devices; i++) {
		const struct dax_device *dev = dax_device_get(&x->d, i);
		for (uint64_t o = 0; dev && o < dev->size; o += PAGE_SIZE)
			places[(dev->base + o - MEM_BASE) / PAGE_SIZE]++;
	}
	for (uint32_t r = 0; r < x->d.nregions; r++) {
		const struct dax_region *reg = &x->d.regions[r];
		for (uint64_t pa = reg->base; pa < reg->base + reg->size; pa += PAGE_SIZE)
			assert_int_equal(places[(pa - MEM_BASE) / PAGE_SIZE], 1);
	}
	int want = 0;
	for (uint32_t i = 0; i < x->d.cap_devices; i++) {
		const struct dax_device *dev = dax_device_get(&x->d, i);
		bool should = dev && dev->state == DAX_MAPPED && x->d.active[0] &&
			      strcmp(dev->owner, x->d.active) == 0;
		if (!should)
			continue;
		want++;
		bool found = false;
		for (int m = 0; m < x->fake.nmaps; m++)
			found |= x->fake.maps[m].va == dev->window &&
				 x->fake.maps[m].pa == dev->base &&
				 x->fake.maps[m].size == dev->size &&
				 x->fake.maps[m].max_page == MIN(dev->align, x->d.window_page);
		assert_true(found);
	}
	assert_int_equal(x->fake.nmaps, want);
}

struct issued {
	struct dax_handle h;
	bool live;
};

/* One random operation, checked against what the model expects; returns its status. */
static status_t random_step(struct fx *x, struct issued *hs, int *nh)
{
	uint32_t dev = rng() % x->d.cap_devices;
	const struct dax_device *dv = dax_device_get(&x->d, dev);
	enum dax_state dv_state = dv ? dv->state : DAX_UNCLAIMED;
	struct dax_handle h;
	status_t st = ST_OK;
	unsigned kind = rng() % 8;
	if (kind == 0) {
		static const uint64_t al[] = { PAGE_SIZE, SIZE_2M, SIZE_1G };
		uint64_t a = al[rng() % 3];
		st = dax_create_device(&x->d, rng() % 3, a * (1 + rng() % 4), a, NULL);
		assert_true(st == ST_OK || st == ST_NOMEM || st == ST_INVALID);
	} else if (kind == 1) {
		st = dax_destroy_device(&x->d, dev);
		assert_int_equal(st, !dv                         ? ST_NOTFOUND
				     : dv_state != DAX_UNCLAIMED ? ST_BUSY
								 : ST_OK);
		for (int i = 0; st == ST_OK && i < *nh; i++)
			assert_false(hs[i].live && hs[i].h.index == dev);
	} else if (kind == 2) {
		st = dax_claim(&x->d, dev, owners[rng() % 3], &h);
		assert_int_equal(st, !dv                         ? ST_NOTFOUND
				     : dv_state != DAX_UNCLAIMED ? ST_BUSY
								 : ST_OK);
		if (st == ST_OK && *nh < 4096)
			hs[(*nh)++] = (struct issued){ h, true };
	} else if (kind <= 5 && *nh > 0) {
		struct issued *is = &hs[rng() % *nh];
		const struct dax_device *t = dax_device_get(&x->d, is->h.index);
		enum dax_state before = t ? t->state : DAX_UNCLAIMED;
		unsigned op = rng() % 3;
		if (op == 0) {
			st = dax_map(&x->d, is->h);
			assert_int_equal(st, !is->live              ? ST_PERM
					     : before == DAX_MAPPED ? ST_BUSY
								    : ST_OK);
		} else if (op == 1) {
			st = dax_release(&x->d, is->h);
			assert_int_equal(st, is->live ? ST_OK : ST_PERM);
			if (st == ST_OK) {
				is->live = false;
				for (uint64_t p = 0; p < t->size / PAGE_SIZE; p++)
					assert_int_equal(
						x->fake.tag[(t->base - MEM_BASE) / PAGE_SIZE + p],
						0);
			}
		} else {
			/* the owner writes a random page through its window; only when mapped and
			 * active */
			uint64_t va, off = t ? rng() % (t->size / PAGE_SIZE) * PAGE_SIZE : 0;
			st = dax_access_ptr(&x->d, is->h, off, PAGE_SIZE, &va);
			bool ok = is->live && before == DAX_MAPPED &&
				  strcmp(t->owner, x->d.active) == 0;
			assert_int_equal(st == ST_OK, ok);
			if (ok)
				fake_write(&x->fake, va, 0x5a);
		}
	} else if (kind == 6) {
		st = dax_activate(&x->d, rng() % 4 == 0 ? NULL : owners[rng() % 3]);
		assert_int_equal(st, ST_OK);
	} else {
		/* a made-up handle is never accepted unless it is a live one */
		struct dax_handle forged = { dev, (uint32_t)(x->d.next_gen - rng() % 8) };
		bool is_live = false;
		for (int i = 0; i < *nh; i++)
			is_live |= hs[i].live && hs[i].h.index == forged.index &&
				   hs[i].h.gen == forged.gen;
		st = dax_release(&x->d, forged);
		assert_int_equal(st, is_live ? ST_OK : ST_PERM);
		for (int i = 0; st == ST_OK && i < *nh; i++)
			if (hs[i].h.index == forged.index && hs[i].h.gen == forged.gen)
				hs[i].live = false;
	}
	return st;
}

static void test_random_ownership_invariant(void **state)
{
	struct fx *x = *state;
	struct issued *hs = calloc(4096, sizeof *hs);
	int nh = 0;
	for (int step = 0; step < 3000; step++) {
		/* every refused operation leaves everything as it was */
		snap(x);
		unsigned scrubs = x->fake.scrub_calls;
		if (random_step(x, hs, &nh) != ST_OK) {
			x->fake.map_calls = x->snap_fake.map_calls;
			same_as_snap(x);
			assert_int_equal(x->fake.scrub_calls, scrubs);
		}
		if (step % 50 == 0 || step > 2900)
			check_world(x);
		else
			assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
	}
	/* release everything: all memory scrubbed, no mapping left */
	for (int i = 0; i < nh; i++)
		if (hs[i].live)
			assert_int_equal(dax_release(&x->d, hs[i].h), ST_OK);
	assert_int_equal(x->fake.nmaps, 0);
	for (uint64_t p = 0; p < MEM_PAGES; p++)
		assert_int_equal(x->fake.tag[p], 0);
	check_world(x);
	free(hs);
}

/* ---- dax over the real page-table code (tables from a small arena) ----
 * The CPU is simulated: a write walks the real tables (vm_walk), sets the leaf's dirty bit as
 * the processor does, and tags the physical page; the real vm_unmap_dirty reports the dirty
 * leaves and scrub zeroes the tags. */
#define VM_ARENA_PAGES 64

struct vm_world {
	uint8_t *mem;
	uint64_t next_free, freed;
	uint64_t reuse[VM_ARENA_PAGES]; /* freed table pages, taken again first */
	unsigned nreuse;
	struct vm_ops ops;
	struct vm_space space;
	unsigned scrubs;
	uint8_t *tag; /* per page of [MEM_BASE, MEM_BASE + MEM_SIZE) */
};

static status_t vw_alloc(void *ctx, paddr_t *phys)
{
	struct vm_world *w = ctx;
	if (w->nreuse) {
		*phys = pa_of(w->reuse[--w->nreuse]);
		w->freed--;
		return ST_OK;
	}
	if (w->next_free >= VM_ARENA_PAGES)
		return ST_NOMEM;
	*phys = pa_of(w->next_free++ * PAGE_SIZE);
	return ST_OK;
}
static void vw_free(void *ctx, paddr_t phys)
{
	struct vm_world *w = ctx;
	w->reuse[w->nreuse++] = phys.v;
	w->freed++;
}
static void *vw_virt(void *ctx, paddr_t phys) { return ((struct vm_world *)ctx)->mem + phys.v; }
static void vw_flush(void *ctx, uint64_t va)
{
	(void)ctx;
	(void)va;
}
static void vw_flush_all(void *ctx) { (void)ctx; }

static status_t vw_map(void *ctx, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	uint64_t va = virt.v, pa = phys.v;
	struct vm_world *w = ctx;
	return vm_map(&w->space, va_of(va), pa_of(pa), size, VM_WRITE, max_page);
}
static void vw_unmap(void *ctx, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	uint64_t va = virt.v;
	struct vm_world *w = ctx;
	assert_int_equal(vm_unmap_dirty(&w->space, va_of(va), size, written, arg), ST_OK);
}
static void vw_scrub(void *ctx, struct range r)
{
	uint64_t pa = r.base, size = range_size(r);
	struct vm_world *w = ctx;
	assert_true(pa >= MEM_BASE && pa + size <= MEM_BASE + MEM_SIZE);
	memset(w->tag + (pa - MEM_BASE) / PAGE_SIZE, 0, size / PAGE_SIZE);
	w->scrubs++;
}

/* A CPU write of `tag` at window address va: the leaf must be present and writable. */
static void vw_cpu_write(struct vm_world *w, uint64_t va, uint8_t tag)
{
	int level;
	uint64_t *e = vm_walk(&w->space, va, 1, &level);
	assert_true((*e & VM_PTE_P) && (*e & VM_PTE_RW) && vm_is_leaf(*e, level));
	*e |= VM_PTE_A | VM_PTE_D;
	uint64_t pa = vm_leaf_pa(*e, level) + (va & (vm_level_size(level) - 1));
	w->tag[(pa - MEM_BASE) / PAGE_SIZE] = tag;
}

static struct vm_world *vw_new(void)
{
	struct vm_world *w = calloc(1, sizeof *w);
	w->mem = aligned_alloc(PAGE_SIZE, VM_ARENA_PAGES * PAGE_SIZE);
	w->tag = calloc(MEM_PAGES, 1);
	w->ops = (struct vm_ops){
		.alloc_table = vw_alloc,
		.free_table = vw_free,
		.phys_to_virt = vw_virt,
		.flush_page = vw_flush,
		.flush_all = vw_flush_all,
		.ctx = w,
	};
	assert_int_equal(vm_space_init(&w->space, &w->ops), ST_OK);
	return w;
}

static void vw_free_world(struct vm_world *w)
{
	free(w->tag);
	free(w->mem);
	free(w);
}

static void test_with_real_page_tables(void **state)
{
	(void)state;
	struct vm_world *w = vw_new();
	struct dax_ops ops = { .map = vw_map, .unmap = vw_unmap, .scrub = vw_scrub, .ctx = w };
	struct dax *d = calloc(1, sizeof *d);
	dax_init(d, &ops, NULL, 5);
	d->window_page = SIZE_1G;
	assert_int_equal(dax_region_add(d, range_of(pa_of(R1_BASE), R1_SIZE), 2, 0, NULL), ST_OK);
	assert_int_equal(
		dax_region_add(d, range_of(pa_of(R0_BASE + SIZE_2M), 4 * SIZE_2M), 1, 0, NULL),
		ST_OK);
	uint32_t a, b;
	assert_int_equal(dax_find(d, "dax0.0", &a), ST_OK);
	assert_int_equal(dax_find(d, "dax1.0", &b), ST_OK);
	struct dax_handle ha, hb;
	assert_int_equal(dax_claim(d, a, "alice", &ha), ST_OK);
	assert_int_equal(dax_claim(d, b, "bob", &hb), ST_OK);
	assert_int_equal(dax_activate(d, "alice"), ST_OK);
	assert_int_equal(dax_map(d, ha), ST_OK);
	assert_int_equal(dax_map(d, hb), ST_OK);
	uint64_t wa = dax_device_get(d, a)->window, wb = dax_device_get(d, b)->window;
	paddr_t pa;
	uint64_t ps;
	/* alice's 2 GiB device: two 1 GiB pages; bob's window: not present -> would fault */
	assert_int_equal(vm_translate(&w->space, va_of(wa + SIZE_1G + 7), &pa, NULL, &ps), ST_OK);
	assert_int_equal(pa.v, R1_BASE + SIZE_1G + 7);
	assert_int_equal(ps, VM_PAGE_1G);
	assert_int_equal(vm_translate(&w->space, va_of(wb), NULL, NULL, NULL), ST_NOTFOUND);
	assert_int_equal(vm_count_tables(&w->space), 2);
	/* switch to bob: 2 MiB pages for his device, alice's window gone */
	assert_int_equal(dax_activate(d, "bob"), ST_OK);
	assert_int_equal(vm_translate(&w->space, va_of(wa), NULL, NULL, NULL), ST_NOTFOUND);
	assert_int_equal(vm_translate(&w->space, va_of(wb + 3 * SIZE_2M), &pa, NULL, &ps), ST_OK);
	assert_int_equal(pa.v, R0_BASE + 4 * SIZE_2M);
	assert_int_equal(ps, VM_PAGE_2M);
	char msg[128];
	assert_int_equal(dax_fault_describe(d, va_of(wa + 64), msg, sizeof msg), ST_OK);
	assert_string_equal(msg, "ownership violation: dax0.0 owned by 'alice', accessed as 'bob'");
	/* release both: every window table freed again; nothing was written, nothing scrubbed */
	assert_int_equal(dax_release(d, hb), ST_OK);
	assert_int_equal(dax_release(d, ha), ST_OK);
	assert_int_equal(w->scrubs, 0);
	assert_int_equal(vm_count_tables(&w->space), 1);
	assert_int_equal(w->next_free - w->freed, 1);
	free(d);
	vw_free_world(w);
}

/* Every page of [pa, pa+size) has tag 0. */
static void vw_all_zero(const struct vm_world *w, uint64_t pa, uint64_t size)
{
	for (uint64_t p = 0; p < size / PAGE_SIZE; p++)
		if (w->tag[(pa - MEM_BASE) / PAGE_SIZE + p])
			fail_msg("page 0x%llx written by the previous owner is not zero",
				 (unsigned long long)(pa + p * PAGE_SIZE));
}

/* For each page size a window can use (4 KiB: a 4 KiB-aligned device; 2 MiB; 1 GiB), the
 * owner writes pages through the real page tables, is deactivated and activated again (its
 * window unmapped and remapped: the dirty bits of the first mapping must survive in the
 * device's written set) and writes more; release must zero every written page, and only
 * the leaves that were written. */
static void test_release_scrubs_written_leaves_at_every_page_size(void **state)
{
	(void)state;
	static const struct {
		uint64_t base, size, window_page, leaf;
	} cases[] = {
		{ R2_BASE, R2_SIZE, SIZE_1G, PAGE_SIZE },   /* 4 KiB-aligned device: 4 KiB leaves */
		{ R1_BASE, R1_SIZE, SIZE_2M, SIZE_2M },     /* the default grain */
		{ R1_BASE, R1_SIZE, SIZE_1G, SIZE_1G },     /* 1 GiB leaves allowed */
		{ R0_BASE, R0_SIZE, PAGE_SIZE, PAGE_SIZE }, /* 2 MiB device mapped with 4 KiB */
	};
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		struct vm_world *w = vw_new();
		struct dax_ops ops = {
			.map = vw_map, .unmap = vw_unmap, .scrub = vw_scrub, .ctx = w
		};
		struct dax *d = calloc(1, sizeof *d);
		dax_init(d, &ops, NULL, 9);
		d->window_page = cases[k].window_page;
		uint32_t dev;
		assert_int_equal(dax_region_add(d, range_of(pa_of(cases[k].base), cases[k].size), 1,
						0, NULL),
				 ST_OK);
		assert_int_equal(dax_find(d, "dax0.0", &dev), ST_OK);
		/* the memory is full of someone else's earlier (already scrubbed) pattern: 0 */
		struct dax_handle h;
		assert_int_equal(dax_activate(d, "alice"), ST_OK);
		assert_int_equal(dax_claim(d, dev, "alice", &h), ST_OK);
		assert_int_equal(dax_map(d, h), ST_OK);
		uint64_t win = dax_device_get(d, dev)->window, size = cases[k].size, ps;
		assert_int_equal(vm_translate(&w->space, va_of(win), NULL, NULL, &ps), ST_OK);
		assert_int_equal(ps, cases[k].leaf);
		uint64_t offs[] = { 0, size - PAGE_SIZE, size / 2, PAGE_SIZE };
		vw_cpu_write(w, win + offs[0], 0x11);
		vw_cpu_write(w, win + offs[1], 0x22);
		assert_int_equal(dax_activate(d, "bob"), ST_OK); /* unmapped: D bits harvested */
		assert_int_equal(vm_translate(&w->space, va_of(win), NULL, NULL, NULL),
				 ST_NOTFOUND);
		assert_int_equal(dax_activate(d, "alice"), ST_OK); /* fresh leaves, D clear */
		vw_cpu_write(w, win + offs[2], 0x33);
		vw_cpu_write(w, win + offs[3], 0x44);
		assert_int_equal(dax_check(d, NULL), ST_OK);
		assert_int_equal(dax_release(d, h), ST_OK);
		vw_all_zero(w, cases[k].base, size);
		/* exactly the written leaves: the distinct leaves holding the four offsets */
		uint64_t leaves = 0;
		for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen |= offs[j] / cases[k].leaf == offs[i] / cases[k].leaf;
			leaves += !seen;
		}
		assert_int_equal(d->release_scrubbed, leaves * cases[k].leaf);
		/* bob claims next and reads zeros everywhere alice wrote */
		assert_int_equal(dax_claim(d, dev, "bob", &h), ST_OK);
		assert_int_equal(dax_activate(d, "bob"), ST_OK);
		assert_int_equal(dax_map(d, h), ST_OK);
		for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
			paddr_t pa;
			assert_int_equal(
				vm_translate(&w->space, va_of(win + offs[i]), &pa, NULL, NULL),
				ST_OK);
			assert_int_equal(w->tag[(pa.v - MEM_BASE) / PAGE_SIZE], 0);
		}
		assert_int_equal(dax_release(d, h), ST_OK);
		assert_int_equal(d->release_scrubbed, 0);
		assert_int_equal(vm_count_tables(&w->space), 1);
		free(d);
		vw_free_world(w);
	}
}

/* More written extents than a device keeps: the closest merge, every written page is still
 * zeroed at release, and the set stays sorted and merged (dax_check). */
/* Writes through a mapping of the owner's own (an app's page tables) are noted by physical
 * address; release zeroes exactly them; bad ranges and stale handles are refused. */
static void test_note_written(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0");
	struct dax_handle h;
	assert_int_equal(dax_claim(&x->d, d0, "app", &h), ST_OK);
	const struct dax_device *dev = dax_device_get(&x->d, d0);
	uint64_t base = dev->base, size = dev->size;
	assert_int_equal(dax_note_written(&x->d, h, range_of(pa_of(base + 2 * PAGE_SIZE + 8), 16)),
			 ST_OK);
	assert_int_equal(dev->nwritten, 1);
	assert_int_equal(dev->written[0].base, base + 2 * PAGE_SIZE);
	assert_int_equal(dev->written[0].end, base + 3 * PAGE_SIZE);
	assert_int_equal(dax_note_written(&x->d, h, range_of(pa_of(base - PAGE_SIZE), PAGE_SIZE)),
			 ST_RANGE);
	assert_int_equal(dax_note_written(&x->d, h, range_of(pa_of(base + size - 8), 16)),
			 ST_RANGE);
	assert_int_equal(dax_note_written(&x->d, h, range_of(pa_of(base), UINT64_MAX)), ST_RANGE);
	assert_int_equal(dev->nwritten, 1);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	assert_int_equal(x->d.release_scrubbed, PAGE_SIZE);
	assert_int_equal(dax_note_written(&x->d, h, range_of(pa_of(base), PAGE_SIZE)), ST_PERM);
}

static void test_written_set_overflow_merges(void **state)
{
	struct fx *x = *state;
	uint32_t d0 = find(x, "dax0.0");
	struct dax_handle h;
	x->d.window_page = PAGE_SIZE;
	assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
	assert_int_equal(dax_claim(&x->d, d0, "alice", &h), ST_OK);
	assert_int_equal(dax_map(&x->d, h), ST_OK);
	uint64_t win = dax_device_get(&x->d, d0)->window;
	for (int i = 0; i < 3 * DAX_MAX_WRITTEN; i++) {
		uint64_t off = (uint64_t)(i * 37 % 97) * 5 * PAGE_SIZE; /* scattered, unsorted */
		fake_write(&x->fake, win + off, 0x77);
		assert_int_equal(dax_activate(&x->d, i % 2 ? "alice" : "bob"), ST_OK);
		assert_int_equal(dax_activate(&x->d, "alice"), ST_OK);
		assert_int_equal(dax_check(&x->d, &x->log.out), ST_OK);
		assert_true(dax_device_get(&x->d, d0)->nwritten <= DAX_MAX_WRITTEN);
	}
	assert_int_equal(dax_device_get(&x->d, d0)->nwritten, DAX_MAX_WRITTEN);
	assert_int_equal(dax_release(&x->d, h), ST_OK);
	for (uint64_t p = 0; p < R0_SIZE / PAGE_SIZE; p++)
		assert_int_equal(x->fake.tag[(R0_BASE - MEM_BASE) / PAGE_SIZE + p], 0);
	assert_true(x->d.release_scrubbed < R0_SIZE);
	assert_int_equal(dax_device_get(&x->d, d0)->nwritten, 0);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_boot_devices, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_region_add_refusals, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_region_add_window_wrap, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_create_destroy_first_fit, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_create_refusals, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_device_slots_run_out, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_tables_grow_from_heap, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_tables_growth_refused, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_claim_map_release_cycle, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_refused_transitions, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_access_bounds, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_active_owner_enforcement, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_map_failure_changes_nothing, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_list_json_and_text, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_release_stopped_defers_the_rest, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_release_keeps_its_want, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_defer_scrub_device, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_dirty_table_grows_from_heap, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_device_scrub_deferred_when_table_full, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(test_check_catches_corruption, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_random_ownership_invariant, setup, teardown),
	  cmocka_unit_test(test_with_real_page_tables),
	  cmocka_unit_test(test_release_scrubs_written_leaves_at_every_page_size),
	  cmocka_unit_test_setup_teardown(test_written_set_overflow_merges, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_note_written, setup, teardown))
