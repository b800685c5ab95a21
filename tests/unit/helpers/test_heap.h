/* SPDX-License-Identifier: BSD-2-Clause */
/* test_heap.h - a counting heap for the host tests of tables that grow from an allocator
 * (lib/table.h's struct table_alloc, dax_ops.alloc/free): test_heap_budget allocations succeed
 * before one is refused (-1: no limit), test_heap_calls counts every request, test_heap_live counts the blocks handed out and not
 * yet freed (a leak or a double free shows there), and every block comes filled with
 * TEST_HEAP_JUNK, so code that relies on zeroed memory fails. With test_heap_lock set, every
 * call also checks that this lock is free (the kernel's heap takes locks that rank after the
 * allocators' own: tables grow with their lock dropped, docs/locking.md) and counts the calls
 * made while it was held in test_heap_under_lock. */
#ifndef SPMK_TESTS_TEST_HEAP_H
#define SPMK_TESTS_TEST_HEAP_H

#include <stddef.h>

#include "lib/spinlock.h"

#define TEST_HEAP_JUNK 0xa5

extern int test_heap_budget;            /* allocations left before a refusal; -1: no limit */
extern int test_heap_live;              /* blocks handed out and not yet freed */
extern int test_heap_calls;             /* test_heap_alloc calls, refused ones too */
extern struct spinlock *test_heap_lock; /* must be free at every call; NULL: not checked */
extern int test_heap_under_lock;        /* calls made while test_heap_lock was held */

/* No limit, nothing live, no lock checked: the state a test starts from. */
void test_heap_reset(void);
/* bytes from malloc, junk-filled; NULL when the budget is spent. ctx is unused. */
void *test_heap_alloc(void *ctx, size_t bytes);
/* Gives back a block of test_heap_alloc. ctx is unused. */
void test_heap_free(void *ctx, void *p);

#endif
