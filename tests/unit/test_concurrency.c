/* SPDX-License-Identifier: BSD-2-Clause */
/* test_concurrency.c - the allocators under threads (each thread is a CPU, lib/spinlock_host.c):
 * the buddy allocator with per-CPU caches (allocations, frees, isolation and the walker at
 * once), the kernel heap on top of it, dax claim/release, and a dax operation whose table
 * growth is refused while other operations end around it. Every thread checks that what
 * it got is its own (no page, object or device is handed to two threads at once); afterwards
 * the accounting must be exact. Also built under ThreadSanitizer (build/tsan/). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "lib/prng.h"
#include "mm/buddy.h"
#include "mm/dax.h"
#include "mm/kheap.h"
#include "test_main.h"
#include "thread_expect.h"

#define THREADS 4
#define BASE 0x10000ull       /* first pfn */
#define NPAGES 8192u          /* 32 MiB */
#define ISO_BASE (BASE + 512) /* where the workers' pages come from */
#define ISO_PAGES 512u
#define HELD_MAX 256

/* Host threads get CPU numbers in the order they first take a lock and never give them back:
 * enough caches for every thread this file starts. */
#define CACHE_CPUS 64

static struct buddy B;
static struct buddy_pcp pcp[CACHE_CPUS];
static uint64_t *meta;
static uint8_t *arena;             /* the pages' bytes: heap objects live here */
static uint8_t page_owner[NPAGES]; /* thread id + 1 of the page's holder, 0 when not held */
static int lock_held;              /* hold_lock_until_asked holds B's lock */

static uint64_t getenv_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void *p2v(uint64_t pfn) { return arena + ((pfn - BASE) << 12); }

/* Mark [pfn, +n) as held by thread id; a page another thread holds is a double allocation. */
static void hold(uint64_t pfn, uint64_t n, uint8_t id)
{
	for (uint64_t i = 0; i < n; i++) {
		uint8_t was =
			__atomic_exchange_n(&page_owner[pfn - BASE + i], id, __ATOMIC_RELAXED);
		EXPECT(!was, "page %#llx handed to thread %u while thread %u holds it",
		       (unsigned long long)(pfn + i), id, was);
	}
}

static void unhold(uint64_t pfn, uint64_t n, uint8_t id)
{
	for (uint64_t i = 0; i < n; i++) {
		uint8_t was = __atomic_exchange_n(&page_owner[pfn - BASE + i], 0, __ATOMIC_RELAXED);
		EXPECT(was == id, "page %#llx freed by thread %u but held by %u",
		       (unsigned long long)(pfn + i), id, was);
	}
}

static int setup(void **state)
{
	(void)state;
	buddy_init(&B, NULL, NULL);
	meta = calloc(NPAGES, 8);
	arena = aligned_alloc(4096, (size_t)NPAGES << 12);
	memset(page_owner, 0, sizeof page_owner);
	if (!meta || !arena)
		return -1;
	if (buddy_add_range(&B, 0, BUDDY_ZONE_NORMAL, pfn_of(BASE), NPAGES, meta, NPAGES * 8, 0) !=
	    ST_OK)
		return -1;
	/* every order the caches can hold: the threads run the paths of orders 1..3 as well */
	return buddy_pcp_enable(&B, pcp, CACHE_CPUS) == ST_OK &&
			       buddy_pcp_set_orders(&B, BUDDY_PCP_ORDERS) == ST_OK
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(meta);
	free(arena);
	return 0;
}

static uint64_t rounds(void) { return getenv_u64("SPMK_CONC_ROUNDS", 20000); }

/* ---- buddy */

struct held {
	uint64_t pfn;
	unsigned order;
};

