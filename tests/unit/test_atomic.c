/* SPDX-License-Identifier: BSD-2-Clause */
/* test_atomic.c - every operation under fault injection either succeeds or refuses with
 * nothing changed, on the simulated machine (tests/unit/helpers/hotplug_sim.h).
 *
 * For each failure point of lib/fault.h and each operation (dax create/destroy/claim/map/
 * activate/release, hand-off movable and unmovable, whole and partial reclaim, mem fill
 * movable and unmovable, pin, unpin, free, kmalloc): build the operation's starting state,
 * then for k = 1, 2, ... arm the point to fail its k-th use and run the operation. While an
 * injected failure hits, the operation must refuse and leave the state digest (stress_snap:
 * allocator zones, dax tables, hand-off records, every object page's pfn) identical, every
 * walker passing and every object intact; the first k that is not reached must succeed. The
 * matrix also says which points each operation must reach, so no cell passes vacuously. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug_sim.h"
#include "lib/fault.h"
#include "mm/kheap.h"
#include "mm/stress.h"
#include "test_main.h"

enum op {
	OP_CREATE,
	OP_DESTROY,
	OP_CLAIM,
	OP_MAP,
	OP_ACTIVATE,
	OP_RELEASE,
	OP_HANDOFF,
	OP_HANDOFF_UNMOVABLE,
	OP_RECLAIM,
	OP_RECLAIM_PARTIAL,
	OP_FILL,
	OP_FILL_UNMOVABLE,
	OP_PIN,
	OP_UNPIN,
	OP_FREE,
	OP_KMALLOC,
	OP_N
};
static const char *const op_names[OP_N] = {
	"create-device", "destroy-device",  "claim",    "map",
	"activate",      "release",         "hand-off", "hand-off --unmovable",
	"reclaim",       "partial reclaim", "fill",     "fill unmovable",
	"pin",           "unpin",           "free",     "kmalloc",
};
/* Points each operation must reach (bit per enum fault_point). */
#define P(x) (1u << (x))
static const unsigned op_reaches[OP_N] = {
	[OP_CREATE] = P(FAULT_SLOT),
	[OP_MAP] = P(FAULT_PT_ALLOC),
	[OP_ACTIVATE] = P(FAULT_PT_ALLOC),
	[OP_HANDOFF] = P(FAULT_PT_ALLOC) | P(FAULT_META) | P(FAULT_SLOT),
	[OP_HANDOFF_UNMOVABLE] = P(FAULT_PT_ALLOC) | P(FAULT_META) | P(FAULT_SLOT),
	[OP_RECLAIM] = P(FAULT_MIGRATE_DEST) | P(FAULT_SLOT),
	[OP_RECLAIM_PARTIAL] = P(FAULT_MIGRATE_DEST) | P(FAULT_SLOT),
	[OP_FILL] = P(FAULT_PT_ALLOC) | P(FAULT_OBJ_PAGE) | P(FAULT_SLOT),
	[OP_FILL_UNMOVABLE] = P(FAULT_PT_ALLOC) | P(FAULT_OBJ_PAGE) | P(FAULT_SLOT),
	[OP_KMALLOC] = P(FAULT_KHEAP),
};
/* Operations that may take a fallback instead of refusing when a use fails: reclaim zeroes a
 * dirty run itself when the deferred-scrub table has no entry for it; hand-off puts the page
 * words on the device itself when NORMAL memory gives none (memmap on memory). */
static const unsigned op_fallback[OP_N] = {
	[OP_CLAIM] = P(FAULT_SLOT), /* a claim inside an extent: the shorter side zeroed too */
	[OP_HANDOFF] = P(FAULT_META), [OP_HANDOFF_UNMOVABLE] = P(FAULT_META),
	[OP_RECLAIM] = P(FAULT_SLOT), [OP_RECLAIM_PARTIAL] = P(FAULT_SLOT),
};

