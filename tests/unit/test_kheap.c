/* SPDX-License-Identifier: BSD-2-Clause */
/* test_kheap.c - unit tests of mm/kheap.c over a fake page allocator (a malloc'd arena). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/kheap.h"
#include "test_main.h"

#define ARENA_PAGES 4096

struct fake {
	uint8_t *arena;
	uint8_t used[ARENA_PAGES];
	unsigned limit, held;
};

static status_t fake_alloc(void *ctx, unsigned order, uint64_t *pfn)
{
	struct fake *f = ctx;
	uint64_t n = 1ull << order;
	if (f->held + n > f->limit)
		return ST_NOMEM;
	for (uint64_t p = 0; p + n <= ARENA_PAGES; p += n) {
		uint64_t i = 0;
		while (i < n && !f->used[p + i])
			i++;
		if (i == n) {
			memset(&f->used[p], 1, n);
			f->held += (unsigned)n;
			*pfn = 1000 + p;
			return ST_OK;
		}
	}
	return ST_NOMEM;
}
static void fake_free(void *ctx, uint64_t pfn, unsigned order)
{
	struct fake *f = ctx;
	for (uint64_t i = 0; i < (1ull << order); i++) {
		assert_int_equal(f->used[pfn - 1000 + i], 1);
		f->used[pfn - 1000 + i] = 0;
	}
	f->held -= 1u << order;
}
static void *fake_p2v(void *ctx, uint64_t pfn)
{
	return ((struct fake *)ctx)->arena + ((pfn - 1000) << 12);
}
static const struct kheap_ops ops = {
	.alloc_pages = fake_alloc,
	.free_pages = fake_free,
	.phys_to_virt = fake_p2v,
};

static struct fake F;
static struct kheap H;

static int setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof F);
	F.arena = aligned_alloc(4096, ARENA_PAGES * 4096ull);
	F.limit = ARENA_PAGES;
	kheap_init(&H, &ops, &F);
	return F.arena ? 0 : -1;
}
static int teardown(void **state)
{
	(void)state;
	free(F.arena);
	return 0;
}

static void test_small_classes(void **state)
{
	(void)state;
	void *p[9];
	size_t sizes[9] = { 1, 16, 17, 100, 256, 700, 1024, 1500, 2048 };
	for (int i = 0; i < 9; i++) {
		assert_int_equal(kmalloc(&H, sizes[i], &p[i]), ST_OK);
		memset(p[i], 0xab, sizes[i]);
		size_t cls = 16;
		while (cls < sizes[i])
			cls *= 2;
		assert_int_equal((uintptr_t)p[i] % cls, 0);
	}
	assert_int_equal(kheap_check(&H), ST_OK);
	struct kheap_stats st;
	kheap_stats(&H, &st);
	assert_int_equal(st.objects[0], 2); /* 1 and 16 bytes */
	assert_int_equal(st.objects[7], 2); /* 1500 and 2048 */
	for (int i = 0; i < 9; i++)
		assert_int_equal(kfree(&H, p[i]), ST_OK);
	kheap_stats(&H, &st);
	assert_int_equal(st.pages, 0);
	assert_int_equal(F.held, 0);
	assert_int_equal(kheap_check(&H), ST_OK);
}

static void test_many_objects_distinct(void **state)
{
	(void)state;
	enum { N = 3000 };
	static void *p[N];
	for (int i = 0; i < N; i++) {
		assert_int_equal(kmalloc(&H, 48, &p[i]), ST_OK);
		memset(p[i], i & 0xff, 48);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(((uint8_t *)p[i])[47], i & 0xff);
	assert_int_equal(kheap_check(&H), ST_OK);
	for (int i = 0; i < N; i += 2)
		assert_int_equal(kfree(&H, p[i]), ST_OK);
	assert_int_equal(kheap_check(&H), ST_OK);
	for (int i = 1; i < N; i += 2)
		assert_int_equal(kfree(&H, p[i]), ST_OK);
	assert_int_equal(F.held, 0);
}

static void test_large(void **state)
{
	(void)state;
	void *a, *b;
	assert_int_equal(kmalloc(&H, 2049, &a), ST_OK);
	assert_int_equal(kmalloc(&H, 3 * 4096 + 1, &b), ST_OK);
	assert_int_equal((uintptr_t)a % 4096, 0);
	struct kheap_stats st;
	kheap_stats(&H, &st);
	assert_int_equal(st.large_objects, 2);
	assert_int_equal(st.large_pages, 1 + 4);
	assert_int_equal(kfree(&H, (uint8_t *)b + 4096), ST_INVALID);
	assert_int_equal(kfree(&H, a), ST_OK);
	assert_int_equal(kfree(&H, b), ST_OK);
	assert_int_equal(F.held, 0);
}

static void test_errors(void **state)
{
	(void)state;
	void *p;
	int x;
	assert_int_equal(kmalloc(&H, 0, &p), ST_INVALID);
	assert_int_equal(kmalloc(&H, ((size_t)1 << 30) + 1, &p), ST_RANGE);
	assert_int_equal(kfree(&H, NULL), ST_INVALID);
	assert_int_equal(kfree(&H, &x), ST_INVALID);
	assert_int_equal(kmalloc(&H, 64, &p), ST_OK);
	void *q;
	assert_int_equal(kmalloc(&H, 64, &q), ST_OK);
	assert_int_equal(kfree(&H, (uint8_t *)p + 8), ST_INVALID);
	assert_int_equal(kfree(&H, p), ST_OK);
	assert_int_equal(kfree(&H, p), ST_INVALID); /* double free */
	assert_int_equal(kheap_check(&H), ST_OK);
	assert_int_equal(kfree(&H, q), ST_OK);
	F.limit = 0;
	assert_int_equal(kmalloc(&H, 64, &p), ST_NOMEM);
	assert_int_equal(kmalloc(&H, 9000, &p), ST_NOMEM);
	assert_int_equal(kheap_check(&H), ST_OK);
}

static void test_check_detects_corruption(void **state)
{
	(void)state;
	void *p;
	assert_int_equal(kmalloc(&H, 32, &p), ST_OK);
	H.st.objects[1]++;
	assert_int_equal(kheap_check(&H), ST_INVALID);
	H.st.objects[1]--;
	assert_int_equal(kheap_check(&H), ST_OK);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_small_classes, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_many_objects_distinct, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_check_detects_corruption, setup, teardown))
