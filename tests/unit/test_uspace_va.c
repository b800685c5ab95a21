/* SPDX-License-Identifier: BSD-2-Clause */
/* test_uspace_va.c - placement of an app's mappings in an area (mm/uspace_va.h): first fit
 * with alignment, offset and guard gap; freed ranges reused and coalesced, so a map/unmap loop
 * runs far beyond what one pass over the area holds; refusals leave the set unchanged; a
 * random run against the invariant walker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/prng.h"
#include "mm/uspace_va.h"
#include "test_main.h"

#define G (1ull << 30)
#define M2 (2ull << 20)

static struct uspace_va S;

static void test_first_fit_alignment_offset_and_gap(void **state)
{
	(void)state;
	uint64_t a, b, c;
	assert_int_equal(uspace_va_init(&S, 32 * G, 42 * G, G), ST_OK);
	assert_int_equal(uspace_va_alloc(&S, G, G, 0x1000, &a), ST_OK);
	assert_int_equal(a, 32 * G + 0x1000);
	/* a's gap follows it up to 34G + 4K: the next 1 GiB-aligned start is 35G */
	assert_int_equal(uspace_va_alloc(&S, G, G, 0, &b), ST_OK);
	assert_int_equal(b, 35 * G);
	assert_int_equal(uspace_va_alloc(&S, 3 * G, G, 0, &c), ST_OK);
	assert_int_equal(c, 37 * G);
	assert_int_equal(uspace_va_check(&S), ST_OK);
	/* 41G..42G is left: 4 KiB and its 1 GiB gap do not fit */
	uint64_t d = 7;
	assert_int_equal(uspace_va_alloc(&S, 0x1000, 0x1000, 0, &d), ST_NOMEM);
	assert_int_equal(d, 7);
	/* b's range is reused after a's gap, by a smaller mapping */
	uspace_va_free(&S, b, G);
	assert_int_equal(uspace_va_alloc(&S, M2, M2, 0, &d), ST_OK);
	assert_int_equal(d, 34 * G + M2);
	assert_int_equal(uspace_va_check(&S), ST_OK);
}

static void test_bad_arguments_change_nothing(void **state)
{
	(void)state;
	uint64_t va = 1;
	assert_int_equal(uspace_va_init(&S, 10, 10, 0), ST_INVALID);
	assert_int_equal(uspace_va_init(&S, 0, 100 * G, M2), ST_OK);
	struct uspace_va before = S;
	assert_int_equal(uspace_va_alloc(&S, 0, M2, 0, &va), ST_INVALID);
	assert_int_equal(uspace_va_alloc(&S, 4096, 3 * 4096, 0, &va), ST_INVALID);
	assert_int_equal(uspace_va_alloc(&S, 4096, M2, M2, &va), ST_INVALID);
	assert_int_equal(uspace_va_alloc(&S, 101 * G, M2, 0, &va), ST_NOMEM);
	assert_int_equal(uspace_va_alloc(&S, UINT64_MAX, M2, 0, &va), ST_NOMEM);
	assert_int_equal(va, 1);
	assert_memory_equal(&S, &before, sizeof S);
}

/* Ranges freed in any order coalesce back into the one free range of the empty area. */
static void test_coalescing_in_every_order(void **state)
{
	(void)state;
	static const unsigned orders[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 }
	};
	for (unsigned o = 0; o < 4; o++) {
		uint64_t va[4];
		assert_int_equal(uspace_va_init(&S, 16 * G, 32 * G, M2), ST_OK);
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(uspace_va_alloc(&S, (i + 1) * M2, M2, 0, &va[i]), ST_OK);
		for (unsigned i = 0; i < 4; i++) {
			uspace_va_free(&S, va[orders[o][i]], (orders[o][i] + 1) * M2);
			assert_int_equal(uspace_va_check(&S), ST_OK);
		}
		assert_int_equal(S.n, 1);
		assert_int_equal(S.free[0].base, 16 * G);
		assert_int_equal(S.free[0].end, 32 * G);
		assert_int_equal(S.live, 0);
	}
}

/* The dax area's shape: 64 TiB, 1 GiB devices with 1 GiB gaps hold 32768 mappings in one
 * pass; a map/unmap loop of 100,000 keeps getting the same address. */
static void test_map_unmap_loop_beyond_one_pass(void **state)
{
	(void)state;
	const uint64_t base = 0x200000000000ull, end = 0x600000000000ull;
	uint64_t first = 0, va, held;
	assert_int_equal(uspace_va_init(&S, base, end, G), ST_OK);
	assert_int_equal(uspace_va_alloc(&S, G, G, 0, &held), ST_OK); /* one kept mapped */
	for (unsigned i = 0; i < 100000; i++) {
		assert_int_equal(uspace_va_alloc(&S, G, G, 0x200000, &va), ST_OK);
		if (!i)
			first = va;
		assert_int_equal(va, first);
		uspace_va_free(&S, va, G);
	}
	assert_int_equal(uspace_va_check(&S), ST_OK);
	assert_int_equal(S.live, 1);
}

/* Random allocations and frees of random sizes, alignments and offsets: no two reservations
 * overlap, every one is in the area, and the walker holds after every step. */
static void test_random_model(void **state)
{
	(void)state;
	struct {
		uint64_t va, size;
	} live[USPACE_VA_LIVE_MAX];
	unsigned n = 0;
	struct prng rng;
	prng_seed(&rng, 42);
	const uint64_t base = 1ull << 40, end = base + (1ull << 32), gap = 0x10000;
	assert_int_equal(uspace_va_init(&S, base, end, gap), ST_OK);
	for (unsigned step = 0; step < 200000; step++) {
		if (n && (n == USPACE_VA_LIVE_MAX || prng_below(&rng, 2))) {
			unsigned i = (unsigned)prng_below(&rng, n);
			uspace_va_free(&S, live[i].va, live[i].size);
			live[i] = live[--n];
		} else {
			uint64_t size = (prng_below(&rng, 4096) + 1) << 12;
			uint64_t align = 1ull << (12 + prng_below(&rng, 10));
			uint64_t off = prng_below(&rng, align >> 12) << 12, va;
			status_t st = uspace_va_alloc(&S, size, align, off, &va);
			if (st == ST_NOMEM)
				continue;
			assert_int_equal(st, ST_OK);
			assert_int_equal(va % align, off);
			assert_true(va >= base && va + size + gap <= end);
			for (unsigned j = 0; j < n; j++)
				assert_true(va + size + gap <= live[j].va ||
					    live[j].va + live[j].size + gap <= va);
			live[n].va = va;
			live[n++].size = size;
		}
		assert_int_equal(S.live, n);
		assert_int_equal(uspace_va_check(&S), ST_OK);
	}
}

/* A free of a range that is not reserved is a caller bug: it stops (CHECK). */
static void test_free_of_a_free_range_is_checked(void **state)
{
	(void)state;
	uint64_t va;
	assert_int_equal(uspace_va_init(&S, 0, G, 0x1000), ST_OK);
	assert_int_equal(uspace_va_alloc(&S, 0x1000, 0x1000, 0, &va), ST_OK);
	uspace_va_free(&S, va, 0x1000);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		uspace_va_free(&S, va, 0x1000);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

TEST_MAIN(cmocka_unit_test(test_first_fit_alignment_offset_and_gap),
	  cmocka_unit_test(test_bad_arguments_change_nothing),
	  cmocka_unit_test(test_coalescing_in_every_order),
	  cmocka_unit_test(test_map_unmap_loop_beyond_one_pass),
	  cmocka_unit_test(test_random_model),
	  cmocka_unit_test(test_free_of_a_free_range_is_checked))
