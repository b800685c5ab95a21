/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_lock.c - the buddy allocator's public operations but alloc and free (which are in
 * mm/buddy_alloc.c with their hot paths): each takes the allocator lock around its body (the
 * *_locked functions in buddy.c, buddy_add.c, buddy_range.c, buddy_reserve.c, buddy_check.c
 * and page.c).
 *
 * Operations that change what the caches read without the allocator lock (range descriptors
 * and zone range lists: add, remove; the isolation table: isolate, unisolate, remove), or that
 * must see every cache at one moment (carve, statistics, the walker), take every cache lock
 * first, then the allocator lock: while they run no cache is in use. Isolation, carve and
 * remove give the cached pages of their range back before they look at it, so a page sitting
 * in any CPU's cache can never escape an isolated range (docs/locking.md).
 *
 * A check step that finds the descriptor or isolation table full changes nothing and notes
 * the entries it wants; the operation drops every lock, grows the table (ops->alloc is the
 * kernel heap, which takes b->lock for its slabs) and runs again. */
#include "mm/buddy.h"

#include "lib/kstring.h"

#include "mm/buddy_internal.h"

/* Makes the descriptor table (iso false) or the isolation table hold need entries, doubling.
 * ops->alloc and ops->free run with no lock held (the kernel's are the heap's, which takes
 * b->lock for its slabs); the copy and the swap run under every lock, since the caches read
 * both tables without the allocator lock. If another CPU grew the table meanwhile, the spare
 * goes back. Errors: ST_NOMEM (ops->alloc refused, or past 2^32 entries). */
static status_t grow_table(struct buddy *b, bool iso, uint64_t need)
{
	size_t elem = iso ? sizeof b->iso[0] : sizeof b->r[0];
	uint32_t *cap = iso ? &b->cap_iso : &b->cap_ranges;
	buddy_lock_all(b);
	uint64_t ncap = MAX(*cap, 1u);
	buddy_unlock_all(b);
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX)
		return ST_NOMEM;
	void *t = b->ops->alloc(b->ctx, (size_t)ncap * elem), *old = NULL;
	if (!t)
		return ST_NOMEM;
	memset(t, 0, (size_t)ncap * elem);
	buddy_lock_all(b);
	if (*cap < ncap) {
		void *cur = iso ? (void *)b->iso : (void *)b->r;
		memcpy(t, cur, (size_t)*cap * elem);
		old = cur == (iso ? (void *)b->iso0 : (void *)b->r0) ? NULL : cur;
		if (iso)
			b->iso = t;
		else
			b->r = t;
		*cap = (uint32_t)ncap;
		t = NULL;
	}
	buddy_unlock_all(b);
	if (t) /* the spare: another CPU grew the table first */
		b->ops->free(b->ctx, t);
	if (old)
		b->ops->free(b->ctx, old);
	return ST_OK;
}

/* After an operation's locked step (every lock held): whether it was refused for want of a
 * table entry that growth may supply. Takes the wants into *wr, *wi and clears them. */
static bool take_wants(struct buddy *b, status_t st, uint64_t *wr, uint64_t *wi)
{
	*wr = b->want_ranges;
	*wi = b->want_iso;
	b->want_ranges = b->want_iso = 0;
	return st == ST_NOMEM && (*wr || *wi);
}

/* Grows the tables an operation wanted, no lock held. True: run the operation again. */
static bool grow_wanted(struct buddy *b, uint64_t wr, uint64_t wi)
{
	return (!wr || grow_table(b, false, wr) == ST_OK) &&
	       (!wi || grow_table(b, true, wi) == ST_OK);
}

status_t buddy_set_distance(struct buddy *b, unsigned from, unsigned to, unsigned d)
{
	spin_lock(&b->lock);
	status_t st = buddy_set_distance_locked(b, from, to, d);
	spin_unlock(&b->lock);
	return st;
}

/* The caches took their pages above the old reserve: they give the zone's back, so that no
 * cached page comes out of a larger new one. */
status_t buddy_set_reserve(struct buddy *b, unsigned node, uint64_t pages)
{
	buddy_lock_all(b);
	status_t st = buddy_set_reserve_locked(b, node, pages);
	if (st == ST_OK)
		buddy_pcp_drain_zone_locked(b, node, BUDDY_ZONE_NORMAL);
	buddy_unlock_all(b);
	return st;
}

status_t buddy_add_range(struct buddy *b, unsigned node, unsigned zone, pfn_t base_pfn,
			 uint64_t npages, uint64_t *meta, size_t meta_bytes, unsigned flags)
{
	status_t st;
	uint64_t wr, wi;
	bool again;
	do {
		buddy_lock_all(b);
		st = buddy_add_range_locked(b, node, zone, base_pfn.v, npages, meta, meta_bytes,
					    flags);
		buddy_pcp_recheck_locked(b);
		again = take_wants(b, st, &wr, &wi);
		buddy_unlock_all(b);
	} while (again && grow_wanted(b, wr, wi));
	return st;
}

