/* SPDX-License-Identifier: BSD-2-Clause */
/* managed.h - the RAM the page allocator manages at boot, cut at NUMA node boundaries.
 *
 * Boot (kernel/init_mm.c) hands every managed range of the memory map (usable RAM and the
 * kernel-owned kinds the loader allocated) to managed_add in address order. Each is cut at
 * every SRAT range boundary of the topology (acpi/numa.h) into pieces of one node; a piece
 * that touches the previous one on the same node extends it. Memory in no SRAT range goes to
 * node 0, as Linux does for memory outside every memory affinity structure. The pieces then
 * become buddy ranges (mm/buddy.h), one node each. Pure: no allocation. */
#ifndef SPMK_MM_MANAGED_H
#define SPMK_MM_MANAGED_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi/numa.h"
#include "lib/out.h"
#include "lib/status.h"
#include "mm/memmap.h"

/* Pieces inside struct managed_set (managed_init): a map of MEMMAP_MAX_RANGES ranges cut at
 * most once per SRAT range boundary (two per range, at most NUMA_MAX_RANGES ranges). The
 * kernel's map can be larger: it passes storage of managed_pieces_bound() pieces
 * (managed_init_into), which no map fills, whatever the machine. */
#define MANAGED_MAX (MEMMAP_MAX_RANGES + 2 * NUMA_MAX_RANGES)

struct managed_piece {
	uint64_t base, end; /* bytes, half-open */
	uint32_t node;
};

struct managed_set {
	struct managed_piece *p; /* p0, or the caller's storage (managed_init_into) */
	uint32_t n, cap;
	bool outside_noted; /* the LOG_NOTICE for memory in no SRAT range was given */
	struct managed_piece p0[MANAGED_MAX];
};

/* An empty set in the MANAGED_MAX pieces inside m. */
void managed_init(struct managed_set *m);
/* An empty set in storage[0..cap) (NULL or 0: inside m). m must not be copied by value. */
void managed_init_into(struct managed_set *m, struct managed_piece *storage, uint32_t cap);
/* Pieces a map of nranges ranges can give (each cut at most once per SRAT range boundary). */
uint64_t managed_pieces_bound(uint32_t nranges);

/* Adds [base, end) (bytes; base >= the end of every piece added before) cut at t's range
 * boundaries. Memory in no SRAT range of a topology built from an SRAT is put on node 0 with
 * one LOG_NOTICE for the first such address ("mm: RAM at 0x... is in no SRAT range; using
 * node 0"). Errors: ST_INVALID (end < base, or base below the last piece's end: nothing
 * added), ST_NOMEM (more than cap pieces, which the kernel's storage cannot reach: what did
 * not fit is left out and named in one LOG_ERR line; the pieces before it stay). */
status_t managed_add(struct managed_set *m, const struct numa_topology *t, uint64_t base,
		     uint64_t end, struct out *log);

/* Page words (buddy metadata, 8 bytes a page) of a small piece take a fraction of a page:
 * boot gives consecutive small pieces of one node one metadata block together. A piece of
 * MANAGED_META_ALONE pages or more has its own block; a group's page words stay within
 * MANAGED_META_GROUP bytes. */
#define MANAGED_META_ALONE 512u          /* 2 MiB: its page words fill a page */
#define MANAGED_META_GROUP (64u * 1024u) /* page words of 8,192 small pieces at most */

/* The pieces [i, *next) whose page words share one block (i < m->n): i alone when it has
 * MANAGED_META_ALONE pages or more, else i and the small pieces after it on the same node,
 * as long as their page words fit in MANAGED_META_GROUP bytes. Returns the bytes of page
 * words they need, buddy_meta_bytes() of each piece in turn (each a multiple of 8, so every
 * piece's words stay 8-byte aligned inside the block). */
uint64_t managed_meta_group(const struct managed_set *m, uint32_t i, uint32_t *next);

/* Bytes in all pieces. */
uint64_t managed_bytes(const struct managed_set *m);

#endif
