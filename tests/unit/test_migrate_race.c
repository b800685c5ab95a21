/* SPDX-License-Identifier: BSD-2-Clause */
/* test_migrate_race.c - host tests of migration while another CPU writes (mm/migrate.h with
 * memobj_ops.freeze, docs/smp.md), and of migrate_object.
 *
 * The other CPU is simulated: between every step migration takes (freeze, flush, copy, remap)
 * it writes one word of the next page of the object, as a CPU would, through its own TLB: a
 * cached translation (which only a flush - the shootdown - removes) or, when it has none, the
 * page table; a migration entry there makes it wait, and its write happens once the entry is
 * a mapping again. At the end, each page must hold the last value written to it. With freeze
 * no write may be lost; the same writer without freeze (copy, then remap) does lose writes,
 * which shows the check can fail.
 *
 * Then a real second thread pins a page while migration holds it frozen: the pin must wait
 * for the batch (the object table's lock), or it would pin the old page that the batch then
 * frees. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hotplug_sim.h"

#define FROZEN (1ull << 62) /* a migration entry in the simulated page table */
#define NPAGES 300u

struct racer {
	struct sim *s;
	unsigned slot;
	uint64_t tlb[NPAGES];  /* the writer CPU's cached pfn per page, UINT64_MAX: none */
	uint64_t want[NPAGES]; /* last value written to word 7 of each page, 0: none */
	uint64_t next, seq;
	bool waiting; /* a write waits for page wait_page */
	uint64_t wait_page, waits, writes;
	unsigned phase; /* the phase migration said it is in (memobj_ops.phase) */
	uint64_t entered[MIGRATE_PHASES];
	uint64_t batch_remaps; /* memobj_ops.remap_frozen calls */
	uint64_t freeze_runs;  /* memobj_ops.freeze_run calls */
	uint64_t fail_page;    /* freeze_run refuses this object page (ST_INVALID), 0: none */
};

static struct racer R;

/* memobj_ops.phase: every operation below checks it runs in its own phase. */
static void race_phase(void *ctx, unsigned phase)
{
	(void)ctx;
	assert_true(phase < MIGRATE_PHASES);
	R.phase = phase;
	R.entered[phase]++;
}

static void write_word(uint64_t pfn, uint64_t page, uint64_t v)
{
	((uint64_t *)sim_page(R.s, pfn))[7] = v;
	R.want[page] = v;
	R.writes++;
}

/* One access by the writer CPU (see the top comment). */
static void writer_step(void)
{
	uint64_t p = R.waiting ? R.wait_page : R.next++ % NPAGES;
	if (R.tlb[p] == UINT64_MAX) {
		uint64_t e = R.s->pt[R.slot][p];
		if (e & FROZEN) { /* page fault on a migration entry: wait */
			R.waits += !R.waiting;
			R.waiting = true;
			R.wait_page = p;
			return;
		}
		R.tlb[p] = e;
	}
	R.waiting = false;
	write_word(R.tlb[p], p, ++R.seq);
}

static status_t race_freeze(void *ctx, unsigned slot, uint64_t i, pfn_t old)
{
	struct sim *s = ctx;
	assert_int_equal(R.phase, MIGRATE_PHASE_FREEZE);
	if (!s->pt[slot] || s->pt[slot][i] == UINT64_MAX)
		return ST_NOTFOUND;
	if (s->pt[slot][i] != old.v)
		return ST_INVALID;
	s->pt[slot][i] = old.v | FROZEN;
	writer_step();
	return ST_OK;
}

static status_t race_remap(void *ctx, unsigned slot, uint64_t i, pfn_t old, pfn_t pfn)
{
	struct sim *s = ctx;
	status_t st;
	assert_int_equal(R.phase, MIGRATE_PHASE_REMAP);
	if (s->pt[slot] && s->pt[slot][i] == (old.v | FROZEN)) {
		s->pt[slot][i] = pfn.v;
		st = ST_OK;
	} else {
		st = sim_remap(ctx, slot, i, old, pfn);
	}
	writer_step();
	return st;
}

/* memobj_ops.remap_frozen: the batch switched entry by entry, the writer stepping between. */
static void race_remap_frozen(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
			      const pfn_t *old, const pfn_t *pfn)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(race_remap(ctx, obj[i] - 1, index[i], old[i], pfn[i]), ST_OK);
	R.batch_remaps++;
}

/* memobj_ops.freeze_run: page by page as race_freeze, the writer stepping between; refuses
 * object page R.fail_page when set. */
