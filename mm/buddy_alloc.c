/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_alloc.c - the page allocator's hot paths: buddy_alloc and buddy_free with their lock
 * (this CPU's page cache first for the orders it serves), the split on allocation and the merge
 * on free (algorithm and invariants in mm/buddy.h).
 *
 * Each path is one function with the list primitives inlined: the lock's CPU index is its only
 * call. The common allocation (an owner tag and no other flag) runs a copy of the locked body
 * specialised for no flags; the common free (the head of an allocated block, no isolated range)
 * runs inline, everything else (movable runs, isolated ranges, errors) in free_other_locked.
 * bench_buddy's mixed and geometric workloads are almost only these two paths
 * (docs/page-allocator.md has the figures). */
#include "mm/buddy.h"

#include "lib/kstring.h"
#include "mm/buddy_internal.h"

#define BUDDY_FLAGS_VALID                                                                          \
	(BUDDY_MOVABLE | BUDDY_ZERO | BUDDY_THISNODE | BUDDY_RESERVE | BUDDY_OWNER(15))

#define HOT static inline __attribute__((always_inline))

/* Take a block of order k from zone z (which has one of order >= k), splitting a larger one;
 * *rp is its range. */
HOT uint64_t take(struct buddy *b, struct buddy_zone_state *z, unsigned k, struct buddy_range **rp)
{
	struct buddy_range *r = &b->r[z->first];
	while (!(r->mask >> k))
		r = &b->r[r->next];
	*rp = r;
	unsigned j = k + (unsigned)__builtin_ctz(r->mask >> k);
	uint64_t pfn = bl_pop(r, j);
	while (j > k) {
		j--;
		bl_push(r, j, pfn + ((uint64_t)1 << j));
	}
	return pfn;
}

uint64_t buddy_take(struct buddy *b, struct buddy_zone_state *z, unsigned k,
		    struct buddy_range **rp)
{
	return take(b, z, k, rp);
}

/* The merge: see the comment in buddy.h. One compare tells a free buddy of the same order. */
HOT void merge(struct buddy_range *r, uint64_t pfn, unsigned o)
{
	while (o < BUDDY_MAX_ORDER) {
		uint64_t bud = pfn ^ ((uint64_t)1 << o);
		if (bud < r->base || bud + ((uint64_t)1 << o) > r->end)
			break;
		uint64_t w = pw_load(bw(r, bud)); /* a cached buddy may be changing */
		if (!pw_is(w, PAGE_FREE, o))
			break;
		bl_remove(r, o, bud);
		*bw(r, bud) = 0;
		pfn &= ~((uint64_t)1 << o);
		o++;
	}
	bl_push(r, o, pfn);
}

void buddy_free_block(struct buddy_range *r, uint64_t pfn, unsigned o) { merge(r, pfn, o); }

HOT void mark_alloc(struct buddy *b, struct buddy_range *r, uint64_t pfn, unsigned k,
		    unsigned flags, unsigned owner)
{
	uint64_t n = (uint64_t)1 << k;
	if (flags & BUDDY_MOVABLE) {
		for (uint64_t i = 0; i < n; i++)
			*bw(r, pfn + i) = pw_make_movable(0, 0, 0);
	} else {
		*bw(r, pfn) = pw_make_alloc(k, owner);
	}
	r->z->st.owner[owner] += n;
	if ((flags & BUDDY_ZERO) || (r->flags & BUDDY_RANGE_ZERO_ON_ALLOC))
		b->ops->zero(b->ctx, pfn, n);
}

status_t buddy_alloc_validate(const struct buddy *b, unsigned order, int node, unsigned flags,
			      unsigned owner)
{
	if (order > BUDDY_MAX_ORDER || node >= BUDDY_MAX_NODES || node < -1)
		return ST_RANGE;
	if (!(flags & ~BUDDY_OWNER(15))) /* the common case: an owner tag and nothing else */
		return owner < BUDDY_OWNER_COUNT && owner != BUDDY_OWNER_MOVABLE ? ST_OK
										 : ST_INVALID;
	if ((flags & BUDDY_THISNODE) && node < 0)
		return ST_INVALID;
	if (owner >= BUDDY_OWNER_COUNT || (flags & ~BUDDY_FLAGS_VALID))
		return ST_INVALID;
	if (owner == BUDDY_OWNER_MOVABLE && !(flags & BUDDY_MOVABLE))
		return ST_INVALID;
	if ((flags & BUDDY_MOVABLE) && owner != BUDDY_OWNER_MOVABLE && owner != BUDDY_OWNER_OTHER)
		return ST_INVALID;
	if ((flags & BUDDY_ZERO) && (!b->ops || !b->ops->zero))
		return ST_UNSUPPORTED;
	return ST_OK;
}

/* buddy_alloc_valid_locked's body; inlined twice: with flags 0 for the common allocation,
 * and with the caller's flags. */
HOT status_t alloc_locked(struct buddy *b, unsigned order, int node, unsigned flags, unsigned owner,
			  uint64_t *pfn_out)
{
	if (flags & BUDDY_MOVABLE)
		owner = BUDDY_OWNER_MOVABLE;
	unsigned nnodes = (flags & BUDDY_THISNODE) ? 1 : BUDDY_MAX_NODES;
	const uint8_t *order_of = node >= 0 ? b->fallback[node] : NULL;
	for (unsigned i = 0; i < nnodes; i++) {
		unsigned n = (flags & BUDDY_THISNODE) ? (unsigned)node : order_of ? order_of[i] : i;
		for (int zk = (flags & BUDDY_MOVABLE) ? 1 : 0; zk >= 0; zk--) {
			struct buddy_zone_state *z = &b->zone[n][zk];
			if (!(z->mask >> order))
				continue;
			/* free >= 2^order here: a block that large is free */
			if (!(flags & BUDDY_RESERVE) &&
			    z->st.free < z->st.reserve + ((uint64_t)1 << order))
				continue;
			struct buddy_range *r;
			uint64_t pfn = take(b, z, order, &r);
			mark_alloc(b, r, pfn, order, flags, owner);
			*pfn_out = pfn;
			return ST_OK;
		}
	}
	return ST_NOMEM;
}

status_t buddy_alloc_valid_locked(struct buddy *b, unsigned order, int node, unsigned flags,
				  unsigned owner, uint64_t *pfn_out)
{
	return alloc_locked(b, order, node, flags, owner, pfn_out);
}

/* After the lock was found held by another CPU: caches held back until then come on (a call
 * only when they wait, so the uncontended paths test one flag of their own). */
HOT void note_contention(struct buddy *b, bool waited)
{
	if (__builtin_expect(waited, 0) && __atomic_load_n(&b->pcp_deferred, __ATOMIC_RELAXED))
		buddy_pcp_contended(b);
}

/* Owner tags an allocation without other flags may carry (movable pages say BUDDY_MOVABLE). */
#define PLAIN_OWNERS (((1u << BUDDY_OWNER_COUNT) - 1) & ~(1u << BUDDY_OWNER_MOVABLE))

/* buddy_alloc but its common call, on raw frame numbers: the checks, this CPU's cache, the
 * locked body with any flags, and one more try after the caches gave their pages back. */
static __attribute__((noinline)) status_t alloc_slow(struct buddy *b, unsigned order, int node,
						     unsigned flags, uint64_t *pfn)
{
	unsigned owner = (flags >> BUDDY_OWNER_SHIFT) & 15;
	status_t st = buddy_alloc_validate(b, order, node, flags, owner);
	if (st != ST_OK)
		return st;
	if (order < __atomic_load_n(&b->pcp_orders, __ATOMIC_RELAXED) && /* 0 while caches off */
	    buddy_pcp_alloc(b, order, node, flags, owner, pfn))
		return ST_OK;
	bool waited = spin_lock_waited(&b->lock);
	st = buddy_alloc_valid_locked(b, order, node, flags, owner, pfn);
	spin_unlock(&b->lock);
	note_contention(b, waited);
	if (st == ST_NOMEM && b->npcp && buddy_pcp_drain_all(b)) {
		spin_lock(&b->lock);
		st = buddy_alloc_valid_locked(b, order, node, flags, owner, pfn);
		spin_unlock(&b->lock);
	}
	return st;
}

status_t buddy_alloc(struct buddy *b, unsigned order, int node, unsigned flags, pfn_t *pfn_out)
{
	unsigned owner = (flags >> BUDDY_OWNER_SHIFT) & 15;
	/* The common call, inline: an owner tag and no other flag, an order the caches do not
	 * serve now (buddy_alloc_validate's checks for it in four tests). */
	if (!(flags & ~BUDDY_OWNER(15)) && order <= BUDDY_MAX_ORDER &&
	    (unsigned)(node + 1) <= BUDDY_MAX_NODES && ((PLAIN_OWNERS >> owner) & 1) &&
	    order >= __atomic_load_n(&b->pcp_orders, __ATOMIC_RELAXED)) {
		bool waited = spin_lock_waited(&b->lock);
		status_t st = alloc_locked(b, order, node, 0, owner, &pfn_out->v);
		spin_unlock(&b->lock);
		note_contention(b, waited);
		if (st == ST_OK)
			return ST_OK;
	}
	return alloc_slow(b, order, node, flags, &pfn_out->v);
}

/* A movable run of 2^order pages at pfn: all movable (ST_INVALID) and unpinned (ST_BUSY). */
static status_t buddy_movable_run_ok(const struct buddy_range *r, uint64_t pfn, unsigned order)
{
	uint64_t n = (uint64_t)1 << order;
	if (pfn + n > r->end)
		return ST_INVALID;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w = *bw(r, pfn + i);
		if (pw_state(w) != PAGE_MOVABLE)
			return ST_INVALID;
		if (pw_pins(w))
			return ST_BUSY;
	}
	return ST_OK;
}

