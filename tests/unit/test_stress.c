/* SPDX-License-Identifier: BSD-2-Clause */
/* test_stress.c - the stress engine (mm/stress.h) on the simulated machine (tests/unit/helpers/hotplug_sim.h):
 * the same generator and checks as `selftest stress` in the kernel, with dax windows read and
 * written through the simulated mappings (an access outside a mapped window fails the test,
 * as a page fault would), and the simulator's own page-by-page walk (sim_check: each page in
 * exactly one place, direct map = managed memory, idle devdax memory zero unless a deferred
 * scrub is owed) every 64 steps.
 *
 * The checks bite: a release that does not scrub, or a write that also lands in an object,
 * fails the run with its seed, step and operation.
 *
 * SPMK_STRESS_STEPS (default 100000) and SPMK_STRESS_SEED (default: three fixed seeds) choose
 * the run; a failure prints its seed and step, and the same seed replays it. */
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
#include "mm/stress.h"
#include "test_main.h"

static void sim_write_bytes(void *ctx, uint64_t va, const void *src, size_t len)
{
	memcpy(sim_win_write(ctx, va, len), src, len);
}

static void st_write(void *ctx, uint64_t va, const void *src, size_t len)
{
	sim_write_bytes(ctx, va, src, len);
}

static void st_read(void *ctx, uint64_t va, void *dst, size_t len)
{
	memcpy(dst, sim_win(ctx, va, len), len);
}

/* A window is mapped exactly for each live device. */
static status_t st_check(void *ctx, struct out *out)
{
	struct sim *s = ctx;
	unsigned live = 0, mapped = 0;
	for (uint32_t d = 0; d < DAX_INIT_DEVICES; d++) {
		const struct dax_device *x = dax_device_get(&s->dax, d);
		if (!x || !x->live)
			continue;
		live++;
		bool found = false;
		for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
			found |= s->win[i].size == x->size && s->win[i].va == x->window &&
				 s->win[i].pa == x->base;
		if (!found) {
			out_printf(out, "sim: live device %u has no window mapped\n", d);
			return ST_INVALID;
		}
	}
	for (unsigned i = 0; i < DAX_INIT_DEVICES; i++)
		mapped += s->win[i].size != 0;
	if (mapped != live) {
		out_printf(out, "sim: %u windows mapped for %u live devices\n", mapped, live);
		return ST_INVALID;
	}
	return ST_OK;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *e = getenv(name);
	return e && *e ? strtoull(e, 0, 0) : def;
}

/* The stress world of machine s: its allocators, the simulated windows for reads and writes
 * (write: st_write, or a faulty one), its checks; ops is filled in and must outlive the world;
 * log may be NULL. */
static struct stress_world sim_world(struct sim *s, struct stress_ops *ops,
				     void (*write)(void *, uint64_t, const void *, size_t),
				     struct out *log)
{
	*ops = (struct stress_ops){
		.write = write,
		.read = st_read,
		.env = sim_env,
		.check = st_check,
		.ctx = s,
	};
	return (struct stress_world){ &s->b, &s->dax, &s->objs, &s->hp, ops, NULL, log };
}

/* firmware: SP memory at start holds what the firmware left (OVMF's 0xaf fill), not zeros */
static void run_seed_on(uint64_t seed, uint64_t steps, bool firmware)
{
	struct sim *s = sim_new();
	if (firmware)
		memset(sim_page(s, SIM_SP), 0xaf, (size_t)SIM_SP_N * PAGE_SIZE);
	struct capture out;
	capture_init(&out);
	struct stress_ops ops;
	struct stress_world w = sim_world(s, &ops, st_write, &out.out);
	static struct stress st;
	fault_reset();
	st.full_every = 1;
	stress_init(&st, &w, steps, seed);
	s->dax.log = s->objs.log = s->hp.log = NULL;
	while (st.step < steps) {
		if (stress_step(&st) != ST_OK)
			fail_msg("%s", out.text);
		if (st.step % 64 == 0) {
			snprintf(sim_where, sizeof sim_where,
				 "seed %llu, step %llu: ", (unsigned long long)seed,
				 (unsigned long long)st.step);
			sim_check(s, true);
		}
		if (out.len > sizeof out.text / 2)
			capture_reset(&out);
	}
	if (stress_finish(&st) != ST_OK)
		fail_msg("%s", out.text);
	sim_check(s, true);
	/* everything given back, the layout as at the start */
	assert_int_equal(s->b.zone[1][BUDDY_ZONE_MOVABLE].st.total +
				 s->b.zone[1][BUDDY_ZONE_NORMAL].st.total,
			 0);
	const struct dax_device *x = dax_device_get(&s->dax, 0);
	assert_non_null(x);
	assert_int_equal(x->size, (uint64_t)SIM_SP_N << PAGE_SHIFT);
	uint64_t total = 0;
	for (unsigned op = 0; op < STRESS_NOPS; op++) {
		total += st.done[op];
		if (steps >= 5000 && op != STRESS_FAULT && st.done[op] < steps / 500)
			fail_msg("seed %llu: only %llu successful %s in %llu steps",
				 (unsigned long long)seed, (unsigned long long)st.done[op],
				 stress_op_name((enum stress_op)op), (unsigned long long)steps);
	}
	print_message("seed %llu: %llu steps, %llu operations done, %llu failures injected\n",
		      (unsigned long long)seed, (unsigned long long)steps,
		      (unsigned long long)total, (unsigned long long)st.injected);
	if (steps >= 20000)
		assert_true(st.injected > steps / 200);
	sim_free(s);
	fault_reset();
}

