/* SPDX-License-Identifier: BSD-2-Clause */
/* rangeset.h - a sorted set of disjoint half-open ranges [base, end) in a caller's array.
 *
 * The set is r[0..*n) with room for cap entries; it owns no memory. Invariant (what
 * rangeset_check walks): every range non-empty, r[i-1].end <= r[i].base (sorted, disjoint),
 * and for a merged set r[i-1].end < r[i].base (touching ranges are one range). Units are the
 * caller's (bytes everywhere in spmk). Every operation either succeeds or leaves the set as
 * it was. Ranges reach 2^64 - 1 at most: an end is a uint64_t, so no sum here can wrap.
 *
 * The slot helpers (rangeset_slot_open/close) move the entries of an array of any element
 * type, for tables that keep more than a range per entry (buddy descriptors, memory-map
 * ranges). Freestanding: builds for the kernel and for the host. */
#ifndef SPMK_LIB_RANGESET_H
#define SPMK_LIB_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"
#include "lib/types.h"

/* [base, base + size) in *out; false (nothing stored) when the sum wraps past 2^64 - 1. */
bool range_from_size(uint64_t base, uint64_t size, struct range *out);

/* Bytes of a and b in common (0 when they do not overlap). */
uint64_t range_overlap_bytes(struct range a, struct range b);

/* Why cur cannot follow prev in a sorted set, or NULL when it can: "empty", "overlaps or is
 * out of order with the previous range", and, when merged, "not merged with the previous
 * range" (prev.end == cur.base). */
const char *range_order_fault(struct range prev, struct range cur, bool first, bool merged);

/* First index whose range ends above addr (*n when none): binary search, O(log n). */
uint32_t rangeset_lower(const struct range *r, uint32_t n, uint64_t addr);

/* The same search over any array of n elements `stride` bytes apart, sorted by the uint64_t at
 * byte offset `off` of each: the first index whose field is above key (n when none). Tables
 * whose elements start like struct range (buddy range descriptors, memory map ranges, early
 * grants) search by offsetof(struct range, end) or base. */
size_t sorted_first_above(const void *a, size_t n, size_t stride, size_t off, uint64_t key);

/* Adds x (non-empty). With merged, x joins the ranges it touches; otherwise it takes a slot
 * of its own. Errors: ST_INVALID (x empty, or x overlaps a range of the set), ST_NOMEM (x
 * needs a slot and *n == cap). */
status_t rangeset_insert(struct range *r, uint32_t *n, uint32_t cap, struct range x, bool merged);

/* Removes every byte of x from the set; a range x cuts in the middle splits in two. Parts of
 * x not in the set are ignored. Errors: ST_NOMEM (a split needs a slot and *n == cap). */
status_t rangeset_cut(struct range *r, uint32_t *n, uint32_t cap, struct range x);

/* Bytes of q the set covers, and bytes of the whole set. */
uint64_t rangeset_bytes_in(const struct range *r, uint32_t n, struct range q);
uint64_t rangeset_bytes(const struct range *r, uint32_t n);

/* The first entry that breaks the invariant. */
struct rangeset_fault {
	uint32_t index;         /* the entry; index - 1 is the one before it */
	struct range prev, cur; /* their values (prev is {0, 0} for index 0) */
	const char *why;        /* range_order_fault's reason */
};

/* Walks the invariant. Returns ST_OK, or ST_INVALID with *f (when f is non-NULL) naming the
 * first entry that breaks it. */
status_t rangeset_check(const struct range *r, uint32_t n, bool merged, struct rangeset_fault *f);

/* Opens a slot at index at of an array of n elements of elem bytes (the caller has room for
 * n + 1 and counts it), or closes slot at (the caller counts n - 1). at <= n for open, at < n
 * for close; CHECKed. */
void rangeset_slot_open(void *a, size_t n, size_t at, size_t elem);
void rangeset_slot_close(void *a, size_t n, size_t at, size_t elem);

#endif
