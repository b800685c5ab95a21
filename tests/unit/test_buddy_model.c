/* SPDX-License-Identifier: BSD-2-Clause */
/* test_buddy_model.c - randomized model test of the buddy allocator.
 *
 * Millions of mixed operations (alloc/free of mixed orders, movable and unmovable, on 2-4
 * nodes; carve/uncarve; isolate/unisolate; hot-add/remove of ranges; pin/unpin and object
 * tags) run against mm/buddy.c and against a reference model that keeps one state byte per
 * page. Every result is predicted by the model (or, where the allocator may choose, checked
 * for legality); statistics are compared often and buddy_check() runs periodically. Two of
 * the three runs have the per-CPU caches on (blocks of orders 0..3 cached at first, then every
 * 10000 operations of orders 0..k for a random k, buddy_pcp_set_orders giving the blocks of the
 * other orders back, or none, buddy_pcp_defer giving every cached block back): there a cached page is free in the model, a free of it must be refused, and an allocation may pass over a
 * better zone only when that zone's fitting blocks are all in caches.
 * SPMK_MODEL_OPS sets the number of operations (default 2000000), SPMK_MODEL_SEED the seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_raw.h"
#include "lib/types.h"
#include "mm/buddy.h"
#include "xorshift.h"

enum { M_ABSENT, M_FREE, M_ALLOC, M_MOV, M_CARVED, M_ISOL };

#define SLOTS_PER_NODE 3
#define MAX_NODES 4
#define NODE_SPAN 20000
#define UNIVERSE (MAX_NODES * NODE_SPAN)
#define MAX_ALLOCS 8192

struct slot {
	uint64_t base, n;
	unsigned node, zone;
	uint64_t *meta;
};

struct alloc_rec {
	uint64_t pfn;
	unsigned order;
	bool movable;
};

struct model {
	struct buddy b;
	struct buddy_pcp pcp; /* this thread's cache (CPU 0) when caches are on */
	bool caches;
	unsigned nnodes;
	uint8_t st[UNIVERSE];
	uint8_t iso[UNIVERSE];
	uint8_t pins[UNIVERSE];
	uint8_t owner[UNIVERSE];
	uint32_t obj[UNIVERSE];
	uint8_t slot_of[UNIVERSE]; /* slot index + 1, 0 = no slot */
	struct slot slots[MAX_NODES * SLOTS_PER_NODE];
	unsigned nslots;
	struct alloc_rec allocs[MAX_ALLOCS];
	unsigned nallocs;
	uint64_t rng;
	uint64_t counts[8];
	uint64_t seen_cached[BUDDY_PCP_ORDERS]; /* cached blocks seen by model_compare, per order */
	uint64_t reserve[MAX_NODES];            /* each node's NORMAL reserve (buddy_set_reserve) */
};

static struct model *M;

static uint64_t rnd(void) { return xorshift64(&M->rng); }
static uint64_t rndn(uint64_t n) { return rnd() % n; }

static void zero_cb(void *ctx, uint64_t pfn, uint64_t n)
{
	(void)ctx;
	assert_true(pfn + n <= UNIVERSE);
	for (uint64_t i = 0; i < n; i++)
		assert_true(M->st[pfn + i] == M_FREE || M->st[pfn + i] == M_ALLOC ||
			    M->st[pfn + i] == M_MOV);
}
/* Debug builds: only pages being freed (still allocated in the model) are junk-filled. */
static void junk_cb(void *ctx, uint64_t pfn, uint64_t n)
{
	(void)ctx;
	assert_true(pfn + n <= UNIVERSE);
	for (uint64_t i = 0; i < n; i++)
		assert_true(M->st[pfn + i] == M_ALLOC || M->st[pfn + i] == M_MOV);
}
static const struct buddy_ops ops = { .zero = zero_cb, .junk = junk_cb };

static void log_write(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	(void)level;
	fprintf(stderr, "%.*s\n", (int)n, s);
}
static struct out log_out = { log_write, NULL };

