/* SPDX-License-Identifier: BSD-2-Clause */
/* test_stress_mp.c - the stress engine on every CPU (mm/stress_mp.h) on the simulated machine
 * (tests/unit/helpers/hotplug_sim.h), each host thread a CPU: runs on 2 and 4 threads that
 * must pass with every CPU stepping, contending for the devices and leaving the machine as it
 * found it (sim_check: each page in exactly one place); and the per-CPU refusal logic alone:
 * a refusal that changed one of the CPU's blocks, claims or objects, a refusal of what cannot
 * be refused, and a claim or block lost between steps each fail with the seed, CPU and step;
 * a CPU that does not start, or sticks inside a step, is waited for at most wait_ms: the others
 * return with the run abandoned (naming it) and give back everything; the report reads only
 * the entries of CPUs that returned; the late CPU gives back what it holds and returns.
 * Also built under ThreadSanitizer (build/tsan/).
 *
 * SPMK_STRESS_MP_STEPS (default 2000 per CPU) and SPMK_STRESS_SEED choose the threaded run. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hotplug_sim.h"
#include "lib/fault.h"
#include "mm/stress_mp_internal.h"
#include "test_main.h"

static struct stress_mp M;

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *e = getenv(name);
	return e && *e ? strtoull(e, 0, 0) : def;
}

static void nop_rw(void *ctx, uint64_t va, void *buf, size_t len)
{
	(void)ctx, (void)va, (void)buf, (void)len;
}

static void nop_w(void *ctx, uint64_t va, const void *buf, size_t len)
{
	(void)ctx, (void)va, (void)buf, (void)len;
}

static uint64_t host_ms(void *ctx)
{
	(void)ctx;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static const struct stress_ops mp_ops = { .write = nop_w, .read = nop_rw, .now_ms = host_ms };

/* A machine whose SP device is cut into four 2 MiB devices, the CPUs' contended devices. */
static struct sim *mp_sim(void)
{
	struct sim *s = sim_new();
	uint32_t dev;
	assert_int_equal(dax_destroy_device(&s->dax, 0), ST_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dax_create_device(&s->dax, 0, SIZE_2M, SIZE_2M, &dev), ST_OK);
	return s;
}

struct cpu_arg {
	unsigned k;
	status_t st;
};

static __thread unsigned this_k; /* the run's CPU number of this thread */

static void *cpu_thread(void *p)
{
	struct cpu_arg *a = p;
	this_k = a->k;
	a->st = stress_mp_cpu_run(&M, a->k);
	return NULL;
}

