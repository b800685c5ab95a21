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

/* Gives *tab back to the allocator unless it is inline_tab; *tab becomes inline_tab. */
void table_release(const struct table_alloc *a, void **tab, const void *inline_tab);

#endif