/* A small kernel heap over malloc'd pages for OP_KMALLOC. */
static status_t heap_alloc(void *ctx, unsigned order, uint64_t *pfn)
{
	(void)ctx;
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
	*pfn = (uint64_t)(uintptr_t)p >> PAGE_SHIFT;
	return p ? ST_OK : ST_NOMEM;
}
static void heap_free(void *ctx, uint64_t pfn, unsigned order)
{
	(void)ctx, (void)order;
	free((void *)(uintptr_t)(pfn << PAGE_SHIFT));
}
static void *heap_virt(void *ctx, uint64_t pfn)
{
	(void)ctx;
	return (void *)(uintptr_t)(pfn << PAGE_SHIFT);
}
static const struct kheap_ops heap_ops = {
	.alloc_pages = heap_alloc,
	.free_pages = heap_free,
	.phys_to_virt = heap_virt,
};

struct fixture {
	struct sim *s;
	struct stress_ops ops;
	struct stress_world w;
	struct capture out;
	struct kheap heap;
	uint32_t dev; /* the device the operation works on */
	struct dax_handle h;
	unsigned slot; /* the object the operation works on */
	void *kobj[40];
};

static uint32_t find_dev(struct sim *s, const char *name)
{
	uint32_t d;
	assert_int_equal(dax_find(&s->dax, name, &d), ST_OK);
	return d;
}

/* Memory objects on node 1 after hand-off of dax0.0, so that reclaim has pages to move. */
static void with_objects_on_handoff(struct fixture *f)
{
	unsigned a;
	assert_int_equal(hotplug_handoff(&f->s->hp, f->dev, true), ST_OK);
	assert_int_equal(memobj_fill(&f->s->objs, "a", 700, 1, true, &a), ST_OK);
	assert_int_equal(memobj_fill(&f->s->objs, "b", 1300, 1, true, &f->slot), ST_OK);
	assert_int_equal(memobj_fill(&f->s->objs, "k", 5, 0, false, 0), ST_OK);
	assert_int_equal(memobj_free(&f->s->objs, a), ST_OK); /* holes: dirty blocks, free pages */
}

static void setup(struct fixture *f, enum op op)
{
	memset(f, 0, sizeof *f);
	fault_reset();
	f->s = sim_new();
	capture_init(&f->out);
	f->ops = (struct stress_ops){ .env = sim_env, .ctx = f->s };
	f->w = (struct stress_world){ &f->s->b, &f->s->dax,     &f->s->objs, &f->s->hp,
				      &f->ops,  &f->s->log.out, &f->out.out };
	kheap_init(&f->heap, &heap_ops, 0);
	struct sim *s = f->s;
	f->dev = find_dev(s, "dax0.0");
	uint32_t d;
	switch (op) {
	case OP_CREATE:
		assert_int_equal(dax_destroy_device(&s->dax, f->dev), ST_OK);
		assert_int_equal(dax_create_device(&s->dax, 0, 4 * MiB, 0, &d), ST_OK);
		break;
	case OP_DESTROY:
		assert_int_equal(dax_destroy_device(&s->dax, f->dev), ST_OK);
		assert_int_equal(dax_create_device(&s->dax, 0, 4 * MiB, 0, &d), ST_OK);
		assert_int_equal(dax_create_device(&s->dax, 0, 2 * MiB, 0, &f->dev), ST_OK);
		break;
	case OP_CLAIM: /* with memory left to the deferred scrub */
		with_objects_on_handoff(f);
		assert_int_equal(memobj_free(&s->objs, f->slot), ST_OK);
		assert_int_equal(hotplug_reclaim(&s->hp, f->dev, 0, 0), ST_OK);
		assert_true(dax_dirty_bytes(&s->dax, range_of(pa_of(0), UINT64_MAX)) > 0);
		break;
	case OP_MAP:
	case OP_ACTIVATE:
	case OP_RELEASE:
		assert_int_equal(dax_claim(&s->dax, f->dev, "alice", &f->h), ST_OK);
		if (op != OP_ACTIVATE)
			assert_int_equal(dax_activate(&s->dax, "alice"), ST_OK);
		if (op != OP_MAP)
			assert_int_equal(dax_map(&s->dax, f->h), ST_OK);
		if (op == OP_RELEASE)
			memset(sim_win_write(s, s->dax.devices[f->dev].window, 64), 0xa5, 64);
		break;
	case OP_RECLAIM:
	case OP_RECLAIM_PARTIAL: with_objects_on_handoff(f); break;
	case OP_PIN:
	case OP_UNPIN:
	case OP_FREE:
		assert_int_equal(memobj_fill(&s->objs, "o", 300, 0, true, &f->slot), ST_OK);
		if (op == OP_UNPIN)
			assert_int_equal(memobj_pin(&s->objs, f->slot, 7), ST_OK);
		break;
	case OP_FILL:
	case OP_FILL_UNMOVABLE:
		assert_int_equal(memobj_fill(&s->objs, "old", 40, 0, true, 0), ST_OK);
		break;
	case OP_KMALLOC:
		for (unsigned i = 0; i < 40; i++)
			assert_int_equal(kmalloc(&f->heap, 16u << (i % 9), &f->kobj[i]), ST_OK);
		break;
	default: break;
	}
	s->log.len = 0;
}

