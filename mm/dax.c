/* SPDX-License-Identifier: BSD-2-Clause */
/* dax.c - regions and devices of the exclusive-ownership allocator: region setup, device
 * creation (first fit with alignment over the region's free extents) and destruction
 * (space returned and merged), lookup by name, and the issue-6 mode hooks.
 *
 * Free extents of a region are a sorted array of disjoint, non-adjacent half-open ranges;
 * with k devices in a region there are at most k + 1 of them, so the array never overflows. */
#include "lib/check.h"
#include "lib/fault.h"
#include "lib/fmt.h"
#include "mm/dax_internal.h"

void dax_init(struct dax *d, const struct dax_ops *ops, struct out *log, uint32_t seed)
{
	memset(d, 0, sizeof *d);
	spin_init(&d->lock, "dax", LOCK_RANK_DAX);
	d->ops = ops;
	d->log = log;
	d->next_gen = seed;
	d->regions = d->regions0;
	d->cap_regions = DAX_INIT_REGIONS;
	d->devices = d->devices0;
	d->cap_devices = DAX_INIT_DEVICES;
	d->dirty = d->dirty0;
	d->cap_dirty = DAX_INIT_DIRTY;
	d->window_page = DAX_WINDOW_PAGE;
}

uint64_t dax_align_best(uint64_t base, uint64_t size)
{
	static const uint64_t aligns[] = { SIZE_1G, SIZE_2M, PAGE_SIZE };
	for (size_t i = 0; i < ARRAY_SIZE(aligns); i++)
		if (IS_ALIGNED(base | size, aligns[i]))
			return aligns[i];
	return 0;
}

/* Lowest <n> not used by a device of region r. */
static uint32_t dax_next_id(const struct dax *d, uint32_t r)
{
	for (uint32_t id = 0;; id++) {
		bool taken = false;
		for (uint32_t i = 0; i < d->cap_devices && !taken; i++)
			taken = d->devices[i].used && d->devices[i].region == r &&
				d->devices[i].id == id;
		if (!taken)
			return id;
	}
}

/* COMMIT of a new device (slot already known to be free). */
static void dax_device_install(struct dax *d, uint32_t slot, uint32_t r, uint64_t base,
			       uint64_t size, uint64_t align)
{
	const struct dax_region *reg = &d->regions[r];
	struct dax_device *dev = &d->devices[slot];
	uint32_t gen = dev->gen;
	*dev = (struct dax_device){
		.used = true,
		.region = r,
		.id = dax_next_id(d, r),
		.base = base,
		.size = size,
		.align = align,
		.window = reg->window + (base - reg->base),
		.mode = DAX_MODE_DEVDAX,
		.state = DAX_UNCLAIMED,
		.gen = gen,
	};
}

static status_t dax_region_validate(struct dax *d, uint64_t base, uint64_t size, uint64_t align,
				    uint64_t *slot_size, uint32_t *slot)
{
	uint64_t end;
	if (size == 0 || !dax_align_valid(align) || !IS_ALIGNED(base | size, align)) {
		out_log(d->log, LOG_ERR, "dax: region [0x%llx, +0x%llx) align 0x%llx invalid",
			(unsigned long long)base, (unsigned long long)size,
			(unsigned long long)align);
		return ST_INVALID;
	}
	if (add_overflows(base, size, &end))
		return ST_RANGE;
	for (uint32_t i = 0; i < d->nregions; i++) {
		const struct dax_region *o = &d->regions[i];
		if (range_overlaps((struct range){ base, end },
				   (struct range){ o->base, o->base + o->size })) {
			out_log(d->log, LOG_ERR, "dax: region [0x%llx, 0x%llx) overlaps region %u",
				(unsigned long long)base, (unsigned long long)end, i);
			return ST_EXISTS;
		}
	}
	/* window slot: same offset mod 1 GiB as base, then a 1 GiB guard gap; computed only when
	 * it cannot wrap (a size near 2^64 has no window) */
	uint64_t span = (base % SIZE_1G) + MIN(size, DAX_WINDOW_SIZE);
	*slot_size = ALIGN_UP(span, SIZE_1G) + SIZE_1G;
	if (size > DAX_WINDOW_SIZE || *slot_size > DAX_WINDOW_SIZE ||
	    d->window_next > DAX_WINDOW_SIZE - *slot_size) {
		out_log(d->log, LOG_ERR,
			"dax: no window space for 0x%llx bytes (0x%llx of 0x%llx used)",
			(unsigned long long)size, (unsigned long long)d->window_next,
			(unsigned long long)DAX_WINDOW_SIZE);
		return ST_NOMEM;
	}
	/* last: growth cannot be undone, so nothing may refuse after it */
	status_t st = dax_region_slot(d, base, size);
	return st == ST_OK ? dax_device_slot(d, "dax: region", false, slot) : st;
}

