/* dax_dirty.c - deferred scrub: devdax memory that may still hold bytes of an earlier user
 * (memory that reclaim took back from the page allocator without zeroing it).
 *
 * d->dirty[0..ndirty) are page-aligned extents, sorted, disjoint, each inside one region,
 * never overlapping a claimed or mapped device, and two extents of the same region never
 * touch (they are merged). dax_claim zeroes the part of the device they cover and drops it
 * from the table before the owner gets the device (dax_dirty_scrub), so no byte of an earlier
 * user is ever readable by the next owner. */
#include "mm/dax_internal.h"

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
	return a.base <= e.end && e.base <= a.end && a.base >= g->base && a.end <= g->base + g->size;
}

status_t dax_defer_scrub(struct dax *d, uint64_t base, uint64_t size)
{
	struct range e;
	if (size == 0 || add_overflows(base, size, &e.end) || !IS_ALIGNED(base | size, PAGE_SIZE))
		return ST_INVALID;
	e.base = base;
	int r = dax_region_holding(d, e);
	if (r < 0)
		return ST_NOTFOUND;
	for (uint32_t i = 0; i < DAX_MAX_DEVICES; i++) {
		const struct dax_device *x = &d->devices[i];
		if (x->used && x->state != DAX_UNCLAIMED &&
		    range_overlaps(e, (struct range){ x->base, x->base + x->size }))
			return ST_BUSY;
	}
	const struct dax_region *g = &d->regions[r];
	struct range out[DAX_MAX_DIRTY];
	uint32_t n = 0, joined = 0;
	for (uint32_t i = 0; i < d->ndirty; i++)
		joined += dax_dirty_joins(d->dirty[i], e, g);
	if (d->ndirty - joined + 1 > DAX_MAX_DIRTY)
		return ST_NOMEM;
	struct range m = e;
	bool placed = false;
	for (uint32_t i = 0; i < d->ndirty; i++) {
		struct range a = d->dirty[i];
		if (dax_dirty_joins(a, e, g)) {
			m.base = MIN(m.base, a.base);
			m.end = MAX(m.end, a.end);
			continue;
		}
		if (!placed && a.base > e.end) {
			out[n++] = m; /* every extent joining e comes before a */
			placed = true;
		}
		out[n++] = a;
	}
	if (!placed)
		out[n++] = m;
	memcpy(d->dirty, out, n * sizeof out[0]);
	d->ndirty = n;
	return ST_OK;
}

uint64_t dax_dirty_bytes(const struct dax *d, uint64_t base, uint64_t size)
{
	struct range q = { base, base + size };
	uint64_t sum = 0;
	for (uint32_t i = 0; i < d->ndirty; i++) {
		struct range a = d->dirty[i];
		if (range_overlaps(a, q))
			sum += MIN(a.end, q.end) - MAX(a.base, q.base);
	}
	return sum;
}

static void dax_dirty_drop(struct dax *d, uint32_t i)
{
	memmove(&d->dirty[i], &d->dirty[i + 1], (d->ndirty - i - 1) * sizeof d->dirty[0]);
	d->ndirty--;
}

uint64_t dax_dirty_scrub(struct dax *d, struct range dev)
{
	uint64_t done = 0;
	for (uint32_t i = 0; i < d->ndirty;) {
		struct range *a = &d->dirty[i];
		if (!range_overlaps(*a, dev)) {
			i++;
			continue;
		}
		bool middle = a->base < dev.base && a->end > dev.end;
		struct range cut = { MAX(a->base, dev.base), MIN(a->end, dev.end) };
		if (middle && d->ndirty == DAX_MAX_DIRTY)
			cut = *a; /* no slot to split it: zero all of it */
		d->ops->scrub(d->ops->ctx, cut.base, range_size(cut));
		done += range_size(cut);
		if (cut.base == a->base && cut.end == a->end) {
			dax_dirty_drop(d, i);
		} else if (middle) {
			memmove(&d->dirty[i + 2], &d->dirty[i + 1], (d->ndirty - i - 1) * sizeof d->dirty[0]);
			d->dirty[i + 1] = (struct range){ dev.end, a->end };
			a->end = dev.base;
			d->ndirty++;
			i += 2;
		} else {
			if (a->base < dev.base)
				a->end = dev.base;
			else
				a->base = dev.end;
			i++;
		}
	}
	return done;
}