static void teardown(struct fixture *f)
{
	for (unsigned i = 0; i < 40; i++)
		if (f->kobj[i])
			assert_int_equal(kfree(&f->heap, f->kobj[i]), ST_OK);
	sim_free(f->s);
	fault_reset();
}

static status_t run(struct fixture *f, enum op op)
{
	struct sim *s = f->s;
	uint32_t d;
	void *p;
	switch (op) {
	case OP_CREATE: return dax_create_device(&s->dax, 0, 2 * MiB, 0, &d);
	case OP_DESTROY: return dax_destroy_device(&s->dax, f->dev);
	case OP_CLAIM: return dax_claim(&s->dax, f->dev, "bob", &f->h);
	case OP_MAP: return dax_map(&s->dax, f->h);
	case OP_ACTIVATE: return dax_activate(&s->dax, "alice");
	case OP_RELEASE: return dax_release(&s->dax, f->h);
	case OP_HANDOFF: return hotplug_handoff(&s->hp, f->dev, true);
	case OP_HANDOFF_UNMOVABLE: return hotplug_handoff(&s->hp, f->dev, false);
	case OP_RECLAIM: return hotplug_reclaim(&s->hp, f->dev, 0, 0);
	case OP_RECLAIM_PARTIAL: return hotplug_reclaim(&s->hp, f->dev, 7 * SIZE_2M, 0);
	case OP_FILL: return memobj_fill(&s->objs, "new", 600, 1, true, 0);
	case OP_FILL_UNMOVABLE: return memobj_fill(&s->objs, "new", 600, 2, false, 0);
	case OP_PIN: return memobj_pin(&s->objs, f->slot, 5);
	case OP_UNPIN: return memobj_unpin(&s->objs, f->slot, 7);
	case OP_FREE: return memobj_free(&s->objs, f->slot);
	case OP_KMALLOC: {
		status_t st = kmalloc(&f->heap, 5000, &p);
		if (st == ST_OK)
			f->kobj[39] = (kfree(&f->heap, f->kobj[39]), p);
		return st;
	}
	default: return ST_INVALID;
	}
}

/* What must hold after the operation succeeded (beyond the walkers). */
static void expect_done(struct fixture *f, enum op op)
{
	struct sim *s = f->s;
	const struct dax_device *x = dax_device_get(&s->dax, f->dev);
	switch (op) {
	case OP_CLAIM:
		assert_int_equal(dax_dirty_bytes(&s->dax, range_of(pa_of(x->base), x->size)), 0);
		sim_check(s, true);
		break;
	case OP_RELEASE: {
		assert_int_equal(x->state, DAX_UNCLAIMED);
		const uint8_t *m = sim_page(s, x->base >> PAGE_SHIFT);
		for (unsigned i = 0; i < 64; i++)
			assert_int_equal(m[i], 0);
		break;
	}
	case OP_RECLAIM: assert_int_equal(x->mode, DAX_MODE_DEVDAX); break;
	case OP_HANDOFF:
	case OP_HANDOFF_UNMOVABLE: assert_int_equal(x->mode, DAX_MODE_SYSTEM_RAM); break;
	default: break;
	}
}