/* buddy_free_locked of a block in r at pfn (aligned to order) that is not the common case:
 * a movable run, a block in an isolated range, or an error (ST_INVALID: not an allocated head
 * of that order, or a movable run that is not; ST_BUSY: a page of the run is pinned). */
static __attribute__((noinline)) status_t free_other_locked(struct buddy *b, struct buddy_range *r,
							    uint64_t pfn, unsigned order)
{
	uint64_t w = *bw(r, pfn), n = (uint64_t)1 << order;
	if (pw_is(w, PAGE_ALLOC, order)) {
		*bw(r, pfn) = 0;
		r->z->st.owner[pw_owner(w)] -= n;
	} else if (pw_state(w) == PAGE_MOVABLE) {
		status_t st = buddy_movable_run_ok(r, pfn, order);
		if (st != ST_OK)
			return st;
		memset(bw(r, pfn), 0, sizeof(uint64_t) * n);
		r->z->st.owner[BUDDY_OWNER_MOVABLE] -= n;
	} else {
		return ST_INVALID;
	}
#ifdef SPMK_DEBUG
	if (b->ops && b->ops->junk)
		b->ops->junk(b->ctx, pfn, n); /* validated: the block is nobody's any more */
#endif
	if (b->niso && buddy_iso_overlaps(b, pfn, pfn + n))
		buddy_release_span(b, r, pfn, pfn + n);
	else
		merge(r, pfn, order);
	return ST_OK;
}

