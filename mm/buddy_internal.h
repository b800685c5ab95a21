/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_internal.h - internals shared by buddy.c, buddy_range.c, buddy_check.c and page.c.
 *
 * Free-list primitives over a range's page words (links are offsets from r->origin), block
 * lookup, and span freeing. Callers outside mm/buddy*.c and mm/page.c use mm/buddy.h only. */
#ifndef SPMK_MM_BUDDY_INT_H
#define SPMK_MM_BUDDY_INT_H

#include "lib/types.h"
#include "mm/buddy.h"

/* Room for n range descriptors, or n isolation entries (mm/buddy_grow.c), with the lock held.
 * Never allocates: a full table that ops->alloc may grow is noted in b->want_ranges /
 * b->want_iso for mm/buddy_lock.c to grow unlocked. Errors: ST_NOMEM (the table is full; n
 * above BUDDY_RANGES_LIMIT descriptors is never noted). */
status_t buddy_ranges_room(struct buddy *b, uint64_t n);
status_t buddy_iso_room(struct buddy *b, uint64_t n);

static inline uint64_t *bw(const struct buddy_range *r, uint64_t pfn)
{
	return &r->meta[pfn - r->origin];
}

/* Push a free block (pfn, order) at the head of its list and count it as free. */
static inline void bl_push(struct buddy_range *r, unsigned o, uint64_t pfn)
{
	uint32_t off = (uint32_t)(pfn - r->origin), h = r->head[o];
	r->meta[off] = pw_make_free(o, h, PW_LINK_NONE);
	if (h != PW_LINK_NONE)
		r->meta[h] = pw_set_prev(r->meta[h], off);
	r->head[o] = off;
	r->mask |= 1u << o;
	r->z->mask |= 1u << o;
	r->z->st.free_blocks[o]++;
	r->z->st.free += (uint64_t)1 << o;
}

static inline void bl_uncount(struct buddy_range *r, unsigned o)
{
	if (r->head[o] == PW_LINK_NONE)
		r->mask &= ~(1u << o);
	if (--r->z->st.free_blocks[o] == 0)
		r->z->mask &= ~(1u << o);
	r->z->st.free -= (uint64_t)1 << o;
}

/* Unlink the free block whose head is pfn from the list of its order. Its word is left as is. */
static inline void bl_remove(struct buddy_range *r, unsigned o, uint64_t pfn)
{
	uint64_t w = *bw(r, pfn);
	uint32_t next = pw_next(w), prev = pw_prev(w);
	if (prev != PW_LINK_NONE)
		r->meta[prev] = pw_set_next(r->meta[prev], next);
	else
		r->head[o] = next;
	if (next != PW_LINK_NONE)
		r->meta[next] = pw_set_prev(r->meta[next], prev);
	bl_uncount(r, o);
}

/* Pop the first block of order o (the list must not be empty). */
static inline uint64_t bl_pop(struct buddy_range *r, unsigned o)
{
	uint32_t off = r->head[o];
	uint32_t next = pw_next(r->meta[off]);
	r->head[o] = next;
	if (next != PW_LINK_NONE)
		r->meta[next] = pw_set_prev(r->meta[next], PW_LINK_NONE);
	bl_uncount(r, o);
	return r->origin + off;
}

/* The range descriptor holding pfn, or NULL (a binary search of the sorted descriptors). */
static inline struct buddy_range *buddy_range_of(const struct buddy *b, uint64_t pfn)
{
	unsigned lo = 0, hi = b->nranges;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct buddy_range *r = &b->r[mid];
		if (pfn < r->base)
			hi = mid;
		else if (pfn >= r->end)
			lo = mid + 1;
		else
			return (struct buddy_range *)r;
	}
	return NULL;
}

/* Head pfn of the block (or single-page unit) containing pfn in r; false if the words are
 * inconsistent (never for a valid allocator). */
bool buddy_block_of(const struct buddy_range *r, uint64_t pfn, uint64_t *head);

/* Free a block whose words are already zero, merging with free buddies; not isolation-aware. */
void buddy_free_block(struct buddy_range *r, uint64_t pfn, unsigned order);

/* Zero the words of [p, q) and free it as maximal aligned blocks; not isolation-aware. */
void buddy_free_span(struct buddy_range *r, uint64_t p, uint64_t q);

/* Write [p, q) as isolated blocks (maximal aligned ones); clear: zero the words first (else
 * they must be zero already). Accounting is the caller's. */
void buddy_iso_fill(struct buddy_range *r, uint64_t p, uint64_t q, bool clear);

/* Like buddy_free_span, but pages inside isolated ranges become ISOLATED instead. */
void buddy_release_span(struct buddy *b, struct buddy_range *r, uint64_t p, uint64_t q);

/* Isolated-range queries. */
bool buddy_iso_overlaps(const struct buddy *b, uint64_t base, uint64_t end);
bool buddy_iso_contains(const struct buddy *b, uint64_t pfn);

/* Remove [base, end) from the isolation table; dry: only say whether a slot suffices. */
bool buddy_iso_cut(struct buddy *b, uint64_t base, uint64_t end, bool dry);

/* Rebuild the per-zone range lists after descriptors moved. */
void buddy_relink_zones(struct buddy *b);

/* Take a block of order k from zone z, which has a free block of order >= k; *rp is its
 * range. */
