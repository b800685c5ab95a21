/* SPDX-License-Identifier: BSD-2-Clause */
/* test_vm_threads.c - mm/vm's TLB flush batches under threads (each thread is a CPU).
 *
 * The kernel unmaps kernel space on several CPUs at once, each range under its own lock (dax
 * windows, object windows, the scrub window: docs/locking.md), all through one vm_ops. Each
 * thread here maps and unmaps runs of pages in its own PML4 slot of one shared space, and
 * every flush_sync it receives must name exactly the pages its own call changed: a batch
 * shared between calls would send a round missing one CPU's pages (a stale translation left
 * on the others) or name the other's. Also built under ThreadSanitizer (build/tsan/). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/prng.h"
#include "mm/vm.h"
#include "thread_expect.h"

#define THREADS 4
#define ROUNDS 3000
#define ARENA_PAGES 1024
#define SLOT_BASE 0xffffc00000000000ull /* thread i: SLOT_BASE + i * 512 GiB (PML4 slot) */
#define SLOT_SIZE (512ull << 30)

/* Table pages: a free list under a mutex (the kernel's page source takes its own locks). */
static uint8_t *arena;
static uint32_t free_list[ARENA_PAGES];
static size_t nfree;
static pthread_mutex_t arena_mu = PTHREAD_MUTEX_INITIALIZER;

static status_t t_alloc(void *ctx, paddr_t *phys)
{
	(void)ctx;
	pthread_mutex_lock(&arena_mu);
	status_t st = ST_NOMEM;
	if (nfree) {
		*phys = pa_of((uint64_t)free_list[--nfree] * PAGE_SIZE);
		st = ST_OK;
	}
	pthread_mutex_unlock(&arena_mu);
	return st;
}
static void t_free(void *ctx, paddr_t phys)
{
	(void)ctx;
	pthread_mutex_lock(&arena_mu);
	free_list[nfree++] = (uint32_t)(phys.v / PAGE_SIZE);
	pthread_mutex_unlock(&arena_mu);
}
static void *t_virt(void *ctx, paddr_t phys)
{
	(void)ctx;
	return arena + phys.v;
}

/* What this thread's calls flushed and sent (a CPU's own TLB and its rounds). */
static __thread uint64_t local_flushes, syncs, sync_va, sync_npages;

static void t_flush_page(void *ctx, uint64_t va)
{
	(void)ctx, (void)va;
	local_flushes++;
}
static void t_flush_all(void *ctx)
{
	(void)ctx;
	local_flushes++;
}
static void t_flush_sync(void *ctx, uint64_t va, uint64_t npages)
{
	(void)ctx;
	syncs++;
	sync_va = va;
	sync_npages = npages;
}

static const struct vm_ops ops = {
	.alloc_table = t_alloc,
	.free_table = t_free,
	.phys_to_virt = t_virt,
	.flush_page = t_flush_page,
	.flush_all = t_flush_all,
	.flush_sync = t_flush_sync,
};
static struct vm_space space;

/* Maps n pages at a random place of the first 2 MiB of the thread's slot, unmaps them in one
 * call: the call's one round must name exactly [va, va + n pages) (n <= VM_FLUSH_PAGES_MAX).
 * The slot's last page of those 2 MiB stays mapped meanwhile, so no table empties (a freed
 * table widens the round to its base address) and every exact round is checkable. */
static void *unmapper(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	struct prng r;
	prng_seed(&r, 77 + i);
	uint64_t base = SLOT_BASE + i * SLOT_SIZE, keep = base + SIZE_2M - PAGE_SIZE;
	EXPECT(vm_map(&space, va_of(keep), pa_of(0x100000), PAGE_SIZE, 0, VM_PAGE_4K) == ST_OK,
	       "thread %u: map the kept page", i);
	for (unsigned k = 0; k < ROUNDS; k++) {
		uint64_t n = 1 + prng_below(&r, VM_FLUSH_PAGES_MAX);
		uint64_t va = base + prng_below(&r, 512 - 1 - VM_FLUSH_PAGES_MAX) * PAGE_SIZE;
		status_t st = vm_map(&space, va_of(va), pa_of(0x100000), n * PAGE_SIZE, VM_WRITE,
				     VM_PAGE_4K);
		EXPECT(st == ST_OK, "thread %u: map %#lx +%lu pages: %d", i, va, n, (int)st);
		uint64_t before = syncs;
		st = vm_unmap(&space, va_of(va), n * PAGE_SIZE);
		EXPECT(st == ST_OK, "thread %u: unmap: %d", i, (int)st);
		EXPECT(syncs == before + 1, "thread %u: %lu rounds for one unmap", i,
		       syncs - before);
		EXPECT(sync_va == va && sync_npages == n,
		       "thread %u: unmapped %#lx +%lu pages, its round named %#lx +%lu", i, va, n,
		       sync_va, sync_npages);
	}
	EXPECT(vm_unmap(&space, va_of(keep), PAGE_SIZE) == ST_OK, "thread %u: unmap kept", i);
	return NULL;
}

static void test_unmaps_on_threads_send_their_own_rounds(void **state)
{
	(void)state;
	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	assert_non_null(arena);
	nfree = 0;
	for (uint32_t p = ARENA_PAGES; p-- > 0;)
		free_list[nfree++] = p;
	assert_int_equal(vm_space_init(&space, &ops), ST_OK);
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, unmapper, (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* every emptied table was given back: only the PML4 remains */
	assert_int_equal(nfree, ARENA_PAGES - 1);
	vm_space_destroy(&space);
	free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmaps_on_threads_send_their_own_rounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
