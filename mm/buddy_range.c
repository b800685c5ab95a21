/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_range.c - range operations of the buddy allocator: add, remove, carve, uncarve,
 * isolate, unisolate (semantics and state table in mm/buddy.h).
 *
 * Every operation first checks the whole range without changing anything (decode), then
 * commits in a step that cannot fail. A range may cover parts of several descriptors; it is
 * walked unit by unit, a unit being a free/allocated block or a single movable, carved or
 * isolated page, clipped to the range. */
#include "mm/buddy.h"

#include "lib/fault.h"
#include "lib/kstring.h"
#include "mm/buddy_internal.h"

struct unit {
	struct buddy_range *r;
	uint64_t head, w; /* the block's head and word */
	uint64_t lo, hi;  /* its pages inside the walked range */
};

/* The unit containing *p (clipped to end); false if *p is not managed. */
static bool unit_at(const struct buddy *b, uint64_t p, uint64_t end, struct unit *u)
{
	u->r = buddy_range_of(b, p);
	if (!u->r || !buddy_block_of(u->r, p, &u->head))
		return false;
	u->w = *bw(u->r, u->head);
	u->lo = p;
	u->hi = MIN(MIN(end, u->r->end), u->head + pw_span(u->w));
	return true;
}

/* unit_at, and a movable page's unit grown over the movable pages after it that are pinned
 * alike (all pinned or none), within its range and `end`: isolation reads an object's
 * consecutive pages as one unit, not one at a time. */
static bool unit_run_at(const struct buddy *b, uint64_t p, uint64_t end, struct unit *u)
{
	if (!unit_at(b, p, end, u))
		return false;
	if (pw_state(u->w) != PAGE_MOVABLE)
		return true;
	bool pinned = pw_pins(u->w) != 0;
	uint64_t stop = MIN(end, u->r->end);
	while (u->hi < stop) {
		uint64_t w = pw_load(bw(u->r, u->hi));
		if (pw_state(w) != PAGE_MOVABLE || (pw_pins(w) != 0) != pinned)
			break;
		u->hi++;
	}
	return true;
}

static status_t range_args(uint64_t base, uint64_t npages, uint64_t *end)
{
	if (npages == 0 || add_overflows(base, npages, end))
		return ST_INVALID;
	return ST_OK;
}

/* Is every page of [base, end) managed? */
static bool range_covered(const struct buddy *b, uint64_t base, uint64_t end)
{
	for (uint64_t p = base; p < end;) {
		const struct buddy_range *r = buddy_range_of(b, p);
		if (!r)
			return false;
		p = r->end;
	}
	return true;
}

/* Every page of [base, end) managed (else ST_NOTFOUND) and in a state of allowed (a bit mask
 * of page states; else ST_BUSY)? */
static status_t range_states(const struct buddy *b, uint64_t base, uint64_t end, unsigned allowed)
{
	struct unit u;
	if (!range_covered(b, base, end))
		return ST_NOTFOUND;
	for (uint64_t p = base; p < end; p = u.hi) {
		if (!unit_run_at(b, p, end, &u)) /* a run of movable pages has one state */
			return ST_NOTFOUND;
		if (!(allowed & (1u << pw_state(u.w))))
			return ST_BUSY;
	}
	return ST_OK;
}

/* Unlink free unit u; its pages inside [lo, hi) become carved for `owner` (owner < 0: an
 * isolated block, written per block, not per page), the rest is freed again. */
static void take_free(const struct unit *u, int owner)
{
	struct buddy_range *r = u->r;
	unsigned o = pw_order(u->w);
	bl_remove(r, o, u->head);
	*bw(r, u->head) = 0;
	if (owner < 0) {
		buddy_iso_fill(r, u->lo, u->hi, false); /* the block's words are all zero now */
	} else {
		for (uint64_t i = u->lo; i < u->hi; i++)
			*bw(r, i) = pw_make_carved((unsigned)owner);
	}
	buddy_free_span(r, u->head, u->lo);
	buddy_free_span(r, u->hi, u->head + ((uint64_t)1 << o));
}

