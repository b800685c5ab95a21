/* SPDX-License-Identifier: BSD-2-Clause */
/* test_heap.c - the counting heap of the host tests (see test_heap.h). */
#include "test_heap.h"

#include <stdlib.h>
#include <string.h>

int test_heap_budget = -1;
int test_heap_live;
int test_heap_calls;
struct spinlock *test_heap_lock;
int test_heap_under_lock;

static void test_heap_lock_check(void)
{
	if (!test_heap_lock)
		return;
	if (spin_trylock(test_heap_lock))
		spin_unlock(test_heap_lock);
	else
		test_heap_under_lock++;
}

void test_heap_reset(void)
{
	test_heap_budget = -1;
	test_heap_live = 0;
	test_heap_calls = 0;
	test_heap_lock = NULL;
	test_heap_under_lock = 0;
}

void *test_heap_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	test_heap_lock_check();
	test_heap_calls++;
	if (test_heap_budget == 0)
		return NULL;
	if (test_heap_budget > 0)
		test_heap_budget--;
	void *p = malloc(bytes);
	if (!p)
		abort();
	test_heap_live++;
	return memset(p, TEST_HEAP_JUNK, bytes);
}

void test_heap_free(void *ctx, void *p)
{
	(void)ctx;
	test_heap_lock_check();
	test_heap_live--;
	free(p);
}
