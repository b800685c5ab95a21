/* SPDX-License-Identifier: BSD-2-Clause */
/* migrate.h - page migration for movable memory objects.
 *
 * Moving one page, in an order where every step either cannot fail or leaves the old page in
 * place:
 *   1. read the reverse map of the old page (buddy_page_state: state, node, object id, index,
 *      pins; migrate_range reads runs of consecutive movable pages with one
 *      buddy_page_movable_run call each, and skips every block that is not movable as a
 *      whole - free and
 *      isolated memory is kept in blocks, so an unused range costs a step per block);
 *      a pinned page is refused (ST_BUSY), one of no live movable object page (ST_INVALID);
 *   2. take a destination page from the batch pool: a block of up to MIGRATE_BATCH movable
 *      pages (one BUDDY_MOVABLE allocation) from the nearest node, by distance from the old
 *      page's node, that has any free page (the largest order <= the batch order that node
 *      can give; isolated pages are never handed out, so the target is never in a range being
 *      reclaimed);
 *   3. tag the new page with the same (object, index), copy the 4 KiB;
 *   4. switch the object's mapping from the old page to the new one (memobj_ops.remap: one
 *      page-table walk that also checks the old mapping, no TLB flush). If that fails the new
 *      page is untagged and goes back to the pool; the object still maps the old one, intact.
 * Batches: the old pages of up to MIGRATE_BATCH moves are remembered; then the TLB is flushed
 * once (memobj_ops.flush) and only after that are they freed (inside an isolated range they
 * become ISOLATED, not allocatable). Without memobj_ops.freeze nothing may read or write an
 * object window during a batch.
 *
 * With memobj_ops.freeze (other CPUs write objects while pages move, docs/smp.md), steps 3-4
 * become: freeze the old mapping (a migration entry; a failure returns the new page to the
 * pool and leaves the old mapping as it was), and remember the pair; with
 * memobj_ops.freeze_run, migrate_range freezes the pages of a run of the range with one call
 * (the destinations of pages it did not freeze go back to the allocator). A batch then ends with:
 * one flush (memobj_ops.flush: every CPU has dropped the old translation, so no write can
 * reach the old page any more), the tag of every new page (one buddy_page_set_objects call:
 * nothing reads a new page's tag before its remap), the copy of every pair, the
 * switch of every migration entry to its new page (remap, which cannot fail then: CHECKed),
 * and the old pages freed (consecutive ones as aligned runs, one buddy_free each). A write made before the freeze is in the old page when it is
 * copied; a write attempted after it waits for the new page. So no write is lost, and each
 * batch costs one flush round however many pages it moves.
 * At the end (success or failure) the last batch is flushed and freed and the pool's unused
 * pages are freed, so every page is in exactly one place and each object page is mapped once.
 *
 * Memory: the pool holds at most MIGRATE_BATCH pages that are not yet used. Free pages outside
 * the range F, pool pages P and pages still to move M satisfy F + P >= M throughout when it
 * held at the start (a refill turns free pages into pool pages one for one), so a range with
 * enough free memory elsewhere never fails for lack of a page.
 * migrate_range moves every movable page of a range and stops at the first failure.
 *
 * Reservation (what reclaim uses, so that a reclaim either completes or changes nothing):
 * migrate_reserve takes every destination page before the first page moves: blocks of up to
 * MIGRATE_BATCH movable pages, nearest node first from the node being emptied, chained through
 * the first two words of each block's first page (written through the caller's `link`
 * pointer; the chain is read before that page becomes a destination) in the order taken, so
 * pools are drawn nearest node first as without a reservation. Each block taken is
 * one use of the failure point FAULT_MIGRATE_DEST (lib/fault.h); a failure gives every block
 * back (ST_NOMEM, nothing changed). migrate_range_reserved then draws its pools from the
 * reservation only, so no destination can run out while pages move; what is left over goes
 * back to the allocator at the end. Without a reservation (migrate_page, migrate_range) each
 * pool refill is one use of the point.
 *
 * Profile: with memobj_ops.phase set, migration says when each step below begins (the
 * reservation and refills count as MIGRATE_PHASE_REFILL), so the caller can time them. */
#ifndef SPMK_MM_MIGRATE_H
#define SPMK_MM_MIGRATE_H

#include "mm/memobj.h"

