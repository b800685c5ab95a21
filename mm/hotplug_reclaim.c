/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug_reclaim.c - taking hot-added memory back: isolate, check, migrate, commit
 * (algorithm, atomicity and the guarantee in hotplug.h). */
#include "mm/hotplug.h"
#include "mm/hotplug_internal.h"

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "mm/migrate.h"

struct reclaim_ctx {
	struct hotplug_dev *d;
	char name[DAX_NAME_MAX];
	uint64_t base, n; /* pfns reclaimed */
	bool partial;
};

static status_t reclaim_args(struct hotplug *h, uint32_t dev, uint64_t bytes, struct reclaim_ctx *c)
{
	dax_device_name(h->dax, dev, c->name, sizeof c->name);
	const struct dax_device *x = dax_device_get(h->dax, dev);
	if (!x)
		return ST_NOTFOUND;
	c->d = NULL;
	for (unsigned i = 0; i < h->cap; i++)
		if (h->d[i].used && h->d[i].dev == dev)
			c->d = &h->d[i];
	if (!c->d || x->mode != DAX_MODE_SYSTEM_RAM) {
		out_log(h->log, LOG_ERR, "dax reconfigure %s: not in system-ram mode", c->name);
		return ST_BUSY;
	}
	uint64_t size = pages_to_bytes(c->d->npages);
	if (bytes == 0)
		bytes = size;
	if (!IS_ALIGNED(bytes, HOTPLUG_BLOCK) || bytes > size) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: --size 0x%llx must be whole 2 MiB blocks, at most "
			"0x%llx",
			c->name, (unsigned long long)bytes, (unsigned long long)size);
		return ST_INVALID;
	}
	c->partial = bytes < size;
	c->n = bytes_to_pages(bytes);
	c->base = c->d->base_pfn + c->d->npages - c->n;
	if (c->partial) /* the split in reclaim_to_devdax then cannot fail */
		return dax_device_reserve(h->dax, dax_device_get(h->dax, dev)->region,
					  "reconfigure");
	return ST_OK;
}

/* Appends up to HOTPLUG_OFFENDERS pages that block the reclaim to buf. */
static void reclaim_offenders(struct hotplug *h, const struct reclaim_ctx *c, char *buf, size_t len)
{
	size_t used = 0;
	unsigned found = 0;
	buf[0] = 0;
	for (uint64_t p = c->base; p < c->base + c->n && found < HOTPLUG_OFFENDERS; p++) {
		struct buddy_page_info pi;
		if (buddy_page_state(h->b, pfn_of(p), &pi) != ST_OK)
			continue;
		const char *what = 0;
		if (c->d->meta_on_memory && p < c->d->meta_pfn + c->d->meta_pages)
			continue; /* the device's own page words: they leave with the range */
		if (pi.state == PAGE_MOVABLE && pi.pins)
			what = "pinned";
		else if (pi.state == PAGE_ALLOC || pi.state == PAGE_CARVED)
			what = pi.state == PAGE_CARVED ? "carved" : "unmovable";
		if (!what)
			continue;
		const struct memobj *o =
			pi.state == PAGE_MOVABLE && pi.obj ? memobj_get(h->objs, pi.obj - 1) : 0;
		used += (size_t)fmt_snprintf(buf + used, len - used, "%s pfn 0x%llx (0x%llx, %s",
					     found ? "," : "", (unsigned long long)p,
					     (unsigned long long)pfn_to_pa(pfn_of(p)).v, what);
		if (o && used < len)
			used += (size_t)fmt_snprintf(buf + used, len - used,
						     ", object '%s' page %u", o->name, pi.index);
		if (used < len)
			used += (size_t)fmt_snprintf(buf + used, len - used, ")");
		if (used >= len)
			break;
		found++;
		if (pi.state == PAGE_ALLOC)
			p = pi.head.v + ((uint64_t)1 << pi.order) - 1;
	}
}

/* Pages of the device's own page words inside the reclaimed range (memmap on memory): they
 * describe only blocks of that range (block i's words lie in block i / 512 <= i) and leave
 * with it. */
static uint64_t reclaim_own_meta(const struct reclaim_ctx *c)
{
	const struct hotplug_dev *d = c->d;
	uint64_t meta_end = d->meta_pfn + d->meta_pages;
	if (!d->meta_on_memory || meta_end <= c->base)
		return 0;
	return meta_end - c->base;
}

