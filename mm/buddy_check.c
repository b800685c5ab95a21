/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_check.c - the buddy allocator's invariant walker.
 *
 * Checks, and logs the first violation with its numbers:
 *  - descriptors sorted, disjoint, within PW_MAX_SPAN of their origin, linked in their zone;
 *  - every page is covered by exactly one unit: a free, allocated or isolated block, or a
 *    single movable/carved page; non-head words are zero;
 *  - free blocks are aligned, inside their range, outside isolated ranges, and never have a
 *    free buddy of the same order; isolated blocks are aligned and lie in one isolated range;
 *  - the free lists hold exactly the free heads (links consistent both ways, masks right);
 *  - recomputed statistics equal the kept ones (with the per-CPU caches' pages and owner
 *    counts added) and total = free + cached + isolated + sum(owner);
 *  - every block in a per-CPU cache is an aligned PCP head of its stack's order, in its
 *    slot's node and zone, and the caches hold exactly the PCP blocks (counted per zone and
 *    order, plus no pfn twice in one slot); no cached block overlaps an isolated range. */
#include "mm/buddy.h"

#include "lib/kstring.h"
#include "lib/rangeset.h"
#include "mm/buddy_internal.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		out_log(log, LOG_ERR, "buddy_check: " __VA_ARGS__);                                \
		return ST_INVALID;                                                                 \
	} while (0)

static status_t check_free_unit(const struct buddy *b, const struct buddy_range *r, uint64_t p,
				uint64_t w, struct out *log)
{
	unsigned o = pw_order(w);
	if (pw_order(w) > BUDDY_MAX_ORDER || (p & (((uint64_t)1 << o) - 1)))
		FAIL("free block %#llx order %u misaligned", (unsigned long long)p, o);
	if (buddy_iso_overlaps(b, p, p + ((uint64_t)1 << o)))
		FAIL("free block %#llx order %u in an isolated range", (unsigned long long)p, o);
	uint64_t bud = p ^ ((uint64_t)1 << o);
	if (o < BUDDY_MAX_ORDER && bud >= r->base && bud + ((uint64_t)1 << o) <= r->end) {
		uint64_t bw2 = *bw(r, bud);
		if (pw_state(bw2) == PAGE_FREE && pw_order(bw2) == o)
			FAIL("free buddies %#llx and %#llx both free at order %u",
			     (unsigned long long)p, (unsigned long long)bud, o);
	}
	return ST_OK;
}

static status_t check_unit(const struct buddy *b, const struct buddy_range *r, uint64_t p,
			   uint64_t w, struct buddy_stats *s, struct out *log)
{
	uint64_t n = pw_span(w);
	switch (pw_state(w)) {
	case PAGE_FREE:
		s->free += n;
		s->free_blocks[pw_order(w)]++;
		return check_free_unit(b, r, p, w, log);
	case PAGE_ALLOC:
		if (pw_order(w) > BUDDY_MAX_ORDER || (p & (n - 1)) ||
		    pw_owner(w) >= BUDDY_OWNER_COUNT)
			FAIL("alloc block %#llx order %u owner %u bad", (unsigned long long)p,
			     pw_order(w), pw_owner(w));
		s->owner[pw_owner(w)] += n;
		return ST_OK;
	case PAGE_MOVABLE: s->owner[BUDDY_OWNER_MOVABLE]++; return ST_OK;
	case PAGE_CARVED:
		if (pw_owner(w) >= BUDDY_OWNER_COUNT)
			FAIL("carved page %#llx owner %u bad", (unsigned long long)p, pw_owner(w));
		s->owner[pw_owner(w)]++;
		return ST_OK;
	case PAGE_PCP:
		if (pw_order(w) >= BUDDY_PCP_ORDERS || (p & (n - 1)) ||
		    w != pw_make_pcp(pw_order(w)))
			FAIL("cached block %#llx order %u (word %#llx) bad", (unsigned long long)p,
			     pw_order(w), (unsigned long long)w);
		if (buddy_iso_overlaps(b, p, p + n))
			FAIL("cached block %#llx order %u inside an isolated range",
			     (unsigned long long)p, pw_order(w));
		s->cached += n;
		s->cached_blocks[pw_order(w)]++;
		return ST_OK;
	case PAGE_ISOLATED:
		if (pw_order(w) > BUDDY_MAX_ORDER || (p & (n - 1)) ||
		    (w & ~pw_make_isolated(pw_order(w))))
			FAIL("isolated block %#llx order %u (word %#llx) bad",
			     (unsigned long long)p, pw_order(w), (unsigned long long)w);
		for (unsigned i = 0; i < b->cap_iso && i < b->niso; i++) {
			if (b->iso[i].base <= p && p + n <= b->iso[i].end) {
				s->isolated += n;
				return ST_OK;
			}
		}
		FAIL("isolated block %#llx +%llu outside isolated ranges", (unsigned long long)p,
		     (unsigned long long)n);
	default:
		FAIL("page %#llx: word %#llx is no block head", (unsigned long long)p,
		     (unsigned long long)w);
	}
}