static unsigned race_freeze_run(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
				const pfn_t *old, status_t *st)
{
	unsigned i;
	R.freeze_runs++;
	*st = ST_OK;
	for (i = 0; i < n; i++) {
		if (R.fail_page && index[i] == R.fail_page) {
			*st = ST_INVALID;
			break;
		}
		if ((*st = race_freeze(ctx, obj[i] - 1, index[i], old[i])) != ST_OK)
			break;
	}
	return i;
}

/* The shootdown: the writer CPU's TLB is emptied. */
static void race_flush(void *ctx)
{
	assert_int_equal(R.phase, MIGRATE_PHASE_FLUSH);
	memset(R.tlb, 0xff, sizeof R.tlb);
	sim_flush(ctx);
	writer_step();
}

static void race_copy(void *ctx, pfn_t dst, pfn_t src)
{
	assert_int_equal(R.phase, MIGRATE_PHASE_COPY);
	sim_copy(ctx, dst, src);
	writer_step();
}

static status_t race_lookup(void *ctx, unsigned slot, uint64_t i, pfn_t *pfn)
{
	status_t st = sim_lookup(ctx, slot, i, pfn);
	pfn->v &= ~FROZEN;
	return st;
}

static struct memobj_ops race_ops;

/* A new simulated machine whose memory objects go through the race_* hooks (the writer CPU
 * steps at each of migration's steps), freeze and the batch forms (freeze_run, remap_frozen)
 * included or not; R is reset for it but for R.fail_page. */
static struct sim *race_sim(bool freeze, bool batch_remap)
{
	struct sim *s = sim_new();
	race_ops = *s->objs.ops;
	race_ops.remap = race_remap;
	race_ops.flush = race_flush;
	race_ops.copy = race_copy;
	race_ops.lookup = race_lookup;
	race_ops.freeze = freeze ? race_freeze : NULL;
	race_ops.remap_frozen = batch_remap ? race_remap_frozen : NULL;
	race_ops.freeze_run = batch_remap && freeze ? race_freeze_run : NULL;
	race_ops.phase = race_phase;
	s->objs.ops = &race_ops;
	uint64_t fail_page = R.fail_page; /* set by the test for its run */
	memset(&R, 0, sizeof R);
	R.s = s;
	R.fail_page = fail_page;
	return s;
}

/* Word 7 of every page of the writer's object back to its pattern (for sim_check). */
static void restore_pattern(struct sim *s)
{
	for (unsigned p = 0; p < NPAGES; p++)
		((uint64_t *)sim_page(s, s->pt[R.slot][p]))[7] =
			memobj_pattern_base(s->objs.obj[R.slot].seed, p) + 7 * MEMOBJ_PATTERN_STEP;
}

/* An object of NPAGES on node 0 whose pages the writer has all cached, then moved to node 2. */
static uint64_t race_run_ops(bool freeze, bool batch_remap, bool range, struct migrate_result *res);

static uint64_t race_run(bool freeze, struct migrate_result *res)
{
	return race_run_ops(freeze, false, false, res);
}

/* The writer's object moved out of its own pages as reclaim moves a range: the pages it
 * spans isolated, then migrate_range over them (reverse maps read in runs). */
static status_t race_move_range(struct sim *s, struct migrate_result *res)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned p = 0; p < NPAGES; p++) {
		lo = MIN(lo, s->pt[R.slot][p]);
		hi = MAX(hi, s->pt[R.slot][p] + 1);
	}
	assert_int_equal(buddy_isolate(&s->b, pfn_of(lo), hi - lo, 0), ST_OK);
	status_t st = migrate_range(&s->objs, lo, hi - lo, res);
	assert_int_equal(buddy_unisolate(&s->b, pfn_of(lo), hi - lo, 0), ST_OK);
	return st;
}

static uint64_t race_run_ops(bool freeze, bool batch_remap, bool range, struct migrate_result *res)
{
	struct sim *s = race_sim(freeze, batch_remap);
	assert_int_equal(memobj_fill(&s->objs, "w", NPAGES, 0, true, &R.slot), ST_OK);
	for (unsigned p = 0; p < NPAGES; p++) {
		R.tlb[p] = s->pt[R.slot][p];
		write_word(R.tlb[p], p, ++R.seq); /* the writer has touched every page */
	}
	if (range)
		assert_int_equal(race_move_range(s, res), R.fail_page ? ST_INVALID : ST_OK);
	else
		assert_int_equal(migrate_object(&s->objs, R.slot, 2, res), ST_OK);
	if (R.waiting)
		writer_step(); /* the page it waited for is mapped again */
	assert_false(R.waiting);
	uint64_t lost = 0;
	for (unsigned p = 0; p < NPAGES; p++) {
		uint64_t pfn = s->pt[R.slot][p];
		assert_int_equal(pfn & FROZEN, 0); /* every migration entry became a mapping */
		lost += ((uint64_t *)sim_page(s, pfn))[7] != R.want[p];
	}
	restore_pattern(s);
	sim_check(s, true);
	sim_free(s);
	return lost;
}

