/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_lock.c - the dax allocator's public operations take d->lock (rank DAX) around their
 * bodies, and grow its tables with the lock dropped (DAX_GROWING) (the *_locked functions of dax.c, dax_own.c, dax_dirty.c, dax_grow.c, dax_split.c,
 * dax_print.c, dax_check.c). dax_release takes it itself (mm/dax_own.c): its scrub runs
 * unlocked. Contracts in mm/dax.h; the lock order in docs/locking.md. */
#include "mm/dax_internal.h"

/* The lock is not part of the allocator's value: readers take it through a const pointer. */
#define DAX_LOCKED(d, type, call)                                                                  \
	do {                                                                                       \
		struct spinlock *l_ = (struct spinlock *)&(d)->lock;                               \
		spin_lock(l_);                                                                     \
		type r_ = call;                                                                    \
		spin_unlock(l_);                                                                   \
		return r_;                                                                         \
	} while (0)

/* An operation that may need room in a table: a locked step that wants room changes nothing
 * and returns ST_NOMEM; the tables then grow with the lock dropped and the step runs again
 * (mm/dax_grow.c). Wants and refusals live in the operation's own record g_, so only this
 * operation decides to grow or to give up: a refused growth makes the step run once more,
 * which reports the refusal with its message and returns ST_NOMEM with nothing changed. Each
 * round grows a table or adds a refusal, so it ends. */
#define DAX_GROWING(d, call)                                                                       \
	do {                                                                                       \
		status_t r_;                                                                       \
		struct dax_grow g_ = { { 0 }, 0 };                                                 \
		do {                                                                               \
			spin_lock(&(d)->lock);                                                     \
			dax_grow_begin(d, &g_);                                                    \
			r_ = call;                                                                 \
			dax_grow_end(d);                                                           \
			spin_unlock(&(d)->lock);                                                   \
		} while (r_ == ST_NOMEM && dax_grow_wanted(d, &g_));                               \
		return r_;                                                                         \
	} while (0)

status_t dax_region_add(struct dax *d, struct range rg, int target_node, uint64_t align,
			uint32_t *region_out)
{
	DAX_GROWING(d, dax_region_add_locked(d, rg, target_node, align, region_out));
}

status_t dax_create_device(struct dax *d, uint32_t region, uint64_t size, uint64_t align,
			   uint32_t *dev_out)
{
	DAX_GROWING(d, dax_create_device_locked(d, region, size, align, dev_out));
}

status_t dax_destroy_device(struct dax *d, uint32_t dev)
{
	DAX_LOCKED(d, status_t, dax_destroy_device_locked(d, dev));
}

status_t dax_claim(struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h)
{
	DAX_GROWING(d, dax_claim_locked(d, dev, owner, h));
}

status_t dax_map(struct dax *d, struct dax_handle h)
{
	DAX_LOCKED(d, status_t, dax_map_locked(d, h));
}

status_t dax_activate(struct dax *d, const char *owner)
{
	DAX_LOCKED(d, status_t, dax_activate_locked(d, owner));
}

status_t dax_handle_for(const struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h)
{
	DAX_LOCKED(d, status_t, dax_handle_for_locked(d, dev, owner, h));
}

status_t dax_access_ptr(const struct dax *d, struct dax_handle h, uint64_t offset, uint64_t len,
			uint64_t *va_out)
{
	DAX_LOCKED(d, status_t, dax_access_ptr_locked(d, h, offset, len, va_out));
}

status_t dax_fault_lookup(const struct dax *d, vaddr_t va, uint32_t *dev_out)
{
	DAX_LOCKED(d, status_t, dax_fault_lookup_locked(d, va, dev_out));
}

status_t dax_fault_describe(const struct dax *d, vaddr_t va, char *buf, size_t len)
{
	DAX_LOCKED(d, status_t, dax_fault_describe_locked(d, va, buf, len));
}

status_t dax_find(const struct dax *d, const char *name, uint32_t *dev_out)
{
	DAX_LOCKED(d, status_t, dax_find_locked(d, name, dev_out));
}

status_t dax_mode_set(struct dax *d, uint32_t dev, enum dax_mode mode, bool movable)
{
	DAX_LOCKED(d, status_t, dax_mode_set_locked(d, dev, mode, movable));
}

status_t dax_ram_blocks_set(struct dax *d, uint32_t dev, uint32_t online, uint32_t total)
{
	DAX_LOCKED(d, status_t, dax_ram_blocks_set_locked(d, dev, online, total));
}

void dax_list_print(const struct dax *d, struct out *out, bool json)
{
	struct spinlock *l = (struct spinlock *)&d->lock;
	spin_lock(l);
	dax_list_print_locked(d, out, json);
	spin_unlock(l);
}

status_t dax_check(const struct dax *d, struct out *out)
{
	DAX_LOCKED(d, status_t, dax_check_locked(d, out));
}

status_t dax_defer_scrub(struct dax *d, struct range e)
{
	DAX_GROWING(d, dax_defer_scrub_locked(d, e));
}

status_t dax_defer_scrub_device(struct dax *d, uint32_t dev)
{
	DAX_GROWING(d, dax_defer_scrub_device_locked(d, dev));
}

status_t dax_note_written(struct dax *d, struct dax_handle h, struct range w)
{
	DAX_LOCKED(d, status_t, dax_note_written_locked(d, h, w));
}

status_t dax_dirty_take(struct dax *d, uint32_t dev, uint64_t *zeroed)
{
	DAX_GROWING(d, dax_dirty_take_locked(d, dev, zeroed));
}

uint64_t dax_dirty_bytes(const struct dax *d, struct range q)
{
	DAX_LOCKED(d, uint64_t, dax_dirty_bytes_locked(d, q));
}

status_t dax_device_reserve(struct dax *d, uint32_t region, const char *op)
{
	DAX_GROWING(d, dax_device_reserve_locked(d, region, op));
}

status_t dax_split_device(struct dax *d, uint32_t dev, uint64_t offset, uint32_t *new_dev)
{
	DAX_GROWING(d, dax_split_device_locked(d, dev, offset, new_dev));
}