status_t buddy_remove_range(struct buddy *b, pfn_t base, uint64_t npages)
{
	uint64_t base_pfn = base.v;
	status_t st;
	uint64_t wr, wi;
	bool again;
	do {
		buddy_lock_all(b);
		if (npages && base_pfn + npages > base_pfn)
			buddy_pcp_drain_range_locked(b, base_pfn, base_pfn + npages);
		st = buddy_remove_range_locked(b, base_pfn, npages);
		buddy_pcp_recheck_locked(b);
		again = take_wants(b, st, &wr, &wi);
		buddy_unlock_all(b);
	} while (again && grow_wanted(b, wr, wi));
	return st;
}

status_t buddy_carve(struct buddy *b, pfn_t base, uint64_t npages, unsigned owner)
{
	uint64_t base_pfn = base.v;
	buddy_lock_all(b);
	if (npages && base_pfn + npages > base_pfn)
		buddy_pcp_drain_range_locked(b, base_pfn, base_pfn + npages);
	status_t st = buddy_carve_locked(b, base_pfn, npages, owner);
	buddy_unlock_all(b);
	return st;
}

status_t buddy_uncarve(struct buddy *b, pfn_t base_pfn, uint64_t npages)
{
	spin_lock(&b->lock);
	status_t st = buddy_uncarve_locked(b, base_pfn.v, npages);
	spin_unlock(&b->lock);
	return st;
}

status_t buddy_isolate(struct buddy *b, pfn_t base, uint64_t npages,
		       struct buddy_isolate_report *rep)
{
	uint64_t base_pfn = base.v;
	status_t st;
	uint64_t wr, wi;
	bool again;
	do {
		buddy_lock_all(b);
		st = buddy_isolate_locked(b, base_pfn, npages, rep);
		if (st == ST_OK) { /* cached pages of the range become isolated free pages */
			uint64_t n = buddy_pcp_drain_range_locked(b, base_pfn, base_pfn + npages);
			if (rep)
				rep->free += n;
		}
		again = take_wants(b, st, &wr, &wi);
		buddy_unlock_all(b);
	} while (again && grow_wanted(b, wr, wi));
	return st;
}

status_t buddy_unisolate(struct buddy *b, pfn_t base_pfn, uint64_t npages, uint64_t *freed)
{
	status_t st;
	uint64_t wr, wi;
	bool again;
	do {
		buddy_lock_all(b);
		st = buddy_unisolate_locked(b, base_pfn.v, npages, freed);
		again = take_wants(b, st, &wr, &wi);
		buddy_unlock_all(b);
	} while (again && grow_wanted(b, wr, wi));
	return st;
}

status_t buddy_stats(const struct buddy *b, int node, int zone, struct buddy_stats *out)
{
	buddy_lock_all(b);
	status_t st = buddy_stats_locked(b, node, zone, out);
	if (st == ST_OK)
		buddy_pcp_stats_add_locked(b, node, zone, out);
	buddy_unlock_all(b);
	return st;
}

status_t buddy_check(const struct buddy *b, struct out *log)
{
	buddy_lock_all(b);
	status_t st = buddy_check_locked(b, log);
	buddy_unlock_all(b);
	return st;
}

status_t buddy_page_state(const struct buddy *b, pfn_t pfn, struct buddy_page_info *out)
{
	spin_lock((struct spinlock *)&b->lock);
	status_t st = buddy_page_state_locked(b, pfn.v, out);
	spin_unlock((struct spinlock *)&b->lock);
	return st;
}

status_t buddy_page_set_object(struct buddy *b, pfn_t pfn, uint32_t obj, uint32_t index)
{
	spin_lock(&b->lock);
	status_t st = buddy_page_set_object_locked(b, pfn.v, obj, index);
	spin_unlock(&b->lock);
	return st;
}

status_t buddy_page_object(const struct buddy *b, pfn_t pfn, uint32_t *obj, uint32_t *index,
			   unsigned *pins)
{
	spin_lock((struct spinlock *)&b->lock);
	status_t st = buddy_page_object_locked(b, pfn.v, obj, index, pins);
	spin_unlock((struct spinlock *)&b->lock);
	return st;
}

status_t buddy_page_movable_run(const struct buddy *b, pfn_t pfn, unsigned max,
				struct buddy_movable_page *out, unsigned *n, unsigned *node)
{
	spin_lock((struct spinlock *)&b->lock);
	status_t st = buddy_page_movable_run_locked(b, pfn.v, max, out, n, node);
	spin_unlock((struct spinlock *)&b->lock);
	return st;
}

status_t buddy_page_set_objects(struct buddy *b, unsigned n, const pfn_t *pfn, const uint32_t *obj,
				const uint32_t *index)
{
	spin_lock(&b->lock);
	status_t st = buddy_page_set_objects_locked(b, n, pfn, obj, index);
	spin_unlock(&b->lock);
	return st;
}

status_t buddy_page_pin(struct buddy *b, pfn_t pfn)
{
	spin_lock(&b->lock);
	status_t st = buddy_page_pin_locked(b, pfn.v);
	spin_unlock(&b->lock);
	return st;
}

status_t buddy_page_unpin(struct buddy *b, pfn_t pfn)
{
	spin_lock(&b->lock);
	status_t st = buddy_page_unpin_locked(b, pfn.v);
	spin_unlock(&b->lock);
	return st;
}