/* Step 2: CHECK the isolated range. */
static status_t reclaim_validate(struct hotplug *h, const struct reclaim_ctx *c,
				 struct buddy_isolate_report *rep)
{
	char who[400];
	uint64_t own = reclaim_own_meta(c);
	CHECK_OP(own, <=, rep->carved); /* carved META at hand-off, never uncarved while inside */
	rep->carved -= own;
	if (rep->pinned || rep->unmovable || rep->carved) {
		reclaim_offenders(h, c, who, sizeof who);
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: cannot reclaim %llu pages: %llu pinned, %llu "
			"unmovable, "
			"%llu carved page(s) cannot move; first:%s; nothing changed",
			c->name, (unsigned long long)c->n, (unsigned long long)rep->pinned,
			(unsigned long long)rep->unmovable, (unsigned long long)rep->carved, who);
		return ST_BUSY;
	}
	struct buddy_stats s;
	CHECK_OK(buddy_stats(h->b, -1, -1, &s)); /* all nodes and zones: valid */
	if (s.free < rep->movable) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: %llu pages in use must move but only %llu pages are "
			"free elsewhere (%llu MiB short); nothing changed",
			c->name, (unsigned long long)rep->movable, (unsigned long long)s.free,
			(unsigned long long)((rep->movable - s.free + 255) >> 8));
		return ST_NOMEM;
	}
	return ST_OK;
}

static bool reclaim_block_dirty(const struct hotplug_dev *d, uint64_t p)
{
	uint64_t blk = (p - d->base_pfn) / HOTPLUG_BLOCK_PAGES;
	return d->all_dirty ||
	       (__atomic_load_n(&hotplug_dirty_bits((struct hotplug_dev *)d)[blk / 64],
				__ATOMIC_RELAXED) &
		(1ull << (blk % 64)));
}

/* The dirty blocks of the range, as runs: each run is left to the dax allocator to zero at
 * the next claim (deferred scrub), or zeroed now when its table is full. */
static void reclaim_scrub(struct hotplug *h, const struct reclaim_ctx *c,
			  struct hotplug_reclaim_info *info)
{
	uint64_t p = c->base, end = c->base + c->n;
	while (p < end) {
		if (!reclaim_block_dirty(c->d, p)) {
			p += HOTPLUG_BLOCK_PAGES;
			continue;
		}
		uint64_t q = p + HOTPLUG_BLOCK_PAGES;
		while (q < end && reclaim_block_dirty(c->d, q))
			q += HOTPLUG_BLOCK_PAGES;
		struct range run = range_of_pages(pfn_of(p), q - p);
		uint64_t len = range_size(run);
		if (dax_defer_scrub(h->dax, run) == ST_OK) {
			info->deferred += len;
		} else {
			/* the table is full: zero the run now, inside the range reclaim took back */
			CHECK(p >= c->base && q <= end);
			h->ops->scrub(h->ops->ctx, run);
			info->scrubbed += len;
		}
		p = q;
	}
	for (p = c->base; p < end; p += HOTPLUG_BLOCK_PAGES) {
		uint64_t blk = (p - c->d->base_pfn) / HOTPLUG_BLOCK_PAGES;
		__atomic_fetch_and(&hotplug_dirty_bits(c->d)[blk / 64], ~(1ull << (blk % 64)),
				   __ATOMIC_RELAXED);
	}
}

/* The dax side of the commit: the device (or, for --size, its split-off tail) is devdax. */
static void reclaim_to_devdax(struct hotplug *h, struct reclaim_ctx *c,
			      struct hotplug_reclaim_info *info)
{
	struct hotplug_dev *d = c->d;
	uint64_t blocks = c->n / HOTPLUG_BLOCK_PAGES;
	if (c->partial) {
		uint32_t nd;
		CHECK_OK(dax_split_device(h->dax, d->dev, pages_to_bytes(d->npages - c->n), &nd));
		CHECK_OK(dax_mode_set(h->dax, nd, DAX_MODE_DEVDAX, false));
		spin_lock(&h->rec_lock); /* the tail left the buddy: nobody zeroes it any more */
		d->npages -= c->n;
		d->meta_pages -= blocks;
		spin_unlock(&h->rec_lock);
		CHECK_OK(dax_ram_blocks_set(h->dax, d->dev, (uint32_t)d->meta_pages,
					    (uint32_t)d->meta_pages));
		info->split = true;
		info->new_dev = nd;
	} else {
		CHECK_OK(dax_mode_set(h->dax, d->dev, DAX_MODE_DEVDAX, false));
	}
}

