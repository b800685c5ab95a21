/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_grow.c - the region, device and deferred-scrub tables of struct dax: finding a free slot,
 * and doubling a table from ops->alloc when none is left (lib/table.h, mm/dax.h).
 *
 * ops->alloc is the kernel heap, which takes locks that rank after DAX: no table grows with
 * d->lock held. A check step that finds a table full notes the entries it wants (dax_room)
 * and refuses with nothing changed; the public function (mm/dax_lock.c) drops the lock, grows
 * the table (a copy of the old one followed by zeroed slots, swapped in under the lock; the
 * old one goes back to ops->free unless it is the array inside struct dax) and runs the
 * operation again. The wants and refusals are that operation's own (struct dax_grow in its
 * locals, reached through d->grow only while its locked step runs), so one operation's end
 * never clears another's refusal or takes its want. Callers ask for room only after every
 * other check passed, so growth never happens for an operation refused for another reason,
 * and a refused growth refuses the operation with nothing changed and its message. */
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"
#include "mm/dax_internal.h"

/* Where grown tables come from: ops->alloc and ops->free (none when d has no ops). */
struct table_alloc dax_table_alloc(const struct dax *d)
{
	if (!d->ops)
		return (struct table_alloc){ 0, 0, 0 };
	return (struct table_alloc){ d->ops->alloc, d->ops->free, d->ops->ctx };
}

void dax_grow_begin(struct dax *d, struct dax_grow *g)
{
	ASSERT(!d->grow); /* one operation in its locked step at a time: d->lock */
	memset(g->want, 0, sizeof g->want);
	d->grow = g;
}

void dax_grow_end(struct dax *d) { d->grow = NULL; }

status_t dax_room(struct dax *d, enum dax_table t, uint32_t cap, uint64_t need, bool *later)
{
	struct dax_grow *g = d->grow;
	*later = false;
	if (need <= cap)
		return ST_OK;
	if (g && d->ops && d->ops->alloc && !(g->refused & (1u << t)) && need <= UINT32_MAX) {
		g->want[t] = MAX(g->want[t], (uint32_t)need);
		*later = true;
	}
	return ST_NOMEM;
}

bool dax_grow_wants(const struct dax *d, enum dax_table t) { return d->grow && d->grow->want[t]; }

/* Table t's array, size, element size and inline array. */
static void dax_table_of(struct dax *d, enum dax_table t, void ***tab, uint32_t **cap, size_t *elem,
			 const void **inl)
{
	switch (t) {
	case DAX_TABLE_REGIONS:
		*tab = (void **)&d->regions, *cap = &d->cap_regions;
		*elem = sizeof d->regions[0], *inl = d->regions0;
		break;
	case DAX_TABLE_DEVICES:
		*tab = (void **)&d->devices, *cap = &d->cap_devices;
		*elem = sizeof d->devices[0], *inl = d->devices0;
		break;
	default:
		*tab = (void **)&d->dirty, *cap = &d->cap_dirty;
		*elem = sizeof d->dirty[0], *inl = d->dirty0;
		break;
	}
}

bool dax_grow_wanted(struct dax *d, struct dax_grow *g)
{
	struct table_alloc a = dax_table_alloc(d);
	bool any = false;
	for (unsigned t = 0; t < DAX_NTABLES; t++) {
		uint32_t want = g->want[t];
		g->want[t] = 0;
		if (!want)
			continue;
		any = true;
		void **tab;
		uint32_t *cap;
		size_t elem;
		const void *inl;
		dax_table_of(d, (enum dax_table)t, &tab, &cap, &elem, &inl);
		spin_lock(&d->lock);
		uint32_t seen = *cap;
		spin_unlock(&d->lock);
		struct table_spare sp;
		status_t st = table_spare_get(&a, &sp, seen, elem, want); /* unlocked: the heap */
		if (st != ST_OK) {
			g->refused |= 1u << t; /* this operation's refusal: it reports it */
			continue;
		}
		spin_lock(&d->lock);
		table_spare_install(&sp, tab, cap, elem, inl);
		spin_unlock(&d->lock);
		table_spare_put(&a, &sp); /* the old array, or the spare if another CPU grew it */
	}
	return any;
}

status_t dax_device_slot(struct dax *d, const char *op, bool inject, uint32_t *slot)
{
	bool none = inject && fault_hit(FAULT_SLOT); /* as if every slot were in use, no growth */
	for (uint32_t i = 0; i < d->cap_devices && !none; i++)
		if (!d->devices[i].used) {
			*slot = i;
			return ST_OK;
		}
	bool later = false;
	if (!none)
		dax_room(d, DAX_TABLE_DEVICES, d->cap_devices, (uint64_t)d->cap_devices + 1,
			 &later);
	if (!later)
		out_log(d->log, LOG_ERR,
			"%s: all %u device slots in use and the table cannot grow "
			"(no kernel heap memory for %u)",
			op, d->cap_devices, d->cap_devices * 2);
	return ST_NOMEM;
}

status_t dax_region_slot(struct dax *d, uint64_t base, uint64_t size)
{
	bool later;
	if (dax_room(d, DAX_TABLE_REGIONS, d->cap_regions, (uint64_t)d->nregions + 1, &later) ==
	    ST_OK)
		return ST_OK;
	if (!later)
		out_log(d->log, LOG_ERR,
			"dax: no region slot for [0x%llx, +0x%llx): all %u in use and "
			"the table cannot grow (no kernel heap memory for %u)",
			(unsigned long long)base, (unsigned long long)size, d->cap_regions,
			d->cap_regions * 2);
	return ST_NOMEM;
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