static void run_threads(struct capture *out, struct sim *s, unsigned n, uint64_t steps,
			uint64_t seed)
{
	struct stress_world w = { &s->b, &s->dax, &s->objs, &s->hp, &mp_ops, NULL, &out->out };
	pthread_t t[8];
	struct cpu_arg a[8];
	assert_int_equal(stress_mp_init(&M, &w, n, steps, seed, 50, 4), ST_OK);
	M.wait_ms = 60000; /* a bounded wait that a run of live CPUs never reaches */
	for (unsigned k = 0; k < n; k++) {
		a[k] = (struct cpu_arg){ k, ST_INVALID };
		assert_int_equal(pthread_create(&t[k], NULL, cpu_thread, &a[k]), 0);
	}
	for (unsigned k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	status_t st = stress_mp_report(&M);
	for (unsigned k = 0; k < n; k++)
		if (a[k].st != ST_OK || st != ST_OK)
			fail_msg("%s", out->text);
}

static void run_cpus(unsigned n)
{
	uint64_t steps = env_u64("SPMK_STRESS_MP_STEPS", 2000),
		 seed = env_u64("SPMK_STRESS_SEED", 16);
	struct sim *s = mp_sim();
	uint64_t free0 = sim_free_pages(s, -1);
	struct capture out;
	capture_init(&out);
	run_threads(&out, s, n, steps, seed);
	uint64_t claims = 0, busy = 0, fills = 0, allocs = 0;
	for (unsigned k = 0; k < n; k++) {
		const struct stress_mp_cpu *c = &M.cpu[k];
		assert_int_equal(c->step, steps);
		claims += c->done[SMP_CLAIM];
		busy += c->refused[SMP_CLAIM];
		fills += c->done[SMP_FILL];
		allocs += c->done[SMP_ALLOC];
		print_message("cpu %u: %llu claims, %llu refused, %llu fills, %llu allocs\n", k,
			      (unsigned long long)c->done[SMP_CLAIM],
			      (unsigned long long)c->refused[SMP_CLAIM],
			      (unsigned long long)c->done[SMP_FILL],
			      (unsigned long long)c->done[SMP_ALLOC]);
	}
	/* the CPUs did work and contended for the devices for real */
	assert_true(claims > n * steps / 100 && fills > n * steps / 100 &&
		    allocs > n * steps / 100);
	assert_true(busy > 0);
	assert_int_equal(M.rounds, steps / 50 + (steps % 50 != 0));
	assert_non_null(strstr(out.text, ": pass\n"));
	/* everything given back */
	assert_int_equal(sim_free_pages(s, -1), free0);
	for (uint32_t i = 0; i < dax_device_slots(&s->dax); i++) {
		const struct dax_device *x = dax_device_get(&s->dax, i);
		assert_true(!x || !x->used || x->state == DAX_UNCLAIMED);
	}
	snprintf(sim_where, sizeof sim_where, "after %u CPUs: ", n);
	sim_check(s, false);
	print_message("%u CPUs: %llu claims, %llu refused as busy, %llu fills\n", n,
		      (unsigned long long)claims, (unsigned long long)busy,
		      (unsigned long long)fills);
	sim_free(s);
}

static void test_two_cpus(void **state)
{
	(void)state;
	run_cpus(2);
}

static void test_four_cpus(void **state)
{
	(void)state;
	run_cpus(4);
}

/* The per-CPU judgement, driven by hand on one CPU of a two-CPU run. */
static void test_refusal_logic(void **state)
{
	(void)state;
	struct sim *s = mp_sim();
	struct capture out;
	capture_init(&out);
	struct stress_world w = { &s->b, &s->dax, &s->objs, &s->hp, &mp_ops, NULL, &out.out };
	assert_int_equal(stress_mp_init(&M, &w, 2, 10, 99, 0, 0), ST_OK);
	struct stress_mp_cpu *c = &M.cpu[1];
	c->step = 7;
	/* a refusal that leaves the CPU's objects alone passes */
	assert_int_equal(stress_mp_do(&M, 1, SMP_ALLOC), ST_OK);
	assert_int_equal(stress_mp_do(&M, 1, SMP_FILL), ST_OK);
	assert_int_equal(stress_mp_do(&M, 1, SMP_CLAIM), ST_OK);
	assert_int_equal(c->nblk, 1);
	assert_true(c->obj[0].used && c->claim[0].used);
	struct stress_mp_snap before, now;
	stress_mp_digest(&M, c, &before);
	assert_int_equal(stress_mp_judge(&M, 1, SMP_ALLOC, ST_NOMEM, false, &before), ST_OK);
	assert_int_equal(stress_mp_own_check(&M, 1, SMP_ALLOC), ST_OK);
	assert_false(M.failed);
	/* the same refusal after one of its blocks was freed behind its back */
	assert_int_equal(buddy_free(&s->b, c->blk[0].pfn, c->blk[0].order), ST_OK);
	assert_int_equal(stress_mp_judge(&M, 1, SMP_FILL, ST_NOMEM, false, &before), ST_INVALID);
	assert_non_null(strstr(c->why, "stress: seed 99, cpu 1, step 7, mem fill: FAILED: refused "
				       "(out of memory) but changed this CPU's blocks"));
	assert_true(M.failed);
	c->nblk = 0;
	/* a refusal of what cannot be refused */
	c->failed = M.failed = false;
	assert_int_equal(stress_mp_judge(&M, 1, SMP_RELEASE, ST_PERM, true, &now), ST_INVALID);
	assert_non_null(strstr(c->why, "cpu 1, step 7, release: FAILED: refused ("));
	/* a claim lost between steps (released by someone else) */
	c->failed = M.failed = false;
	assert_int_equal(dax_release(&s->dax, c->claim[0].h), ST_OK);
	assert_int_equal(stress_mp_own_check(&M, 1, SMP_CHECK), ST_INVALID);
	assert_non_null(strstr(c->why, "claim of device index"));
	c->claim[0].used = false;
	/* a damaged object page */
	c->failed = M.failed = false;
	pfn_t pfn;
	assert_int_equal(memobj_page_pfn(&s->objs, c->obj[0].slot, 0, &pfn), ST_OK);
	sim_page(s, pfn.v)[8] ^= 1;
	assert_int_equal(stress_mp_own_check(&M, 1, SMP_CHECK), ST_INVALID);
	assert_non_null(strstr(c->why, "pages damaged"));
	sim_page(s, pfn.v)[8] ^= 1;
	assert_int_equal(memobj_free(&s->objs, c->obj[0].slot), ST_OK);
	s->dax.log = s->objs.log = s->hp.log = NULL;
	sim_free(s);
}

/* Joins t within 30 s: a wait for ever fails the test instead of hanging it. */
static void join_bounded(pthread_t t, const char *who)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	if (pthread_timedjoin_np(t, NULL, &until) != 0)
		fail_msg("%s did not return within 30 s: a barrier waits for ever", who);
}

