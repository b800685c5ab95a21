/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_internal.h - helpers shared by the mm/dax*.c files: device lookup, alignments, owner
 * names, fresh generations. Not for users of the allocator (they use mm/dax.h). */
#ifndef SPMK_MM_DAX_INTERNAL_H
#define SPMK_MM_DAX_INTERNAL_H

#include "lib/kstring.h"
#include "lib/rangeset.h"
#include "lib/table.h"
#include "mm/dax.h"

static inline bool dax_align_valid(uint64_t a)
{
	return a == PAGE_SIZE || a == SIZE_2M || a == SIZE_1G;
}

/* The used device at index dev, or NULL. */
static inline struct dax_device *dax_dev(struct dax *d, uint32_t dev)
{
	if (dev >= d->cap_devices || !d->devices[dev].used)
		return NULL;
	return &d->devices[dev];
}

/* A free device slot in *slot, growing the table if none is left (mm/dax_grow.c). A grown
 * slot stays free until the caller fills it. With inject, failure point FAULT_SLOT (lib/fault.h)
 * acts as a full table that cannot grow; callers in a commit step pass false (their check
 * step reserved the slot). Errors: ST_NOMEM (logged, naming op). */
status_t dax_device_slot(struct dax *d, const char *op, bool inject, uint32_t *slot);
/* Room for region number d->nregions, growing the table if needed. Errors: ST_NOMEM (logged,
 * naming the range). */
status_t dax_region_slot(struct dax *d, uint64_t base, uint64_t size);
/* ops->alloc/free as a lib/table.h allocator (alloc NULL when d has no ops). */
struct table_alloc dax_table_alloc(const struct dax *d);
/* One operation's growth record, in its own locals (the public functions of mm/dax_lock.c,
 * dax_release): the entries its last locked step found missing per table (0: none), and the
 * tables whose growth the allocator refused during this operation (bit t: table t). */
struct dax_grow {
	uint32_t want[DAX_NTABLES];
	uint32_t refused;
};

/* Under d->lock, as an operation's locked step starts: its check steps note wants in g (the
 * previous step's wants are forgotten; its refusals stay). dax_grow_end before the lock is
 * dropped. */
void dax_grow_begin(struct dax *d, struct dax_grow *g);
void dax_grow_end(struct dax *d);
/* Under d->lock, in a check step: room for `need` entries in table t of `cap` entries? ST_OK.
 * Otherwise ST_NOMEM, and *later is true when the table may still grow (an allocator, an
 * operation's record, and no refusal of t during this operation): the want is noted there,
 * nothing is logged, and the operation grows the table with the lock dropped and runs its
 * step again (dax_grow_wanted). *later false: the caller reports the refusal. */
status_t dax_room(struct dax *d, enum dax_table t, uint32_t cap, uint64_t need, bool *later);
/* Under d->lock: whether the running operation noted a want for table t. */
bool dax_grow_wants(const struct dax *d, enum dax_table t);
/* No lock held: grows every table g wants (at least to its want), or marks it refused in g
 * for the rest of the operation, and forgets the wants. True when g wanted any: the operation
 * runs its step again, which then reports a refusal with its own message (bounded: each
 * round grows a table or adds a refusal). */
bool dax_grow_wanted(struct dax *d, struct dax_grow *g);
/* Under d->lock, before a commit that cuts q out of the deferred-scrub table: room for the
 * one split a cut can need. ST_OK (room, or the table cannot grow: the cut's fallback zeroes
 * the shorter side), or ST_NOMEM with the want noted (grow and run again). */
status_t dax_dirty_cut_room(struct dax *d, struct range q);
/* Devices (any state) of region r. */
uint32_t dax_region_ndevices(const struct dax *d, uint32_t r);

/* A generation never handed out before by this struct dax (0 is never used). */
static inline uint32_t dax_gen_fresh(struct dax *d)
{
	if (++d->next_gen == 0)
		d->next_gen = 1;
	return d->next_gen;
}

/* True for 1..DAX_OWNER_MAX characters of [A-Za-z0-9_.:@+-]. */
bool dax_owner_valid(const char *owner);

/* Validates a handle: ST_PERM (logged, naming `op`) unless it is the current claim. */
status_t dax_handle_validate(struct dax *d, struct dax_handle h, const char *op,
			     struct dax_device **out);

/* Zeroes (ops->scrub) the deferred-scrub parts of dev and drops them from the table; never
 * fails (a split that finds the table full also zeroes the shorter remaining piece, which is
 * unowned memory). Returns bytes zeroed. */
uint64_t dax_dirty_scrub(struct dax *d, struct range dev);

/* The public operations' bodies: the caller holds d->lock (mm/dax_lock.c takes it). */
status_t dax_region_add_locked(struct dax *d, struct range rg, int target_node, uint64_t align,
			       uint32_t *region_out);
status_t dax_create_device_locked(struct dax *d, uint32_t region, uint64_t size, uint64_t align,
				  uint32_t *dev_out);
status_t dax_destroy_device_locked(struct dax *d, uint32_t dev);
status_t dax_claim_locked(struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h);
status_t dax_map_locked(struct dax *d, struct dax_handle h);
status_t dax_activate_locked(struct dax *d, const char *owner);
status_t dax_handle_for_locked(const struct dax *d, uint32_t dev, const char *owner,
			       struct dax_handle *h);
status_t dax_access_ptr_locked(const struct dax *d, struct dax_handle h, uint64_t offset,
			       uint64_t len, uint64_t *va_out);
status_t dax_fault_lookup_locked(const struct dax *d, vaddr_t va, uint32_t *dev_out);
status_t dax_fault_describe_locked(const struct dax *d, vaddr_t va, char *buf, size_t len);
status_t dax_find_locked(const struct dax *d, const char *name, uint32_t *dev_out);
status_t dax_mode_set_locked(struct dax *d, uint32_t dev, enum dax_mode mode, bool movable);
status_t dax_ram_blocks_set_locked(struct dax *d, uint32_t dev, uint32_t online, uint32_t total);
void dax_list_print_locked(const struct dax *d, struct out *out, bool json);
status_t dax_check_locked(const struct dax *d, struct out *out);
status_t dax_defer_scrub_locked(struct dax *d, struct range e);
status_t dax_defer_scrub_device_locked(struct dax *d, uint32_t dev);
status_t dax_note_written_locked(struct dax *d, struct dax_handle h, struct range w);
status_t dax_dirty_take_locked(struct dax *d, uint32_t dev, uint64_t *zeroed);
uint64_t dax_dirty_bytes_locked(const struct dax *d, struct range q);
status_t dax_device_reserve_locked(struct dax *d, uint32_t region, const char *op);
status_t dax_split_device_locked(struct dax *d, uint32_t dev, uint64_t offset, uint32_t *new_dev);

/* True when every byte of q lies in one region's free space or in its UNCLAIMED devdax
 * devices: memory the allocator holds for nobody, which a scrub may write. */
bool dax_range_unowned(const struct dax *d, struct range q);

/* Adds physical extent e (page-aligned, clipped to device x) to x's written set, merging;
 * when the set is full the two closest extents merge (a superset, never a loss). */
void dax_written_add(struct dax_device *x, struct range e);

/* dax_written_fn for ops->unmap of device x's window (arg is x). */
void dax_written_note(void *arg, vaddr_t va, uint64_t size);

#endif
