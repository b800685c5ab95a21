/* SPDX-License-Identifier: BSD-2-Clause */
/* uspace_va.h - where an app's mappings go inside one area of its address space (the memory
 * area or the dax area, mm/uspace.h): the free addresses as a merged range set
 * (lib/rangeset.h), first fit, so a freed range is reused and freed neighbours coalesce.
 *
 * A mapping of `size` bytes reserves [va, va + size + gap): its guard gap (unmapped, so a run
 * past its end faults) follows it and is freed with it. Placement: the lowest va of a free
 * range with va % align == offset whose reservation fits in it.
 *
 * Invariant (uspace_va_check): the free set is sorted, disjoint and merged, inside
 * [base, end), and its bytes plus the bytes reserved by live mappings are end - base. Free
 * ranges lie between reserved ones, so there are at most (live mappings + 1) of them: the
 * caller bounds live mappings by USPACE_VA_LIVE_MAX and no operation ever runs out of slots.
 * Units: bytes. Pure code: host-tested (test_uspace_va). */
#ifndef SPMK_MM_USPACE_VA_H
#define SPMK_MM_USPACE_VA_H

#include <stdint.h>

#include "lib/rangeset.h"
#include "lib/status.h"
#include "lib/types.h"

#define USPACE_VA_LIVE_MAX 64 /* live mappings an area holds at most (APP_ALLOCS) */

struct uspace_va {
	struct range free[USPACE_VA_LIVE_MAX + 2]; /* + 1 between mappings, + 1 while splitting */
	uint32_t n;
	uint64_t base, end, gap; /* the area [base, end) and each mapping's guard gap */
	uint64_t reserved;       /* bytes of live reservations (size + gap each) */
	uint32_t live;           /* live mappings */
};

/* The whole area [base, end) free, each mapping followed by gap bytes.
 * Errors: ST_INVALID (base >= end). */
status_t uspace_va_init(struct uspace_va *s, uint64_t base, uint64_t end, uint64_t gap);

/* Reserves size bytes and the gap after them at the lowest va with va % align == offset
 * (align a power of two, offset < align) that fits; *va is the mapping's start.
 * Errors: ST_INVALID (size 0, align not a power of two, offset >= align), ST_NOMEM (no free
 * range holds it, or USPACE_VA_LIVE_MAX mappings are live); nothing changes on error. */
status_t uspace_va_alloc(struct uspace_va *s, uint64_t size, uint64_t align, uint64_t offset,
			 uint64_t *va);

/* Gives back the mapping [va, va + size) made by uspace_va_alloc with this size, with its
 * gap; it coalesces with free neighbours. Cannot fail: a range that was not reserved so is a
 * caller bug (CHECK). */
void uspace_va_free(struct uspace_va *s, uint64_t va, uint64_t size);

/* Walks the invariant. ST_OK, or ST_INVALID (the set is out of order or unmerged, leaves the
 * area, or its bytes do not add up with the live reservations). */
status_t uspace_va_check(const struct uspace_va *s);

#endif