/* Where a migration's time goes (memobj_ops.phase): each step of the protocol above. */
enum migrate_phase {
	MIGRATE_PHASE_NONE,   /* outside migration */
	MIGRATE_PHASE_RMAP,   /* step 1: walking the range, reading reverse maps */
	MIGRATE_PHASE_REFILL, /* step 2: a new destination pool (the old one's rest freed) */
	MIGRATE_PHASE_TAG,    /* tagging the destination page with (object, index) */
	MIGRATE_PHASE_FREEZE, /* memobj_ops.freeze */
	MIGRATE_PHASE_FLUSH,  /* memobj_ops.flush, once per batch */
	MIGRATE_PHASE_COPY,   /* memobj_ops.copy */
	MIGRATE_PHASE_REMAP,  /* memobj_ops.remap */
	MIGRATE_PHASE_FREE,   /* the old pages back to the buddy */
	MIGRATE_PHASES
};

#define MIGRATE_BATCH_ORDER 9
#define MIGRATE_BATCH (1u << MIGRATE_BATCH_ORDER) /* pages per pool block and per TLB flush */

struct migrate_result {
	uint64_t moved;      /* pages moved */
	uint64_t failed_pfn; /* first page that could not move, UINT64_MAX when none */
	status_t failed_st;
	uint64_t flushes; /* TLB flushes (memobj_ops.flush calls) */
	uint64_t refills; /* destination blocks allocated */
};

/* Destination pages taken ahead of a migration (see above). */
struct migrate_reserve {
	uint64_t *(*link)(void *ctx, pfn_t pfn); /* where frame pfn can be written */
	void *ctx;
	uint64_t head; /* first block of the chain (its first pfn), drawn first */
	unsigned head_order;
	uint64_t tail;   /* last block, where the next one is linked */
	uint64_t blocks; /* blocks in the chain */
	uint64_t pages;  /* pages in the chain */
};

/* Reserves at least `pages` movable pages for pages leaving node `node` (nearest node first).
 * rv->link and rv->ctx must be set; the rest is filled in. Errors: ST_RANGE (node >= 64),
 * ST_NOMEM (not enough free movable memory, or an injected FAULT_MIGRATE_DEST failure); then
 * nothing is held. */
status_t migrate_reserve(struct memobj_set *s, unsigned node, uint64_t pages,
			 struct migrate_reserve *rv);
/* Gives every block still in the reservation back to the allocator. */
void migrate_unreserve(struct memobj_set *s, struct migrate_reserve *rv);

/* Moves movable page pfn; *new_pfn (may be NULL) is where it went.
 * Errors: ST_NOTFOUND (not managed), ST_INVALID (not movable, or its reverse map names no
 * live object page that maps it), ST_BUSY (pinned), ST_NOMEM (no free page anywhere), or the
 * error of memobj_ops.remap. */
status_t migrate_page(struct memobj_set *s, uint64_t pfn, uint64_t *new_pfn);

#define MIGRATE_CANCEL_PAGES 1024 /* pages walked between cancel points (4 MiB) */
/* Moves every movable page of [base_pfn, +npages). Stops at the first failure (pages moved
 * before it stay moved, intact). Every MIGRATE_CANCEL_PAGES pages it asks cancel_point(pages
 * walked, npages); a stop is a failure with ST_INTERRUPTED. res may be NULL. Errors: those of
 * migrate_page, ST_INTERRUPTED. */
status_t migrate_range(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
		       struct migrate_result *res);
/* migrate_range with destinations from rv only (movable pages of the range <= rv->pages
 * guarantees that no destination runs out); rv is empty afterwards (unused pages freed).
 * Cancel points as in migrate_range. Errors: those of migrate_page except ST_NOMEM, which now
 * means rv was too small; ST_INTERRUPTED. */
status_t migrate_range_reserved(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
				struct migrate_reserve *rv, struct migrate_result *res);

/* Moves every page of movable object `slot` that is not on node `node` there (destinations
 * from that node only, in batches as above). Stops at the first failure; pages moved before
 * it stay moved, intact. res may be NULL. Errors: ST_NOTFOUND (no object), ST_INVALID (not
 * movable), ST_RANGE (node >= 64), ST_NOMEM (the node has no free movable page left, or an
 * injected FAULT_MIGRATE_DEST failure), ST_BUSY (a pinned page). */
status_t migrate_object(struct memobj_set *s, unsigned slot, unsigned node,
			struct migrate_result *res);

#endif
