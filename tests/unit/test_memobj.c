/* SPDX-License-Identifier: BSD-2-Clause */
/* test_memobj.c - host tests of mm/memobj: fill/check/pin/free on the real buddy over a
 * simulated arena; every refusal leaves the allocator as it was; damage is detected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug_sim.h"
#include "test_heap.h"
#include "test_main.h"

static void test_fill_check_free(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	uint64_t free0 = sim_free_pages(s, -1), bad = 99;
	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "alpha", 300, 0, true, &slot), ST_OK);
	assert_int_equal(sim_free_pages(s, -1), free0 - 300);
	assert_int_equal(sim_free_pages(s, 0), SIM_RAM0_N - 300);
	assert_int_equal(memobj_check(&s->objs, slot, &bad), ST_OK);
	assert_int_equal(bad, 0);
	sim_check(s, true);
	/* one flipped byte in one page is one mismatch */
	sim_page(s, s->pt[slot][17])[4095] ^= 1;
	assert_int_equal(memobj_check(&s->objs, slot, &bad), ST_OK);
	assert_int_equal(bad, 1);
	sim_page(s, s->pt[slot][17])[4095] ^= 1;
	unsigned found;
	assert_int_equal(memobj_find(&s->objs, "alpha", &found), ST_OK);
	assert_int_equal(found, slot);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	assert_int_equal(sim_free_pages(s, -1), free0);
	assert_int_equal(memobj_find(&s->objs, "alpha", &found), ST_NOTFOUND);
	sim_check(s, true);
	sim_free(s);
}

static void test_patterns_differ(void **state)
{
	(void)state;
	assert_true(memobj_seed("a") != memobj_seed("b"));
	assert_true(memobj_pattern_base(1, 0) != memobj_pattern_base(1, 1));
	assert_true(memobj_pattern_base(1, 0) != memobj_pattern_base(2, 0));
}

static void test_refusals(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	struct buddy_stats before, after;
	buddy_stats(&s->b, -1, -1, &before);
	assert_int_equal(memobj_fill(&s->objs, "", 1, -1, true, 0), ST_INVALID);
	assert_int_equal(memobj_fill(&s->objs, "bad name", 1, -1, true, 0), ST_INVALID);
	assert_int_equal(memobj_fill(&s->objs, "x", 0, -1, true, 0), ST_INVALID);
	assert_int_equal(memobj_fill(&s->objs, "x", MEMOBJ_MAX_PAGES + 1, -1, true, 0), ST_RANGE);
	assert_int_equal(memobj_fill(&s->objs, "x", 1, 64, true, 0), ST_RANGE);
	/* more than all free memory: nothing stays allocated */
	assert_int_equal(memobj_fill(&s->objs, "huge", SIM_RAM0_N + SIM_RAM2_N + 1, -1, true, 0),
			 ST_NOMEM);
	buddy_stats(&s->b, -1, -1, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_true(capture_has(&s->log, "huge"));
	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "x", 3, -1, true, &slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "x", 3, -1, true, 0), ST_EXISTS);
	assert_int_equal(memobj_check(&s->objs, 63, &(uint64_t){ 0 }), ST_NOTFOUND);
	assert_int_equal(memobj_free(&s->objs, 63), ST_NOTFOUND);
	sim_check(s, true);
	sim_free(s);
}