static void *buddy_worker(void *arg)
{
	uint8_t id = (uint8_t)(uintptr_t)arg;
	struct prng rng;
	prng_seed(&rng, 1000 + id);
	struct held h[HELD_MAX];
	unsigned n = 0;
	for (uint64_t r = 0, end = rounds(); r < end; r++) {
		uint64_t dice = prng_next(&rng) % 100;
		if (n < HELD_MAX && (dice < 55 || n == 0)) {
			unsigned order = dice < 45 ? 0 : (unsigned)(dice % 4);
			unsigned flags = dice % 3 == 0 && order == 0
						 ? BUDDY_MOVABLE
						 : BUDDY_OWNER(BUDDY_OWNER_OTHER);
			uint64_t pfn;
			if (alloc_raw(&B, order, 0, flags, &pfn) != ST_OK)
				continue;
			hold(pfn, 1ull << order, id);
			h[n++] = (struct held){ pfn, order };
		} else if (n) {
			unsigned k = (unsigned)(prng_next(&rng) % n);
			unhold(h[k].pfn, 1ull << h[k].order, id);
			EXPECT(buddy_free(&B, pfn_of(h[k].pfn), h[k].order) == ST_OK, "status");
			h[k] = h[--n];
		}
	}
	while (n--) {
		unhold(h[n].pfn, 1ull << h[n].order, id);
		EXPECT(buddy_free(&B, pfn_of(h[n].pfn), h[n].order) == ST_OK, "status");
	}
	return NULL;
}

/* Isolates and unisolates one range while the others allocate; every isolation must leave no
 * cached page inside the range, and the walker (which stops every cache) must pass. */
static void *isolator(void *arg)
{
	(void)arg;
	struct out quiet = { 0 };
	for (uint64_t r = 0, end = rounds() / 200 + 1; r < end; r++) {
		struct buddy_isolate_report rep;
		EXPECT(buddy_isolate(&B, pfn_of(ISO_BASE), ISO_PAGES, &rep) == ST_OK, "status");
		EXPECT(buddy_check(&B, &quiet) == ST_OK, "status");
		for (uint64_t p = ISO_BASE; p < ISO_BASE + ISO_PAGES; p++) {
			struct buddy_page_info pi;
			EXPECT(buddy_page_state(&B, pfn_of(p), &pi) == ST_OK, "status");
			EXPECT(pi.state != PAGE_PCP, "page %#llx", (unsigned long long)p);
			EXPECT(pi.state != PAGE_FREE, "page %#llx", (unsigned long long)p);
		}
		EXPECT(buddy_unisolate(&B, pfn_of(ISO_BASE), ISO_PAGES, NULL) == ST_OK, "status");
	}
	return NULL;
}

static void run_threads(void *(*fn)(void *), void *(*extra)(void *))
{
	pthread_t t[THREADS + 1];
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, (void *)(uintptr_t)(i + 1)), 0);
	if (extra)
		assert_int_equal(pthread_create(&t[THREADS], NULL, extra, NULL), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (extra)
		pthread_join(t[THREADS], NULL);
}

/* Everything back: exact accounting, and after draining the caches the free lists hold the
 * whole range as the largest blocks again (a lost or doubled page would show in either). */
static void assert_all_free(void)
{
	struct out quiet = { 0 };
	struct buddy_stats s;
	assert_int_equal(buddy_check(&B, &quiet), ST_OK);
	assert_int_equal(buddy_stats(&B, -1, -1, &s), ST_OK);
	assert_int_equal(s.total, NPAGES);
	assert_int_equal(s.free + s.cached, NPAGES);
	assert_int_equal(s.isolated, 0);
	for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
		assert_int_equal(s.owner[o], 0);
	assert_int_equal(buddy_pcp_drain_all(&B), s.cached);
	assert_int_equal(buddy_stats(&B, -1, -1, &s), ST_OK);
	assert_int_equal(s.free, NPAGES);
	assert_int_equal(s.cached, 0);
	assert_int_equal(s.free_blocks[13], 1); /* 8192 pages at an aligned base: one block */
	assert_int_equal(buddy_check(&B, &quiet), ST_OK);
}

static void test_buddy_threads(void **state)
{
	(void)state;
	run_threads(buddy_worker, isolator);
	assert_all_free();
}

/* Caches actually serve: one thread's alloc/free pairs stay in its cache after a refill. */
static void test_cache_serves_and_drains(void **state)
{
	(void)state;
	uint64_t pfn = 0, again = 0;
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_OK);
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, BUDDY_PCP_BATCH - 1); /* one refill, one page handed out */
	assert_int_equal(s.owner[BUDDY_OWNER_OTHER], 1);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &again), ST_OK);
	assert_int_equal(again, pfn); /* the last freed page is the first reused */
	assert_int_equal(buddy_free(&B, pfn_of(again), 0), ST_OK);
	/* a carve of a cached page takes it out of the cache first */
	assert_int_equal(buddy_carve(&B, pfn_of(pfn), 1, BUDDY_OWNER_FIRMWARE), ST_OK);
	assert_int_equal(buddy_uncarve(&B, pfn_of(pfn), 1), ST_OK);
	/* an allocation that finds the free lists empty drains the caches */
	assert_int_equal(alloc_raw(&B, 13, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 13), ST_OK);
	assert_all_free();
}