static void slot_add(unsigned i)
{
	struct slot *s = &M->slots[i];
	assert_int_equal(buddy_add_range(&M->b, s->node, s->zone, pfn_of(s->base), s->n, s->meta,
					 buddy_meta_bytes(s->n), 0),
			 ST_OK);
	for (uint64_t p = s->base; p < s->base + s->n; p++)
		M->st[p] = M_FREE;
}

static void model_setup(unsigned nnodes, uint64_t seed, bool caches)
{
	memset(M, 0, sizeof *M);
	M->rng = seed | 1;
	M->nnodes = nnodes;
	M->caches = caches;
	buddy_init(&M->b, &ops, NULL);
	if (caches) {
		assert_int_equal(buddy_pcp_enable(&M->b, &M->pcp, 1), ST_OK);
		assert_int_equal(buddy_pcp_set_orders(&M->b, BUDDY_PCP_ORDERS), ST_OK);
	}
	for (unsigned n = 0; n < nnodes; n++)
		for (unsigned m = 0; m < nnodes; m++)
			if (n != m)
				buddy_set_distance(&M->b, n, m, 12 + (unsigned)rndn(40));
	for (unsigned n = 0; n < nnodes; n++) {
		for (unsigned k = 0; k < SLOTS_PER_NODE; k++) {
			struct slot *s = &M->slots[M->nslots];
			s->base = n * NODE_SPAN + k * 6500 + rndn(700);
			s->n = 2048 + rndn(2900);
			s->node = n;
			s->zone = k == 2 ? BUDDY_ZONE_MOVABLE : BUDDY_ZONE_NORMAL;
			s->meta = calloc(s->n, 8);
			for (uint64_t p = s->base; p < s->base + s->n; p++)
				M->slot_of[p] = (uint8_t)(M->nslots + 1);
			slot_add(M->nslots++);
		}
	}
}

static void model_teardown(void)
{
	for (unsigned i = 0; i < M->nslots; i++)
		free(M->slots[i].meta);
}

static const struct slot *slot_at(uint64_t p)
{
	return M->slot_of[p] ? &M->slots[M->slot_of[p] - 1] : NULL;
}

/* Is page p in the allocator's free lists (not in a cache)? */
static bool page_listed(uint64_t p)
{
	struct buddy_page_info pi;
	return buddy_page_state(&M->b, pfn_of(p), &pi) == ST_OK && pi.state == PAGE_FREE;
}

/* Is there an aligned run of 2^k free pages in one descriptor of node n, zone z? listed: only
 * pages in the free lists count (cached pages do not). */
static bool model_has_block(unsigned n, unsigned z, unsigned k, bool listed)
{
	uint64_t sz = (uint64_t)1 << k;
	for (uint64_t p = ALIGN_UP(n * NODE_SPAN, sz); p + sz <= (n + 1) * NODE_SPAN; p += sz) {
		const struct slot *s = slot_at(p);
		if (!s || s->zone != z || M->st[p] != M_FREE ||
		    M->slot_of[p + sz - 1] != M->slot_of[p])
			continue;
		uint64_t i = 0;
		while (i < sz && M->st[p + i] == M_FREE && (!listed || page_listed(p + i)))
			i++;
		if (i == sz) {
			return true;
		}
	}
	return false;
}

/* Free pages of node n, zone z in the model. */
static uint64_t model_free(unsigned n, unsigned z)
{
	uint64_t f = 0;
	for (uint64_t p = n * NODE_SPAN; p < (n + 1) * NODE_SPAN; p++) {
		const struct slot *s = slot_at(p);
		f += s && s->zone == z && M->st[p] == M_FREE;
	}
	return f;
}

/* May node n, zone z serve a request of 2^k pages with these flags (before it is made)?
 * listed: the free lists' pages only count (the allocator's view after the request). */