/* Take the pages [lo, hi) of isolated unit u out of its block: they get word 0 (the caller
 * writes them), the block's pages outside [lo, hi) stay isolated (as smaller blocks). */
static void take_isolated(const struct unit *u)
{
	struct buddy_range *r = u->r;
	uint64_t end = u->head + pw_span(u->w);
	*bw(r, u->head) = 0;
	buddy_iso_fill(r, u->head, u->lo, false);
	buddy_iso_fill(r, u->hi, end, false);
}

status_t buddy_carve_locked(struct buddy *b, uint64_t base, uint64_t npages, unsigned owner)
{
	uint64_t end;
	status_t st = range_args(base, npages, &end);
	if (st == ST_OK && owner >= BUDDY_OWNER_COUNT)
		st = ST_INVALID;
	if (st == ST_OK)
		st = range_states(b, base, end, 1u << PAGE_FREE | 1u << PAGE_ISOLATED);
	if (st != ST_OK)
		return st;
	struct unit u;
	for (uint64_t p = base; p < end; p = u.hi) {
		unit_at(b, p, end, &u);
		if (pw_state(u.w) == PAGE_FREE) {
			take_free(&u, (int)owner);
		} else {
			take_isolated(&u);
			for (uint64_t i = u.lo; i < u.hi; i++)
				*bw(u.r, i) = pw_make_carved(owner);
			u.r->z->st.isolated -= u.hi - u.lo;
		}
		u.r->z->st.owner[owner] += u.hi - u.lo;
	}
	return ST_OK;
}

status_t buddy_uncarve_locked(struct buddy *b, uint64_t base, uint64_t npages)
{
	uint64_t end;
	status_t st = range_args(base, npages, &end);
	if (st == ST_OK)
		st = range_states(b, base, end, 1u << PAGE_CARVED);
	if (st != ST_OK)
		return st;
	for (uint64_t p = base; p < end;) {
		struct buddy_range *r = buddy_range_of(b, p);
		uint64_t q = MIN(end, r->end);
		for (uint64_t i = p; i < q; i++)
			r->z->st.owner[pw_owner(*bw(r, i))]--;
		buddy_release_span(b, r, p, q);
		p = q;
	}
	return ST_OK;
}

/* Record [base, end) as isolated, merging with adjacent entries (on both sides); false if no
 * slot. dry: only answer. */
static bool iso_add(struct buddy *b, uint64_t base, uint64_t end, bool dry)
{
	int hit = -1;
	for (unsigned i = 0; i < b->niso; i++) {
		if (b->iso[i].end != base && b->iso[i].base != end)
			continue;
		if (dry)
			return true;
		base = MIN(b->iso[i].base, base);
		end = MAX(b->iso[i].end, end);
		if (hit >= 0) { /* bridged two entries: drop this one */
			b->iso[i--] = b->iso[--b->niso];
		} else {
			hit = (int)i;
		}
		b->iso[hit].base = base;
		b->iso[hit].end = end;
	}
	if (hit >= 0)
		return true;
	if (buddy_iso_room(b, b->niso + 1) != ST_OK) /* grows in the dry run, before any change */
		return false;
	if (!dry) {
		b->iso[b->niso].base = base;
		b->iso[b->niso].end = end;
		b->niso++;
	}
	return true;
}

static void iso_report(struct buddy_isolate_report *rep, const struct unit *u)
{
	uint64_t n = u->hi - u->lo;
	switch (pw_state(u->w)) {
	case PAGE_MOVABLE:
		rep->movable += n;
		if (pw_pins(u->w)) {
			rep->pinned += n;
			rep->first_pinned = MIN(rep->first_pinned, u->lo);
		}
		break;
	case PAGE_ALLOC:
		rep->unmovable += n;
		rep->first_unmovable = MIN(rep->first_unmovable, u->lo);
		break;
	case PAGE_CARVED: rep->carved += n; break;
	default: break;
	}
}