/* Orders 1..3 are cached like order 0: a refill brings a batch of blocks, a freed block is
 * the next one handed out, and a cached block is in one place only, so a second free of it,
 * of one of its tail pages or of a larger block around it is refused. */
static void test_cache_serves_orders_1_to_3(void **state)
{
	(void)state;
	for (unsigned k = 1; k < BUDDY_PCP_ORDERS; k++) {
		uint64_t pfn = 0, again = 0, n = 1ull << k;
		assert_int_equal(alloc_raw(&B, k, 0, 0, &pfn), ST_OK);
		struct buddy_stats s;
		assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
		assert_int_equal(s.cached_blocks[k], BUDDY_PCP_BATCH_K - 1);
		assert_int_equal(s.owner[BUDDY_OWNER_OTHER], n);
		assert_int_equal(buddy_free(&B, pfn_of(pfn), k), ST_OK);
		struct buddy_page_info pi;
		assert_int_equal(buddy_page_state(&B, pfn_of(pfn + n - 1), &pi), ST_OK);
		assert_int_equal(pi.state, PAGE_PCP);
		assert_int_equal(pi.head.v, pfn);
		assert_int_equal(pi.order, k);
		assert_int_equal(buddy_free(&B, pfn_of(pfn), k), ST_INVALID); /* cached already */
		assert_int_equal(buddy_free(&B, pfn_of(pfn + n - 1), 0), ST_INVALID); /* its tail */
		assert_int_equal(buddy_free(&B, pfn_of(pfn & ~(2 * n - 1)), k + 1),
				 ST_INVALID); /* around */
		assert_int_equal(alloc_raw(&B, k, 0, 0, &again), ST_OK);
		assert_int_equal(again, pfn); /* the last freed block is the first reused */
		assert_int_equal(buddy_free(&B, pfn_of(again), k), ST_OK);
		assert_int_equal(buddy_check(&B, NULL), ST_OK);
	}
	assert_all_free();
}

/* The caches serve order 0 only after buddy_pcp_enable; buddy_pcp_set_orders widens that and,
 * narrowing it again, gives the cached blocks of the orders it drops back to the free lists,
 * after which those orders bypass the caches. Bad counts are refused with nothing changed. */
static void test_set_orders(void **state)
{
	(void)state;
	static struct buddy b2;
	buddy_init(&b2, NULL, NULL);
	assert_int_equal(buddy_pcp_set_orders(&b2, 1), ST_INVALID); /* caches off */
	assert_int_equal(buddy_pcp_set_orders(&B, 0), ST_RANGE);
	assert_int_equal(buddy_pcp_set_orders(&B, BUDDY_PCP_ORDERS + 1), ST_RANGE);
	uint64_t pfn = 0;
	struct buddy_stats s;
	assert_int_equal(alloc_raw(&B, 2, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 2), ST_OK);
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached_blocks[2], BUDDY_PCP_BATCH_K);
	assert_int_equal(buddy_pcp_set_orders(&B, 2), ST_OK); /* orders 0 and 1 */
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached_blocks[2], 0);
	assert_int_equal(s.cached, 0);
	assert_int_equal(buddy_check(&B, NULL), ST_OK);
	assert_int_equal(alloc_raw(&B, 2, 0, 0, &pfn), ST_OK); /* from the free lists */
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, 0);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 2), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 2), ST_INVALID); /* free, not cached */
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, 0);
	assert_int_equal(alloc_raw(&B, 1, 0, 0, &pfn), ST_OK); /* still cached */
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 1), ST_OK);
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached_blocks[1], BUDDY_PCP_BATCH_K);
	assert_all_free();
}

/* Holds B's allocator lock until another thread has drawn a ticket for it (so that thread
 * finds it held), then lets go. */
static void *hold_lock_until_asked(void *arg)
{
	(void)arg;
	spin_lock(&B.lock);
	uint32_t mine = __atomic_load_n(&B.lock.next, __ATOMIC_RELAXED);
	__atomic_store_n(&lock_held, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&B.lock.next, __ATOMIC_RELAXED) == mine)
		sched_yield();
	spin_unlock(&B.lock);
	return NULL;
}

