/* SPDX-License-Identifier: BSD-2-Clause */
/* early.h - the early (boot) allocator: page-aligned chunks from a list of free ranges, before
 * the buddy allocator and its metadata exist.
 *
 * Data structure: a sorted array of disjoint, page-aligned free ranges (byte addresses,
 * half-open) and an address-sorted array of grants (what was handed out, with an owner tag;
 * both looked up by binary search, so n allocations cost O(n log n)), so that every byte
 * of the ranges it was given is at every moment either still free or in exactly one grant.
 * Allocation is first fit from the lowest address inside a caller-given window; the gap an
 * alignment leaves below a chunk stays free (the range splits). Adjacent grants with the same
 * tag merge. The caller later hands early_free_range() pieces to the buddy as free memory and
 * reserves the grants there (buddy_carve with the tag): accounting stays exact.
 * Pure: no allocation; the struct is the caller's. */
#ifndef SPMK_MM_EARLY_H
#define SPMK_MM_EARLY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"
#include "lib/types.h"

#define EARLY_INIT_RANGES 128 /* free ranges inside struct early (early_init) */
#define EARLY_INIT_GRANTS 64  /* grants inside struct early (early_init) */

struct early_grant {
	uint64_t base, end; /* bytes, page-aligned */
	unsigned tag;       /* owner tag (e.g. enum buddy_owner) */
};

struct early {
	uint32_t nfree, cap_free; /* free[0..nfree): a lib/rangeset.h set, not merged */
	size_t ngrants, cap_grants;
	struct range *free;        /* free0 or the caller's array (early_init_into) */
	struct early_grant *grant; /* grant0 or the caller's array */
	struct range free0[EARLY_INIT_RANGES];
	struct early_grant grant0[EARLY_INIT_GRANTS];
};

/* Start from n free ranges (any order); each is shrunk to whole pages, empty ones dropped.
 * Errors: ST_INVALID (a range with end < base, or ranges overlap), ST_NOMEM (more than
 * EARLY_INIT_RANGES non-empty ranges). */
status_t early_init(struct early *e, const struct range *ranges, size_t n);
/* The same with the free ranges and grants kept in the caller's arrays (cap_free and
 * cap_grants entries; the kernel sizes them from the memory map: every usable range, plus a
 * slot per split an allocation makes, plus a grant per allocation). NULL or 0 means the
 * arrays inside struct early. Errors as early_init's, with cap_free for the limit. e must not
 * be copied by value afterwards. */
status_t early_init_into(struct early *e, const struct range *ranges, size_t n, struct range *free,
			 uint32_t cap_free, struct early_grant *grant, size_t cap_grants);

/* Drops every free byte at or above limit (bytes), so no later allocation can land there: the
 * caller passes the end of what it can reach (the loader's direct map). Returns the bytes
 * dropped. Cannot fail (it only shrinks or removes ranges). */
uint64_t early_limit(struct early *e, uint64_t limit);

/* Allocate bytes (rounded up to pages) aligned to align (power of two, >= PAGE_SIZE; 0 means
 * PAGE_SIZE) inside window [lo, hi), tagged; *pa_out = physical address.
 * Errors: ST_INVALID (bytes 0, bad align), ST_NOMEM (no fit, or no slot to record it). */
status_t early_alloc_in(struct early *e, uint64_t lo, uint64_t hi, uint64_t bytes, uint64_t align,
			unsigned tag, uint64_t *pa_out);
/* The same anywhere. */
status_t early_alloc(struct early *e, uint64_t bytes, uint64_t align, unsigned tag,
		     uint64_t *pa_out);

/* Take the page-rounded-out range [base, end) out of the free ranges as a grant (e.g. the
 * kernel image). Parts not free are ignored. Errors: ST_INVALID (end <= base), ST_NOMEM. */
status_t early_reserve(struct early *e, uint64_t base, uint64_t end, unsigned tag);

/* Bytes still free, and bytes granted with tag (tag UINT32_MAX: all tags). */
uint64_t early_free_bytes(const struct early *e);
uint64_t early_granted_bytes(const struct early *e, unsigned tag);

/* Invariants: free ranges sorted, disjoint, page-aligned, non-empty; grants sorted by address
 * (the binary search of every grant lookup relies on it), disjoint, page-aligned, non-empty,
 * and disjoint from the free ranges; both counts within their tables. Errors: ST_INVALID
 * after one LOG_ERR line on log naming the first broken entry with its index, bounds (bytes)
 * and its neighbour (e.g. "grant 2 [...) tag 1 not sorted: ..."). */
status_t early_check(const struct early *e, struct out *log);

#endif
