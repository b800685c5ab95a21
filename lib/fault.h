/* SPDX-License-Identifier: BSD-2-Clause */
/* fault.h - fault injection: make the next N uses of a named failure point fail.
 *
 * A failure point is a place where a resource can legitimately run out: a page-table page, a
 * kernel-heap block, a page of allocator metadata, a migration destination page, a page of a
 * memory object, an entry of a fixed-size table. Code at such a place asks fault_hit(P) before trying for real; when P is
 * armed, fault_hit returns true and the caller behaves exactly as if the resource had run out
 * (returns ST_NOMEM or its equivalent). So tests, the shell (`fault inject POINT N`) and
 * `selftest stress` can check that every operation either succeeds or refuses with nothing
 * changed. This enum is the one registry of points; docs/testing.md lists where each is used.
 *
 * State: one table of counters per point (uses, injected failures, failures still armed, uses
 * still to let through before the armed failures start), reset by fault_reset(). While paused
 * (fault_pause) no point counts or fails: checkers that allocate do not disturb a test.
 * Single-threaded: the caller serialises, as for every mm/ structure. */
#ifndef SPMK_LIB_FAULT_H
#define SPMK_LIB_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"

enum fault_point {
	FAULT_PT_ALLOC,     /* "pt": a page-table page (mm/vm.c) */
	FAULT_KHEAP,        /* "kheap": a kernel-heap allocation (mm/kheap.c) */
	FAULT_META,         /* "meta": buddy allocation of allocator or device metadata */
	FAULT_MIGRATE_DEST, /* "migrate": destination pages for migrated pages (mm/migrate.c) */
	FAULT_OBJ_PAGE,     /* "page": a page of a memory object (mm/memobj.c fill) */
	FAULT_SLOT,         /* "slot": an entry of a fixed table (devices, hand-off records,
			     * objects, buddy range descriptors and isolation slots, the
			     * deferred-scrub table) */
	FAULT_NPOINTS
};

struct fault_counters {
	uint64_t uses;     /* times the point was reached */
	uint64_t injected; /* of those, failures injected */
	uint32_t armed;    /* failures still to inject */
	uint32_t skip;     /* uses still to let through before the armed failures start */
};

/* Count one use of point p; true when this use must fail (an armed failure is consumed). */
bool fault_hit(enum fault_point p);
/* Make the next n uses of p fail (n = 0 disarms). ST_INVALID for an unknown point. */
status_t fault_arm(enum fault_point p, uint32_t n);
/* Let the next `skip` uses of p through, then make the n after them fail (k-th use: skip k-1,
 * n 1). ST_INVALID for an unknown point. */
status_t fault_arm_after(enum fault_point p, uint32_t skip, uint32_t n);
/* Disarm every point, keeping the counters. */
void fault_disarm_all(void);
/* True while some point still has a failure armed. */
bool fault_any_armed(void);
/* Total failures injected so far, all points together. */
uint64_t fault_injected_total(void);
/* paused true: fault_hit neither counts nor fails until fault_pause(false). Returns the
 * previous setting, so pauses nest. */
bool fault_pause(bool paused);
/* Disarm every point and zero every counter. */
void fault_reset(void);
/* The counters of p (zeroes for an unknown point). */
struct fault_counters fault_counters(enum fault_point p);
/* The short name of p ("pt", "kheap", "meta", "migrate", "page", "slot"), or "?" when unknown. */
const char *fault_name(enum fault_point p);
/* The resource p stands for ("page-table page", ...), or "?" when unknown. */
const char *fault_what(enum fault_point p);
/* The point called name: ST_OK and *out, or ST_NOTFOUND. */
status_t fault_lookup(const char *name, enum fault_point *out);

#endif