static void run_seed(uint64_t seed, uint64_t steps) { run_seed_on(seed, steps, false); }

static void test_stress(void **state)
{
	(void)state;
	uint64_t steps = env_u64("SPMK_STRESS_STEPS", 100000);
	const char *seed = getenv("SPMK_STRESS_SEED");
	if (seed && *seed) {
		run_seed(strtoull(seed, 0, 0), steps);
		return;
	}
	run_seed(1, steps);
	run_seed(0xdeadbeef, steps / 20);
	run_seed(20261130, steps / 20);
}

/* SP memory that starts with firmware bytes: a release zeroes only what its owner wrote, so
 * the stress marks idle devices as owed a scrub before its first-claim zero checks; the seed
 * and the number of steps of the kernel run that read OVMF's fill at its first claim. */
static void test_firmware_bytes(void **state)
{
	(void)state;
	run_seed_on(20261130, 2000, true);
	run_seed_on(1, 2000, true);
}

/* The same seed replays the same run: the operation counts agree. */
static void test_reproducible(void **state)
{
	(void)state;
	uint64_t done[2][STRESS_NOPS];
	for (int r = 0; r < 2; r++) {
		struct sim *s = sim_new();
		struct stress_ops ops;
		struct stress_world w = sim_world(s, &ops, st_write, NULL);
		static struct stress st;
		fault_reset();
		st.full_every = 16;
		assert_int_equal(stress_run(&st, &w, 3000, 77), ST_OK);
		memcpy(done[r], st.done, sizeof st.done);
		sim_free(s);
	}
	assert_memory_equal(done[0], done[1], sizeof done[0]);
	fault_reset();
}

/* The checks bite: a machine whose release scrub does nothing, or whose writes also land in
 * an object's page, makes the stress fail with its seed, step and operation. */
static void noop_scrub(void *ctx, struct range r) { (void)ctx, (void)r; }

static struct sim *stray_sim;
static void stray_write(void *ctx, uint64_t va, const void *src, size_t len)
{
	sim_write_bytes(ctx, va, src, len);
	for (unsigned slot = 0; slot < stray_sim->objs.cap; slot++)
		if (memobj_get(&stray_sim->objs, slot)) {
			sim_page(stray_sim, stray_sim->pt[slot][0])[100] ^= 1;
			return;
		}
}

static void expect_failure(bool broken_scrub, const char *what)
{
	struct sim *s = sim_new();
	struct capture out;
	capture_init(&out);
	static struct dax_ops broken;
	broken = *s->dax.ops;
	if (broken_scrub) {
		broken.scrub = noop_scrub;
		s->dax.ops = &broken;
	}
	stray_sim = s;
	struct stress_ops ops;
	struct stress_world w = sim_world(s, &ops, broken_scrub ? st_write : stray_write, &out.out);
	static struct stress st;
	fault_reset();
	st.full_every = 1;
	assert_int_equal(stress_run(&st, &w, 20000, 5), ST_INVALID);
	if (!capture_has(&out, "stress: seed 5, step ") || !capture_has(&out, what) ||
	    !capture_has(&out, "stress: 20000 steps, seed 5: FAILED at step "))
		fail_msg("%s", out.text);
	print_message("%s", out.text);
	sim_free(s);
	fault_reset();
}

static void test_detects_scrub_leak(void **state)
{
	(void)state;
	expect_failure(true, "reads earlier bytes");
}

static void test_detects_stray_write(void **state)
{
	(void)state;
	expect_failure(false, "written by someone who does not own them");
}

TEST_MAIN(cmocka_unit_test(test_detects_scrub_leak), cmocka_unit_test(test_detects_stray_write),
	  cmocka_unit_test(test_reproducible), cmocka_unit_test(test_firmware_bytes),
	  cmocka_unit_test(test_stress))
