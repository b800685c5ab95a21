/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_grow.c - the region, device and deferred-scrub tables of struct dax: finding a free slot,
 * and doubling a table from ops->alloc when none is left (lib/table.h, mm/dax.h).
 *
 * A grown table is a copy of the old one followed by zeroed slots (a zero slot is unused); the
 * old one goes back to ops->free unless it is the array inside struct dax. Growth either
 * completes or changes nothing, and callers grow only after every other check passed, so a
 * refused growth leaves the allocator exactly as it was. */
#include "lib/check.h"
#include "lib/fault.h"
#include "mm/dax_internal.h"

/* Where grown tables come from: ops->alloc and ops->free (none when d has no ops). */
struct table_alloc dax_table_alloc(const struct dax *d)
{
	if (!d->ops)
		return (struct table_alloc){ 0, 0, 0 };
	return (struct table_alloc){ d->ops->alloc, d->ops->free, d->ops->ctx };
}

/* Doubles *tab (cap elements of elem bytes); ST_NOMEM when ops->alloc is absent or refuses. */
static status_t dax_table_grow(struct dax *d, void **tab, uint32_t *cap, size_t elem,
			       const void *inline_tab)
{
	struct table_alloc a = dax_table_alloc(d);
	return table_reserve(&a, tab, cap, elem, inline_tab, (uint64_t)*cap + 1);
}

status_t dax_device_slot(struct dax *d, const char *op, bool inject, uint32_t *slot)
{
	bool none = inject && fault_hit(FAULT_SLOT); /* as if every slot were in use, no growth */
	for (uint32_t i = 0; i < d->cap_devices && !none; i++)
		if (!d->devices[i].used) {
			*slot = i;
			return ST_OK;
		}
	uint32_t old = d->cap_devices;
	void *tab = d->devices;
	if (none ||
	    dax_table_grow(d, &tab, &d->cap_devices, sizeof d->devices[0], d->devices0) != ST_OK) {
		out_log(d->log, LOG_ERR,
			"%s: all %u device slots in use and the table cannot grow "
			"(no kernel heap memory for %u)",
			op, old, old * 2);
		return ST_NOMEM;
	}
	d->devices = tab;
	*slot = old; /* the first of the new, zeroed slots */
	return ST_OK;
}

status_t dax_region_slot(struct dax *d, uint64_t base, uint64_t size)
{
	if (d->nregions < d->cap_regions)
		return ST_OK;
	uint32_t old = d->cap_regions;
	void *tab = d->regions;
	if (dax_table_grow(d, &tab, &d->cap_regions, sizeof d->regions[0], d->regions0) != ST_OK) {
		out_log(d->log, LOG_ERR,
			"dax: no region slot for [0x%llx, +0x%llx): all %u in use and "
			"the table cannot grow (no kernel heap memory for %u)",
			(unsigned long long)base, (unsigned long long)size, old, old * 2);
		return ST_NOMEM;
	}
	d->regions = tab;
	return ST_OK;
}

status_t dax_device_reserve_locked(struct dax *d, uint32_t region, const char *op)
{
	if (region >= d->nregions)
		return ST_NOTFOUND;
	uint32_t ndev = dax_region_ndevices(d, region), slot;
	if (ndev >= DAX_REGION_DEVICES) {
		out_log(d->log, LOG_ERR, "%s: region %u already has %u devices (max %u)", op,
			region, ndev, DAX_REGION_DEVICES);
		return ST_NOMEM;
	}
	return dax_device_slot(d, op, true, &slot);
}

uint32_t dax_region_ndevices(const struct dax *d, uint32_t r)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < d->cap_devices; i++)
		n += d->devices[i].used && d->devices[i].region == r;
	return n;
}

void dax_fini(struct dax *d)
{
	struct table_alloc a = dax_table_alloc(d);
	void *t = d->regions;
	if (t)
		table_release(&a, &t, d->regions0);
	if ((t = d->devices))
		table_release(&a, &t, d->devices0);
	if ((t = d->dirty))
		table_release(&a, &t, d->dirty0);
	memset(d, 0, sizeof *d);
}