/* A thread holding B's lock until this one draws a ticket for it; join it after that call. */
static pthread_t lock_held_elsewhere(void)
{
	pthread_t t;
	__atomic_store_n(&lock_held, 0, __ATOMIC_RELAXED);
	assert_int_equal(pthread_create(&t, NULL, hold_lock_until_asked, NULL), 0);
	while (!__atomic_load_n(&lock_held, __ATOMIC_ACQUIRE))
		sched_yield();
	return t;
}

/* B's caches serve orders below `orders` and wait to serve below `deferred`. */
static void expect_cache_orders(unsigned orders, unsigned deferred)
{
	unsigned d;
	assert_int_equal(buddy_pcp_orders(&B, &d), orders);
	assert_int_equal(d, deferred);
}

/* Deferred caches serve nothing (their blocks went back) until an allocation finds the
 * allocator lock held by another CPU; from then on they serve the orders they served before,
 * and buddy_pcp_set_orders ends a deferral at once. */
static void test_caches_deferred_until_contended(void **state)
{
	(void)state;
	static struct buddy b2;
	buddy_init(&b2, NULL, NULL);
	assert_int_equal(buddy_pcp_defer(&b2), ST_INVALID); /* caches off */
	uint64_t pfn = 0;
	struct buddy_stats s;
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_true(s.cached > 0);
	assert_int_equal(buddy_pcp_defer(&B), ST_OK);
	expect_cache_orders(0, BUDDY_PCP_ORDERS);
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, 0); /* given back */
	assert_int_equal(buddy_check(&B, NULL), ST_OK);
	for (unsigned k = 0; k < BUDDY_PCP_ORDERS; k++) { /* alone: the free lists */
		assert_int_equal(alloc_raw(&B, k, 0, 0, &pfn), ST_OK);
		assert_int_equal(buddy_free(&B, pfn_of(pfn), k), ST_OK);
		assert_int_equal(buddy_free(&B, pfn_of(pfn), k), ST_INVALID); /* double free */
	}
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, 0);
	assert_int_equal(buddy_pcp_defer(&B), ST_OK); /* again: nothing changes */
	expect_cache_orders(0, BUDDY_PCP_ORDERS);

	pthread_t t = lock_held_elsewhere();
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_OK); /* waits: contended */
	assert_int_equal(pthread_join(t, NULL), 0);
	expect_cache_orders(BUDDY_PCP_ORDERS, 0);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_true(s.cached > 0); /* the caches serve again */

	assert_int_equal(buddy_pcp_defer(&B), ST_OK); /* a contended free turns them on too */
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_OK);
	t = lock_held_elsewhere();
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK); /* waits: contended */
	assert_int_equal(pthread_join(t, NULL), 0);
	expect_cache_orders(BUDDY_PCP_ORDERS, 0);

	assert_int_equal(buddy_pcp_defer(&B), ST_OK);
	assert_int_equal(buddy_pcp_set_orders(&B, 1), ST_OK); /* ends the deferral */
	expect_cache_orders(1, 0);
	assert_all_free();
}

/* Isolating part of a cached block drains the whole block: the pages inside become isolated
 * (and are reported free), the rest goes back to the free lists. Carve does the same. */
