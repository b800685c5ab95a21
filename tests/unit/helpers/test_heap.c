/* SPDX-License-Identifier: BSD-2-Clause */
/* test_heap.c - the counting heap of the host tests (see test_heap.h). */
#include "test_heap.h"

#include <stdlib.h>
#include <string.h>

int test_heap_budget = -1;
int test_heap_live;

void test_heap_reset(void)
{
	test_heap_budget = -1;
	test_heap_live = 0;
}

void *test_heap_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
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
	test_heap_live--;
	free(p);
}
