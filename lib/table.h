/* SPDX-License-Identifier: BSD-2-Clause */
/* table.h - a table that starts inside its owner's struct and grows from an allocator.
 *
 * A table is an array of cap elements of elem bytes: first the owner's inline array, then,
 * when the owner asks for room, a larger copy from a caller's allocator (the kernel heap in
 * the kernel, malloc on the host). The new slots are zeroed; the old array goes back to the
 * allocator unless it is the inline one. Growth either completes or changes nothing, so an
 * owner grows in its check step and a refused growth leaves it exactly as it was.
 * Freestanding: builds for the kernel and for the host. */
#ifndef SPMK_LIB_TABLE_H
#define SPMK_LIB_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"

/* Where grown tables come from. alloc returns NULL when it has no memory; alloc NULL means
 * the table never grows (its inline size is a fixed limit). */
struct table_alloc {
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *p);
	void *ctx;
};

/* Makes *tab (*cap elements of elem bytes, the inline array being inline_tab) hold at least
 * need elements: doubles *cap until it does (unchanged when it already does), copying the old
 * contents and zeroing the rest. Errors: ST_NOMEM (a->alloc absent or refuses, or the size
 * passes 2^32 elements or SIZE_MAX bytes); *tab and *cap are unchanged then. */
status_t table_reserve(const struct table_alloc *a, void **tab, uint32_t *cap, size_t elem,
		       const void *inline_tab, uint64_t need);

/* Growth with no lock held, for a table under its owner's lock when the allocator takes locks
 * that rank after the owner's (the kernel heap: docs/locking.md "Tables that grow"):
 *   1. under the lock, note cap (the owner's check step found no room);
 *   2. unlocked, table_spare_get: a zeroed array for at least need elements;
 *   3. under the lock, table_spare_install: copies the table in and swaps it, unless another
 *      CPU grew it meanwhile (then the spare is left over);
 *   4. unlocked, table_spare_put: gives back the old array and any unused spare;
 *   then run the operation again. */
struct table_spare {
	void *p;      /* the new array, NULL once installed */
	uint32_t cap; /* its elements */
	void *old;    /* the array it replaced (not the inline one), to give back */
};

/* Step 2: doubles cap until it holds need. Errors: ST_NOMEM (no allocator, it refused, or past
 * 2^32 elements or SIZE_MAX bytes); sp holds nothing then. */
status_t table_spare_get(const struct table_alloc *a, struct table_spare *sp, uint32_t cap,
			 size_t elem, uint64_t need);
/* Step 3 (the owner's lock held): installs the spare when it is larger than *cap. */
void table_spare_install(struct table_spare *sp, void **tab, uint32_t *cap, size_t elem,
			 const void *inline_tab);
/* Step 4 (no lock held): gives back sp->old and an uninstalled spare. */
void table_spare_put(const struct table_alloc *a, struct table_spare *sp);

/* Gives *tab back to the allocator unless it is inline_tab; *tab becomes inline_tab. */
void table_release(const struct table_alloc *a, void **tab, const void *inline_tab);

#endif