/* A run of 400 steps (seed 5) on 3 CPUs of a fresh world that logs to out, whose CPUs wait
 * 200 ms for each other at a barrier; *free0: the world's free pages before it. */
static struct sim *three_cpu_run(struct capture *out, uint64_t *free0)
{
	struct sim *s = mp_sim();
	*free0 = sim_free_pages(s, -1);
	capture_init(out);
	struct stress_world w = { &s->b, &s->dax, &s->objs, &s->hp, &mp_ops, NULL, &out->out };
	assert_int_equal(stress_mp_init(&M, &w, 3, 400, 5, 50, 4), ST_OK);
	M.wait_ms = 200;
	return s;
}

/* CPUs 0 and 1 (threads t[0], t[1], results a[0], a[1]) return from a run they abandoned
 * because CPU 2 did not reach barrier 1 within 200 ms. */
static void expect_cpu_2_waited_out(pthread_t *t, const struct cpu_arg *a, struct capture *out)
{
	join_bounded(t[0], "cpu 0");
	join_bounded(t[1], "cpu 1");
	assert_int_equal(a[0].st, ST_INVALID);
	assert_int_equal(a[1].st, ST_INVALID);
	assert_non_null(strstr(out->text,
			       "stress: seed 5: cpu 2 did not reach barrier 1, nor step, "
			       "within 200 ms (cpu "));
}

/* The report of an abandoned run while CPU 2 is still in it: CPU 2's line gives the steps it
 * had made (read atomically) and says its counts are left out; the totals count CPUs 0 and 1
 * only. CPU 2's entry is read in full only once it gave back what it held. */
static void expect_report_without_cpu_2(struct capture *out)
{
	capture_reset(out);
	assert_int_equal(stress_mp_report(&M), ST_INVALID);
	assert_true(capture_has(out, "stress: cpu 2: "));
	assert_true(capture_has(out, " steps when the run was abandoned; it has not returned, so "
				     "its counts are left out\n"));
	assert_false(capture_has(out, "stress: cpu 2: 0 steps, "));
	assert_true(capture_has(out, "stress: cpu 0: 50 steps, "));
	assert_true(capture_has(out, " refused (CPU 2 left out): FAILED\n"));
}

