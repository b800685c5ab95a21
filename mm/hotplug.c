/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug.c - hand-off of a devdax device to the page allocator, dirty-block tracking and the
 * consistency walker (reclaim is in hotplug_reclaim.c; the model is in hotplug.h). */
#include "mm/hotplug.h"
#include "mm/hotplug_internal.h"

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"
#include "lib/types.h"

void hotplug_init(struct hotplug *h, struct buddy *b, struct dax *dax, struct memobj_set *objs,
		  const struct hotplug_ops *ops, struct out *log)
{
	memset(h, 0, sizeof *h);
	spin_init(&h->busy, "hotplug", LOCK_RANK_HOTPLUG);
	spin_init(&h->rec_lock, "hotplug records", LOCK_RANK_NONE);
	h->b = b;
	h->dax = dax;
	h->objs = objs;
	h->ops = ops;
	h->log = log;
	h->d = h->d0;
	h->cap = HOTPLUG_INIT;
}

void hotplug_fini(struct hotplug *h)
{
	for (unsigned i = 0; i < h->cap; i++)
		CHECK(!h->d[i].used);
	if (h->d != h->d0)
		h->ops->free(h->ops->ctx, h->d);
	h->d = h->d0;
	h->cap = HOTPLUG_INIT;
}

/* A free record in *slot, doubling the table from ops->alloc when all are used. */
static status_t hotplug_slot(struct hotplug *h, const char *name, unsigned *slot)
{
	bool none = fault_hit(FAULT_SLOT); /* as if every record were in use and growth refused */
	for (unsigned i = 0; i < h->cap && !none; i++)
		if (!h->d[i].used) {
			*slot = i;
			return ST_OK;
		}
	struct hotplug_dev *n = !none && h->ops->alloc && h->cap < (1u << 20)
					? h->ops->alloc(h->ops->ctx, 2 * (size_t)h->cap * sizeof *n)
					: NULL;
	if (!n) {
		out_log(h->log, LOG_ERR,
			"reconfigure %s: all %u hand-off records in use and the table "
			"cannot grow (no kernel heap memory for %u)",
			name, h->cap, 2 * h->cap);
		return ST_NOMEM;
	}
	/* hotplug_note_zero may be walking the table on another CPU: swap it under rec_lock and
	 * give the old one back once nobody can be reading it */
	struct hotplug_dev *old = h->d;
	spin_lock(&h->rec_lock);
	memcpy(n, h->d, h->cap * sizeof *n);
	memset(n + h->cap, 0, h->cap * sizeof *n);
	h->d = n;
	*slot = h->cap;
	h->cap *= 2;
	spin_unlock(&h->rec_lock);
	if (old != h->d0)
		h->ops->free(h->ops->ctx, old);
	return ST_OK;
}

const struct hotplug_dev *hotplug_dev_of(const struct hotplug *h, uint32_t dev)
{
	for (unsigned i = 0; i < h->cap; i++)
		if (h->d[i].used && h->d[i].dev == dev)
			return &h->d[i];
	return NULL;
}

static status_t handoff_validate(struct hotplug *h, uint32_t dev, unsigned *slot, unsigned *node)
{
	char name[DAX_NAME_MAX];
	const struct dax_device *x = dax_device_get(h->dax, dev);
	if (!x)
		return ST_NOTFOUND;
	dax_device_name(h->dax, dev, name, sizeof name);
	if (x->mode != DAX_MODE_DEVDAX || x->state != DAX_UNCLAIMED) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: must be an unclaimed devdax device (it is %s, %s%s%s)",
			name, dax_mode_str(x->mode), dax_state_str(x->state),
			x->owner[0] ? " by " : "", x->owner);
		return ST_BUSY;
	}
	if (!IS_ALIGNED(x->base, HOTPLUG_BLOCK) || !IS_ALIGNED(x->size, HOTPLUG_BLOCK)) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: [0x%llx, +0x%llx) is not whole 2 MiB blocks", name,
			(unsigned long long)x->base, (unsigned long long)x->size);
		return ST_INVALID;
	}
	int tn = h->dax->regions[x->region].target_node;
	if (tn < 0 || tn >= BUDDY_MAX_NODES) {
		out_log(h->log, LOG_ERR, "dax reconfigure %s: the region has no NUMA node (%d)",
			name, tn);
		return ST_INVALID;
	}
	if (bytes_to_pages(x->size) / HOTPLUG_BLOCK_PAGES > ((uint64_t)1 << BUDDY_MAX_ORDER)) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: 0x%llx bytes is too large to hand off", name,
			(unsigned long long)x->size);
		return ST_RANGE;
	}
	*node = (unsigned)tn;
	return hotplug_slot(h, name, slot); /* last check: it may grow the table */
}