static bool eligible_as(unsigned n, unsigned z, int node, unsigned flags, unsigned k, bool listed)
{
	if ((flags & BUDDY_THISNODE) && (int)n != node)
		return false;
	if (z == BUDDY_ZONE_NORMAL && !(flags & BUDDY_RESERVE) && M->reserve[n]) {
		struct buddy_stats st;
		uint64_t f = model_free(n, z);
		if (listed) {
			assert_int_equal(buddy_stats(&M->b, (int)n, (int)z, &st), ST_OK);
			f = st.free;
		}
		if (f < ((uint64_t)1 << k) || f - ((uint64_t)1 << k) < M->reserve[n])
			return false;
	}
	return z == BUDDY_ZONE_NORMAL || (flags & BUDDY_MOVABLE);
}

static bool eligible(unsigned n, unsigned z, int node, unsigned flags, unsigned k)
{
	return eligible_as(n, z, node, flags, k, false);
}

/* Rank of (node, zone) in the allocator's search order for this request. */
static unsigned pref_rank(unsigned n, unsigned z, int node, unsigned flags)
{
	unsigned d = node < 0 ? n : M->b.dist[node][n];
	unsigned zr = (flags & BUDDY_MOVABLE) ? (z == BUDDY_ZONE_MOVABLE ? 0 : 1) : 0;
	return (d * 64 + n) * 2 + zr;
}

static void check_alloc_choice(unsigned k, int node, unsigned flags, status_t st, uint64_t pfn)
{
	unsigned best = UINT32_MAX;
	for (unsigned n = 0; n < M->nnodes; n++)
		for (unsigned z = 0; z < BUDDY_NZONES; z++)
			if (eligible(n, z, node, flags, k) && model_has_block(n, z, k, false))
				best = MIN(best, pref_rank(n, z, node, flags));
	if (st == ST_NOMEM) {
		if (best != UINT32_MAX) {
			fprintf(stderr, "alloc k %u node %d flags %#x failed, best %u\n", k, node,
				flags, best);
			for (unsigned n = 0; n < M->nnodes; n++)
				for (unsigned z = 0; z < 2; z++) {
					struct buddy_stats s;
					buddy_stats(&M->b, (int)n, (int)z, &s);
					fprintf(stderr, " n%u z%u has %d free %llu mask %#x\n", n,
						z, model_has_block(n, z, k, false),
						(unsigned long long)s.free, M->b.zone[n][z].mask);
				}
		}
		assert_int_equal(best, UINT32_MAX);
		return;
	}
	const struct slot *s = slot_at(pfn);
	unsigned got = pref_rank(s->node, s->zone, node, flags);
	if (got == best || !M->caches) {
		assert_int_equal(got, best);
		return;
	}
	/* with caches: every better zone has its fitting blocks (or the pages above its
	 * reserve) only in caches */
	assert_true(got > best);
	for (unsigned n = 0; n < M->nnodes; n++)
		for (unsigned z = 0; z < BUDDY_NZONES; z++)
			if (pref_rank(n, z, node, flags) < got &&
			    eligible_as(n, z, node, flags, k, true))
				assert_false(model_has_block(n, z, k, true));
}