/* Walk the pages of r; count units into s; per-order free heads into nfree. */
static status_t check_pages(const struct buddy *b, const struct buddy_range *r,
			    struct buddy_stats *s, struct out *log)
{
	for (uint64_t p = r->base; p < r->end;) {
		uint64_t w = *bw(r, p), n = pw_span(w);
		if (p + n > r->end)
			FAIL("block %#llx +%llu crosses range end %#llx", (unsigned long long)p,
			     (unsigned long long)n, (unsigned long long)r->end);
		status_t st = check_unit(b, r, p, w, s, log);
		if (st != ST_OK)
			return st;
		for (uint64_t i = 1; i < n; i++)
			if (*bw(r, p + i))
				FAIL("tail %#llx of block %#llx not zero",
				     (unsigned long long)(p + i), (unsigned long long)p);
		s->total += n;
		p += n;
	}
	return ST_OK;
}

static status_t check_lists(const struct buddy_range *r, const struct buddy_stats *s,
			    struct out *log)
{
	for (unsigned o = 0; o < BUDDY_NORDERS; o++) {
		uint64_t count = 0;
		uint32_t prev = PW_LINK_NONE;
		for (uint32_t off = r->head[o]; off != PW_LINK_NONE; off = pw_next(r->meta[off])) {
			uint64_t p = r->origin + off;
			if (p < r->base || p >= r->end || ++count > s->free_blocks[o])
				FAIL("range %#llx order %u list broken at %#llx",
				     (unsigned long long)r->base, o, (unsigned long long)p);
			uint64_t w = r->meta[off];
			if (pw_state(w) != PAGE_FREE || pw_order(w) != o || pw_prev(w) != prev)
				FAIL("list order %u: %#llx word %#llx", o, (unsigned long long)p,
				     (unsigned long long)w);
			prev = off;
		}
		if (count != s->free_blocks[o] || !(r->mask & (1u << o)) != !count)
			FAIL("range %#llx order %u: %llu listed, %llu free heads",
			     (unsigned long long)r->base, o, (unsigned long long)count,
			     (unsigned long long)s->free_blocks[o]);
	}
	return ST_OK;
}

static void stats_add(struct buddy_stats *a, const struct buddy_stats *s)
{
	a->total += s->total;
	a->free += s->free;
	a->isolated += s->isolated;
	a->cached += s->cached;
	for (unsigned i = 0; i < BUDDY_PCP_ORDERS; i++)
		a->cached_blocks[i] += s->cached_blocks[i];
	for (unsigned i = 0; i < BUDDY_OWNER_COUNT; i++)
		a->owner[i] += s->owner[i];
	for (unsigned i = 0; i < BUDDY_NORDERS; i++)
		a->free_blocks[i] += s->free_blocks[i];
}

static status_t check_zone(const struct buddy *b, unsigned n, unsigned z, unsigned *seen,
			   struct out *log)
{
	const struct buddy_zone_state *zs = &b->zone[n][z];
	struct buddy_stats acc;
	memset(&acc, 0, sizeof acc);
	for (int i = zs->first; i >= 0; i = b->r[i].next) {
		const struct buddy_range *r = &b->r[i];
		struct buddy_stats s;
		memset(&s, 0, sizeof s);
		if (r->node != n || r->zone != z || r->z != zs || ++*seen > b->nranges)
			FAIL("zone %u/%u lists range %d of %u/%u", n, z, i, r->node, r->zone);
		status_t st = check_pages(b, r, &s, log);
		if (st == ST_OK)
			st = check_lists(r, &s, log);
		if (st != ST_OK)
			return st;
		stats_add(&acc, &s);
	}
	uint64_t sum = acc.free + acc.cached + acc.isolated;
	for (unsigned i = 0; i < BUDDY_OWNER_COUNT; i++)
		sum += acc.owner[i];
	acc.reserve = zs->st.reserve; /* a setting, not counted from pages */
	struct buddy_stats kept = zs->st;
	buddy_pcp_stats_add_locked(b, (int)n, (int)z, &kept);
	if (memcmp(&acc, &kept, sizeof acc) || sum != acc.total)
		FAIL("node %u zone %u: counted total %llu free %llu cached %llu isolated %llu, "
		     "kept "
		     "total %llu free %llu cached %llu isolated %llu",
		     n, z, (unsigned long long)acc.total, (unsigned long long)acc.free,
		     (unsigned long long)acc.cached, (unsigned long long)acc.isolated,
		     (unsigned long long)kept.total, (unsigned long long)kept.free,
		     (unsigned long long)kept.cached, (unsigned long long)kept.isolated);
	for (unsigned o = 0; o < BUDDY_NORDERS; o++)
		if (!(zs->mask & (1u << o)) != !acc.free_blocks[o])
			FAIL("node %u zone %u: mask %#x wrong at order %u", n, z, zs->mask, o);
	return ST_OK;
}

