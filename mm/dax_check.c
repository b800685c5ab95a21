/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_check.c - the invariant walker of the dax allocator (see dax_check in mm/dax.h).
 *
 * Regions: disjoint, windows disjoint and inside the window area. Per region: free extents
 * sorted, non-empty, inside the region, never adjacent; devices inside the region, aligned,
 * with the window the layout rule gives; no two devices or a device and a free extent
 * overlap; free + device bytes == region size (with no overlap, every page is in exactly one
 * place). Per device: a unique name, owner/live/gen consistent with its state and the active
 * owner, written extents sorted, merged and inside the device (none when unclaimed).
 * Deferred-scrub
 * extents: see dax_check_dirty. */
#include "mm/dax_internal.h"

struct dax_checker {
	const struct dax *d;
	struct out *out;
	unsigned errors;
};

#define CHECK_THAT(c, cond, ...)                                                                   \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			(c)->errors++;                                                             \
			out_log((c)->out, LOG_ERR, "dax check: " __VA_ARGS__);                     \
		}                                                                                  \
	} while (0)

static void dax_check_free(struct dax_checker *c, uint32_t r, uint64_t *free_bytes)
{
	const struct dax_region *reg = &c->d->regions[r];
	*free_bytes = 0;
	CHECK_THAT(c, reg->nfree <= DAX_REGION_DEVICES + 1, "region %u has %u free extents", r,
		   reg->nfree);
	uint32_t n = MIN(reg->nfree, DAX_REGION_DEVICES + 1);
	struct rangeset_fault f;
	CHECK_THAT(c, rangeset_check(reg->free, n, true, &f) == ST_OK,
		   "region %u free extent %u [0x%llx, 0x%llx) after [0x%llx, 0x%llx): %s", r,
		   f.index, (unsigned long long)f.cur.base, (unsigned long long)f.cur.end,
		   (unsigned long long)f.prev.base, (unsigned long long)f.prev.end, f.why);
	for (uint32_t i = 0; i < n; i++) {
		struct range e = reg->free[i];
		CHECK_THAT(c, e.base >= reg->base && e.end <= reg->base + reg->size,
			   "region %u free extent [0x%llx, 0x%llx) is outside the region", r,
			   (unsigned long long)e.base, (unsigned long long)e.end);
	}
	*free_bytes = rangeset_bytes(reg->free, n);
}

static void dax_check_device_place(struct dax_checker *c, uint32_t i)
{
	const struct dax_device *x = &c->d->devices[i];
	const struct dax_region *reg = &c->d->regions[x->region];
	uint64_t rend = reg->base + reg->size;
	CHECK_THAT(c,
		   x->size > 0 && x->base >= reg->base && x->base <= rend &&
			   x->size <= rend - x->base,
		   "device %u [0x%llx, +0x%llx) outside region %u", i, (unsigned long long)x->base,
		   (unsigned long long)x->size, x->region);
	CHECK_THAT(c,
		   dax_align_valid(x->align) && x->align <= reg->align &&
			   IS_ALIGNED(x->base | x->size | x->window, x->align),
		   "device %u align 0x%llx bad for base 0x%llx size 0x%llx window 0x%llx", i,
		   (unsigned long long)x->align, (unsigned long long)x->base,
		   (unsigned long long)x->size, (unsigned long long)x->window);
	CHECK_THAT(c, x->window == reg->window + (x->base - reg->base),
		   "device %u window 0x%llx does not follow its region's", i,
		   (unsigned long long)x->window);
	for (uint32_t f = 0; f < reg->nfree && f <= DAX_REGION_DEVICES; f++)
		CHECK_THAT(
			c,
			!range_overlaps(reg->free[f], (struct range){ x->base, x->base + x->size }),
			"device %u overlaps free extent %u of region %u", i, f, x->region);
}