static void op_alloc(void)
{
	if (M->nallocs == MAX_ALLOCS)
		return;
	unsigned k = rndn(4) ? (unsigned)rndn(4) : (unsigned)rndn(12);
	int node = rndn(4) ? (int)rndn(M->nnodes) : -1;
	unsigned flags = rndn(2) ? BUDDY_MOVABLE : BUDDY_OWNER(1 + rndn(6));
	if (node >= 0 && !rndn(4))
		flags |= BUDDY_THISNODE;
	if (!rndn(8))
		flags |= BUDDY_ZERO;
	if (!(flags & BUDDY_MOVABLE) && !rndn(3))
		flags |= BUDDY_RESERVE;
	uint64_t pfn = 0;
	struct buddy_stats before = { 0 };
	if (M->caches)
		assert_int_equal(buddy_stats(&M->b, -1, -1, &before), ST_OK);
	status_t st = alloc_raw(&M->b, k, node, flags, &pfn);
	bool full = rndn(16) == 0;
	if (st != ST_OK || full) {
		assert_true(st == ST_OK || st == ST_NOMEM);
		check_alloc_choice(k, node, flags, st, pfn);
	}
	M->counts[0]++;
	if (st != ST_OK)
		return;
	const struct slot *s = slot_at(pfn);
	assert_non_null(s);
	if (!eligible(s->node, s->zone, node, flags, k)) {
		/* only a block a cache held already, not one from the free lists: the caches
		 * never take pages below a reserve, but a reserve allocation may have taken the
		 * free lists below it since */
		struct buddy_stats after;
		assert_int_equal(buddy_stats(&M->b, -1, -1, &after), ST_OK);
		assert_true(M->caches);
		assert_int_equal(after.free, before.free);
	}
	assert_int_equal(pfn & ((1u << k) - 1), 0);
	for (uint64_t i = 0; i < (1u << k); i++) {
		assert_int_equal(M->st[pfn + i], M_FREE);
		assert_ptr_equal(slot_at(pfn + i), s);
		M->st[pfn + i] = (flags & BUDDY_MOVABLE) ? M_MOV : M_ALLOC;
		M->owner[pfn + i] =
			(flags & BUDDY_MOVABLE) ? BUDDY_OWNER_MOVABLE : (flags >> 8) & 15;
		M->obj[pfn + i] = 0;
	}
	M->allocs[M->nallocs++] = (struct alloc_rec){ pfn, k, (flags & BUDDY_MOVABLE) != 0 };
}

static void model_release(uint64_t p) { M->st[p] = M->iso[p] ? M_ISOL : M_FREE; }

static void op_free(void)
{
	if (!M->nallocs)
		return;
	unsigned i = (unsigned)rndn(M->nallocs);
	struct alloc_rec a = M->allocs[i];
	uint64_t n = (uint64_t)1 << a.order;
	bool pinned = false;
	for (uint64_t j = 0; j < n; j++)
		pinned |= M->pins[a.pfn + j] != 0;
	if (a.movable && a.order && rndn(2)) { /* page by page */
		for (uint64_t j = 0; j < n; j++) {
			status_t st = buddy_free(&M->b, pfn_of(a.pfn + j), 0);
			if (M->pins[a.pfn + j]) {
				assert_int_equal(st, ST_BUSY);
				continue;
			}
			assert_int_equal(st, ST_OK);
			model_release(a.pfn + j);
		}
		if (pinned) { /* the rest stays allocated: track the pinned pages one by one */
			M->allocs[i] = M->allocs[--M->nallocs];
			for (uint64_t j = 0; j < n; j++)
				if (M->pins[a.pfn + j] && M->nallocs < MAX_ALLOCS)
					M->allocs[M->nallocs++] =
						(struct alloc_rec){ a.pfn + j, 0, true };
			return;
		}
	} else {
		status_t st = buddy_free(&M->b, pfn_of(a.pfn), a.order);
		if (pinned) {
			assert_int_equal(st, ST_BUSY);
			return;
		}
		assert_int_equal(st, ST_OK);
		for (uint64_t j = 0; j < n; j++)
			model_release(a.pfn + j);
	}
	M->allocs[i] = M->allocs[--M->nallocs];
	M->counts[1]++;
}

static void op_bad_free(void)
{
	uint64_t p = rndn(UNIVERSE);
	unsigned k = (unsigned)rndn(4); /* the cached orders, and one above */
	if (M->st[p] == M_ALLOC || M->st[p] == M_MOV)
		return; /* might be a real allocation */
	status_t st = buddy_free(&M->b, pfn_of(p), k);
	assert_int_equal(st, M->st[p] == M_ABSENT ? ST_NOTFOUND : ST_INVALID);
	assert_int_equal(buddy_free(&M->b, pfn_of(p), BUDDY_MAX_ORDER + 1), ST_RANGE);
}