status_t dax_region_add_locked(struct dax *d, struct range rg, int target_node, uint64_t align,
			       uint32_t *region_out)
{
	/* modulo 2^64, so a wrapped range keeps its size and dax_region_check sees the wrap */
	uint64_t base = rg.base, size = rg.end - rg.base;
	if (align == 0)
		align = dax_align_best(base, size);
	uint64_t slot_size;
	uint32_t slot;
	status_t st = dax_region_validate(d, base, size, align, &slot_size, &slot);
	if (st != ST_OK)
		return st;
	CHECK_OP(d->nregions, <, d->cap_regions); /* dax_region_validate made room */
	CHECK(!d->devices[slot].used);
	uint32_t r = d->nregions++;
	struct dax_region *reg = &d->regions[r];
	*reg = (struct dax_region){ .used = true,
				    .target_node = target_node,
				    .base = base,
				    .size = size,
				    .align = align,
				    .nfree = 0 };
	reg->window = DAX_WINDOW_BASE + d->window_next + base % SIZE_1G;
	d->window_next += slot_size;
	dax_device_install(d, slot, r, base, size, align);
	if (region_out)
		*region_out = r;
	return ST_OK;
}

/* First fit: the lowest aligned start in a free extent that holds size bytes. */
static bool dax_fit(const struct dax_region *reg, uint64_t size, uint64_t align, uint32_t *ext,
		    uint64_t *base)
{
	for (uint32_t i = 0; i < reg->nfree; i++) {
		uint64_t start = ALIGN_UP(reg->free[i].base, align);
		if (start < reg->free[i].end && reg->free[i].end - start >= size) {
			*ext = i;
			*base = start;
			return true;
		}
	}
	return false;
}

static void dax_explain_no_space(struct dax *d, uint32_t r, uint64_t size, uint64_t align)
{
	const struct dax_region *reg = &d->regions[r];
	uint64_t total = 0, largest = 0;
	for (uint32_t i = 0; i < reg->nfree; i++) {
		total += range_size(reg->free[i]);
		largest = MAX(largest, range_size(reg->free[i]));
	}
	out_log(d->log, LOG_ERR,
		"dax create-device: region %u has no free range of 0x%llx bytes aligned to 0x%llx "
		"(free 0x%llx bytes in %u extents, largest 0x%llx)",
		r, (unsigned long long)size, (unsigned long long)align, (unsigned long long)total,
		reg->nfree, (unsigned long long)largest);
}

static status_t dax_create_validate(struct dax *d, uint32_t region, uint64_t size, uint64_t align)
{
	if (region >= d->nregions) {
		out_log(d->log, LOG_ERR, "dax create-device: no region %u (%u regions)", region,
			d->nregions);
		return ST_NOTFOUND;
	}
	const struct dax_region *reg = &d->regions[region];
	if (!dax_align_valid(align) || align > reg->align) {
		out_log(d->log, LOG_ERR,
			"dax create-device: align 0x%llx must be 0x1000, 0x200000 or 0x40000000 "
			"and "
			"at most region %u's align 0x%llx",
			(unsigned long long)align, region, (unsigned long long)reg->align);
		return ST_INVALID;
	}
	if (size == 0 || !IS_ALIGNED(size, align)) {
		out_log(d->log, LOG_ERR,
			"dax create-device: size 0x%llx is not a non-zero multiple "
			"of align 0x%llx",
			(unsigned long long)size, (unsigned long long)align);
		return ST_INVALID;
	}
	return ST_OK;
}

status_t dax_create_device_locked(struct dax *d, uint32_t region, uint64_t size, uint64_t align,
				  uint32_t *dev_out)
{
	if (align == 0 && region < d->nregions)
		align = d->regions[region].align;
	status_t st = dax_create_validate(d, region, size, align);
	if (st != ST_OK)
		return st;
	struct dax_region *reg = &d->regions[region];
	uint32_t ext, slot;
	uint64_t base;
	if (!dax_fit(reg, size, align, &ext, &base)) {
		dax_explain_no_space(d, region, size, align);
		return ST_NOMEM;
	}
	uint32_t ndev = dax_region_ndevices(d, region);
	if (ndev >= DAX_REGION_DEVICES) {
		out_log(d->log, LOG_ERR,
			"dax create-device: region %u already has %u devices (max %u)", region,
			ndev, DAX_REGION_DEVICES);
		return ST_NOMEM;
	}
	st = dax_device_slot(d, "dax create-device", true, &slot); /* last check: it may grow */
	if (st != ST_OK)
		return st;
	/* COMMIT: carve [base, base+size) out of extent ext (0, 1 or 2 pieces remain): k
	 * devices leave at most k + 1 extents, so the table has room for a split. */
	ASSERT_OP(reg->nfree, <=, DAX_REGION_DEVICES);
	CHECK_OK(rangeset_cut(reg->free, &reg->nfree, DAX_REGION_DEVICES + 1,
			      (struct range){ base, base + size }));
	dax_device_install(d, slot, region, base, size, align);
	if (dev_out)
		*dev_out = slot;
	return ST_OK;
}