HOT status_t free_locked(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (order > BUDDY_MAX_ORDER)
		return ST_RANGE;
	struct buddy_range *r = buddy_range_of(b, pfn);
	if (!r)
		return ST_NOTFOUND;
	if (pfn & (((uint64_t)1 << order) - 1))
		return ST_INVALID;
	uint64_t w = *bw(r, pfn);
	if (!pw_is(w, PAGE_ALLOC, order) || b->niso)
		return free_other_locked(b, r, pfn, order);
	*bw(r, pfn) = 0;
	r->z->st.owner[pw_owner(w)] -= (uint64_t)1 << order;
#ifdef SPMK_DEBUG
	if (b->ops && b->ops->junk)
		b->ops->junk(b->ctx, pfn, (uint64_t)1 << order); /* validated: nobody's any more */
#endif
	merge(r, pfn, order);
	return ST_OK;
}

status_t buddy_free_locked(struct buddy *b, uint64_t pfn, unsigned order)
{
	return free_locked(b, pfn, order);
}

status_t buddy_free(struct buddy *b, pfn_t f, unsigned order)
{
	uint64_t pfn = f.v;
	if (order < __atomic_load_n(&b->pcp_orders, __ATOMIC_RELAXED) &&
	    buddy_pcp_free(b, pfn, order))
		return ST_OK;
	bool waited = spin_lock_waited(&b->lock);
	status_t st = free_locked(b, pfn, order);
	spin_unlock(&b->lock);
	note_contention(b, waited);
	return st;
}