/* A random range of 1..maxn pages inside one slot (may run outside what is present). */
static void rnd_range(uint64_t maxn, uint64_t *base, uint64_t *n)
{
	const struct slot *s = &M->slots[rndn(M->nslots)];
	*n = 1 + rndn(maxn);
	*base = s->base + rndn(s->n);
	if (*base + *n > s->base + s->n + 2)
		*n = s->base + s->n + 2 - *base;
}

static bool all_in(uint64_t base, uint64_t n, unsigned mask)
{
	for (uint64_t p = base; p < base + n; p++)
		if (!(mask & (1u << M->st[p])))
			return false;
	return true;
}

static bool any_absent(uint64_t base, uint64_t n) { return !all_in(base, n, 0x3e); }

static void op_carve(void)
{
	uint64_t base, n;
	rnd_range(rndn(4) ? 8 : 700, &base, &n);
	unsigned owner = (unsigned)rndn(BUDDY_OWNER_COUNT);
	status_t st = buddy_carve(&M->b, pfn_of(base), n, owner);
	if (any_absent(base, n)) {
		assert_int_equal(st, ST_NOTFOUND);
	} else if (!all_in(base, n, 1u << M_FREE | 1u << M_ISOL)) {
		assert_int_equal(st, ST_BUSY);
	} else {
		assert_int_equal(st, ST_OK);
		for (uint64_t p = base; p < base + n; p++) {
			M->st[p] = M_CARVED;
			M->owner[p] = (uint8_t)owner;
		}
		M->counts[2]++;
	}
}

static void op_uncarve(void)
{
	uint64_t base, n;
	rnd_range(rndn(2) ? 4 : 300, &base, &n);
	if (rndn(2)) { /* aim at a carved page */
		for (unsigned t = 0; t < 50 && M->st[base] != M_CARVED; t++)
			rnd_range(4, &base, &n);
		while (n > 1 && !all_in(base, n, 1u << M_CARVED))
			n--;
	}
	status_t st = buddy_uncarve(&M->b, pfn_of(base), n);
	if (any_absent(base, n)) {
		assert_int_equal(st, ST_NOTFOUND);
	} else if (!all_in(base, n, 1u << M_CARVED)) {
		assert_int_equal(st, ST_BUSY);
	} else {
		assert_int_equal(st, ST_OK);
		for (uint64_t p = base; p < base + n; p++)
			model_release(p);
		M->counts[3]++;
	}
}

static void op_isolate(void)
{
	uint64_t base, n;
	rnd_range(rndn(2) ? 64 : 1500, &base, &n);
	struct buddy_isolate_report rep;
	status_t st = buddy_isolate(&M->b, pfn_of(base), n, &rep);
	bool overl = false;
	for (uint64_t p = base; p < base + n; p++)
		overl |= M->iso[p] != 0;
	if (any_absent(base, n)) {
		assert_int_equal(st, ST_NOTFOUND);
		return;
	}
	if (overl) {
		assert_int_equal(st, ST_BUSY);
		return;
	}
	if (st == ST_NOMEM && M->b.niso == M->b.cap_iso)
		return;
	assert_int_equal(st, ST_OK);
	uint64_t fr = 0, mov = 0, un = 0, pin = 0;
	for (uint64_t p = base; p < base + n; p++) {
		M->iso[p] = 1;
		fr += M->st[p] == M_FREE;
		mov += M->st[p] == M_MOV;
		pin += M->st[p] == M_MOV && M->pins[p];
		un += M->st[p] == M_ALLOC;
		if (M->st[p] == M_FREE)
			M->st[p] = M_ISOL;
	}
	assert_int_equal(rep.free, fr);
	assert_int_equal(rep.movable, mov);
	assert_int_equal(rep.pinned, pin);
	assert_int_equal(rep.unmovable, un);
	M->counts[4]++;
}