/* CPU 2 of 3 stops answering (its thread starts only after the others returned). */
static void test_a_cpu_that_never_arrives_is_waited_out(void **state)
{
	(void)state;
	struct capture out;
	uint64_t free0;
	struct sim *s = three_cpu_run(&out, &free0);
	pthread_t t[3];
	struct cpu_arg a[3];
	uint64_t t0 = host_ms(NULL);
	for (unsigned k = 0; k < 2; k++) {
		a[k] = (struct cpu_arg){ k, ST_OK };
		assert_int_equal(pthread_create(&t[k], NULL, cpu_thread, &a[k]), 0);
	}
	expect_cpu_2_waited_out(t, a, &out);
	uint64_t ms = host_ms(NULL) - t0;
	assert_true(ms >= 200);
	assert_true(M.abandoned && M.failed);
	assert_non_null(strstr(out.text, "run abandoned, every CPU gives back what it holds\n"));
	assert_int_equal(M.cpu[0].step, 50); /* stopped at the first barrier */
	/* everything the two CPUs held is back */
	assert_int_equal(sim_free_pages(s, -1), free0);
	/* the report, as the kernel prints it when its wait for the call ends: CPU 2 left out */
	expect_report_without_cpu_2(&out);
	/* the late CPU arrives (while the report is read again): it returns at once, without a
	 * step, and is reported in full from then on */
	a[2] = (struct cpu_arg){ 2, ST_OK };
	assert_int_equal(pthread_create(&t[2], NULL, cpu_thread, &a[2]), 0);
	stress_mp_report(&M);
	join_bounded(t[2], "the late cpu 2");
	assert_int_equal(a[2].st, ST_INVALID);
	assert_int_equal(M.cpu[2].step, 0);
	capture_reset(&out);
	assert_int_equal(stress_mp_report(&M), ST_INVALID);
	assert_true(capture_has(&out, "stress: cpu 2: 0 steps, 0 operations done, 0 refused"));
	assert_false(capture_has(&out, "left out"));
	assert_int_equal(sim_free_pages(s, -1), free0);
	for (uint32_t i = 0; i < dax_device_slots(&s->dax); i++) {
		const struct dax_device *x = dax_device_get(&s->dax, i);
		assert_true(!x || !x->used || x->state == DAX_UNCLAIMED);
	}
	for (uint32_t i = 0; i < s->objs.cap; i++)
		assert_null(memobj_get(&s->objs, i));
	snprintf(sim_where, sizeof sim_where, "after an abandoned run: ");
	sim_check(s, false);
	sim_free(s);
}

/* ---- a CPU stuck inside a step: the others abandon the run without it */

static struct memobj_ops stuck_ops;
static const struct memobj_ops *sim_obj_ops;
static unsigned stuck_k = UINT32_MAX; /* the CPU that sticks in its first object fill */
static bool stuck, unstuck;           /* it is stuck; it may go on (atomics, relaxed) */

/* The object's page, fetched (unlocked) as memobj_fill fills it: CPU stuck_k stops here until
 * the test lets it go, with no synchronisation that would hide a data race from TSan. */
static uint8_t *stuck_page(void *ctx, unsigned slot, uint64_t index)
{
	if (this_k == stuck_k && !__atomic_load_n(&unstuck, __ATOMIC_RELAXED)) {
		__atomic_store_n(&stuck, true, __ATOMIC_RELAXED);
		while (!__atomic_load_n(&unstuck, __ATOMIC_RELAXED))
			sched_yield();
	}
	return sim_obj_ops->page(ctx, slot, index);
}

/* CPU 2 of 3 sticks inside a step (an object fill); the others wait wait_ms at barrier 1 and
 * abandon the run. The report then reads only the entries of CPUs that finished (CPU 2 may
 * write its own at any time: under TSan the test fails if the report reads it); CPU 2 gives
 * back everything when it goes on, before the run is over for good, and its own entry is
 * reported after. */