static void test_isolate_and_carve_split_a_cached_block(void **state)
{
	(void)state;
	uint64_t pfn = 0;
	assert_int_equal(alloc_raw(&B, 3, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 3), ST_OK);
	struct buddy_page_info pi;
	assert_int_equal(buddy_page_state(&B, pfn_of(pfn + 5), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_PCP); /* cached as one order-3 block */
	struct buddy_isolate_report rep;
	assert_int_equal(buddy_isolate(&B, pfn_of(pfn + 2), 4, &rep), ST_OK);
	assert_int_equal(rep.free, 4); /* only the pages inside the range */
	for (uint64_t p = pfn; p < pfn + 8; p++) {
		assert_int_equal(buddy_page_state(&B, pfn_of(p), &pi), ST_OK);
		assert_int_equal(pi.state, p >= pfn + 2 && p < pfn + 6 ? PAGE_ISOLATED : PAGE_FREE);
	}
	assert_int_equal(buddy_check(&B, NULL), ST_OK);
	assert_int_equal(buddy_unisolate(&B, pfn_of(pfn + 2), 4, NULL), ST_OK);
	assert_int_equal(alloc_raw(&B, 3, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 3), ST_OK);
	assert_int_equal(buddy_carve(&B, pfn_of(pfn + 3), 1, BUDDY_OWNER_FIRMWARE), ST_OK);
	assert_int_equal(buddy_page_state(&B, pfn_of(pfn + 3), &pi), ST_OK);
	assert_int_equal(pi.state, PAGE_CARVED);
	assert_int_equal(buddy_check(&B, NULL), ST_OK);
	assert_int_equal(buddy_uncarve(&B, pfn_of(pfn + 3), 1), ST_OK);
	assert_all_free();
}

/* Raising a reserve gives the zone's cached pages back first: otherwise an ordinary
 * allocation would still be served from a cache out of pages the new reserve keeps. */
static void test_raised_reserve_drains_caches(void **state)
{
	(void)state;
	uint64_t pfn = 0;
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 0), ST_OK);
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_true(s.cached > 0);
	assert_int_equal(buddy_set_reserve(&B, 0, NPAGES), ST_OK); /* every page is reserve */
	assert_int_equal(buddy_stats(&B, 0, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.cached, 0);
	assert_int_equal(alloc_raw(&B, 0, 0, 0, &pfn), ST_NOMEM);
	assert_int_equal(alloc_raw(&B, 2, 0, BUDDY_RESERVE, &pfn), ST_OK);
	assert_int_equal(buddy_free(&B, pfn_of(pfn), 2), ST_OK);
	assert_int_equal(buddy_set_reserve(&B, 0, 0), ST_OK);
	assert_all_free();
}

/* ---- kernel heap on the same buddy */

static struct kheap H;

static status_t heap_alloc(void *ctx, unsigned order, uint64_t *pfn)
{
	(void)ctx;
	return alloc_raw(&B, order, 0, BUDDY_OWNER(BUDDY_OWNER_HEAP), pfn);
}
static void heap_free(void *ctx, uint64_t pfn, unsigned order)
{
	(void)ctx;
	EXPECT(buddy_free(&B, pfn_of(pfn), order) == ST_OK, "heap page %#llx",
	       (unsigned long long)pfn);
}
static void *heap_p2v(void *ctx, uint64_t pfn)
{
	(void)ctx;
	return p2v(pfn);
}
static const struct kheap_ops heap_ops = { heap_alloc, heap_free, heap_p2v };

static void *heap_worker(void *arg)
{
	uint8_t id = (uint8_t)(uintptr_t)arg;
	struct prng rng;
	prng_seed(&rng, 2000 + id);
	struct {
		uint8_t *p;
		size_t n;
	} h[HELD_MAX];
	unsigned n = 0;
	for (uint64_t r = 0, end = rounds(); r < end; r++) {
		if (n < HELD_MAX && (prng_next(&rng) % 2 || n == 0)) {
			size_t size = 1 + prng_next(&rng) % (prng_next(&rng) % 8 ? 256 : 6000);
			void *p;
			if (kmalloc(&H, size, &p) != ST_OK)
				continue;
			memset(p, id,
			       size); /* an object shared with another thread shows up below */
			h[n].p = p;
			h[n++].n = size;
		} else {
			unsigned k = (unsigned)(prng_next(&rng) % n);
			for (size_t i = 0; i < h[k].n; i++)
				EXPECT(h[k].p[i] == id, "thread %u: object %p byte %zu is %u", id,
				       (void *)h[k].p, i, h[k].p[i]);
			EXPECT(kfree(&H, h[k].p) == ST_OK, "status");
			h[k] = h[--n];
		}
	}
	while (n--)
		EXPECT(kfree(&H, h[n].p) == ST_OK, "status");
	return NULL;
}

static void test_heap_threads(void **state)
{
	(void)state;
	kheap_init(&H, &heap_ops, NULL);
	run_threads(heap_worker, NULL);
	struct kheap_stats hs;
	kheap_stats(&H, &hs);
	assert_int_equal(kheap_check(&H), ST_OK);
	assert_int_equal(hs.pages, 0);
	assert_int_equal(hs.large_objects, 0);
	for (unsigned c = 0; c < KHEAP_NCLASSES; c++)
		assert_int_equal(hs.objects[c], 0);
	assert_all_free();
}