static void op_unisolate(void)
{
	uint64_t base, n;
	rnd_range(rndn(2) ? 64 : 1500, &base, &n);
	for (unsigned t = 0; t < 50 && !M->iso[base]; t++)
		rnd_range(1500, &base, &n);
	uint64_t k = 0;
	while (k < n && M->iso[base + k])
		k++;
	if (k && rndn(8))
		n = k;
	uint64_t freed = 0;
	status_t st = buddy_unisolate(&M->b, pfn_of(base), n, &freed);
	if (k < n) {
		assert_int_equal(st, ST_NOTFOUND);
		return;
	}
	if (st == ST_NOMEM && M->b.niso == M->b.cap_iso)
		return;
	assert_int_equal(st, ST_OK);
	uint64_t fr = 0;
	for (uint64_t p = base; p < base + n; p++) {
		M->iso[p] = 0;
		if (M->st[p] == M_ISOL) {
			M->st[p] = M_FREE;
			fr++;
		}
	}
	assert_int_equal(freed, fr);
	M->counts[5]++;
}

static void op_add(void)
{
	unsigned i = (unsigned)rndn(M->nslots);
	struct slot *s = &M->slots[i];
	bool absent = all_in(s->base, s->n, 1u << M_ABSENT);
	if (!absent) {
		assert_int_equal(buddy_add_range(&M->b, s->node, s->zone, pfn_of(s->base), s->n,
						 s->meta, buddy_meta_bytes(s->n), 0),
				 ST_EXISTS);
		return;
	}
	if (M->b.nranges == M->b.cap_ranges) {
		assert_int_equal(buddy_add_range(&M->b, s->node, s->zone, pfn_of(s->base), s->n,
						 s->meta, buddy_meta_bytes(s->n), 0),
				 ST_NOMEM);
		return;
	}
	slot_add(i);
	M->counts[6]++;
}

/* Free every allocation inside [base, +n) (unpinning first). */
static void drain(uint64_t base, uint64_t n)
{
	for (unsigned i = 0; i < M->nallocs;) {
		struct alloc_rec a = M->allocs[i];
		if (a.pfn < base || a.pfn >= base + n) {
			i++;
			continue;
		}
		for (uint64_t j = 0; j < ((uint64_t)1 << a.order); j++)
			while (M->pins[a.pfn + j]) {
				assert_int_equal(buddy_page_unpin(&M->b, pfn_of(a.pfn + j)), ST_OK);
				M->pins[a.pfn + j]--;
			}
		assert_int_equal(buddy_free(&M->b, pfn_of(a.pfn), a.order), ST_OK);
		for (uint64_t j = 0; j < ((uint64_t)1 << a.order); j++)
			model_release(a.pfn + j);
		M->allocs[i] = M->allocs[--M->nallocs];
	}
}

static void op_remove(void)
{
	uint64_t base, n;
	const struct slot *s = &M->slots[rndn(M->nslots)];
	if (rndn(3)) {
		base = s->base;
		n = s->n;
		if (rndn(2))
			drain(base, n);
	} else {
		rnd_range(2000, &base, &n);
	}
	if (!rndn(4)) /* make it likely to succeed: carve what is free first */
		if (buddy_carve(&M->b, pfn_of(base), n, BUDDY_OWNER_DAX) == ST_OK) {
			memset(&M->st[base], M_CARVED, n);
			memset(&M->owner[base], BUDDY_OWNER_DAX, n);
		}
	status_t st = buddy_remove_range(&M->b, pfn_of(base), n);
	bool full = M->b.nranges == M->b.cap_ranges || M->b.niso == M->b.cap_iso;
	if (any_absent(base, n)) {
		assert_int_equal(st, ST_NOTFOUND);
	} else if (st == ST_NOMEM && full) {
		return; /* a split needs a descriptor or isolation slot */
	} else if (!all_in(base, n, 1u << M_FREE | 1u << M_ISOL | 1u << M_CARVED)) {
		assert_int_equal(st, ST_BUSY);
	} else {
		assert_int_equal(st, ST_OK);
		memset(&M->st[base], M_ABSENT, n);
		memset(&M->iso[base], 0, n);
		M->counts[7]++;
	}
}