static void test_no_write_lost_with_freeze(void **state)
{
	(void)state;
	struct migrate_result r;
	uint64_t lost = race_run(true, &r);
	assert_int_equal(lost, 0);
	assert_int_equal(r.moved, NPAGES);
	assert_int_equal(r.flushes, 1); /* one round for the whole batch */
	assert_true(R.waits > 0);       /* the writer did hit pages in flight */
	assert_true(R.writes > NPAGES);
	/* every phase was entered, and migration ended outside them all */
	for (unsigned ph = MIGRATE_PHASE_RMAP; ph < MIGRATE_PHASES; ph++)
		assert_true(R.entered[ph] > 0);
	assert_int_equal(R.phase, MIGRATE_PHASE_NONE);
	assert_int_equal(R.entered[MIGRATE_PHASE_FLUSH], 1);
}

/* The same with the batch's entries switched by one remap_frozen call. */
static void test_no_write_lost_with_batch_remap(void **state)
{
	(void)state;
	struct migrate_result r;
	assert_int_equal(race_run_ops(true, true, false, &r), 0);
	assert_int_equal(r.moved, NPAGES);
	assert_int_equal(R.batch_remaps, 1); /* one call for the one batch */
	assert_true(R.waits > 0);
}

/* The same for a range, as reclaim moves it: runs of reverse maps, one batch remap. */
static void test_no_write_lost_moving_a_range(void **state)
{
	(void)state;
	struct migrate_result r;
	R.fail_page = 0;
	assert_int_equal(race_run_ops(true, true, true, &r), 0);
	assert_int_equal(r.moved, NPAGES);
	assert_int_equal(r.flushes, 1);
	assert_int_equal(R.batch_remaps, 1);
	assert_true(R.freeze_runs > 1 && R.freeze_runs < NPAGES); /* runs, not pages */
	assert_true(R.waits > 0);
	/* a freeze refused inside a run: the pages before it move, intact; that page and the
	 * rest stay, none of their destinations is kept (sim_check counts movable pages) */
	R.fail_page = 100;
	assert_int_equal(race_run_ops(true, true, true, &r), 0);
	assert_true(r.moved > 0 && r.moved < NPAGES); /* pages below it in the range moved */
	assert_int_equal(r.failed_st, ST_INVALID);
	R.fail_page = 0;
	assert_true(race_run_ops(false, false, true, &r) > 0); /* without the freeze: lost */
}

static void test_writes_lost_without_freeze(void **state)
{
	(void)state;
	struct migrate_result r;
	assert_true(race_run(false, &r) > 0); /* copy-then-remap under a writer loses writes */
	assert_int_equal(R.waits, 0);
}

/* A batch of MIGRATE_BATCH frozen pages is copied and remapped at its flush: more pages than
 * one batch need one flush per batch. */
static void test_freeze_batches(void **state)
{
	(void)state;
	struct sim *s = race_sim(true, false);
	memset(R.tlb, 0xff, sizeof R.tlb);
	unsigned slot;
	assert_int_equal(memobj_fill(&s->objs, "big", MIGRATE_BATCH + 100, 0, true, &slot), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "w", NPAGES, 0, true, &R.slot), ST_OK);
	struct migrate_result r;
	assert_int_equal(migrate_object(&s->objs, slot, 2, &r), ST_OK);
	assert_int_equal(r.moved, MIGRATE_BATCH + 100);
	assert_int_equal(r.flushes, 2);
	restore_pattern(s);
	sim_check(s, true);
	sim_free(s);
}

