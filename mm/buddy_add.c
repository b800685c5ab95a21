/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_add.c - adding (hot-add) and removing memory ranges of the buddy allocator.
 *
 * A range becomes one or more descriptors (split at absolute multiples of PW_MAX_SPAN pages so
 * 28-bit links suffice); descriptors stay sorted by base and never overlap. A range that
 * continues an existing descriptor (same node, zone, flags, contiguous metadata) extends it.
 * Removal trims, splits or drops descriptors; split-off parts get their own free lists. */
#include "mm/buddy.h"

#include "lib/fault.h"
#include "lib/kstring.h"
#include "lib/rangeset.h"
#include "mm/buddy_internal.h"

/* The index of the first descriptor ending above pfn (descriptors are sorted, disjoint). */
static unsigned range_index_after(const struct buddy *b, uint64_t pfn)
{
	return (unsigned)sorted_first_above(b->r, b->nranges, sizeof b->r[0],
					    offsetof(struct buddy_range, end), pfn);
}

static bool overlaps_managed(const struct buddy *b, uint64_t base, uint64_t end)
{
	unsigned i = range_index_after(b, base);
	return i < b->nranges && b->r[i].base < end;
}

static unsigned pieces_of(uint64_t base, uint64_t end)
{
	return (unsigned)((end - 1) / PW_MAX_SPAN - base / PW_MAX_SPAN + 1);
}

static status_t add_validate(struct buddy *b, unsigned node, unsigned zone, uint64_t base,
			     uint64_t npages, uint64_t *meta, size_t meta_bytes, unsigned flags)
{
	uint64_t end;
	if (node >= BUDDY_MAX_NODES || zone >= BUDDY_NZONES || (flags & ~BUDDY_RANGE_ZERO_ON_ALLOC))
		return ST_RANGE;
	if (npages == 0 || !meta || ((uintptr_t)meta & 7))
		return ST_INVALID;
	if (add_overflows(base, npages, &end) || end > ((uint64_t)1 << 52))
		return ST_RANGE;
	if (meta_bytes < buddy_meta_bytes(npages))
		return ST_INVALID;
	if ((flags & BUDDY_RANGE_ZERO_ON_ALLOC) && (!b->ops || !b->ops->zero))
		return ST_UNSUPPORTED;
	if (overlaps_managed(b, base, end))
		return ST_EXISTS;
	if (fault_hit(FAULT_SLOT) ||
	    buddy_ranges_room(b, (uint64_t)b->nranges + pieces_of(base, end)) != ST_OK)
		return ST_NOMEM; /* the table is full and cannot grow: nothing changed */
	return ST_OK;
}

/* A descriptor this piece can extend, or NULL. */
static struct buddy_range *add_joinable(struct buddy *b, unsigned node, unsigned zone,
					uint64_t base, uint64_t end, uint64_t *meta, unsigned flags)
{
	struct buddy_range *r = base ? buddy_range_of(b, base - 1) : NULL;
	if (!r || r->end != base || r->node != node || r->zone != zone || r->flags != flags)
		return NULL;
	if (bw(r, base) != meta || end - r->origin > PW_MAX_SPAN)
		return NULL;
	return r;
}

/* Links the last descriptor i into its zone's list, which is in index order: after the
 * nearest earlier descriptor of the zone, or first. Boot adds its RAM pieces in address
 * order, so each costs O(1) instead of a relink of every zone (O(n) each, O(n^2) in all). */
static void link_last(struct buddy *b, unsigned i)
{
	struct buddy_range *r = &b->r[i];
	r->z = &b->zone[r->node][r->zone];
	r->next = -1;
	for (unsigned j = i; j-- > 0;)
		if (b->r[j].z == r->z) {
			b->r[j].next = (int16_t)i;
			return;
		}
	r->z->first = (int16_t)i;
}

static struct buddy_range *add_descriptor(struct buddy *b, unsigned node, unsigned zone,
					  uint64_t base, uint64_t end, uint64_t *meta,
					  unsigned flags)
{
	unsigned i = range_index_after(b, base); /* base is in no descriptor (add_validate) */
	rangeset_slot_open(b->r, b->nranges, i, sizeof b->r[0]);
	b->nranges++;
	struct buddy_range *r = &b->r[i];
	memset(r, 0, sizeof *r);
	r->base = r->origin = base;
	r->end = end;
	r->meta = meta;
	r->node = (uint8_t)node;
	r->zone = (uint8_t)zone;
	r->flags = (uint16_t)flags;
	for (unsigned o = 0; o < BUDDY_NORDERS; o++)
		r->head[o] = PW_LINK_NONE;
	if (i + 1 == b->nranges)
		link_last(b, i);
	else /* every later index moved up by one */
		buddy_relink_zones(b);
	return r;
}