static void op_pin(void)
{
	uint64_t p = rndn(UNIVERSE);
	for (unsigned t = 0; t < 30 && M->st[p] != M_MOV; t++)
		p = rndn(UNIVERSE);
	unsigned what = (unsigned)rndn(3);
	status_t st = what == 0   ? buddy_page_pin(&M->b, pfn_of(p))
		      : what == 1 ? buddy_page_unpin(&M->b, pfn_of(p))
				  : buddy_page_set_object(&M->b, pfn_of(p), (uint32_t)(p * 7 + 1),
							  (uint32_t)p);
	if (M->st[p] == M_ABSENT) {
		assert_int_equal(st, ST_NOTFOUND);
	} else if (M->st[p] != M_MOV) {
		assert_int_equal(st, ST_INVALID);
	} else if (what == 0) {
		assert_int_equal(st, M->pins[p] == PW_PIN_MAX ? ST_RANGE : ST_OK);
		M->pins[p] += st == ST_OK;
	} else if (what == 1) {
		assert_int_equal(st, M->pins[p] ? ST_OK : ST_INVALID);
		M->pins[p] -= st == ST_OK;
	} else {
		assert_int_equal(st, ST_OK);
		M->obj[p] = (uint32_t)(p * 7 + 1);
	}
}

/* Compare every page and the statistics with the model. */
/* A node's reserve changes: none, or up to most of a node's NORMAL memory. */
static void op_reserve(void)
{
	unsigned n = (unsigned)rndn(M->nnodes);
	uint64_t r = rndn(3) ? rndn(3000) : 0;
	assert_int_equal(buddy_set_reserve(&M->b, n, r), ST_OK);
	M->reserve[n] = r;
	struct buddy_stats s;
	assert_int_equal(buddy_stats(&M->b, (int)n, BUDDY_ZONE_NORMAL, &s), ST_OK);
	assert_int_equal(s.reserve, r);
}

static void model_compare(void)
{
	static const unsigned map[] = {
		[PAGE_FREE] = M_FREE,     [PAGE_ALLOC] = M_ALLOC,   [PAGE_MOVABLE] = M_MOV,
		[PAGE_CARVED] = M_CARVED, [PAGE_ISOLATED] = M_ISOL, [PAGE_PCP] = M_FREE
	};
	uint64_t cached[MAX_NODES][BUDDY_NZONES][BUDDY_PCP_ORDERS];
	memset(cached, 0, sizeof cached);
	struct buddy_stats want[MAX_NODES][BUDDY_NZONES];
	memset(want, 0, sizeof want);
	for (uint64_t p = 0; p < UNIVERSE; p++) {
		struct buddy_page_info pi;
		status_t st = buddy_page_state(&M->b, pfn_of(p), &pi);
		if (M->st[p] == M_ABSENT) {
			assert_int_equal(st, ST_NOTFOUND);
			continue;
		}
		assert_int_equal(st, ST_OK);
		assert_int_equal(map[pi.state], M->st[p]);
		struct buddy_stats *w = &want[slot_at(p)->node][slot_at(p)->zone];
		w->total++;
		if (M->st[p] == M_FREE)
			w->free++;
		else if (M->st[p] == M_ISOL)
			w->isolated++;
		else
			w->owner[M->owner[p]]++;
		if (pi.state == PAGE_PCP &&
		    pi.head.v == p) { /* a cached block: aligned, one zone */
			assert_true(M->caches && pi.order < BUDDY_PCP_ORDERS);
			assert_int_equal(p & ((1u << pi.order) - 1), 0);
			assert_ptr_equal(slot_at(p + (1u << pi.order) - 1), slot_at(p));
			cached[slot_at(p)->node][slot_at(p)->zone][pi.order]++;
			M->seen_cached[pi.order]++;
		}
		if (M->st[p] == M_MOV) {
			assert_int_equal(pi.pins, M->pins[p]);
			assert_int_equal(pi.obj, M->obj[p]);
		}
	}
	for (unsigned n = 0; n < M->nnodes; n++)
		for (unsigned z = 0; z < BUDDY_NZONES; z++) {
			struct buddy_stats s;
			assert_int_equal(buddy_stats(&M->b, (int)n, (int)z, &s), ST_OK);
			assert_int_equal(s.total, want[n][z].total);
			assert_int_equal(s.free + s.cached, want[n][z].free);
			uint64_t pages = 0;
			for (unsigned o = 0; o < BUDDY_PCP_ORDERS; o++) {
				assert_int_equal(s.cached_blocks[o], cached[n][z][o]);
				pages += cached[n][z][o] << o;
			}
			assert_int_equal(s.cached, pages);
			assert_int_equal(s.isolated, want[n][z].isolated);
			assert_memory_equal(s.owner, want[n][z].owner, sizeof s.owner);
		}
	assert_int_equal(buddy_check(&M->b, &log_out), ST_OK);
}

