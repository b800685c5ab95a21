/* SPDX-License-Identifier: BSD-2-Clause */
/* bitmap_buddy.c - a classic comparison allocator for bench_buddy: a binary buddy with one
 * allocation bit per page and in-band free-chunk headers (the Xen / Unikraft design).
 *
 * A free chunk of order k starts with a header {next, pprev, level} written into its first
 * page and ends with a tail {level} in the last bytes of its last page, both inside the managed
 * memory. The bitmap says which pages are allocated. Freeing merges with the buddy when its
 * bitmap bit is clear and its header (buddy above) or tail (buddy below) says the same level.
 * Linked into tests/bench/bench_buddy.c (host only; uses the managed memory as real RAM). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bitmap_buddy.h"

static inline struct bb_head *bb_head_at(struct bitmap_buddy *b, uint64_t pg)
{
	return (struct bb_head *)(b->arena + (pg << 12));
}
static inline struct bb_tail *bb_tail_of(struct bitmap_buddy *b, uint64_t pg, unsigned o)
{
	return (struct bb_tail *)(b->arena + ((pg + (1ull << o)) << 12)) - 1;
}
static inline int bb_allocated(const struct bitmap_buddy *b, uint64_t pg)
{
	return (b->map[pg >> 6] >> (pg & 63)) & 1;
}

static void bb_map_set(struct bitmap_buddy *b, uint64_t pg, uint64_t n, int val)
{
	while (n && (pg & 63)) {
		b->map[pg >> 6] = val ? b->map[pg >> 6] | (1ull << (pg & 63))
				      : b->map[pg >> 6] & ~(1ull << (pg & 63));
		pg++;
		n--;
	}
	for (; n >= 64; n -= 64, pg += 64)
		b->map[pg >> 6] = val ? ~0ull : 0;
	for (; n; n--, pg++)
		b->map[pg >> 6] = val ? b->map[pg >> 6] | (1ull << (pg & 63))
				      : b->map[pg >> 6] & ~(1ull << (pg & 63));
}

static void bb_push(struct bitmap_buddy *b, uint64_t pg, unsigned o)
{
	struct bb_head *h = bb_head_at(b, pg);
	h->level = o;
	h->next = b->free_head[o];
	h->pprev = &b->free_head[o];
	if (h->next)
		h->next->pprev = &h->next;
	b->free_head[o] = h;
	bb_tail_of(b, pg, o)->level = o;
}

static void bb_unlink(struct bb_head *h)
{
	*h->pprev = h->next;
	if (h->next)
		h->next->pprev = h->pprev;
}

void bb_free(struct bitmap_buddy *b, uint64_t pg, unsigned o)
{
	bb_map_set(b, pg, 1ull << o, 0);
	while (o < BB_ORDERS - 1) {
		uint64_t mask = 1ull << o;
		if (pg & mask) { /* buddy below: look at its tail */
			uint64_t bud = pg - mask;
			if (bb_allocated(b, bud) || bb_tail_of(b, bud, o)->level != (long)o)
				break;
			bb_unlink(bb_head_at(b, bud));
			pg = bud;
		} else { /* buddy above: look at its header */
			uint64_t bud = pg + mask;
			if (bud + mask > b->npages || bb_allocated(b, bud) ||
			    bb_head_at(b, bud)->level != (long)o)
				break;
			bb_unlink(bb_head_at(b, bud));
		}
		o++;
	}
	bb_push(b, pg, o);
}

uint64_t bb_alloc(struct bitmap_buddy *b, unsigned o)
{
	unsigned i = o;
	while (i < BB_ORDERS && !b->free_head[i])
		i++;
	if (i == BB_ORDERS)
		return UINT64_MAX;
	struct bb_head *h = b->free_head[i];
	bb_unlink(h);
	uint64_t pg = (uint64_t)((uint8_t *)h - b->arena) >> 12;
	while (i > o) {
		i--;
		bb_push(b, pg + (1ull << i), i);
	}
	bb_map_set(b, pg, 1ull << o, 1);
	return pg;
}

void bb_init(struct bitmap_buddy *b, uint8_t *arena, uint64_t npages, uint64_t *map)
{
	memset(b, 0, sizeof *b);
	b->arena = arena;
	b->npages = npages;
	b->map = map;
	memset(map, 0xff, ((npages + 63) / 64) * 8);
	for (uint64_t pg = 0; pg < npages; pg += 1ull << (BB_ORDERS - 1))
		bb_free(b, pg, BB_ORDERS - 1);
}
