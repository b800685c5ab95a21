/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_raw.h - buddy_alloc for tests that do arithmetic on frame numbers (p + 1, p == 300):
 * the frame comes back as a raw number. Everything else calls the typed interface
 * (mm/buddy.h) with pfn_of() at the call. */
#ifndef SPMK_TESTS_BUDDY_RAW_H
#define SPMK_TESTS_BUDDY_RAW_H

#include "mm/buddy.h"

/* buddy_alloc with the first frame in *pfn (written only on ST_OK); same errors. */
static inline status_t alloc_raw(struct buddy *b, unsigned order, int node, unsigned flags,
				 uint64_t *pfn)
{
	pfn_t f;
	status_t st = buddy_alloc(b, order, node, flags, &f);
	if (st == ST_OK)
		*pfn = f.v;
	return st;
}

#endif