static void run_model(unsigned nnodes, uint64_t seed, uint64_t ops, bool caches)
{
	model_setup(nnodes, seed, caches);
	for (uint64_t i = 0; i < ops; i++) {
		unsigned r = (unsigned)rndn(100);
		if (r < 34)
			op_alloc();
		else if (r < 64)
			op_free();
		else if (r < 70)
			op_carve();
		else if (r < 76)
			op_uncarve();
		else if (r < 80)
			op_isolate();
		else if (r < 85)
			op_unisolate();
		else if (r < 87)
			op_add();
		else if (r < 89)
			op_remove();
		else if (r < 91)
			op_bad_free();
		else if (r < 99)
			op_pin();
		else
			op_reserve();
		if (i % 10000 == 9999) {
			model_compare();
			/* fewer orders: the others' cached blocks become free; held back (one
			 * time in five): every cached block does, and the free lists serve all */
			unsigned k = (unsigned)rndn(BUDDY_PCP_ORDERS + 1);
			if (caches)
				assert_int_equal(k ? buddy_pcp_set_orders(&M->b, k)
						   : buddy_pcp_defer(&M->b),
						 ST_OK);
		}
	}
	model_compare();
	uint64_t *st = M->seen_cached;
	printf("model: nodes %u caches %s (cached blocks seen, orders 0-3: %llu/%llu/%llu/%llu) "
	       "seed %llu "
	       "ops %llu: alloc %llu free %llu carve %llu uncarve %llu "
	       "isolate %llu unisolate %llu add %llu remove %llu\n",
	       nnodes, caches ? "on" : "off", (unsigned long long)st[0], (unsigned long long)st[1],
	       (unsigned long long)st[2], (unsigned long long)st[3], (unsigned long long)seed,
	       (unsigned long long)ops, (unsigned long long)M->counts[0],
	       (unsigned long long)M->counts[1], (unsigned long long)M->counts[2],
	       (unsigned long long)M->counts[3], (unsigned long long)M->counts[4],
	       (unsigned long long)M->counts[5], (unsigned long long)M->counts[6],
	       (unsigned long long)M->counts[7]);
	model_teardown();
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);
	return s && *s ? strtoull(s, NULL, 0) : dflt;
}

static void test_model(void **state)
{
	(void)state;
	uint64_t ops = env_u64("SPMK_MODEL_OPS", 2000000);
	uint64_t seed = env_u64("SPMK_MODEL_SEED", 0x5eed);
	M = calloc(1, sizeof *M);
	assert_non_null(M);
	/* three runs (2, 3 and 4 nodes) sharing the operation budget; caches on in two */
	run_model(2, seed, ops / 3, true);
	run_model(3, seed + 1, ops / 3, false);
	run_model(4, seed + 2, ops - 2 * (ops / 3), true);
	free(M);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_model) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
