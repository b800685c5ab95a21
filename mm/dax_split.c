/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_split.c - splitting one device in two at an offset (partial reclaim of a system-ram
 * device returns the tail as a new devdax device).
 *
 * Device x = [base, base+size) becomes x = [base, base+offset) and a new device
 * [base+offset, base+size) in the same region, with the same mode and the next free <n>.
 * Each keeps the largest alignment (at most the old one) that divides its base and size, and
 * its window stays region window + (base - region base). Only an UNCLAIMED device splits. */
#include "mm/dax.h"
#include "mm/dax_internal.h"

static uint32_t split_next_id(const struct dax *d, uint32_t region)
{
	uint32_t id = 0;
	for (uint32_t i = 0; i < d->cap_devices; i++)
		if (d->devices[i].used && d->devices[i].region == region && d->devices[i].id >= id)
			id = d->devices[i].id + 1;
	return id;
}

static status_t split_validate(struct dax *d, uint32_t dev, uint64_t offset, uint32_t *slot)
{
	struct dax_device *x = dax_dev(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->state != DAX_UNCLAIMED) {
		out_log(d->log, LOG_ERR, "dax split: device index %u is %s", dev,
			dax_state_str(x->state));
		return ST_BUSY;
	}
	if (offset == 0 || offset >= x->size || !IS_ALIGNED(offset, PAGE_SIZE)) {
		out_log(d->log, LOG_ERR,
			"dax split: offset 0x%llx must be a page multiple inside "
			"(0, 0x%llx)",
			(unsigned long long)offset, (unsigned long long)x->size);
		return ST_INVALID;
	}
	uint32_t ndev = dax_region_ndevices(d, x->region);
	if (ndev >= DAX_REGION_DEVICES) {
		out_log(d->log, LOG_ERR, "dax split: region %u already has %u devices (max %u)",
			x->region, ndev, DAX_REGION_DEVICES);
		return ST_NOMEM;
	}
	/* last check: it may grow; reclaim reserved the slot (dax_device_reserve) before its
	 * commit step calls this, so no injected failure here */
	return dax_device_slot(d, "dax split", false, slot);
}

status_t dax_split_device_locked(struct dax *d, uint32_t dev, uint64_t offset, uint32_t *new_dev)
{
	uint32_t slot;
	status_t st = split_validate(d, dev, offset, &slot);
	if (st != ST_OK)
		return st;
	struct dax_device *x = &d->devices[dev], *y = &d->devices[slot];
	uint64_t tail_base = x->base + offset, tail_size = x->size - offset;
	uint32_t gen = y->gen;
	*y = *x;
	y->id = split_next_id(d, x->region);
	y->gen = gen ? gen : dax_gen_fresh(d);
	y->base = tail_base;
	y->size = tail_size;
	y->window = x->window + offset;
	y->align = MIN(x->align, dax_align_best(tail_base, tail_size));
	x->size = offset;
	x->align = MIN(x->align, dax_align_best(x->base, offset));
	if (new_dev)
		*new_dev = slot;
	return ST_OK;
}