static void test_migrate_object_refusals(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	unsigned a, u, big;
	struct migrate_result r;
	assert_int_equal(memobj_fill(&s->objs, "a", 8, 2, true, &a), ST_OK);
	assert_int_equal(memobj_fill(&s->objs, "u", 1, 0, false, &u), ST_OK);
	assert_int_equal(migrate_object(&s->objs, a, 2, &r), ST_OK); /* already there */
	assert_int_equal(r.moved, 0);
	assert_int_equal(migrate_object(&s->objs, u, 2, 0), ST_INVALID);
	assert_int_equal(migrate_object(&s->objs, 40, 2, 0), ST_NOTFOUND);
	assert_int_equal(migrate_object(&s->objs, a, BUDDY_MAX_NODES, 0), ST_RANGE);
	assert_int_equal(memobj_pin(&s->objs, a, 3), ST_OK);
	assert_int_equal(migrate_object(&s->objs, a, 0, &r), ST_BUSY);
	assert_int_equal(r.moved, 3); /* pages before the pinned one moved, intact */
	assert_int_equal(r.failed_pfn, s->pt[a][3]);
	assert_int_equal(memobj_unpin(&s->objs, a, 3), ST_OK);
	/* node 2 cannot take it all: what fits moves, then ST_NOMEM; all intact */
	assert_int_equal(memobj_fill(&s->objs, "big", SIM_RAM2_N, 0, true, &big), ST_OK);
	assert_int_equal(migrate_object(&s->objs, big, 2, &r), ST_NOMEM);
	assert_true(r.moved > 0 && r.moved < SIM_RAM2_N);
	assert_int_equal(sim_free_pages(s, 2), 0);
	sim_check(s, true);
	sim_free(s);
}

/* ---- a pin from another thread while the page is frozen */

#define PIN_PAGE 5u
static struct {
	struct sim *s;
	unsigned slot;
	int go, done; /* set by the freeze hook, by the pinner */
	status_t st;
} P;

static void *pinner(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&P.go, __ATOMIC_ACQUIRE))
		sched_yield();
	P.st = memobj_pin(&P.s->objs, P.slot, PIN_PAGE);
	__atomic_store_n(&P.done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Freezes like race_freeze; at PIN_PAGE it lets the pinner go and gives it 50 ms. */
static status_t pin_freeze(void *ctx, unsigned slot, uint64_t i, pfn_t old)
{
	struct sim *s = ctx;
	if (s->pt[slot][i] != old.v)
		return ST_INVALID;
	s->pt[slot][i] = old.v | FROZEN;
	if (i == PIN_PAGE) {
		__atomic_store_n(&P.go, 1, __ATOMIC_RELEASE);
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		/* the pin waits for the batch: it has not happened yet */
		assert_int_equal(__atomic_load_n(&P.done, __ATOMIC_ACQUIRE), 0);
	}
	return ST_OK;
}

static status_t pin_remap(void *ctx, unsigned slot, uint64_t i, pfn_t old, pfn_t pfn)
{
	struct sim *s = ctx;
	if (s->pt[slot][i] != (old.v | FROZEN))
		return sim_remap(ctx, slot, i, old, pfn);
	s->pt[slot][i] = pfn.v;
	return ST_OK;
}

static void test_pin_waits_for_frozen_batch(void **state)
{
	(void)state;
	struct sim *s = sim_new();
	race_ops = *s->objs.ops;
	race_ops.freeze = pin_freeze;
	race_ops.remap = pin_remap;
	race_ops.lookup = race_lookup;
	s->objs.ops = &race_ops;
	memset(&P, 0, sizeof P);
	P.s = s;
	assert_int_equal(memobj_fill(&s->objs, "p", 64, 0, true, &P.slot), ST_OK);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, pinner, NULL), 0);
	struct migrate_result r;
	assert_int_equal(migrate_object(&s->objs, P.slot, 2, &r), ST_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(P.st, ST_OK);
	assert_int_equal(r.moved, 64);
	/* the pin holds the page the object maps now, on node 2 */
	struct buddy_page_info pi;
	assert_int_equal(buddy_page_state(s->objs.b, pfn_of(s->pt[P.slot][PIN_PAGE]), &pi), ST_OK);
	assert_int_equal(pi.pins, 1);
	assert_int_equal(pi.node, 2);
	assert_int_equal(memobj_unpin(&s->objs, P.slot, PIN_PAGE), ST_OK);
	sim_check(s, true);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_write_lost_with_freeze),
		cmocka_unit_test(test_no_write_lost_with_batch_remap),
		cmocka_unit_test(test_no_write_lost_moving_a_range),
		cmocka_unit_test(test_writes_lost_without_freeze),
		cmocka_unit_test(test_freeze_batches),
		cmocka_unit_test(test_migrate_object_refusals),
		cmocka_unit_test(test_pin_waits_for_frozen_batch),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
