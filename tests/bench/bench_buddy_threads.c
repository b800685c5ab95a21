/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_buddy_threads.c - the page allocator from 1, 2 and all host threads (each thread is a
 * CPU, lib/spinlock_host.c), over 1 GiB: with the per-CPU page caches on, off, and held back
 * until the threads contend for the allocator lock (buddy_pcp_defer, as the kernel runs them;
 * `..._cache_on` says whether they came on during the run).
 *
 * Workloads: (a) order-0 alloc/free, (b) orders 0-3 uniform; each thread keeps its own share
 * of the memory (NPAGES / threads) between 50% and 75% in use, as bench_buddy.c does with the
 * whole. Every thread does OPS operations; the figures are the median of RUNS runs of
 *   ns per operation on one thread  = wall time / OPS
 *   operations per second, in all   = threads * OPS / wall time.
 * One pool of threads serves every run (a host thread keeps its CPU number for life). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mm/buddy.h"
#include "tests/unit/helpers/xorshift.h"

#define NPAGES 262144ull /* 1 GiB */
#define OPS 1000000ull
#define RUNS 3
#define MAX_THREADS 64

struct live {
	pfn_t pfn;
	unsigned order;
};

static struct buddy B;
static struct buddy_pcp pcp[SPIN_MAX_CPUS];
static uint64_t *meta;
static pthread_barrier_t start, done;
static unsigned nthreads, active, mix; /* set by main between the barriers */
static int quit;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One thread's share of a run: fill to half its share, OPS steady operations, free all. */
static void run_share(unsigned id, struct live *lv)
{
	uint64_t seed = 88172645463325252ull + id, n = 0, used = 0;
	uint64_t share = NPAGES / active, lo = share / 2, hi = share * 3 / 4;
	for (uint64_t i = 0; i < OPS; i++) {
		int do_alloc = used < lo ? 1 : used > hi ? 0 : (int)(xorshift64(&seed) & 1);
		if (do_alloc) {
			unsigned o = mix ? (unsigned)(xorshift64(&seed) % 4) : 0;
			pfn_t pfn;
			if (buddy_alloc(&B, o, 0, BUDDY_OWNER(BUDDY_OWNER_OTHER), &pfn) == ST_OK) {
				lv[n++] = (struct live){ pfn, o };
				used += 1ull << o;
				continue;
			}
		}
		if (!n)
			continue;
		uint64_t k = xorshift64(&seed) % n;
		struct live l = lv[k];
		lv[k] = lv[--n];
		if (buddy_free(&B, l.pfn, l.order) != ST_OK)
			abort();
		used -= 1ull << l.order;
	}
	while (n--)
		if (buddy_free(&B, lv[n].pfn, lv[n].order) != ST_OK)
			abort();
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct live *lv = malloc(NPAGES * sizeof *lv);
	if (!lv)
		abort();
	for (;;) {
		pthread_barrier_wait(&start);
		if (quit)
			break;
		if (id < active)
			run_share(id, lv);
		pthread_barrier_wait(&done);
	}
	free(lv);
	return NULL;
}

enum caches { CACHES_OFF, CACHES_ON, CACHES_DEFERRED };

/* One run; *came_on: whether the caches serve any order at its end. */
static double run(unsigned threads, enum caches caches, unsigned m, int *came_on)
{
	buddy_init(&B, NULL, NULL);
	if (buddy_add_range(&B, 0, BUDDY_ZONE_NORMAL, pfn_of(0x100000), NPAGES, meta,
			    buddy_meta_bytes(NPAGES), 0) != ST_OK ||
	    (caches != CACHES_OFF && buddy_pcp_enable(&B, pcp, SPIN_MAX_CPUS) != ST_OK) ||
	    (caches == CACHES_DEFERRED && buddy_pcp_defer(&B) != ST_OK))
		abort();
	active = threads;
	mix = m;
	double t0 = now_ns();
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&done);
	double t = now_ns() - t0;
	unsigned deferred;
	*came_on = caches != CACHES_OFF && buddy_pcp_orders(&B, &deferred) > 0;
	struct buddy_stats s;
	buddy_pcp_drain_all(&B);
	if (buddy_check(&B, NULL) != ST_OK || buddy_stats(&B, -1, -1, &s) != ST_OK ||
	    s.free != NPAGES)
		abort(); /* every page back, in the free lists */
	return t;
}

static int cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

int main(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nthreads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (unsigned)ncpu;
	meta = malloc(buddy_meta_bytes(NPAGES));
	if (!meta)
		return 1;
	pthread_barrier_init(&start, NULL, nthreads + 1);
	pthread_barrier_init(&done, NULL, nthreads + 1);
	pthread_t t[MAX_THREADS];
	for (unsigned i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	unsigned counts[3] = { 1, 2, nthreads };
	static const char *const cname[3] = { "1", "2", "all" };
	static const char *const mname[2] = { "order0", "order0_3" };
	printf("%-9s %-8s %-8s %10s %14s  (median of %d runs, %llu ops per thread, 1 GiB)\n",
	       "workload", "caches", "threads", "ns/op", "ops/s (all)", RUNS, OPS);
	static const char *const label[3] = { "off", "on", "deferred" };
	static const char *const key[3] = { "nopcp", "pcp", "deferred" };
	static const enum caches order[3] = { CACHES_ON, CACHES_OFF, CACHES_DEFERRED };
	for (unsigned m = 0; m < 2; m++)
		for (unsigned ci = 0; ci < 3; ci++)
			for (unsigned k = 0; k < 3; k++) {
				enum caches c = order[ci];
				unsigned n = counts[k] < nthreads ? counts[k] : nthreads;
				double res[RUNS];
				int on = 0, came_on;
				for (unsigned r = 0; r < RUNS; r++) {
					res[r] = run(n, c, m, &came_on);
					on += came_on;
				}
				qsort(res, RUNS, sizeof res[0], cmp_d);
				double ns = res[RUNS / 2] / OPS,
				       ops = n * OPS / (res[RUNS / 2] / 1e9);
				printf("%-9s %-8s %-8u %10.1f %14.0f\n", mname[m], label[c], n, ns,
				       ops);
				printf("buddy.mt.%s.%s.threads_%s_ns %.1f ns\n", mname[m], key[c],
				       cname[k], ns);
				printf("buddy.mt.%s.%s.threads_%s_ops %.0f ops/s\n", mname[m],
				       key[c], cname[k], ops);
				if (c == CACHES_DEFERRED)
					printf("buddy.mt.%s.deferred.threads_%s_cache_on %d of %d "
					       "runs\n",
					       mname[m], cname[k], on, RUNS);
			}
	printf("buddy.mt.threads_all %u threads\n", nthreads);
	quit = 1;
	pthread_barrier_wait(&start);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