/* Exactly `pages` pages of unmovable NORMAL memory for metadata, carved with owner META.
 * `easy`: only when they are at most a quarter of the free NORMAL pages and a block of them
 * can be had without the reserve (HOTPLUG_MEMMAP_AUTO; otherwise they go on the device). */
static status_t meta_get(struct hotplug *h, uint64_t pages, bool easy, pfn_t *pfn)
{
	unsigned order = 0;
	while (((uint64_t)1 << order) < pages)
		order++;
	if (fault_hit(FAULT_META) || order > BUDDY_MAX_ORDER)
		return ST_NOMEM;
	struct buddy_stats s;
	CHECK_OK(buddy_stats(h->b, -1, BUDDY_ZONE_NORMAL, &s)); /* all nodes, a valid zone */
	if (easy && pages > s.free / 4)
		return ST_NOMEM;
	unsigned flags = (easy ? 0 : BUDDY_RESERVE) | BUDDY_OWNER(BUDDY_OWNER_META);
	status_t st = buddy_alloc(h->b, order, -1, flags, pfn);
	if (st != ST_OK)
		return st;
	CHECK_OK(buddy_free(h->b, *pfn, order));                 /* the block just allocated */
	return buddy_carve(h->b, *pfn, pages, BUDDY_OWNER_META); /* the pages just freed */
}

uint64_t *hotplug_dirty_bits(struct hotplug_dev *d)
{
	return d->dirty_big ? d->dirty_big : d->dirty;
}

/* Dirty bits are set by any CPU that zeroes a page (hotplug_note_zero), so every change of
 * a bit is atomic. */
static void dirty_bit_set(struct hotplug_dev *d, uint64_t blk)
{
	__atomic_fetch_or(&hotplug_dirty_bits(d)[blk / 64], 1ull << (blk % 64), __ATOMIC_RELAXED);
}

static void block_mark_dirty(struct hotplug_dev *d, uint64_t blk)
{
	CHECK_OP(blk, <, d->npages / HOTPLUG_BLOCK_PAGES);
	if (!d->all_dirty)
		dirty_bit_set(d, blk);
}

/* A dirty bitmap for a device of `blocks` blocks beyond the record's own bits, or NULL (all
 * blocks then count as dirty: correct, only slower to scrub). */