static void test_a_cpu_stuck_in_a_step_is_left_out_of_the_report(void **state)
{
	(void)state;
	struct capture out;
	uint64_t free0;
	struct sim *s = three_cpu_run(&out, &free0);
	sim_obj_ops = s->objs.ops;
	stuck_ops = *sim_obj_ops;
	stuck_ops.page = stuck_page;
	s->objs.ops = &stuck_ops;
	stuck_k = 2;
	stuck = unstuck = false;
	pthread_t t[3];
	struct cpu_arg a[3];
	for (unsigned k = 0; k < 3; k++) {
		a[k] = (struct cpu_arg){ k, ST_OK };
		assert_int_equal(pthread_create(&t[k], NULL, cpu_thread, &a[k]), 0);
	}
	expect_cpu_2_waited_out(t, a, &out);
	assert_true(__atomic_load_n(&stuck, __ATOMIC_RELAXED));
	expect_report_without_cpu_2(&out);
	/* CPU 2 goes on while the report is read again */
	__atomic_store_n(&unstuck, true, __ATOMIC_RELAXED);
	capture_reset(&out);
	stress_mp_report(&M);
	join_bounded(t[2], "the stuck cpu 2");
	assert_int_equal(a[2].st, ST_INVALID);
	assert_true(M.cpu[2].step > 0 && M.cpu[2].step < 50);
	/* everything is back: the blocks and objects of all three */
	assert_int_equal(sim_free_pages(s, -1), free0);
	for (uint32_t i = 0; i < s->objs.cap; i++)
		assert_null(memobj_get(&s->objs, i));
	capture_reset(&out);
	assert_int_equal(stress_mp_report(&M), ST_INVALID);
	char line[96];
	snprintf(line, sizeof line, "stress: cpu 2: %llu steps, ",
		 (unsigned long long)M.cpu[2].step);
	assert_true(capture_has(&out, line));
	assert_false(capture_has(&out, "left out"));
	s->objs.ops = sim_obj_ops;
	stuck_k = UINT32_MAX;
	snprintf(sim_where, sizeof sim_where, "after a run abandoned by a stuck CPU: ");
	sim_check(s, false);
	sim_free(s);
}

/* Only CPU 0 is slow (it checks the world at every barrier): never waited out. */
static void test_cpu_0_is_never_waited_out(void **state)
{
	(void)state;
	struct sim *s = mp_sim();
	struct capture out;
	capture_init(&out);
	struct stress_world w = { &s->b, &s->dax, &s->objs, &s->hp, &mp_ops, NULL, &out.out };
	assert_int_equal(stress_mp_init(&M, &w, 2, 100, 6, 50, 4), ST_OK);
	/* long enough for CPU 1's slowest step under ThreadSanitizer on a loaded machine (with
	 * 1 ms, CPU 0 waited CPU 1 out at a later barrier) */
	M.wait_ms = 50;
	pthread_t t;
	struct cpu_arg a1 = { 1, ST_INVALID };
	assert_int_equal(pthread_create(&t, NULL, cpu_thread, &a1), 0);
	struct timespec pause = { 0, 500 * 1000000 };
	nanosleep(&pause, NULL); /* CPU 1 waits at barrier 1 for CPU 0, 10 times wait_ms */
	status_t st0 = stress_mp_cpu_run(&M, 0);
	join_bounded(t, "cpu 1");
	if (st0 != ST_OK)
		fail_msg("%s", out.text);
	assert_int_equal(a1.st, ST_OK);
	assert_false(M.abandoned);
	sim_free(s);
}

TEST_MAIN(cmocka_unit_test(test_refusal_logic), cmocka_unit_test(test_two_cpus),
	  cmocka_unit_test(test_four_cpus),
	  cmocka_unit_test(test_a_cpu_that_never_arrives_is_waited_out),
	  cmocka_unit_test(test_a_cpu_stuck_in_a_step_is_left_out_of_the_report),
	  cmocka_unit_test(test_cpu_0_is_never_waited_out))
