/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_reserve.c - the per-node reserve of the page allocator and Linux's rule for its size
 * (see "Reserve" in buddy.h). */
#include "mm/buddy.h"
#include "mm/buddy_internal.h"

#include "lib/types.h"

#define RESERVE_MIN_KIB 128ull
#define RESERVE_MAX_KIB 262144ull /* 256 MiB */

/* floor(sqrt(x)) by bits, exact for every 64-bit x. */
static uint64_t isqrt64(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

uint64_t buddy_reserve_pages(uint64_t node_pages, uint64_t all_pages)
{
	if (node_pages == 0 || node_pages > all_pages)
		return 0;
	uint64_t kib = all_pages > (UINT64_MAX / 64) ? UINT64_MAX : all_pages * 4 * 16;
	uint64_t min_kib = isqrt64(kib);
	if (min_kib < RESERVE_MIN_KIB)
		min_kib = RESERVE_MIN_KIB;
	if (min_kib > RESERVE_MAX_KIB)
		min_kib = RESERVE_MAX_KIB;
	uint64_t min_pages = min_kib / 4;
	/* the node's share, rounded up; min_pages <= 65536, so the product only overflows for
	 * nodes above 2^48 pages, where dividing first loses nothing that matters */
	if (node_pages > UINT64_MAX / min_pages) {
		uint64_t share = node_pages / (all_pages / min_pages);
		return share < min_pages ? share : min_pages;
	}
	uint64_t prod = min_pages * node_pages;
	return prod / all_pages + (prod % all_pages != 0);
}

status_t buddy_set_reserve_locked(struct buddy *b, unsigned node, uint64_t pages)
{
	if (node >= BUDDY_MAX_NODES)
		return ST_RANGE;
	/* more pages than 64-bit addresses reach keep the whole zone just the same; the cap keeps
	 * the allocator's one-compare test (free < reserve + 2^order) and the sums from wrapping */
	b->zone[node][BUDDY_ZONE_NORMAL].st.reserve = MIN(pages, BUDDY_RESERVE_MAX);
	return ST_OK;
}