static uint64_t *dirty_bitmap_get(struct hotplug *h, uint64_t blocks)
{
	if (blocks <= HOTPLUG_DIRTY_BLOCKS || !h->ops->alloc)
		return NULL;
	size_t bytes = (size_t)((blocks + 63) / 64) * sizeof(uint64_t);
	uint64_t *p = h->ops->alloc(h->ops->ctx, bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

/* Memory of the device still waiting for the dax allocator's deferred scrub becomes the page
 * allocator's: its blocks count as dirty here (a later reclaim defers them again) and the
 * dax table lets go of them, so no later claim can zero a page the page allocator handed out
 * (the buddy zeroes each page it hands out: nobody reads what they hold). */
static void handoff_take_dirty(struct hotplug *h, struct hotplug_dev *d)
{
	uint64_t zeroed;
	for (uint64_t blk = 0; blk < d->npages / HOTPLUG_BLOCK_PAGES; blk++)
		if (dax_dirty_bytes(h->dax,
				    range_of_pages(pfn_of(d->base_pfn + blk * HOTPLUG_BLOCK_PAGES),
						   HOTPLUG_BLOCK_PAGES)))
			block_mark_dirty(d, blk);
	CHECK_OK(dax_dirty_take(h->dax, d->dev, &zeroed)); /* checked UNCLAIMED devdax */
	h->st.bytes_scrubbed += zeroed;
}

/* The page words on the device itself: its first meta_pages pages, carved META once the
 * range is in the buddy (which needs the words there already, so the device is mapped first). */
static status_t handoff_on_memory(struct hotplug *h, const struct dax_device *x, unsigned node,
				  bool movable, uint64_t meta_pages)
{
	pfn_t base = pa_to_pfn(pa_of(x->base));
	uint64_t npages = bytes_to_pages(x->size);
	status_t st = h->ops->map_direct(h->ops->ctx, range_of(pa_of(x->base), x->size));
	if (st != ST_OK)
		return st;
	st = buddy_add_range(h->b, node, movable ? BUDDY_ZONE_MOVABLE : BUDDY_ZONE_NORMAL, base,
			     npages, h->ops->meta_ptr(h->ops->ctx, base),
			     pages_to_bytes(meta_pages), BUDDY_RANGE_ZERO_ON_ALLOC);
	if (st != ST_OK) {
		h->ops->unmap_direct(h->ops->ctx, range_of(pa_of(x->base), x->size));
		return st;
	}
	CHECK_OK(buddy_carve(h->b, base, meta_pages, BUDDY_OWNER_META)); /* all free: just added */
	return ST_OK;
}

/* The page words in NORMAL memory elsewhere (meta_get), then the device mapped and added. */
static status_t handoff_normal(struct hotplug *h, const struct dax_device *x, unsigned node,
			       bool movable, pfn_t meta)
{
	pfn_t base = pa_to_pfn(pa_of(x->base));
	uint64_t npages = bytes_to_pages(x->size);
	uint64_t meta_pages = npages / HOTPLUG_BLOCK_PAGES;
	status_t st = h->ops->map_direct(h->ops->ctx, range_of(pa_of(x->base), x->size));
	if (st == ST_OK) {
		st = buddy_add_range(h->b, node, movable ? BUDDY_ZONE_MOVABLE : BUDDY_ZONE_NORMAL,
				     base, npages, h->ops->meta_ptr(h->ops->ctx, meta),
				     pages_to_bytes(meta_pages), BUDDY_RANGE_ZERO_ON_ALLOC);
		if (st != ST_OK)
			h->ops->unmap_direct(h->ops->ctx, range_of(pa_of(x->base), x->size));
	}
	if (st != ST_OK)
		CHECK_OK(buddy_uncarve(h->b, meta, meta_pages)); /* carved by meta_get */
	return st;
}

static status_t hotplug_handoff_run(struct hotplug *h, uint32_t dev, bool movable,
				    enum hotplug_memmap where)
{
	if (where > HOTPLUG_MEMMAP_ON_MEMORY)
		return ST_INVALID;
	unsigned slot, node;
	status_t st = handoff_validate(h, dev, &slot, &node);
	if (st != ST_OK)
		return st;
	const struct dax_device *x = dax_device_get(h->dax, dev);
	pfn_t base = pa_to_pfn(pa_of(x->base)), meta = base;
	uint64_t npages = bytes_to_pages(x->size), meta_pages = npages / HOTPLUG_BLOCK_PAGES;
	bool on_memory = where == HOTPLUG_MEMMAP_ON_MEMORY;
	if (!on_memory) {
		st = meta_get(h, meta_pages, where == HOTPLUG_MEMMAP_AUTO, &meta);
		if (st != ST_OK && where == HOTPLUG_MEMMAP_NORMAL) {
			out_log(h->log, LOG_ERR,
				"dax reconfigure: no %llu metadata pages in NORMAL memory",
				(unsigned long long)meta_pages);
			return ST_NOMEM;
		}
		on_memory = st != ST_OK;
	}
	/* The record goes up before the range becomes allocatable: a CPU that allocates (and
	 * zeroes) a page there at once must find it (hotplug_note_zero). */
	uint64_t *big = dirty_bitmap_get(h, meta_pages); /* none: all dirty, still correct */
	struct hotplug_dev *d = &h->d[slot];
	spin_lock(&h->rec_lock);
	*d = (struct hotplug_dev){ .used = true,
				   .movable = movable,
				   .dev = dev,
				   .node = node,
				   .base_pfn = base.v,
				   .npages = npages,
				   .meta_pfn = meta.v,
				   .meta_pages = meta_pages,
				   .meta_on_memory = on_memory,
				   .all_dirty = meta_pages > HOTPLUG_DIRTY_BLOCKS && !big,
				   .dirty_big = big };
	spin_unlock(&h->rec_lock);
	st = on_memory ? handoff_on_memory(h, x, node, movable, meta_pages)
		       : handoff_normal(h, x, node, movable, meta);
	if (st != ST_OK) {
		spin_lock(&h->rec_lock); /* the range never was allocatable: nobody marked it */
		memset(d, 0, sizeof *d);
		spin_unlock(&h->rec_lock);
		if (big)
			h->ops->free(h->ops->ctx, big);
		out_log(h->log, LOG_ERR, "dax reconfigure: cannot add [0x%llx, +0x%llx): %s",
			(unsigned long long)x->base, (unsigned long long)x->size, status_str(st));
		return st;
	}
	if (h->ops->added)
		h->ops->added(h->ops->ctx, range_of(pa_of(x->base), x->size));
	/* COMMIT: cannot fail from here (the device was checked UNCLAIMED devdax). */
	handoff_take_dirty(h, d);
	/* the page words are kernel data: their blocks are scrubbed like used ones on reclaim */
	for (uint64_t blk = 0; on_memory && blk * HOTPLUG_BLOCK_PAGES < meta_pages; blk++)
		block_mark_dirty(d, blk);
	CHECK_OK(dax_mode_set(h->dax, dev, DAX_MODE_SYSTEM_RAM, movable));
	CHECK_OK(dax_ram_blocks_set(h->dax, dev, (uint32_t)meta_pages, (uint32_t)meta_pages));
	h->st.handoffs++;
	return ST_OK;
}

bool hotplug_busy_enter(struct hotplug *h, const char *what, uint32_t dev)
{
	if (spin_trylock(&h->busy))
		return true;
	out_log(h->log, LOG_ERR, "%s of device %u: another hand-off or reclaim is running", what,
		dev);
	return false;
}

void hotplug_busy_exit(struct hotplug *h) { spin_unlock(&h->busy); }

status_t hotplug_handoff_memmap(struct hotplug *h, uint32_t dev, bool movable,
				enum hotplug_memmap where)
{
	if (!hotplug_busy_enter(h, "hand-off", dev))
		return ST_BUSY;
	status_t st = hotplug_handoff_run(h, dev, movable, where);
	hotplug_busy_exit(h);
	return st;
}

status_t hotplug_handoff(struct hotplug *h, uint32_t dev, bool movable)
{
	return hotplug_handoff_memmap(h, dev, movable, HOTPLUG_MEMMAP_AUTO);
}

void hotplug_note_zero(struct hotplug *h, pfn_t first, uint64_t n)
{
	uint64_t pfn = first.v;
	if (!h->ops) /* boot, before hotplug_init: no record, and rec_lock not set up yet */
		return;
	spin_lock(&h->rec_lock);
	for (unsigned i = 0; i < h->cap; i++) {
		struct hotplug_dev *d = &h->d[i];
		if (!d->used || d->all_dirty || pfn + n <= d->base_pfn ||
		    pfn >= d->base_pfn + d->npages)
			continue;
		uint64_t a = MAX(pfn, d->base_pfn) - d->base_pfn;
		uint64_t b = MIN(pfn + n, d->base_pfn + d->npages) - d->base_pfn;
		for (uint64_t blk = a / HOTPLUG_BLOCK_PAGES; blk <= (b - 1) / HOTPLUG_BLOCK_PAGES;
		     blk++)
			dirty_bit_set(d, blk);
	}
	spin_unlock(&h->rec_lock);
}

static status_t check_dev(const struct hotplug *h, const struct hotplug_dev *d, struct out *out)
{
	const struct dax_device *x = dax_device_get(h->dax, d->dev);
	if (!x || x->mode != DAX_MODE_SYSTEM_RAM || x->base != pfn_to_pa(pfn_of(d->base_pfn)).v ||
	    (d->meta_on_memory && d->meta_pfn != d->base_pfn) ||
	    x->size != pages_to_bytes(d->npages) || x->movable != d->movable ||
	    x->total_blocks != d->npages / HOTPLUG_BLOCK_PAGES ||
	    d->meta_pages * HOTPLUG_BLOCK_PAGES != d->npages) {
		out_printf(out,
			   "hotplug: record of device %u [pfn 0x%llx, +%llu) disagrees with dax\n",
			   d->dev, (unsigned long long)d->base_pfn, (unsigned long long)d->npages);
		return ST_INVALID;
	}
	struct buddy_page_info pi;
	for (uint64_t p = d->base_pfn; p < d->base_pfn + d->npages; p += HOTPLUG_BLOCK_PAGES)
		if (buddy_page_state(h->b, pfn_of(p), &pi) != ST_OK || pi.node != d->node ||
		    pi.zone != (d->movable ? BUDDY_ZONE_MOVABLE : BUDDY_ZONE_NORMAL)) {
			out_printf(out,
				   "hotplug: pfn 0x%llx of device %u is not managed as node %u\n",
				   (unsigned long long)p, d->dev, d->node);
			return ST_INVALID;
		}
	for (uint64_t p = d->meta_pfn; p < d->meta_pfn + d->meta_pages; p++)
		if (buddy_page_state(h->b, pfn_of(p), &pi) != ST_OK || pi.state != PAGE_CARVED ||
		    pi.owner != BUDDY_OWNER_META ||
		    (d->meta_on_memory ? pi.node != d->node : pi.zone != BUDDY_ZONE_NORMAL)) {
			out_printf(out,
				   "hotplug: metadata pfn 0x%llx of device %u is not carved META\n",
				   (unsigned long long)p, d->dev);
			return ST_INVALID;
		}
	return ST_OK;
}

status_t hotplug_check(const struct hotplug *h, struct out *out)
{
	status_t res = ST_OK;
	for (unsigned i = 0; i < h->cap; i++)
		if (h->d[i].used && check_dev(h, &h->d[i], out) != ST_OK)
			res = ST_INVALID;
	for (uint32_t dev = 0; dev < h->dax->cap_devices; dev++) {
		const struct dax_device *x = dax_device_get(h->dax, dev);
		if (x && x->mode == DAX_MODE_SYSTEM_RAM && !hotplug_dev_of(h, dev)) {
			out_printf(out, "hotplug: device %u is system-ram without a record\n", dev);
			res = ST_INVALID;
		}
	}
	return res;
}