/* ---- dax claim / release */

#define DEVS 8
#define DEV_SIZE (2ull << 20)
#define DAX_BASE (64ull << 30)

static struct dax D;
static uint32_t dev_holder[DEVS];               /* thread id holding the device, 0 none */
static uint8_t dev_bytes[DEVS][DEV_SIZE >> 12]; /* one byte per page: what is in it */
static uint64_t claims[THREADS + 1];

static status_t fake_map(void *ctx, vaddr_t va, paddr_t pa, uint64_t size, uint64_t mp)
{
	(void)ctx, (void)va, (void)pa, (void)size, (void)mp;
	return ST_OK;
}
/* The owner may have written the whole window: release zeroes only what unmap reports. */
static void fake_unmap(void *ctx, vaddr_t va, uint64_t size, dax_written_fn written, void *arg)
{
	(void)ctx;
	if (written)
		written(arg, va, size);
}
static void fake_scrub(void *ctx, struct range r)
{
	(void)ctx;
	for (uint64_t p = r.base; p < r.end; p += 4096) {
		uint64_t off = p - DAX_BASE;
		dev_bytes[off / DEV_SIZE][(off % DEV_SIZE) >> 12] = 0;
	}
}
static const struct dax_ops dax_ops = { fake_map, fake_unmap, fake_scrub, NULL, NULL, NULL };

static void *dax_worker(void *arg)
{
	uint8_t id = (uint8_t)(uintptr_t)arg;
	char owner[8];
	snprintf(owner, sizeof owner, "t%u", id);
	struct prng rng;
	prng_seed(&rng, 3000 + id);
	for (uint64_t r = 0, end = rounds() / 4; r < end; r++) {
		uint32_t dev = (uint32_t)(prng_next(&rng) % DEVS);
		struct dax_handle h;
		if (dax_claim(&D, dev, owner, &h) != ST_OK)
			continue;
		uint32_t was = __atomic_exchange_n(&dev_holder[dev], id, __ATOMIC_RELAXED);
		EXPECT(!was, "dax%u: claimed by thread %u while thread %u holds it", dev, id, was);
		claims[id]++;
		EXPECT(dax_map(&D, h) == ST_OK, "status");
		for (unsigned i = 0; i < DEV_SIZE >> 12; i++) { /* a new owner reads zeros only */
			EXPECT(!dev_bytes[dev][i], "dax%u page %u: thread %u reads %u", dev, i, id,
			       dev_bytes[dev][i]);
			dev_bytes[dev][i] = id;
		}
		/* written while the window is not live (another owner is active): the caller says so */
		EXPECT(dax_note_written(&D, h,
					range_of(pa_of(DAX_BASE + dev * DEV_SIZE), DEV_SIZE)) ==
			       ST_OK,
		       "status");
		__atomic_store_n(&dev_holder[dev], 0, __ATOMIC_RELAXED);
		EXPECT(dax_release(&D, h) == ST_OK, "status");
		EXPECT(dax_release(&D, h) == ST_PERM,
		       "status"); /* the handle died with the claim */
	}
	return NULL;
}

static void test_dax_threads(void **state)
{
	(void)state;
	struct out quiet = { 0 };
	uint32_t region, dev;
	dax_init(&D, &dax_ops, &quiet, 7);
	assert_int_equal(
		dax_region_add(&D, range_of(pa_of(DAX_BASE), DEVS * DEV_SIZE), 1, 0, &region),
		ST_OK);
	assert_int_equal(dax_destroy_device(&D, 0), ST_OK);
	for (unsigned i = 0; i < DEVS; i++) {
		assert_int_equal(dax_create_device(&D, region, DEV_SIZE, 0, &dev), ST_OK);
		assert_int_equal(dev, i);
	}
	run_threads(dax_worker, NULL);
	uint64_t total = 0;
	for (unsigned i = 1; i <= THREADS; i++)
		total += claims[i];
	assert_true(total > 0);
	assert_int_equal(dax_check(&D, &quiet), ST_OK);
	for (unsigned i = 0; i < DEVS; i++) {
		assert_int_equal(dax_device_get(&D, i)->state, DAX_UNCLAIMED);
		for (unsigned k = 0; k < DEV_SIZE >> 12; k++)
			assert_int_equal(dev_bytes[i][k], 0); /* every release scrubbed */
	}
	dax_fini(&D);
}

