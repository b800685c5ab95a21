/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_dirty.c - deferred scrub: devdax memory that may still hold bytes of an earlier user
 * (memory that reclaim took back from the page allocator without zeroing it).
 *
 * d->dirty[0..ndirty) are page-aligned extents, sorted, disjoint, each inside one region,
 * never overlapping a claimed, mapped or system-ram device (only memory the allocator holds
 * for nobody), and two extents of the same region never touch (they are merged). dax_claim
 * zeroes the part of the device they cover and drops it from the table before the owner gets
 * the device (dax_dirty_scrub), so no byte of an earlier user is ever readable by the next
 * owner; hand-off takes the device's part out of the table first (dax_dirty_take).
 *
 * The table starts with DAX_INIT_DIRTY extents inside struct dax and doubles from ops->alloc
 * (the kernel heap). When it cannot grow, nothing is lost: a new extent is refused (ST_NOMEM,
 * its caller zeroes that memory at once) and a cut that would need a split zeroes the shorter
 * piece instead (dax_dirty_cut).
 *
 * Every write here goes through dax_zero_unowned, which CHECKs that the range lies wholly in
 * region free space or unclaimed devdax devices: a scrub can never reach memory an owner or
 * the page allocator holds, whatever the table's state. */
#include "lib/check.h"
#include "lib/fault.h"
#include "mm/dax_internal.h"

/* Room for n extents, growing the table from ops->alloc (the old extents stay as they are).
 * Errors: ST_NOMEM (no ops->alloc, or it refused); nothing changes then. */
static status_t dax_dirty_room(struct dax *d, uint64_t n)
{
	bool later;
	return dax_room(d, DAX_TABLE_DIRTY, d->cap_dirty, n, &later);
}

static int dax_region_holding(const struct dax *d, struct range e)
{
	for (uint32_t r = 0; r < d->nregions; r++) {
		const struct dax_region *g = &d->regions[r];
		if (g->used && e.base >= g->base && e.end <= g->base + g->size)
			return (int)r;
	}
	return -1;
}

/* a overlaps or touches e, and lies in region g. */
static bool dax_dirty_joins(struct range a, struct range e, const struct dax_region *g)
{
	return a.base <= e.end && e.base <= a.end && a.base >= g->base &&
	       a.end <= g->base + g->size;
}

status_t dax_defer_scrub_locked(struct dax *d, struct range e)
{
	if (e.base >= e.end || !IS_ALIGNED(e.base | e.end, PAGE_SIZE))
		return ST_INVALID;
	int r = dax_region_holding(d, e);
	if (r < 0)
		return ST_NOTFOUND;
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		const struct dax_device *x = &d->devices[i];
		if (x->used && (x->state != DAX_UNCLAIMED || x->mode != DAX_MODE_DEVDAX) &&
		    range_overlaps(e, (struct range){ x->base, x->base + x->size }))
			return ST_BUSY;
	}
	const struct dax_region *g = &d->regions[r];
	/* the extents e joins are consecutive (sorted, disjoint, all within e's span in g) */
	uint32_t first = d->ndirty, joined = 0;
	for (uint32_t i = 0; i < d->ndirty; i++)
		if (dax_dirty_joins(d->dirty[i], e, g)) {
			first = MIN(first, i);
			joined++;
		}
	if (fault_hit(FAULT_SLOT) || dax_dirty_room(d, d->ndirty - joined + 1) != ST_OK)
		return ST_NOMEM;
	struct range m = e;
	if (joined) {
		m.base = MIN(m.base, d->dirty[first].base);
		m.end = MAX(m.end, d->dirty[first + joined - 1].end);
		for (uint32_t k = 1; k < joined; k++) /* slot `first` stays, for m */
			rangeset_slot_close(d->dirty, d->ndirty--, first + 1, sizeof m);
	} else {
		first = rangeset_lower(d->dirty, d->ndirty, e.base);
		CHECK_OP(d->ndirty, <, d->cap_dirty); /* dax_dirty_room above */
		rangeset_slot_open(d->dirty, d->ndirty, first, sizeof m);
		d->ndirty++;
	}
	d->dirty[first] = m;
	return ST_OK;
}

uint64_t dax_dirty_bytes_locked(const struct dax *d, struct range q)
{
	return rangeset_bytes_in(d->dirty, d->ndirty, q);
}

