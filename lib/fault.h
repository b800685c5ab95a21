/* fault.h - fault injection: make the next N uses of a named failure point fail.
 *
 * A failure point is a place where a resource can legitimately run out: a page-table page, a
 * kernel-heap block, a page of allocator metadata, a migration destination page. Code at such a
 * place asks fault_hit(P) before trying for real; when P is armed, fault_hit returns true and the
 * caller behaves exactly as if the resource had run out (returns ST_NOMEM or its equivalent). So
 * tests, the shell (`fault inject POINT N`) and the stress command can check that every operation
 * either succeeds or refuses with nothing changed.
 *
 * State: one table of counters per point (uses, injected failures, failures still armed), reset
 * by fault_reset(). Single-threaded: the caller serialises, as for every mm/ structure. */
#ifndef SPMK_LIB_FAULT_H
#define SPMK_LIB_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"

enum fault_point {
	FAULT_PT_ALLOC,     /* "pt": a page-table page (mm/vm.c) */
	FAULT_KHEAP,        /* "kheap": a kernel-heap allocation (mm/kheap.c) */
	FAULT_META,         /* "meta": buddy allocation of allocator or device metadata */
	FAULT_MIGRATE_DEST, /* "migrate": a destination page for a migrated page */
	FAULT_NPOINTS
};

struct fault_counters {
	uint64_t uses;     /* times the point was reached */
	uint64_t injected; /* of those, failures injected */
	uint32_t armed;    /* failures still to inject */
};

/* Count one use of point p; true when this use must fail (an armed failure is consumed). */
bool fault_hit(enum fault_point p);
/* Make the next n uses of p fail (n = 0 disarms). ST_INVALID for an unknown point. */
status_t fault_arm(enum fault_point p, uint32_t n);
/* Disarm every point and zero every counter. */
void fault_reset(void);
/* The counters of p (zeroes for an unknown point). */
struct fault_counters fault_counters(enum fault_point p);
/* The short name of p ("pt", "kheap", "meta", "migrate"), or "?" for an unknown point. */
const char *fault_name(enum fault_point p);
/* The point called name: ST_OK and *out, or ST_NOTFOUND. */
status_t fault_lookup(const char *name, enum fault_point *out);

#endif