/* Step 4: COMMIT. The range is isolated and holds only free (isolated) pages. */
static void reclaim_commit(struct hotplug *h, struct reclaim_ctx *c,
			   struct hotplug_reclaim_info *info)
{
	struct hotplug_dev *d = c->d;
	/* only isolated free pages and the device's own page words of the range's blocks */
	CHECK_OK(buddy_remove_range(h->b, pfn_of(c->base), c->n));
	uint64_t blocks = c->n / HOTPLUG_BLOCK_PAGES;
	CHECK_OP(blocks, <=, d->meta_pages);
	/* The page words of the reclaimed blocks: [lo, hi). On the device, the part inside the
	 * range left with it; the part before the range serves allocations again. No page word
	 * of a block that stays can lie inside the range (block i's words are in block i / 512). */
	uint64_t lo = d->meta_pfn + d->meta_pages - blocks, hi = d->meta_pfn + d->meta_pages;
	if (d->meta_on_memory && hi > c->base) {
		CHECK_OP(lo, <=, c->base);
		hi = c->base;
	}
	if (lo < hi)
		CHECK_OK(buddy_uncarve(h->b, pfn_of(lo), hi - lo));
	/* The dax allocator holds the range again (devdax, unclaimed) before its dirty blocks go
	 * to the deferred scrub, which takes only memory the allocator holds for nobody. */
	reclaim_to_devdax(h, c, info);
	reclaim_scrub(h, c, info);
	h->ops->unmap_direct(h->ops->ctx, range_of_pages(pfn_of(c->base), c->n));
	if (!c->partial) { /* the record retires after the range left the buddy */
		uint64_t *big = d->dirty_big;
		spin_lock(&h->rec_lock);
		memset(d, 0, sizeof *d);
		spin_unlock(&h->rec_lock);
		if (big)
			h->ops->free(h->ops->ctx, big);
	}
	h->st.reclaims++;
	h->st.bytes_scrubbed += info->scrubbed;
	h->st.bytes_deferred += info->deferred;
}

static status_t hotplug_reclaim_run(struct hotplug *h, uint32_t dev, uint64_t bytes,
				    struct hotplug_reclaim_info *info)
{
	struct hotplug_reclaim_info tmp;
	struct reclaim_ctx c;
	info = info ? info : &tmp;
	memset(info, 0, sizeof *info);
	status_t st = reclaim_args(h, dev, bytes, &c);
	if (st != ST_OK)
		return st;
	struct buddy_isolate_report rep;
	st = buddy_isolate(h->b, pfn_of(c.base), c.n, &rep);
	if (st != ST_OK) {
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: cannot isolate pfns [0x%llx, +%llu): %s", c.name,
			(unsigned long long)c.base, (unsigned long long)c.n, status_str(st));
		return st;
	}
	st = reclaim_validate(h, &c, &rep);
	struct migrate_result mr = { .failed_pfn = UINT64_MAX, .failed_st = ST_OK };
	struct migrate_reserve rv = { .link = h->ops->meta_ptr, .ctx = h->ops->ctx };
	bool move = rep.movable > 0; /* nothing in use: no reservation, no scan of the range */
	if (st == ST_OK && move &&
	    (st = migrate_reserve(h->objs, c.d->node, rep.movable, &rv)) != ST_OK)
		out_log(h->log, LOG_ERR,
			"dax reconfigure %s: cannot reserve %llu destination pages for the pages "
			"to move; nothing changed",
			c.name, (unsigned long long)rep.movable);
	if (st == ST_OK && move) {
		st = migrate_range_reserved(h->objs, c.base, c.n, &rv, &mr);
		h->st.pages_migrated += mr.moved;
		if (st == ST_INTERRUPTED)
			out_log(h->log, LOG_ERR,
				"dax reconfigure %s: stopped by Ctrl-C after %llu pages moved; "
				"reclaim rolled back: the device stays system-ram, nothing lost",
				c.name, (unsigned long long)mr.moved);
		else if (st != ST_OK)
			out_log(h->log, LOG_ERR,
				"dax reconfigure %s: pfn 0x%llx could not move (%s) after %llu "
				"moved; "
				"reclaim abandoned, the device stays system-ram, nothing lost",
				c.name, (unsigned long long)mr.failed_pfn, status_str(st),
				(unsigned long long)mr.moved);
	}
	if (st != ST_OK) {
		CHECK_OK(buddy_unisolate(h->b, pfn_of(c.base), c.n, 0)); /* isolated above */
		h->st.refusals++;
		return st;
	}
	info->pages = c.n;
	info->moved = mr.moved;
	info->refills = mr.refills;
	info->flushes = mr.flushes;
	reclaim_commit(h, &c, info);
	return ST_OK;
}

status_t hotplug_reclaim(struct hotplug *h, uint32_t dev, uint64_t bytes,
			 struct hotplug_reclaim_info *info)
{
	if (!hotplug_busy_enter(h, "reclaim", dev))
		return ST_BUSY;
	status_t st = hotplug_reclaim_run(h, dev, bytes, info);
	hotplug_busy_exit(h);
	return st;
}