uint64_t buddy_take(struct buddy *b, struct buddy_zone_state *z, unsigned k,
		    struct buddy_range **rp);

/* buddy_alloc's argument checks (errors as buddy_alloc); owner from the flags. */
status_t buddy_alloc_validate(const struct buddy *b, unsigned order, int node, unsigned flags,
			      unsigned owner);

/* The public operations' bodies: the caller holds b->lock (mm/buddy_lock.c takes it, and every
 * cache lock where the operation changes what the caches read, see there). */
status_t buddy_set_distance_locked(struct buddy *b, unsigned from, unsigned to, unsigned d);
status_t buddy_set_reserve_locked(struct buddy *b, unsigned node, uint64_t pages);
status_t buddy_add_range_locked(struct buddy *b, unsigned node, unsigned zone, uint64_t base_pfn,
				uint64_t npages, uint64_t *meta, size_t meta_bytes, unsigned flags);
status_t buddy_remove_range_locked(struct buddy *b, uint64_t base_pfn, uint64_t npages);
/* buddy_alloc's body under b->lock, once buddy_alloc_validate returned ST_OK for these
 * arguments (owner from the flags, as there); errors: ST_NOMEM only. */
status_t buddy_alloc_valid_locked(struct buddy *b, unsigned order, int node, unsigned flags,
				  unsigned owner, uint64_t *pfn_out);
status_t buddy_free_locked(struct buddy *b, uint64_t pfn, unsigned order);
status_t buddy_carve_locked(struct buddy *b, uint64_t base_pfn, uint64_t npages, unsigned owner);
status_t buddy_uncarve_locked(struct buddy *b, uint64_t base_pfn, uint64_t npages);
status_t buddy_isolate_locked(struct buddy *b, uint64_t base_pfn, uint64_t npages,
			      struct buddy_isolate_report *rep);
status_t buddy_unisolate_locked(struct buddy *b, uint64_t base_pfn, uint64_t npages,
				uint64_t *freed);
status_t buddy_stats_locked(const struct buddy *b, int node, int zone, struct buddy_stats *out);
status_t buddy_page_state_locked(const struct buddy *b, uint64_t pfn, struct buddy_page_info *out);
status_t buddy_page_set_object_locked(struct buddy *b, uint64_t pfn, uint32_t obj, uint32_t index);
status_t buddy_page_object_locked(const struct buddy *b, uint64_t pfn, uint32_t *obj,
				  uint32_t *index, unsigned *pins);
status_t buddy_page_movable_run_locked(const struct buddy *b, uint64_t pfn, unsigned max,
				       struct buddy_movable_page *out, unsigned *n, unsigned *node);
status_t buddy_page_set_objects_locked(struct buddy *b, unsigned n, const pfn_t *pfn,
				       const uint32_t *obj, const uint32_t *index);
status_t buddy_page_pin_locked(struct buddy *b, uint64_t pfn);
status_t buddy_page_unpin_locked(struct buddy *b, uint64_t pfn);
status_t buddy_check_locked(const struct buddy *b, struct out *log);

/* Per-CPU caches (mm/buddy_pcp.c). */
/* Serve an allocation of order < BUDDY_PCP_ORDERS (movable: order 0) from this CPU's cache;
 * false when the cache cannot (the caller then takes b->lock and the free lists). */
bool buddy_pcp_alloc(struct buddy *b, unsigned order, int node, unsigned flags, unsigned owner,
		     uint64_t *pfn);
/* Take a freed block of order < BUDDY_PCP_ORDERS (an allocated head of that order, or one
 * unpinned movable page) into this CPU's cache; false when it does not qualify (the caller
 * then frees it under b->lock, which also reports any error: a double free, a wrong order). */
bool buddy_pcp_free(struct buddy *b, uint64_t pfn, unsigned order);
/* After a buddy_alloc or buddy_free found b->lock held by another CPU: caches held back by
 * buddy_pcp_defer come on. Takes every cache lock and b->lock, so the caller holds neither,
 * nor any lock of rank PCP or above; it may hold lower ones, as buddy_alloc's callers do (the
 * kernel heap's lock, LOCK_RANK_KHEAP, around its page allocations). */
void buddy_pcp_contended(struct buddy *b);
/* Take every cache lock in address order, then the allocator lock; release them all. While
 * they are held no cache is in use (docs/locking.md). */
void buddy_lock_all(const struct buddy *b);
void buddy_unlock_all(const struct buddy *b);
/* With every cache lock and b->lock held: give every cached block overlapping [base, end)
 * back, whole (free or isolated, page by page); returns its pages inside [base, end). */
uint64_t buddy_pcp_drain_range_locked(struct buddy *b, uint64_t base, uint64_t end);
/* With every cache lock and b->lock held: give every block cached for node/zone back;
 * returns the pages. */
uint64_t buddy_pcp_drain_zone_locked(struct buddy *b, unsigned node, unsigned zone);
/* Under every cache lock and b->lock, after ranges were added or removed: every slot whose
 * zone may no longer be cached (it gained a zero-on-allocation range) is emptied and freed. */
void buddy_pcp_recheck_locked(struct buddy *b);
/* With every cache lock and b->lock held: add the caches' pages, their blocks per order and
 * the not yet folded owner counts of node/zone (-1: all) to *s. */
void buddy_pcp_stats_add_locked(const struct buddy *b, int node, int zone, struct buddy_stats *s);

#endif