static void check_cell(enum fault_point pt, enum op op)
{
	struct fixture f;
	setup(&f, op);
	struct stress_snap before, after;
	stress_snap_take(&f.w, &before);
	struct kheap_stats hb, ha;
	kheap_stats(&f.heap, &hb);
	unsigned k;
	bool fallback = false;
	for (k = 1; k < 5000; k++) {
		uint64_t inj = fault_counters(pt).injected;
		fault_arm_after(pt, k - 1, 1);
		status_t st = run(&f, op);
		bool hit = fault_counters(pt).injected != inj;
		fault_disarm_all();
		if (!hit) {
			if (st != ST_OK)
				fail_msg("%s with %s armed for use %u (not reached): %s\n%s",
					 op_names[op], fault_name(pt), k, status_str(st),
					 f.s->log.text);
			break;
		}
		if (st == ST_OK && (op_fallback[op] & P(pt))) {
			fallback = true; /* succeeded another way: checked below like any success */
			break;
		}
		if (st == ST_OK)
			fail_msg("%s succeeded although use %u of %s failed", op_names[op], k,
				 fault_name(pt));
		stress_snap_take(&f.w, &after);
		kheap_stats(&f.heap, &ha);
		if (stress_snap_compare(&before, &after, &f.out.out) != ST_OK ||
		    memcmp(&hb, &ha, sizeof hb) != 0 || kheap_check(&f.heap) != ST_OK)
			fail_msg("%s refused (%s, use %u of %s failed) but changed state:\n%s",
				 op_names[op], status_str(st), k, fault_name(pt), f.out.text);
		if (stress_check_world(&f.w, true) != ST_OK)
			fail_msg("%s refused at use %u of %s: %s", op_names[op], k, fault_name(pt),
				 f.out.text);
		sim_check(f.s, false);
	}
	if ((op_reaches[op] & P(pt)) && k == 1 && !fallback)
		fail_msg("%s never reached failure point %s", op_names[op], fault_name(pt));
	if (!(op_reaches[op] & P(pt)) && (k != 1 || fallback))
		fail_msg("%s reached failure point %s (add it to op_reaches)", op_names[op],
			 fault_name(pt));
	if ((op_fallback[op] & op_reaches[op]) & P(pt))
		assert_true(fallback); /* the fallback itself was exercised */
	expect_done(&f, op);
	assert_int_equal(stress_check_world(&f.w, true), ST_OK);
	sim_check(f.s, true); /* a fallback scrub left no data readable either */
	teardown(&f);
}

static void test_matrix(void **state)
{
	(void)state;
	for (unsigned pt = 0; pt < FAULT_NPOINTS; pt++)
		for (unsigned op = 0; op < OP_N; op++)
			check_cell((enum fault_point)pt, (enum op)op);
}

/* The points themselves: arm_after skips, counters, pause. */
static void test_arm_after(void **state)
{
	(void)state;
	fault_reset();
	assert_int_equal(fault_arm_after(FAULT_META, 2, 1), ST_OK);
	assert_false(fault_hit(FAULT_META));
	assert_false(fault_hit(FAULT_META));
	assert_true(fault_any_armed());
	bool was = fault_pause(true);
	assert_false(was);
	assert_false(fault_hit(FAULT_META)); /* paused: neither counted nor failed */
	fault_pause(was);
	assert_true(fault_hit(FAULT_META));
	assert_false(fault_hit(FAULT_META));
	assert_false(fault_any_armed());
	struct fault_counters c = fault_counters(FAULT_META);
	assert_int_equal(c.uses, 4);
	assert_int_equal(c.injected, 1);
	assert_int_equal(fault_injected_total(), 1);
	fault_arm(FAULT_PT_ALLOC, 3);
	fault_disarm_all();
	assert_false(fault_hit(FAULT_PT_ALLOC));
	enum fault_point p;
	assert_int_equal(fault_lookup("page", &p), ST_OK);
	assert_int_equal(p, FAULT_OBJ_PAGE);
	fault_reset();
}

TEST_MAIN(cmocka_unit_test(test_arm_after), cmocka_unit_test(test_matrix))