status_t buddy_isolate_locked(struct buddy *b, uint64_t base, uint64_t npages,
			      struct buddy_isolate_report *rep)
{
	struct buddy_isolate_report dummy;
	uint64_t end;
	status_t st = range_args(base, npages, &end);
	if (st == ST_OK)
		st = range_states(b, base, end, 0x7f); /* any state, per-CPU cached too */
	if (st == ST_OK && buddy_iso_overlaps(b, base, end))
		st = ST_BUSY;
	if (st == ST_OK && (fault_hit(FAULT_SLOT) || !iso_add(b, base, end, true)))
		st = ST_NOMEM;
	if (st != ST_OK)
		return st;
	rep = rep ? rep : &dummy;
	memset(rep, 0, sizeof *rep);
	rep->first_pinned = rep->first_unmovable = UINT64_MAX;
	iso_add(b, base, end, false);
	struct unit u;
	for (uint64_t p = base; p < end; p = u.hi) {
		unit_run_at(b, p, end, &u); /* managed: range_states above */
		if (pw_state(u.w) == PAGE_FREE) {
			take_free(&u, -1);
			u.r->z->st.isolated += u.hi - u.lo;
			rep->free += u.hi - u.lo;
		} else {
			iso_report(rep, &u);
		}
	}
	return ST_OK;
}

/* Remove [base, end) from the isolation table. dry: only say whether a slot suffices. */
bool buddy_iso_cut(struct buddy *b, uint64_t base, uint64_t end, bool dry)
{
	for (unsigned i = 0; i < b->niso; i++) {
		uint64_t eb = b->iso[i].base, ee = b->iso[i].end;
		if (ee <= base || end <= eb)
			continue;
		if (eb < base && end < ee) { /* split in two */
			if (buddy_iso_room(b, b->niso + 1) != ST_OK)
				return false;
			if (!dry) {
				b->iso[i].end = base;
				b->iso[b->niso].base = end;
				b->iso[b->niso++].end = ee;
			}
			return true;
		}
		if (dry)
			continue;
		if (eb >= base && ee <= end) { /* whole entry goes */
			b->iso[i--] = b->iso[--b->niso];
		} else if (eb < base) {
			b->iso[i].end = base;
		} else {
			b->iso[i].base = end;
		}
	}
	return true;
}

static bool iso_inside_one(const struct buddy *b, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < b->niso; i++)
		if (b->iso[i].base <= base && end <= b->iso[i].end)
			return true;
	return false;
}

status_t buddy_unisolate_locked(struct buddy *b, uint64_t base, uint64_t npages, uint64_t *freed)
{
	uint64_t end, n = 0;
	status_t st = range_args(base, npages, &end);
	if (st == ST_OK && !iso_inside_one(b, base, end))
		st = ST_NOTFOUND;
	if (st == ST_OK && !buddy_iso_cut(b, base, end, true))
		st = ST_NOMEM;
	if (st != ST_OK)
		return st;
	buddy_iso_cut(b, base, end, false);
	struct unit u;
	for (uint64_t p = base; p < end; p = u.hi) {
		unit_at(b, p, end, &u);
		if (pw_state(u.w) != PAGE_ISOLATED)
			continue;
		take_isolated(&u); /* parts outside [base, end) stay isolated */
		u.r->z->st.isolated -= u.hi - u.lo;
		buddy_release_span(b, u.r, u.lo, u.hi);
		n += u.hi - u.lo;
	}
	if (freed)
		*freed = n;
	return ST_OK;
}

unsigned buddy_fallback_node(const struct buddy *b, unsigned from, unsigned i)
{
	if (from >= BUDDY_MAX_NODES || i >= BUDDY_MAX_NODES)
		return BUDDY_MAX_NODES;
	return b->fallback[from][i];
}

uint32_t buddy_range_count(const struct buddy *b) { return b->nranges; }

status_t buddy_range_get(const struct buddy *b, uint32_t i, struct buddy_range_info *out)
{
	if (i >= b->nranges)
		return ST_NOTFOUND;
	const struct buddy_range *r = &b->r[i];
	*out = (struct buddy_range_info){
		.base = pfn_of(r->base), .end = pfn_of(r->end), .node = r->node, .zone = r->zone
	};
	return ST_OK;
}
