/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy.c - buddy allocator core: init, distances, block lookup, spans, isolation queries,
 * statistics. The algorithm and the invariants are described in mm/buddy.h; alloc and free
 * (split and merge) are in mm/buddy_alloc.c, range operations in mm/buddy_range.c, the
 * invariant walker in mm/buddy_check.c, page accessors in mm/page.c. */
#include "mm/buddy.h"

#include "lib/kstring.h"
#include "mm/buddy_internal.h"

size_t buddy_meta_bytes(uint64_t npages)
{
	if (npages > ((uint64_t)1 << 52))
		return 0;
	return (size_t)(npages * sizeof(uint64_t));
}

static void buddy_sort_fallback(struct buddy *b, unsigned from)
{
	uint8_t *f = b->fallback[from];
	for (unsigned i = 0; i < BUDDY_MAX_NODES; i++)
		f[i] = (uint8_t)i;
	for (unsigned i = 1; i < BUDDY_MAX_NODES; i++) { /* insertion sort by (distance, id) */
		uint8_t n = f[i];
		unsigned j = i;
		while (j > 0 && b->dist[from][f[j - 1]] > b->dist[from][n]) {
			f[j] = f[j - 1];
			j--;
		}
		f[j] = n;
	}
}

void buddy_init(struct buddy *b, const struct buddy_ops *ops, void *ctx)
{
	memset(b, 0, sizeof *b);
	spin_init(&b->lock, "buddy", LOCK_RANK_BUDDY);
	b->ops = ops;
	b->ctx = ctx;
	b->r = b->r0;
	b->cap_ranges = BUDDY_INIT_RANGES;
	b->iso = b->iso0;
	b->cap_iso = BUDDY_INIT_ISOLATED;
	for (unsigned i = 0; i < BUDDY_MAX_NODES; i++) {
		for (unsigned j = 0; j < BUDDY_MAX_NODES; j++)
			b->dist[i][j] = i == j ? 10 : 20;
		for (unsigned z = 0; z < BUDDY_NZONES; z++)
			b->zone[i][z].first = -1;
		buddy_sort_fallback(b, i);
	}
}

status_t buddy_set_distance_locked(struct buddy *b, unsigned from, unsigned to, unsigned d)
{
	if (from >= BUDDY_MAX_NODES || to >= BUDDY_MAX_NODES || d == 0 || d > 255)
		return ST_RANGE;
	b->dist[from][to] = (uint8_t)d;
	buddy_sort_fallback(b, from);
	return ST_OK;
}

bool buddy_block_of(const struct buddy_range *r, uint64_t pfn, uint64_t *head)
{
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		uint64_t h = pfn & ~(((uint64_t)1 << k) - 1);
		if (h < r->base)
			return false;
		uint64_t w = pw_load(bw(r, h));
		if (w && h + pw_span(w) > pfn) {
			*head = h;
			return true;
		}
	}
	return false;
}

/* Largest order of an aligned block starting at p that ends at or before q. */
static unsigned buddy_fit_order(uint64_t p, uint64_t q)
{
	unsigned o = p ? (unsigned)__builtin_ctzll(p) : BUDDY_MAX_ORDER;
	if (o > BUDDY_MAX_ORDER)
		o = BUDDY_MAX_ORDER;
	while (((uint64_t)1 << o) > q - p)
		o--;
	return o;
}

void buddy_free_span(struct buddy_range *r, uint64_t p, uint64_t q)
{
	while (p < q) {
		unsigned o = buddy_fit_order(p, q);
		memset(bw(r, p), 0, sizeof(uint64_t) << o);
		buddy_free_block(r, p, o);
		p += (uint64_t)1 << o;
	}
}

void buddy_iso_fill(struct buddy_range *r, uint64_t p, uint64_t q, bool clear)
{
	if (clear && p < q)
		memset(bw(r, p), 0, sizeof(uint64_t) * (q - p));
	while (p < q) {
		unsigned o = buddy_fit_order(p, q);
		*bw(r, p) = pw_make_isolated(o);
		p += (uint64_t)1 << o;
	}
}