bool dax_range_unowned(const struct dax *d, struct range q)
{
	int r = dax_region_holding(d, q);
	if (r < 0 || q.base >= q.end)
		return false;
	const struct dax_region *g = &d->regions[r];
	/* free extents and devices are disjoint: bytes add up */
	uint64_t covered = rangeset_bytes_in(g->free, g->nfree, q);
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		const struct dax_device *x = &d->devices[i];
		struct range xr = { x->base, x->base + x->size };
		if (x->used && x->region == (uint32_t)r && x->mode == DAX_MODE_DEVDAX &&
		    x->state == DAX_UNCLAIMED && range_overlaps(xr, q))
			covered += range_overlap_bytes(xr, q);
	}
	return covered == range_size(q);
}

/* Zeroes q, which must be memory the allocator holds for nobody (CHECKed at the write). */
static void dax_zero_unowned(struct dax *d, struct range q)
{
	CHECK(dax_range_unowned(d, q));
	d->ops->scrub(d->ops->ctx, q);
}

/* Takes q out of the table; zeroes what it takes when `zero`. An extent that q cuts in the
 * middle is split; when the table has no slot for the second piece, the shorter piece is
 * zeroed and taken too (it is unowned memory: extents never cover a claimed, mapped or
 * system-ram device), so the fallback never touches memory outside the allocator. */
static uint64_t dax_dirty_cut(struct dax *d, struct range q, bool zero)
{
	uint64_t done = 0;
	for (uint32_t i = 0; i < d->ndirty;) {
		struct range *a = &d->dirty[i];
		if (!range_overlaps(*a, q)) {
			i++;
			continue;
		}
		struct range cut = { MAX(a->base, q.base), MIN(a->end, q.end) };
		bool middle = a->base < cut.base && a->end > cut.end;
		if (middle && (fault_hit(FAULT_SLOT) || d->ndirty >= d->cap_dirty)) {
			struct range side;
			if (cut.base - a->base <= a->end - cut.end) {
				side = (struct range){ a->base, cut.base };
				cut.base = a->base;
			} else {
				side = (struct range){ cut.end, a->end };
				cut.end = a->end;
			}
			dax_zero_unowned(d, side);
			done += range_size(side);
		}
		if (zero) {
			dax_zero_unowned(
				d, (struct range){ MAX(cut.base, q.base), MIN(cut.end, q.end) });
			done += MIN(cut.end, q.end) - MAX(cut.base, q.base);
		}
		/* there is room for a split, or the fallback above left none */
		CHECK_OK(rangeset_cut(d->dirty, &d->ndirty, d->cap_dirty, cut));
		i = rangeset_lower(d->dirty, d->ndirty, cut.end);
	}
	return done;
}

uint64_t dax_dirty_scrub(struct dax *d, struct range dev) { return dax_dirty_cut(d, dev, true); }

status_t dax_dirty_cut_room(struct dax *d, struct range q)
{
	/* extents are disjoint: at most one holds q with memory on both sides */
	uint32_t i = rangeset_lower(d->dirty, d->ndirty, q.base);
	if (i >= d->ndirty || !(d->dirty[i].base < q.base && d->dirty[i].end > q.end))
		return ST_OK;
	bool later;
	dax_room(d, DAX_TABLE_DIRTY, d->cap_dirty, (uint64_t)d->ndirty + 1, &later);
	return later ? ST_NOMEM : ST_OK; /* cannot grow: the cut zeroes the shorter side */
}

status_t dax_dirty_take_locked(struct dax *d, uint32_t dev, uint64_t *zeroed)
{
	const struct dax_device *x = dax_dev(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->mode != DAX_MODE_DEVDAX || x->state != DAX_UNCLAIMED)
		return ST_BUSY;
	if (dax_dirty_cut_room(d, (struct range){ x->base, x->base + x->size }) != ST_OK)
		return ST_NOMEM; /* grown with the lock dropped, then run again */
	uint64_t z = dax_dirty_cut(d, (struct range){ x->base, x->base + x->size }, false);
	if (zeroed)
		*zeroed = z;
	return ST_OK;
}

status_t dax_defer_scrub_device_locked(struct dax *d, uint32_t dev)
{
	const struct dax_device *x = dax_device_get(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->state != DAX_UNCLAIMED || x->mode != DAX_MODE_DEVDAX)
		return ST_BUSY;
	struct range xr = range_of(pa_of(x->base), x->size);
	status_t st = dax_defer_scrub_locked(d, xr); /* only ST_NOMEM: the table is full */
	if (st == ST_NOMEM && dax_grow_wants(d, DAX_TABLE_DIRTY))
		return ST_NOMEM; /* it grows with the lock dropped, then this runs again */
	if (st != ST_OK)
		d->ops->scrub(d->ops->ctx, xr); /* no room, none to come: ours to zero now */
	return ST_OK;
}