static void dax_check_device_state(struct dax_checker *c, uint32_t i)
{
	const struct dax *d = c->d;
	const struct dax_device *x = &d->devices[i];
	bool named = x->owner[0] != 0;
	bool active = named && d->active[0] && strcmp(x->owner, d->active) == 0;
	switch (x->state) {
	case DAX_UNCLAIMED:
		CHECK_THAT(c, !named && !x->live, "device %u unclaimed but has owner or mapping",
			   i);
		break;
	case DAX_CLAIMED:
		CHECK_THAT(c, dax_owner_valid(x->owner) && !x->live && x->gen != 0,
			   "device %u claimed with bad owner, gen or a live mapping", i);
		break;
	case DAX_MAPPED:
		CHECK_THAT(c, dax_owner_valid(x->owner) && x->gen != 0,
			   "device %u mapped with bad owner or gen", i);
		CHECK_THAT(c, x->live == active, "device %u live=%d but owner active=%d", i,
			   x->live, active);
		break;
	default: CHECK_THAT(c, false, "device %u in unknown state %d", i, (int)x->state);
	}
	CHECK_THAT(c, x->nwritten <= DAX_MAX_WRITTEN && (x->state != DAX_UNCLAIMED || !x->nwritten),
		   "device %u %s with %u written extents", i, dax_state_str(x->state), x->nwritten);
	for (uint32_t k = 0; k < x->nwritten && k < DAX_MAX_WRITTEN; k++) {
		struct range e = x->written[k];
		CHECK_THAT(
			c,
			e.base < e.end && IS_ALIGNED(e.base | e.end, PAGE_SIZE) &&
				e.base >= x->base && e.end <= x->base + x->size &&
				(k == 0 || x->written[k - 1].end < e.base),
			"device %u written extent %u [0x%llx, 0x%llx) empty, outside, unsorted or "
			"not merged",
			i, k, (unsigned long long)e.base, (unsigned long long)e.end);
	}
	CHECK_THAT(c,
		   x->mode == DAX_MODE_DEVDAX ||
			   (x->mode == DAX_MODE_SYSTEM_RAM && x->state == DAX_UNCLAIMED),
		   "device %u mode %d in state %s", i, (int)x->mode, dax_state_str(x->state));
}

/* Pairwise: no overlap, unique names, unique generations among claimed devices. */
static void dax_check_pairs(struct dax_checker *c, uint32_t i)
{
	const struct dax_device *x = &c->d->devices[i];
	for (uint32_t j = i + 1; j < c->d->cap_devices; j++) {
		const struct dax_device *y = &c->d->devices[j];
		if (!y->used)
			continue;
		CHECK_THAT(c,
			   !range_overlaps((struct range){ x->base, x->base + x->size },
					   (struct range){ y->base, y->base + y->size }),
			   "devices %u and %u overlap", i, j);
		CHECK_THAT(c, x->region != y->region || x->id != y->id,
			   "devices %u and %u share a name", i, j);
		CHECK_THAT(c,
			   x->state == DAX_UNCLAIMED || y->state == DAX_UNCLAIMED ||
				   x->gen != y->gen,
			   "devices %u and %u share generation %u", i, j, x->gen);
	}
}

static void dax_check_regions(struct dax_checker *c)
{
	const struct dax *d = c->d;
	CHECK_THAT(c, d->nregions <= d->cap_regions, "%u regions in %u slots", d->nregions,
		   d->cap_regions);
	for (uint32_t r = 0; r < d->nregions && r < d->cap_regions; r++) {
		const struct dax_region *a = &d->regions[r];
		CHECK_THAT(c,
			   a->used && a->size && dax_align_valid(a->align) &&
				   IS_ALIGNED(a->base | a->size, a->align) &&
				   a->window >= DAX_WINDOW_BASE &&
				   a->window % SIZE_1G == a->base % SIZE_1G,
			   "region %u malformed", r);
		CHECK_THAT(c,
			   a->window - DAX_WINDOW_BASE < DAX_WINDOW_SIZE &&
				   a->size <= DAX_WINDOW_BASE + DAX_WINDOW_SIZE - a->window,
			   "region %u window [0x%llx, +0x%llx) outside the window area", r,
			   (unsigned long long)a->window, (unsigned long long)a->size);
		for (uint32_t s = r + 1; s < d->nregions && s < d->cap_regions; s++) {
			const struct dax_region *b = &d->regions[s];
			CHECK_THAT(
				c,
				!range_overlaps((struct range){ a->base, a->base + a->size },
						(struct range){ b->base, b->base + b->size }) &&
					!range_overlaps(
						(struct range){ a->window, a->window + a->size },
						(struct range){ b->window, b->window + b->size }),
				"regions %u and %u overlap", r, s);
		}
	}
}