/* Puts [base, end) back into the region's free list, merging with neighbours. */
static void dax_free_insert(struct dax_region *reg, uint64_t base, uint64_t end)
{
	CHECK_OK(rangeset_insert(reg->free, &reg->nfree, DAX_REGION_DEVICES + 1,
				 (struct range){ base, end }, true));
}

static status_t dax_need_idle(struct dax *d, uint32_t dev, const char *op, struct dax_device **out)
{
	char name[DAX_NAME_MAX];
	struct dax_device *x = dax_dev(d, dev);
	if (!x) {
		out_log(d->log, LOG_ERR, "dax %s: no device at index %u", op, dev);
		return ST_NOTFOUND;
	}
	dax_device_name(d, dev, name, sizeof name);
	if (x->mode != DAX_MODE_DEVDAX) {
		out_log(d->log, LOG_ERR, "dax %s: %s is in %s mode", op, name,
			dax_mode_str(x->mode));
		return ST_BUSY;
	}
	if (x->state != DAX_UNCLAIMED) {
		out_log(d->log, LOG_ERR, "dax %s: %s is %s by '%s'", op, name,
			dax_state_str(x->state), x->owner);
		return ST_BUSY;
	}
	*out = x;
	return ST_OK;
}

status_t dax_destroy_device_locked(struct dax *d, uint32_t dev)
{
	struct dax_device *x;
	status_t st = dax_need_idle(d, dev, "destroy-device", &x);
	if (st != ST_OK)
		return st;
	dax_free_insert(&d->regions[x->region], x->base, x->base + x->size);
	uint32_t gen = dax_gen_fresh(d);
	memset(x, 0, sizeof *x);
	x->gen = gen;
	return ST_OK;
}

status_t dax_mode_set_locked(struct dax *d, uint32_t dev, enum dax_mode mode, bool movable)
{
	struct dax_device *x = dax_dev(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->state != DAX_UNCLAIMED || (mode != DAX_MODE_DEVDAX && mode != DAX_MODE_SYSTEM_RAM)) {
		out_log(d->log, LOG_ERR, "dax reconfigure: device index %u is %s", dev,
			dax_state_str(x->state));
		return ST_BUSY;
	}
	x->mode = mode;
	x->movable = mode == DAX_MODE_SYSTEM_RAM && movable;
	if (mode == DAX_MODE_DEVDAX)
		x->online_blocks = x->total_blocks = 0;
	return ST_OK;
}

status_t dax_ram_blocks_set_locked(struct dax *d, uint32_t dev, uint32_t online, uint32_t total)
{
	struct dax_device *x = dax_dev(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->mode != DAX_MODE_SYSTEM_RAM || online > total)
		return ST_BUSY;
	x->online_blocks = online;
	x->total_blocks = total;
	return ST_OK;
}

const struct dax_device *dax_device_get(const struct dax *d, uint32_t dev)
{
	return dax_dev((struct dax *)d, dev);
}

uint32_t dax_device_slots(const struct dax *d) { return d->cap_devices; }

uint32_t dax_region_count(const struct dax *d) { return d->nregions; }

const struct dax_region *dax_region_get(const struct dax *d, uint32_t region)
{
	return region < d->nregions ? &d->regions[region] : NULL;
}

int dax_device_node(const struct dax *d, uint32_t dev)
{
	const struct dax_device *x = dax_device_get(d, dev);
	const struct dax_region *g = x ? dax_region_get(d, x->region) : NULL;
	return g ? g->target_node : -1;
}

const char *dax_active_owner(const struct dax *d) { return d->active; }

void dax_device_name(const struct dax *d, uint32_t dev, char *buf, size_t len)
{
	const struct dax_device *x = dax_device_get(d, dev);
	if (x)
		fmt_snprintf(buf, len, "dax%u.%u", x->region, x->id);
	else
		fmt_snprintf(buf, len, "dax?(%u)", dev);
}

status_t dax_find_locked(const struct dax *d, const char *name, uint32_t *dev_out)
{
	char buf[DAX_NAME_MAX];
	for (uint32_t i = 0; name && i < d->cap_devices; i++) {
		if (!d->devices[i].used)
			continue;
		dax_device_name(d, i, buf, sizeof buf);
		if (strcmp(buf, name) == 0) {
			*dev_out = i;
			return ST_OK;
		}
	}
	return ST_NOTFOUND;
}

const char *dax_state_str(enum dax_state s)
{
	switch (s) {
	case DAX_UNCLAIMED: return "unclaimed";
	case DAX_CLAIMED: return "claimed";
	case DAX_MAPPED: return "mapped";
	}
	return "?";
}

const char *dax_mode_str(enum dax_mode m)
{
	return m == DAX_MODE_SYSTEM_RAM ? "system-ram" : "devdax";
}
