/* SPDX-License-Identifier: BSD-2-Clause */
/* bitmap_buddy.h - a classic comparison allocator for bench_buddy: a binary buddy with one
 * allocation bit per page and in-band free-chunk headers (the Xen / Unikraft design); see
 * tests/bench/bitmap_buddy.c. Host only: the managed memory is real RAM it writes into. */
#ifndef SPMK_BENCH_BITMAP_BUDDY_H
#define SPMK_BENCH_BITMAP_BUDDY_H

#include <stdint.h>

#define BB_ORDERS 19

struct bb_head {
	struct bb_head *next, **pprev;
	long level;
};
struct bb_tail {
	long level;
};

struct bitmap_buddy {
	uint8_t *arena;
	uint64_t npages;
	uint64_t *map; /* 1 bit per page, set = allocated */
	struct bb_head *free_head[BB_ORDERS];
};

/* arena: npages * 4 KiB; map: (npages + 63) / 64 words; npages a multiple of 2^(BB_ORDERS-1). */
void bb_init(struct bitmap_buddy *b, uint8_t *arena, uint64_t npages, uint64_t *map);
/* Page index of a block of 2^order pages, or UINT64_MAX. */
uint64_t bb_alloc(struct bitmap_buddy *b, unsigned order);
void bb_free(struct bitmap_buddy *b, uint64_t pg, unsigned order);

#endif