/* Deferred-scrub extents: sorted, disjoint, page-aligned, inside one region, never touching
 * another of the same region, never overlapping a claimed, mapped or system-ram device. */
static void dax_check_dirty(struct dax_checker *c)
{
	const struct dax *d = c->d;
	CHECK_THAT(c, d->ndirty <= d->cap_dirty, "%u deferred-scrub extents in a table of %u",
		   d->ndirty, d->cap_dirty);
	for (uint32_t i = 0; i < d->ndirty && i < d->cap_dirty; i++) {
		struct range e = d->dirty[i];
		int in = -1;
		for (uint32_t r = 0; r < d->nregions && r < d->cap_regions; r++)
			if (e.base >= d->regions[r].base &&
			    e.end <= d->regions[r].base + d->regions[r].size)
				in = (int)r;
		CHECK_THAT(c, e.base < e.end && IS_ALIGNED(e.base | e.end, PAGE_SIZE) && in >= 0,
			   "deferred-scrub extent [0x%llx, 0x%llx) empty, misaligned or outside a "
			   "region",
			   (unsigned long long)e.base, (unsigned long long)e.end);
		CHECK_THAT(c,
			   i == 0 || d->dirty[i - 1].end < e.base ||
				   (d->dirty[i - 1].end == e.base && in >= 0 &&
				    d->regions[in].base == e.base),
			   "deferred-scrub extents %u and %u unsorted or not merged", i - 1, i);
		for (uint32_t j = 0; j < d->cap_devices; j++) {
			const struct dax_device *x = &d->devices[j];
			CHECK_THAT(
				c,
				!x->used ||
					(x->state == DAX_UNCLAIMED && x->mode == DAX_MODE_DEVDAX) ||
					!range_overlaps(
						e, (struct range){ x->base, x->base + x->size }),
				"device %u is %s %s but holds deferred-scrub memory [0x%llx, "
				"0x%llx)",
				j, dax_mode_str(x->mode), dax_state_str(x->state),
				(unsigned long long)e.base, (unsigned long long)e.end);
		}
	}
}

status_t dax_check_locked(const struct dax *d, struct out *out)
{
	struct dax_checker c = { d, out, 0 };
	dax_check_regions(&c);
	dax_check_dirty(&c);
	CHECK_THAT(&c, !d->active[0] || dax_owner_valid(d->active), "bad active owner");
	CHECK_THAT(&c, dax_align_valid(d->window_page), "window page 0x%llx",
		   (unsigned long long)d->window_page);
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		if (!d->devices[i].used)
			continue;
		if (d->devices[i].region >= d->nregions || d->devices[i].region >= d->cap_regions) {
			CHECK_THAT(&c, false, "device %u in unknown region %u", i,
				   d->devices[i].region);
			continue;
		}
		dax_check_device_place(&c, i);
		dax_check_device_state(&c, i);
		dax_check_pairs(&c, i);
	}
	for (uint32_t r = 0; r < d->nregions && r < d->cap_regions; r++) {
		uint64_t free_bytes, dev_bytes = 0;
		dax_check_free(&c, r, &free_bytes);
		for (uint32_t i = 0; i < d->cap_devices; i++)
			if (d->devices[i].used && d->devices[i].region == r)
				dev_bytes += d->devices[i].size;
		CHECK_THAT(&c, dax_region_ndevices(d, r) <= DAX_REGION_DEVICES,
			   "region %u has %u devices", r, dax_region_ndevices(d, r));
		CHECK_THAT(&c, free_bytes + dev_bytes == d->regions[r].size,
			   "region %u: free 0x%llx + devices 0x%llx != size 0x%llx", r,
			   (unsigned long long)free_bytes, (unsigned long long)dev_bytes,
			   (unsigned long long)d->regions[r].size);
	}
	return c.errors ? ST_INVALID : ST_OK;
}