bool buddy_iso_overlaps(const struct buddy *b, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < b->niso; i++)
		if (b->iso[i].base < end && base < b->iso[i].end)
			return true;
	return false;
}

bool buddy_iso_contains(const struct buddy *b, uint64_t pfn)
{
	return buddy_iso_overlaps(b, pfn, pfn + 1);
}

/* End of the run starting at p (before q) that is entirely inside or entirely outside the
 * isolated ranges; *in says which. */
static uint64_t buddy_iso_run(const struct buddy *b, uint64_t p, uint64_t q, bool *in)
{
	uint64_t end = q;
	*in = false;
	for (unsigned i = 0; i < b->niso; i++) {
		if (b->iso[i].base <= p && p < b->iso[i].end) {
			*in = true;
			return MIN(q, b->iso[i].end);
		}
		if (b->iso[i].base > p && b->iso[i].base < end)
			end = b->iso[i].base;
	}
	return end;
}

void buddy_release_span(struct buddy *b, struct buddy_range *r, uint64_t p, uint64_t q)
{
	while (p < q) {
		bool in;
		uint64_t e = buddy_iso_run(b, p, q, &in);
		if (!in) {
			buddy_free_span(r, p, e);
		} else {
			buddy_iso_fill(r, p, e, true);
			r->z->st.isolated += e - p;
		}
		p = e;
	}
}

void buddy_relink_zones(struct buddy *b)
{
	for (unsigned n = 0; n < BUDDY_MAX_NODES; n++)
		for (unsigned z = 0; z < BUDDY_NZONES; z++)
			b->zone[n][z].first = -1;
	for (int i = (int)b->nranges - 1; i >= 0; i--) {
		struct buddy_range *r = &b->r[i];
		r->z = &b->zone[r->node][r->zone];
		r->next = r->z->first;
		r->z->first = (int16_t)i;
	}
}

static void buddy_stats_add(struct buddy_stats *s, const struct buddy_stats *a)
{
	s->total += a->total;
	s->free += a->free;
	s->isolated += a->isolated;
	s->cached += a->cached;
	for (unsigned i = 0; i < BUDDY_PCP_ORDERS; i++)
		s->cached_blocks[i] += a->cached_blocks[i];
	s->reserve += a->reserve;
	for (unsigned i = 0; i < BUDDY_OWNER_COUNT; i++)
		s->owner[i] += a->owner[i];
	for (unsigned i = 0; i < BUDDY_NORDERS; i++)
		s->free_blocks[i] += a->free_blocks[i];
}

status_t buddy_stats_locked(const struct buddy *b, int node, int zone, struct buddy_stats *out)
{
	if (node < -1 || node >= BUDDY_MAX_NODES || zone < -1 || zone >= BUDDY_NZONES)
		return ST_RANGE;
	memset(out, 0, sizeof *out);
	for (int n = 0; n < BUDDY_MAX_NODES; n++)
		for (int z = 0; z < BUDDY_NZONES; z++)
			if ((node < 0 || node == n) && (zone < 0 || zone == z))
				buddy_stats_add(out, &b->zone[n][z].st);
	return ST_OK;
}

const char *buddy_owner_name(unsigned owner)
{
	static const char *const names[BUDDY_OWNER_COUNT] = {
		"other",     "kernel", "pagetable", "meta",     "heap",
		"boot_info", "dax",    "movable",   "firmware", "stack",
	};
	return owner < BUDDY_OWNER_COUNT ? names[owner] : "?";
}

const char *buddy_zone_name(unsigned zone)
{
	return zone == BUDDY_ZONE_NORMAL ? "Normal" : zone == BUDDY_ZONE_MOVABLE ? "Movable" : "?";
}
