/* SPDX-License-Identifier: BSD-2-Clause */
/* test_migrate.c - host tests of mm/migrate: a page moves to the nearest node with free
 * memory, contents and both maps follow it; pinned pages, foreign pages and failures leave
 * everything as it was (rollback). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "hotplug_sim.h"
#include "test_main.h"

static void test_migrate_one(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "m", 4, 2, true, &slot), ST_OK);
	uint64_t old = s->pt[slot][1], np;
	struct buddy_page_info pi;
	assert_int_equal(migrate_page(&s->objs, old, &np), ST_OK);
	assert_int_not_equal(np, old);
	assert_int_equal(s->pt[slot][1], np);
	assert_int_equal(buddy_page_state(&s->b, pfn_of(old), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_FREE);
	assert_int_equal(buddy_page_state(&s->b, pfn_of(np), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_MOVABLE);
	assert_int_equal(pi.obj, slot + 1);
	assert_int_equal(pi.index, 1);
	assert_int_equal(pi.node, 2); /* same node first */
	sim_check(s, true);
	sim_free(s);
}

static void test_migrate_refusals(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned slot, um;
	assert_int_equal(memobj_fill(&s->objs, "m", 4, 0, true, &slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "u", 1, 0, false, &um), ST_OK);
	uint64_t p = s->pt[slot][0];
	assert_int_equal(memobj_pin(&s->objs, slot, 0), ST_OK);
	assert_int_equal(migrate_page(&s->objs, p, 0), ST_BUSY);
	assert_int_equal(s->pt[slot][0], p);
	assert_int_equal(migrate_page(&s->objs, s->pt[um][0], 0), ST_INVALID);
	assert_int_equal(migrate_page(&s->objs, 5, 0), ST_NOTFOUND);
	/* a page whose reverse map names no live object */
	uint64_t stray;
	assert_int_equal(alloc_raw(&s->b, 0, 0, BUDDY_MOVABLE, &stray), ST_OK);
	assert_int_equal(buddy_page_set_object(&s->b, pfn_of(stray), 40, 0), ST_OK);
	assert_int_equal(migrate_page(&s->objs, stray, 0), ST_INVALID);
	assert_int_equal(buddy_free(&s->b, pfn_of(stray), 0), ST_OK);
	/* the remap fails: the new page is given back, the object still maps the old one */
	struct buddy_stats before, after;
	buddy_stats(&s->b, -1, -1, &before);
	s->fail_remap = 1;
	uint64_t q = s->pt[slot][1];
	assert_int_equal(migrate_page(&s->objs, q, 0), ST_NOMEM);
	assert_int_equal(s->pt[slot][1], q);
	buddy_stats(&s->b, -1, -1, &after);
	assert_int_equal(before.free, after.free);
	assert_int_equal(memobj_unpin(&s->objs, slot, 0), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

static void test_migrate_nomem_and_range(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned a, b;
	/* node 0 full with an object, node 2 full too: nowhere to go */
	assert_int_equal(memobj_fill(&s->objs, "a", SIM_RAM0_N, 0, true, &a), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "b", SIM_RAM2_N, 2, true, &b), ST_OK);
	assert_int_equal(migrate_page(&s->objs, s->pt[a][0], 0), ST_NOMEM);
	sim_check(s, true);
	assert_int_equal(memobj_free(&s->objs, b), ST_OK);
	/* isolate node 0 and move everything off it: all land on node 2 */
	struct buddy_isolate_report rep;
	assert_int_equal(buddy_isolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N / 2, &rep), ST_OK);
	assert_int_equal(rep.movable, SIM_RAM0_N / 2);
	assert_int_equal(memobj_pin(&s->objs, a, 700), ST_OK);
	struct migrate_result mr;
	assert_int_equal(migrate_range(&s->objs, SIM_RAM0, SIM_RAM0_N / 2, &mr), ST_BUSY);
	assert_int_equal(mr.failed_pfn, s->pt[a][700]);
	assert_int_equal(memobj_unpin(&s->objs, a, 700), ST_OK);
	assert_int_equal(migrate_range(&s->objs, SIM_RAM0, SIM_RAM0_N / 2, &mr), ST_OK);
	struct buddy_stats st;
	buddy_stats(&s->b, 0, -1, &st);
	assert_int_equal(st.isolated, SIM_RAM0_N / 2);
	assert_int_equal(sim_free_pages(s, 2), SIM_RAM2_N - SIM_RAM0_N / 2);
	assert_int_equal(buddy_unisolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N / 2, 0), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

/* A range moves in batches: one TLB flush per MIGRATE_BATCH pages (the sim fails the test if
 * an old page is freed before its flush), destination blocks from the nearest node with free
 * memory, and a fragmented node is used page by page before a farther one is touched. */
static void test_migrate_batches(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned a, b;
	/* node 2 fragmented: only single free pages (512 of them) */
	uint64_t p;
	for (uint64_t i = 0; i < SIM_RAM2_N; i++)
		assert_int_equal(
			alloc_raw(&s->b, 0, 2, BUDDY_THISNODE | BUDDY_OWNER(BUDDY_OWNER_HEAP), &p),
			ST_OK);
	for (p = SIM_RAM2; p < SIM_RAM2 + SIM_RAM2_N; p += 2)
		assert_int_equal(buddy_free(&s->b, pfn_of(p), 0), ST_OK);
	assert_int_equal(sim_free_pages(s, 2), SIM_RAM2_N / 2);
	assert_int_equal(memobj_fill(&s->objs, "a", 400, 0, true, &a), ST_OK);
	assert_int_equal(buddy_isolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N, 0), ST_OK);
	struct migrate_result mr;
	assert_int_equal(migrate_range(&s->objs, SIM_RAM0, SIM_RAM0_N, &mr), ST_OK);
	assert_int_equal(mr.moved, 400);
	assert_int_equal(mr.refills, 400); /* order-0 blocks only */
	assert_int_equal(mr.flushes, 1);
	assert_int_equal(sim_free_pages(s, 2), SIM_RAM2_N / 2 - 400);
	assert_int_equal(buddy_unisolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N, 0), ST_OK);
	sim_check(s, true);
	/* node 1 (distance 20) is nearer to node 0 than node 2 (25): everything goes there */
	uint32_t d;
	assert_int_equal(dax_find(&s->dax, "dax0.0", &d), ST_OK);
	assert_int_equal(hotplug_handoff(&s->hp, d, true), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "b", 1200, 0, true, &b), ST_OK);
	assert_int_equal(buddy_isolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N, 0), ST_OK);
	unsigned flushes = s->flushes;
	assert_int_equal(migrate_range(&s->objs, SIM_RAM0, SIM_RAM0_N, &mr), ST_OK);
	assert_int_equal(mr.moved, 1200);
	assert_int_equal(mr.flushes, (1200 + MIGRATE_BATCH - 1) / MIGRATE_BATCH);
	assert_int_equal(s->flushes - flushes, mr.flushes);
	assert_int_equal(mr.refills, (1200 + MIGRATE_BATCH - 1) / MIGRATE_BATCH);
	assert_int_equal(sim_free_pages(s, 1), SIM_SP_N - 1200); /* the pool's tail came back */
	assert_int_equal(sim_free_pages(s, 2), SIM_RAM2_N / 2 - 400);
	assert_int_equal(buddy_unisolate(&s->b, pfn_of(SIM_RAM0), SIM_RAM0_N, 0), ST_OK);
	sim_check(s, false);
	sim_free(s);
}

TEST_MAIN(cmocka_unit_test(test_migrate_one), cmocka_unit_test(test_migrate_refusals),
	  cmocka_unit_test(test_migrate_nomem_and_range), cmocka_unit_test(test_migrate_batches))
