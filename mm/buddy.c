/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy.c - buddy allocator core: init, distances, alloc, free (with the merge), statistics.
 * The algorithm and the invariants are described in mm/buddy.h; range operations are in
 * mm/buddy_range.c, the invariant walker in mm/buddy_check.c, page accessors in mm/page.c. */
#include "mm/buddy.h"

#include "lib/kstring.h"
#include "mm/buddy_internal.h"

#define BUDDY_FLAGS_VALID                                                                          \
	(BUDDY_MOVABLE | BUDDY_ZERO | BUDDY_THISNODE | BUDDY_RESERVE | BUDDY_OWNER(15))

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

struct buddy_range *buddy_range_of(const struct buddy *b, uint64_t pfn)
{
	unsigned lo = 0, hi = b->nranges;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct buddy_range *r = &b->r[mid];
		if (pfn < r->base)
			hi = mid;
		else if (pfn >= r->end)
			lo = mid + 1;
		else
			return (struct buddy_range *)r;
	}
	return NULL;
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

/* The merge: see the comment in buddy.h. */
void buddy_free_block(struct buddy_range *r, uint64_t pfn, unsigned o)
{
	while (o < BUDDY_MAX_ORDER) {
		uint64_t bud = pfn ^ ((uint64_t)1 << o);
		if (bud < r->base || bud + ((uint64_t)1 << o) > r->end)
			break;
		uint64_t w = pw_load(bw(r, bud)); /* a cached buddy may be changing */
		if (pw_state(w) != PAGE_FREE || pw_order(w) != o)
			break;
		bl_remove(r, o, bud);
		*bw(r, bud) = 0;
		pfn &= ~((uint64_t)1 << o);
		o++;
	}
	bl_push(r, o, pfn);
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

/* Take a block of order k from zone z (which has one of order >= k); *rp is its range. */
uint64_t buddy_take(struct buddy *b, struct buddy_zone_state *z, unsigned k,
		    struct buddy_range **rp)
{
	struct buddy_range *r = &b->r[z->first];
	while (!(r->mask >> k))
		r = &b->r[r->next];
	*rp = r;
	unsigned j = k + (unsigned)__builtin_ctz(r->mask >> k);
	uint64_t pfn = bl_pop(r, j);
	while (j > k) {
		j--;
		bl_push(r, j, pfn + ((uint64_t)1 << j));
	}
	return pfn;
}

static void buddy_mark_alloc(struct buddy *b, struct buddy_range *r, uint64_t pfn, unsigned k,
			     unsigned flags, unsigned owner)
{
	uint64_t n = (uint64_t)1 << k;
	if (flags & BUDDY_MOVABLE) {
		for (uint64_t i = 0; i < n; i++)
			*bw(r, pfn + i) = pw_make_movable(0, 0, 0);
	} else {
		*bw(r, pfn) = pw_make_alloc(k, owner);
	}
	r->z->st.owner[owner] += n;
	if ((flags & BUDDY_ZERO) || (r->flags & BUDDY_RANGE_ZERO_ON_ALLOC))
		b->ops->zero(b->ctx, pfn, n);
}

status_t buddy_alloc_validate(const struct buddy *b, unsigned order, int node, unsigned flags,
			      unsigned owner)
{
	if (order > BUDDY_MAX_ORDER || node >= BUDDY_MAX_NODES || node < -1)
		return ST_RANGE;
	if (!(flags & ~BUDDY_OWNER(15))) /* the common case: an owner tag and nothing else */
		return owner < BUDDY_OWNER_COUNT && owner != BUDDY_OWNER_MOVABLE ? ST_OK
										 : ST_INVALID;
	if ((flags & BUDDY_THISNODE) && node < 0)
		return ST_INVALID;
	if (owner >= BUDDY_OWNER_COUNT || (flags & ~BUDDY_FLAGS_VALID))
		return ST_INVALID;
	if (owner == BUDDY_OWNER_MOVABLE && !(flags & BUDDY_MOVABLE))
		return ST_INVALID;
	if ((flags & BUDDY_MOVABLE) && owner != BUDDY_OWNER_MOVABLE && owner != BUDDY_OWNER_OTHER)
		return ST_INVALID;
	if ((flags & BUDDY_ZERO) && (!b->ops || !b->ops->zero))
		return ST_UNSUPPORTED;
	return ST_OK;
}

status_t buddy_alloc_valid_locked(struct buddy *b, unsigned order, int node, unsigned flags,
				  unsigned owner, uint64_t *pfn_out)
{
	if (flags & BUDDY_MOVABLE)
		owner = BUDDY_OWNER_MOVABLE;
	unsigned nnodes = (flags & BUDDY_THISNODE) ? 1 : BUDDY_MAX_NODES;
	const uint8_t *order_of = node >= 0 ? b->fallback[node] : NULL;
	for (unsigned i = 0; i < nnodes; i++) {
		unsigned n = (flags & BUDDY_THISNODE) ? (unsigned)node : order_of ? order_of[i] : i;
		for (int zk = (flags & BUDDY_MOVABLE) ? 1 : 0; zk >= 0; zk--) {
			struct buddy_zone_state *z = &b->zone[n][zk];
			if (!(z->mask >> order))
				continue;
			if (!(flags & BUDDY_RESERVE) && z->st.reserve &&
			    (z->st.free < ((uint64_t)1 << order) ||
			     z->st.free - ((uint64_t)1 << order) < z->st.reserve))
				continue;
			struct buddy_range *r;
			uint64_t pfn = buddy_take(b, z, order, &r);
			buddy_mark_alloc(b, r, pfn, order, flags, owner);
			*pfn_out = pfn;
			return ST_OK;
		}
	}
	return ST_NOMEM;
}

/* A movable run of 2^order pages at pfn: all movable (ST_INVALID) and unpinned (ST_BUSY). */
static status_t buddy_movable_run_ok(const struct buddy_range *r, uint64_t pfn, unsigned order)
{
	uint64_t n = (uint64_t)1 << order;
	if (pfn + n > r->end)
		return ST_INVALID;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w = *bw(r, pfn + i);
		if (pw_state(w) != PAGE_MOVABLE)
			return ST_INVALID;
		if (pw_pins(w))
			return ST_BUSY;
	}
	return ST_OK;
}

status_t buddy_free_locked(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (order > BUDDY_MAX_ORDER)
		return ST_RANGE;
	struct buddy_range *r = buddy_range_of(b, pfn);
	if (!r)
		return ST_NOTFOUND;
	if (pfn & (((uint64_t)1 << order) - 1))
		return ST_INVALID;
	uint64_t w = *bw(r, pfn), n = (uint64_t)1 << order;
	if (pw_state(w) == PAGE_ALLOC && pw_order(w) == order) {
		*bw(r, pfn) = 0;
		r->z->st.owner[pw_owner(w)] -= n;
	} else if (pw_state(w) == PAGE_MOVABLE) {
		status_t st = buddy_movable_run_ok(r, pfn, order);
		if (st != ST_OK)
			return st;
		memset(bw(r, pfn), 0, sizeof(uint64_t) * n);
		r->z->st.owner[BUDDY_OWNER_MOVABLE] -= n;
	} else {
		return ST_INVALID;
	}
#ifdef SPMK_DEBUG
	if (b->ops && b->ops->junk)
		b->ops->junk(b->ctx, pfn, n); /* validated: the block is nobody's any more */
#endif
	if (b->niso && buddy_iso_overlaps(b, pfn, pfn + n))
		buddy_release_span(b, r, pfn, pfn + n);
	else
		buddy_free_block(r, pfn, order);
	return ST_OK;
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
