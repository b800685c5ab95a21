/* migrate.h - page migration for movable memory objects.
 *
 * Moving one page (migrate_page), in an order where every step either cannot fail or leaves
 * the old page in place:
 *   1. read the reverse map of the old page (object id, index, pins) from its buddy word;
 *      a pinned page or a page of no live object is refused (ST_BUSY / ST_INVALID);
 *   2. allocate a movable page, preferring the old page's node and then the others by
 *      distance (the buddy's fallback order); isolated pages are never handed out, so the
 *      target is never in a range being reclaimed;
 *   3. tag the new page with the same (object, index), copy the 4 KiB;
 *   4. switch the object's mapping to the new page and flush the TLB (memobj_ops.remap);
 *   5. free the old page (inside an isolated range it becomes ISOLATED, not allocatable).
 * If 2-4 fail, the new page is freed and the object still maps the old one, intact.
 * migrate_range moves every movable page of a range and stops at the first failure. */
#ifndef SPMK_MM_MIGRATE_H
#define SPMK_MM_MIGRATE_H

#include "mm/memobj.h"

struct migrate_result {
	uint64_t moved;     /* pages moved */
	uint64_t failed_pfn; /* first page that could not move, UINT64_MAX when none */
	status_t failed_st;
};

/* Moves movable page pfn; *new_pfn (may be NULL) is where it went.
 * Errors: ST_NOTFOUND (not managed), ST_INVALID (not movable, or its reverse map names no
 * live object page that maps it), ST_BUSY (pinned), ST_NOMEM (no free page anywhere). */
status_t migrate_page(struct memobj_set *s, uint64_t pfn, uint64_t *new_pfn);

/* Moves every movable page of [base_pfn, +npages). Stops at the first failure (pages moved
 * before it stay moved, intact). res may be NULL. Errors: those of migrate_page. */
status_t migrate_range(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
		       struct migrate_result *res);

#endif