status_t buddy_add_range_locked(struct buddy *b, unsigned node, unsigned zone, uint64_t base,
				uint64_t npages, uint64_t *meta, size_t meta_bytes, unsigned flags)
{
	status_t st = add_validate(b, node, zone, base, npages, meta, meta_bytes, flags);
	if (st != ST_OK)
		return st;
	memset(meta, 0, buddy_meta_bytes(npages));
	for (uint64_t p = base, end = base + npages; p < end;) {
		uint64_t q = MIN(end, (p / PW_MAX_SPAN + 1) * PW_MAX_SPAN);
		uint64_t *m = meta + (p - base);
		struct buddy_range *r = add_joinable(b, node, zone, p, q, m, flags);
		if (r)
			r->end = q;
		else
			r = add_descriptor(b, node, zone, p, q, m, flags);
		r->z->st.total += q - p;
		buddy_free_span(r, p, q);
		p = q;
	}
	return ST_OK;
}

/* Drop the pages of [p, q) (one descriptor) from lists and accounting; words become 0. */
static void remove_pages(struct buddy_range *r, uint64_t p, uint64_t q)
{
	r->z->st.total -= q - p;
	while (p < q) {
		uint64_t h;
		buddy_block_of(r, p, &h);
		uint64_t w = *bw(r, h), hi = p + 1;
		if (pw_state(w) == PAGE_FREE) {
			unsigned o = pw_order(w);
			hi = MIN(q, h + ((uint64_t)1 << o));
			bl_remove(r, o, h);
			*bw(r, h) = 0;
			buddy_free_span(r, h, p);
			buddy_free_span(r, hi, h + ((uint64_t)1 << o));
		} else if (pw_state(w) == PAGE_ISOLATED) {
			hi = MIN(q, h + pw_span(w));
			*bw(r, h) = 0;
			buddy_iso_fill(r, h, p, false); /* parts outside [p, q) stay isolated */
			buddy_iso_fill(r, hi, h + pw_span(w), false);
			r->z->st.isolated -= hi - p;
		} else {
			r->z->st.owner[pw_owner(w)]--;
		}
		*bw(r, p) = 0;
		p = hi;
	}
}

/* Move the free blocks of [p, r2->end) from r's lists to r2's (same origin and metadata). */
static void remove_move_lists(struct buddy_range *r, struct buddy_range *r2)
{
	for (uint64_t p = r2->base; p < r2->end;) {
		uint64_t w = *bw(r, p);
		if (pw_state(w) == PAGE_FREE) {
			bl_remove(r, pw_order(w), p);
			bl_push(r2, pw_order(w), p);
		}
		p += pw_span(w);
	}
}

/* Cut [base, end) out of descriptor index i (whose pages there are already dropped). */
static void remove_from_descriptor(struct buddy *b, unsigned i, uint64_t base, uint64_t end)
{
	struct buddy_range *r = &b->r[i];
	if (base <= r->base && end >= r->end) {
		rangeset_slot_close(b->r, b->nranges, i, sizeof *r);
		b->nranges--;
	} else if (base <= r->base) {
		r->base = end;
	} else if (end >= r->end) {
		r->end = base;
	} else {
		rangeset_slot_open(b->r, b->nranges, i + 1, sizeof *r);
		b->nranges++;
		r[1] = r[0]; /* the second piece starts as a copy of the first */
		struct buddy_range *r2 = r + 1;
		r->end = base;
		r2->base = end;
		r2->mask = 0;
		for (unsigned o = 0; o < BUDDY_NORDERS; o++)
			r2->head[o] = PW_LINK_NONE;
		remove_move_lists(r, r2);
	}
	buddy_relink_zones(b);
}

static status_t remove_validate(struct buddy *b, uint64_t base, uint64_t end)
{
	for (uint64_t p = base; p < end;) {
		struct buddy_range *r = buddy_range_of(b, p);
		if (!r)
			return ST_NOTFOUND;
		p = r->end;
	}
	for (uint64_t p = base; p < end;) {
		struct buddy_range *r = buddy_range_of(b, p);
		for (uint64_t q = MIN(end, r->end); p < q;) {
			uint64_t h;
			if (!buddy_block_of(r, p, &h))
				return ST_NOTFOUND;
			uint64_t w = *bw(r, h);
			unsigned s = pw_state(w);
			if (s != PAGE_FREE && s != PAGE_ISOLATED && s != PAGE_CARVED)
				return ST_BUSY;
			p = MIN(q, h + pw_span(w));
		}
	}
	/* only a descriptor holding all of [base, end) can be cut in the middle; growing the table
	 * moves the descriptors, so it comes after every use of r above */
	const struct buddy_range *r = buddy_range_of(b, base);
	if (r->base < base && end < r->end && buddy_ranges_room(b, b->nranges + 1) != ST_OK)
		return ST_NOMEM;
	return ST_OK;
}

status_t buddy_remove_range_locked(struct buddy *b, uint64_t base, uint64_t npages)
{
	uint64_t end;
	if (npages == 0 || add_overflows(base, npages, &end))
		return ST_INVALID;
	status_t st = remove_validate(b, base, end);
	if (st != ST_OK)
		return st;
	if (!buddy_iso_cut(b, base, end, true))
		return ST_NOMEM;
	buddy_iso_cut(b, base, end, false);
	for (uint64_t p = base; p < end;) {
		struct buddy_range *r = buddy_range_of(b, p);
		uint64_t q = MIN(end, r->end);
		remove_pages(r, p, q);
		remove_from_descriptor(b, (unsigned)(r - b->r), p, q);
		p = q;
	}
	return ST_OK;
}