static status_t check_descriptors(const struct buddy *b, struct out *log)
{
	if (b->nranges > b->cap_ranges || b->niso > b->cap_iso)
		FAIL("%u ranges in a table of %u, %u isolated entries in a table of %u", b->nranges,
		     b->cap_ranges, b->niso, b->cap_iso);
	for (unsigned i = 0; i < b->nranges; i++) {
		const struct buddy_range *r = &b->r[i];
		struct range prev = i ? (struct range){ b->r[i - 1].base, b->r[i - 1].end }
				      : (struct range){ 0, 0 };
		const char *why =
			range_order_fault(prev, (struct range){ r->base, r->end }, i == 0, false);
		if (!why && (r->base < r->origin || r->end - r->origin > PW_MAX_SPAN))
			why = "outside its origin's span";
		if (why)
			FAIL("range %u [%#llx, %#llx) origin %#llx: %s", i,
			     (unsigned long long)r->base, (unsigned long long)r->end,
			     (unsigned long long)r->origin, why);
	}
	for (unsigned i = 0; i < b->niso; i++) {
		if (b->iso[i].base >= b->iso[i].end)
			FAIL("isolated entry %u empty", i);
		for (uint64_t p = b->iso[i].base; p < b->iso[i].end;) {
			const struct buddy_range *r = buddy_range_of(b, p);
			if (!r)
				FAIL("isolated page %#llx not managed", (unsigned long long)p);
			p = r->end;
		}
		for (unsigned j = i + 1; j < b->niso; j++)
			if (b->iso[j].base < b->iso[i].end && b->iso[i].base < b->iso[j].end)
				FAIL("isolated entries %u and %u overlap", i, j);
	}
	return ST_OK;
}

/* One stack of slot sl: every entry an order-o PCP head of the slot's node and zone, once. */
static status_t check_pcp_stack(const struct buddy *b, unsigned c, unsigned i, unsigned o,
				struct out *log)
{
	const struct buddy_pcp_slot *sl = &b->pcp[c].slot[i];
	const uint64_t *stk = sl->pfn + buddy_pcp_first(o);
	if (sl->count[o] > buddy_pcp_high(o) || (sl->node < 0 && sl->count[o]))
		FAIL("cpu %u slot %u: %u blocks of order %u, node %d", c, i, sl->count[o], o,
		     sl->node);
	for (unsigned k = 0; k < sl->count[o]; k++) {
		uint64_t p = stk[k];
		const struct buddy_range *r = buddy_range_of(b, p);
		if (!r || pw_load(bw(r, p)) != pw_make_pcp(o) || r->node != sl->node ||
		    r->zone != sl->zone)
			FAIL("cpu %u slot %u: %#llx is not a cached block of order %u, node %d "
			     "zone %u",
			     c, i, (unsigned long long)p, o, sl->node, sl->zone);
		for (unsigned j = 0; j < k; j++)
			if (stk[j] == p)
				FAIL("cpu %u slot %u: block %#llx order %u cached twice", c, i,
				     (unsigned long long)p, o);
	}
	return ST_OK;
}

/* Every cached block is a PCP head of its stack's order, in its slot's node and zone. */
static status_t check_pcp(const struct buddy *b, struct out *log)
{
	for (unsigned c = 0; c < b->npcp; c++)
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++)
			for (unsigned o = 0; o < BUDDY_PCP_ORDERS; o++) {
				status_t st = check_pcp_stack(b, c, i, o, log);
				if (st != ST_OK)
					return st;
			}
	return ST_OK;
}

status_t buddy_check_locked(const struct buddy *b, struct out *log)
{
	status_t st = check_descriptors(b, log);
	if (st == ST_OK)
		st = check_pcp(b, log);
	unsigned seen = 0;
	for (unsigned n = 0; n < BUDDY_MAX_NODES && st == ST_OK; n++)
		for (unsigned z = 0; z < BUDDY_NZONES && st == ST_OK; z++)
			st = check_zone(b, n, z, &seen, log);
	if (st == ST_OK && seen != b->nranges) {
		out_log(log, LOG_ERR, "buddy_check: %u of %u ranges in zone lists", seen,
			b->nranges);
		st = ST_INVALID;
	}
	return st;
}