/* ---- dax table growth: wants and refusals belong to one operation */

#define GROW_BASE (128ull << 30)
#define GROW_ROUNDS 2000

static struct dax G;
static __thread bool grow_refuse;       /* this thread's table growths are refused */
static __thread unsigned grow_refusals; /* heap calls of its current operation */
static unsigned grow_errors;            /* LOG_ERR lines of G (atomic) */
static bool grow_done;                  /* the refused thread finished (atomic) */

static void *grow_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	if (grow_refuse) {
		/* before refusing, let the other threads queue on G's lock (ticket order): their
		 * operations then run and end between this refusal and the retry it leads to */
		for (unsigned spins = 0;
		     spins < 10000 &&
		     __atomic_load_n(&G.lock.next, __ATOMIC_RELAXED) -
				     __atomic_load_n(&G.lock.owner, __ATOMIC_RELAXED) <
			     2;
		     spins++)
			sched_yield();
		EXPECT(++grow_refusals == 1,
		       "one region_add asked the heap %u times: another operation's end cleared "
		       "its "
		       "refusal, and it retried",
		       grow_refusals);
		return NULL;
	}
	return calloc(1, bytes);
}

static void grow_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void grow_log(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx, (void)s, (void)n;
	if (level == LOG_ERR)
		__atomic_add_fetch(&grow_errors, 1, __ATOMIC_RELAXED);
}

static const struct dax_ops grow_ops = { fake_map, fake_unmap, fake_scrub,
					 NULL,     grow_alloc, grow_free };

/* The region table is full and this thread's heap refuses: each region_add asks the heap
 * once, reports once and fails, whatever the other threads' operations do meanwhile. */
static void *grow_refused_worker(void *arg)
{
	(void)arg;
	grow_refuse = true;
	for (unsigned r = 0; r < GROW_ROUNDS; r++) {
		grow_refusals = 0;
		status_t st = dax_region_add(
			&G, range_of(pa_of(GROW_BASE + (64ull << 20)), 2 * 4096), -1, 4096, NULL);
		EXPECT(st == ST_NOMEM, "region_add with the table full and no heap: %s",
		       status_str(st));
		EXPECT(grow_refusals == 1, "round %u: region_add asked the heap %u times", r,
		       grow_refusals);
	}
	__atomic_store_n(&grow_done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Operations that need no growth and end, over and over, while the other thread is refused. */
static void *grow_other_worker(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&grow_done, __ATOMIC_ACQUIRE)) {
		status_t st = dax_device_reserve(&G, 0, "other");
		EXPECT(st == ST_OK, "reserve in a region with room: %s", status_str(st));
	}
	return NULL;
}

static void test_dax_growth_refusal_is_per_operation(void **state)
{
	(void)state;
	struct out log = { grow_log, NULL };
	dax_init(&G, &grow_ops, &log, 9);
	grow_done = false;
	for (unsigned i = 0; i < DAX_INIT_REGIONS; i++)
		assert_int_equal(
			dax_region_add(&G, range_of(pa_of(GROW_BASE + i * (2ull << 20)), 2 * 4096),
				       -1, 4096, NULL),
			ST_OK);
	assert_int_equal(G.cap_regions, DAX_INIT_REGIONS);
	pthread_t t[3];
	assert_int_equal(pthread_create(&t[0], NULL, grow_refused_worker, NULL), 0);
	for (unsigned i = 1; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, grow_other_worker, NULL), 0);
	for (unsigned i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(__atomic_load_n(&grow_errors, __ATOMIC_RELAXED), GROW_ROUNDS);
	assert_int_equal(G.cap_regions, DAX_INIT_REGIONS);
	assert_int_equal(G.nregions, DAX_INIT_REGIONS);
	assert_int_equal(dax_check(&G, &log), ST_OK);
	dax_fini(&G);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_cache_serves_and_drains, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_cache_serves_orders_1_to_3, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_set_orders, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_caches_deferred_until_contended, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_isolate_and_carve_split_a_cached_block, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(test_raised_reserve_drains_caches, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_buddy_threads, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_heap_threads, setup, teardown),
	  cmocka_unit_test(test_dax_threads),
	  cmocka_unit_test(test_dax_growth_refusal_is_per_operation))