static void test_pins(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned slot, um;
	assert_int_equal(memobj_fill(&s->objs, "p", 8, -1, true, &slot), ST_OK);
	assert_int_equal(memobj_pin(&s->objs, slot, 8), ST_RANGE);
	assert_int_equal(memobj_unpin(&s->objs, slot, 2), ST_INVALID);
	assert_int_equal(memobj_pin(&s->objs, slot, 2), ST_OK);
	assert_int_equal(memobj_pin(&s->objs, slot, 2), ST_OK);
	sim_check(s, true);
	assert_int_equal(memobj_free(&s->objs, slot), ST_BUSY);
	assert_int_equal(memobj_unpin(&s->objs, slot, 2), ST_OK);
	assert_int_equal(memobj_free(&s->objs, slot), ST_BUSY);
	assert_int_equal(memobj_unpin(&s->objs, slot, 2), ST_OK);
	assert_int_equal(memobj_free(&s->objs, slot), ST_OK);
	/* unmovable objects: ordinary kernel pages, never pinned or moved */
	assert_int_equal(memobj_fill(&s->objs, "u", 4, 2, false, &um), ST_OK);
	assert_int_equal(memobj_pin(&s->objs, um, 0), ST_INVALID);
	sim_check(s, true);
	struct buddy_page_info pi;
	assert_int_equal(buddy_page_state(&s->b, pfn_of(s->pt[um][0]), &pi), ST_OK);
	assert_int_equal(pi.node, 2);
	assert_int_equal(pi.state, PAGE_ALLOC);
	assert_int_equal(memobj_free(&s->objs, um), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

static void test_print(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	struct capture c;
	capture_init(&c);
	memobj_print(&s->objs, &c.out);
	assert_true(capture_has(&c, "no memory objects"));
	assert_int_equal(memobj_fill(&s->objs, "obj1", 10, 2, true, 0), ST_OK);
	capture_init(&c);
	memobj_print(&s->objs, &c.out);
	assert_true(capture_has(&c, "obj1"));
	assert_true(capture_has(&c, "node2=10"));
	sim_free(s);
}

/* A byte written into an object's page behind the allocator's back (by a physical address,
 * as a stray scrub or copy would) makes memobj_verify - what selftest runs - fail, naming the
 * object, the page and the pfn; restoring the byte makes it pass again. */
static void test_verify_catches_foreign_write(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned slot, other;
	assert_int_equal(memobj_fill(&s->objs, "B", 64, 0, true, &slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "C", 8, 0, false, &other), ST_OK);
	struct capture c;
	capture_init(&c);
	assert_int_equal(memobj_verify(&s->objs, &c.out), ST_OK);
	uint64_t pfn = s->pt[slot][40];
	uint8_t *byte = sim_page(s, pfn) + 1234;
	*byte ^= 0x40;
	assert_int_equal(memobj_verify(&s->objs, &c.out), ST_INVALID);
	char want[96];
	snprintf(want, sizeof want,
		 "'B' has 1 of 64 pages not holding its pattern (first: page 40, pfn 0x%llx)",
		 (unsigned long long)pfn);
	assert_non_null(strstr(c.text, want));
	assert_null(strstr(c.text, "'C'"));
	*byte ^= 0x40;
	capture_init(&c);
	assert_int_equal(memobj_verify(&s->objs, &c.out), ST_OK);
	sim_page(s, s->pt[other][7])[0] = 0; /* an unmovable object is checked too */
	assert_int_equal(memobj_verify(&s->objs, &c.out), ST_INVALID);
	assert_non_null(strstr(c.text, "'C' has 1 of 8 pages"));
	sim_free(s);
}

/* ---- the object table grows from a heap ---- */
/* 200 objects (the first table holds 64) keep their names, pages and patterns while the table
 * moves. With every window in use (max_slots) a fill is refused even though the heap has
 * memory; with the first table full and the heap refusing, a fill is refused; both name their
 * reason and numbers and leave the page allocator as it was. memobj_fini gives the table back. */
static void test_slots_grow_from_heap(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	const struct table_alloc heap = { test_heap_alloc, test_heap_free, 0 };
	test_heap_reset();
	test_heap_lock = &s->objs.lock;
	memobj_set_growth(&s->objs, &heap, SIM_OBJ_SLOTS);
	char name[32];
	unsigned slot;
	for (unsigned i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "o%u", i);
		assert_int_equal(memobj_fill(&s->objs, name, 1 + i % 5, -1, i % 2, &slot), ST_OK);
		assert_int_equal(slot, i);
	}
	assert_int_equal(s->objs.cap, 256);
	assert_int_equal(memobj_find(&s->objs, "o199", &slot), ST_OK);
	assert_int_equal(slot, 199);
	assert_int_equal(memobj_verify(&s->objs, &s->log.out), ST_OK);
	sim_check(s, true);
	for (unsigned i = 200; i < SIM_OBJ_SLOTS; i++) {
		snprintf(name, sizeof name, "o%u", i);
		assert_int_equal(memobj_fill(&s->objs, name, 1, -1, true, &slot), ST_OK);
	}
	/* every window in use: refused even though the heap has memory */
	struct buddy_stats before, after;
	buddy_stats(&s->b, -1, -1, &before);
	capture_init(&s->log);
	assert_int_equal(memobj_fill(&s->objs, "one-more", 1, -1, true, &slot), ST_NOMEM);
	assert_true(capture_has(&s->log, "all 256 object slots in use and the table cannot grow "
					 "(no object window left)"));
	buddy_stats(&s->b, -1, -1, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(test_heap_live, 1);
	memobj_fini(&s->objs);
	assert_int_equal(test_heap_live, 0);
	assert_int_equal(test_heap_under_lock, 0);
	sim_free(s);

	/* a full first table with the heap refusing */
	s = sim_new();
	test_heap_lock = &s->objs.lock;
	memobj_set_growth(&s->objs, &heap, SIM_OBJ_SLOTS);
	for (unsigned i = 0; i < MEMOBJ_INIT_SLOTS; i++) {
		snprintf(name, sizeof name, "p%u", i);
		assert_int_equal(memobj_fill(&s->objs, name, 1, -1, true, &slot), ST_OK);
	}
	test_heap_budget = 0;
	buddy_stats(&s->b, -1, -1, &before);
	capture_init(&s->log);
	assert_int_equal(memobj_fill(&s->objs, "q", 1, -1, true, &slot), ST_NOMEM);
	assert_true(capture_has(&s->log, "all 64 object slots in use and the table cannot grow "
					 "(no kernel heap memory)"));
	buddy_stats(&s->b, -1, -1, &after);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(s->objs.cap, MEMOBJ_INIT_SLOTS);
	assert_true(s->objs.obj == s->objs.obj0);
	test_heap_budget = -1;
	sim_check(s, true);
	assert_int_equal(test_heap_under_lock, 0);
	test_heap_lock = NULL;
	sim_free(s);
}

TEST_MAIN(cmocka_unit_test(test_fill_check_free), cmocka_unit_test(test_patterns_differ),
	  cmocka_unit_test(test_refusals), cmocka_unit_test(test_pins),
	  cmocka_unit_test(test_slots_grow_from_heap), cmocka_unit_test(test_print),
	  cmocka_unit_test(test_verify_catches_foreign_write))
