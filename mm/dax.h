/* SPDX-License-Identifier: BSD-2-Clause */
/* dax.h - the exclusive-ownership allocator for specific-purpose memory (device-dax model).
 *
 * Data: a struct dax (owned by the caller, no globals) holds its regions and devices in two
 * arrays that start inside the struct (DAX_INIT_REGIONS, DAX_INIT_DEVICES) and double from the
 * caller's allocator (ops->alloc, the kernel heap) whenever a new region or device finds no free
 * slot; without ops->alloc the first sizes are the limit. Growth is the last step of a check,
 * so a refused growth changes nothing. A region holds at most DAX_REGION_DEVICES devices (its
 * free-extent list is sized by that: k devices leave at most k + 1 extents). A region is one SP piece [base, base+size) with a
 * target node and an alignment (1 GiB, 2 MiB or 4 KiB). Its space is either free (a sorted,
 * merged list of extents) or in exactly one device. A device `dax<region>.<n>` is a sub-range
 * with its own alignment (<= the region's), a mode, a state and at most one owner.
 * Hardware work goes through the caller's dax_ops: map (page tables), unmap (page tables + TLB
 * flush, reporting which parts of the window were written), scrub (zero physical memory
 * through a temporary mapping).
 *
 * Written memory: an owner can write a device only through its window (SP memory is in no
 * other writable mapping; docs/dax.md gives the whole argument). Each unmap of a live window
 * reports the parts its page-table leaves saw written (their dirty bits), and the device
 * keeps them in `written` (at most DAX_MAX_WRITTEN extents; when more are needed the two
 * closest merge, so the set only ever grows to a superset). release zeroes exactly those
 * extents. Windows are mapped with pages of at most d->window_page (default 2 MiB), the grain
 * of that record: a 1 GiB leaf would make one written byte cost a 1 GiB scrub.
 *
 * Windows: region r gets a fixed virtual slot in [DAX_WINDOW_BASE, +DAX_WINDOW_SIZE) with the
 * same offset modulo 1 GiB as its physical base, and a 1 GiB guard gap after it; a device's
 * window is region window + (device base - region base). So windows never overlap, and every
 * window is aligned like its physical range, which lets map use the largest page the device
 * alignment allows.
 *
 * Handles: dax_claim returns {index, gen}. gen comes from one counter per struct dax (seeded
 * at init), so no two claims ever share a gen; release and destroy give the slot a fresh gen.
 * A handle is valid only while the device is claimed by that very claim: a stale handle, one
 * made up from another device's index, or one from another struct dax is refused (ST_PERM).
 *
 * MMU enforcement: one owner at a time is "active" (the one the kernel is running for).
 * Window mappings exist exactly for MAPPED devices owned by the active owner; dax_activate
 * maps the new owner's devices and unmaps everyone else's, so another owner's access faults,
 * and dax_fault_lookup/dax_fault_describe turn that fault into an ownership-violation report.
 *
 * State table (mode devdax). Every operation CHECKs all its conditions first (a refusal
 * changes nothing and logs why, with numbers), then COMMITs, which cannot fail. Only a failing
 * ops->map (no page-table memory) can stop dax_map/dax_activate, and they undo their own work.
 *
 *   operation        from        to          effects                           refusals
 *   (boot) region    -           UNCLAIMED   one device spans the region        -
 *   create_device    -           UNCLAIMED   first fit in the region's free     ST_NOTFOUND ST_INVALID
 *                                            space, aligned                     ST_NOMEM (no space/slot)
 *   destroy_device   UNCLAIMED   (gone)      space back to the region, merged;  ST_BUSY (claimed, mapped,
 *                                            gen bumped                         system-ram)
 *   claim            UNCLAIMED   CLAIMED     deferred-scrub parts zeroed,       ST_BUSY ST_INVALID (name)
 *                                            owner set, fresh gen -> handle
 *   map              CLAIMED     MAPPED      window mapped if owner is active   ST_PERM ST_BUSY, map error
 *   release          CLAIMED     UNCLAIMED   unmap + TLB flush if mapped,       ST_PERM
 *                    MAPPED                  scrub the written extents, owner
 *                                            cleared, gen bumped
 *   activate(o)      MAPPED      MAPPED      mapping present iff owner == o     ST_INVALID, map error
 *   mode_set         UNCLAIMED devdax <-> system-ram (hand-off/reclaim     ST_BUSY
 *                                            call it after doing their work)
 * A system-ram device is neither claimable nor destroyable (ST_BUSY); online_blocks,
 * total_blocks and movable describe it and are printed by dax_list_print.
 *
 * Locking (docs/locking.md): every function below takes d->lock (rank DAX) itself, except
 * dax_init/dax_fini (no other user yet / any more), the pure helpers (dax_align_best,
 * dax_state_str, dax_mode_str) and dax_device_get/dax_device_name, whose results describe a
 * device only while nobody else changes it (its claimer, or hand-off/reclaim, which owns its
 * system-ram devices). ops->map/unmap/scrub are called with d->lock held, except the scrub of
 * dax_release, which runs unlocked while the device is still CLAIMED: a concurrent claim, map
 * or destroy of that device is refused as for any claimed device. ops->alloc/free (the
 * kernel heap) are called with no lock held: tables grow with the lock dropped, and the
 * operation runs again (mm/dax_grow.c). */
#ifndef SPMK_MM_DAX_H
#define SPMK_MM_DAX_H

#include "lib/out.h"
#include "lib/spinlock.h"
#include "lib/status.h"
#include "lib/types.h"

#define DAX_INIT_REGIONS 16     /* region slots inside struct dax before any growth */
#define DAX_INIT_DEVICES 64     /* device slots inside struct dax before any growth */
#define DAX_REGION_DEVICES 64   /* devices one region may hold at once */
#define DAX_OWNER_MAX 31        /* characters of an owner name, [A-Za-z0-9_.:@+-] */
#define DAX_NAME_MAX 24         /* "dax<region>.<n>" plus NUL */
#define DAX_INIT_DIRTY 32       /* deferred-scrub extents inside struct dax before any growth */
#define DAX_MAX_WRITTEN 8       /* written extents per device (mm/dax_written.c) */
#define DAX_WINDOW_PAGE SIZE_2M /* default largest window page: the dirty-tracking grain */
#define DAX_WINDOW_BASE 0xffffc00000000000ull
#define DAX_WINDOW_SIZE (16ull << 40) /* 16 TiB of windows: PML4 slots 384..415 */

enum dax_mode { DAX_MODE_DEVDAX = 0, DAX_MODE_SYSTEM_RAM = 1 };
enum dax_state { DAX_UNCLAIMED = 0, DAX_CLAIMED = 1, DAX_MAPPED = 2 };

/* Receives one part [va, va+size) of a window that may have been written while mapped. */
typedef void (*dax_written_fn)(void *arg, vaddr_t va, uint64_t size);

struct dax_ops {
	/* Map [va, va+size) to [pa, pa+size) writable, no-exec, pages up to max_page. */
	status_t (*map)(void *ctx, vaddr_t va, paddr_t pa, uint64_t size, uint64_t max_page);
	/* Remove that mapping and flush the TLB, then call written(arg, ...) for every part of
	 * [va, va+size) that may have been written since it was mapped (the dirty leaves; an
	 * implementation that cannot tell reports the whole range). */
	void (*unmap)(void *ctx, vaddr_t va, uint64_t size, dax_written_fn written, void *arg);
	/* Zero physical range r, [r.base, r.end), page-aligned (through a temporary mapping).
	 * Cannot fail: release and claim commit right after it (the kernel maps through a window
	 * whose page tables exist from boot, kernel/kdax.c, mm/vm_window.h). Called only for memory
	 * the caller holds: the releasing owner's written extents, or memory the allocator holds
	 * for nobody (CHECKed). */
	void (*scrub)(void *ctx, struct range r);
	void *ctx;
	/* Optional (NULL: the tables never grow): `bytes` of memory for a grown region, device or
	 * deferred-scrub table, NULL when there is none; and giving such memory back. */
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *p);
};

struct dax_region {
	bool used;
	int target_node; /* -1: none */
	uint64_t base, size, align;
	uint64_t window; /* virtual address of `base` */
	uint32_t nfree;  /* free extents, sorted, disjoint, never adjacent */
	struct range free[DAX_REGION_DEVICES + 1];
};

struct dax_device {
	bool used;
	bool live; /* window mapping present in the page tables */
	uint32_t region;
	uint32_t id; /* the <n> of dax<region>.<n> */
	uint64_t base, size, align;
	uint64_t window;
	enum dax_mode mode;
	enum dax_state state;
	uint32_t gen;
	char owner[DAX_OWNER_MAX + 1]; /* "" when unclaimed */
	/* system-ram mode (hand-off, mm/hotplug.h); zero in devdax mode */
	bool movable;
	uint32_t online_blocks, total_blocks;
	/* Physical extents the owner may have written through unmapped windows of this claim:
	 * sorted, disjoint, non-adjacent, page-aligned, inside the device; none when unclaimed. */
	uint32_t nwritten;
	struct range written[DAX_MAX_WRITTEN];
};

struct dax_handle {
	uint32_t index;
	uint32_t gen;
};

/* The tables of struct dax that grow from ops->alloc (mm/dax_grow.c). */
enum dax_table { DAX_TABLE_REGIONS, DAX_TABLE_DEVICES, DAX_TABLE_DIRTY, DAX_NTABLES };
struct dax_grow;

struct dax {
	struct spinlock lock; /* everything below (docs/locking.md); first, outside the digest */
	const struct dax_ops *ops;
	struct out *log; /* refusals are explained here (LOG_ERR) */
	uint32_t nregions;
	uint32_t next_gen;
	uint64_t window_next;      /* offset of the next region slot in the window area */
	uint64_t window_page;      /* largest window page (4 KiB, 2 MiB, 1 GiB); dax_init: 2 MiB */
	uint64_t release_scrubbed; /* bytes the last successful release zeroed */
	char active[DAX_OWNER_MAX + 1]; /* "" when no owner is active */
	/* Deferred scrub: memory of unclaimed devices that may hold an earlier user's bytes;
	 * sorted, disjoint, page-aligned, zeroed by dax_claim (mm/dax_dirty.c). dirty is dirty0
	 * or a grown array from ops->alloc (cap_dirty extents). */
	uint32_t ndirty, cap_dirty;
	struct range *dirty;
	uint32_t cap_regions, cap_devices; /* slots in regions[] and devices[] */
	struct dax_region *regions;        /* regions0 or a grown array from ops->alloc */
	struct dax_device *devices;        /* devices0 or a grown array from ops->alloc */
	/* The growth record of the operation in its locked step (mm/dax_grow.c), NULL outside
	 * one: what a check step finds missing is noted in the operation's own record, never
	 * here, so no operation sees or clears another's wants or refusals. */
	struct dax_grow *grow;
	struct dax_region regions0[DAX_INIT_REGIONS];
	struct dax_device devices0[DAX_INIT_DEVICES];
	struct range dirty0[DAX_INIT_DIRTY];
};

/* Empties d. seed starts the generation counter (the kernel passes the TSC). d must not be
 * copied by value afterwards (regions and devices may point into it). */
void dax_init(struct dax *d, const struct dax_ops *ops, struct out *log, uint32_t seed);
/* Gives grown tables back to ops->free; d is empty afterwards (dax_init again to reuse it). */
void dax_fini(struct dax *d);

/* The largest of 1 GiB, 2 MiB, 4 KiB that divides both base and size; 0 if none does. */
uint64_t dax_align_best(uint64_t base, uint64_t size);

/* Adds region number d->nregions for SP piece r = [base, end) with one UNCLAIMED devdax
 * device spanning it. align 0 means dax_align_best(base, size).
 * Errors: ST_INVALID (empty, align not 4K/2M/1G, base or size not aligned to it),
 * ST_RANGE (end below base: a range_of() that wrapped past 2^64), ST_EXISTS (overlaps another
 * region), ST_NOMEM (no region or device slot and the tables cannot grow, or no window space
 * left); nothing changes on error. */
status_t dax_region_add(struct dax *d, struct range r, int target_node, uint64_t align,
			uint32_t *region_out);

/* Creates an UNCLAIMED devdax device of `size` bytes aligned to `align` (0: the region's)
 * at the lowest suitable address of the region's free space; *dev_out is its index.
 * Errors: ST_NOTFOUND (no such region), ST_INVALID (align not 4K/2M/1G or above the region's,
 * size 0 or not a multiple of align), ST_NOMEM (no free range fits; the region already has
 * DAX_REGION_DEVICES devices; no device slot and the table cannot grow). */
status_t dax_create_device(struct dax *d, uint32_t region, uint64_t size, uint64_t align,
			   uint32_t *dev_out);
/* Errors: ST_NOTFOUND, ST_BUSY (claimed, mapped or system-ram). */
status_t dax_destroy_device(struct dax *d, uint32_t dev);

/* Errors: ST_NOTFOUND, ST_INVALID (owner name), ST_BUSY (not unclaimed devdax). */
status_t dax_claim(struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h);
/* Errors: ST_PERM (stale/foreign handle), ST_BUSY (already mapped), or the map op's error. */
status_t dax_map(struct dax *d, struct dax_handle h);
#define DAX_SCRUB_CHUNK (64ull << 20) /* bytes scrubbed between cancel points */
/* Unmaps the window if live (TLB flushed), zeroes every extent the owner may have written
 * (x->written, mm/dax_written.c; d->release_scrubbed says how many bytes) and unclaims the
 * device. The scrub runs in DAX_SCRUB_CHUNK pieces with a cancel_point(bytes done, bytes to
 * zero) between them (lib/cancel.h): a stop still releases the device and leaves the written
 * rest to the deferred scrub, so the next claim zeroes it (dax_dirty_bytes tells how much; with
 * no deferred-scrub extent left it is scrubbed at once). Errors: ST_PERM (stale/foreign
 * handle). */
status_t dax_release(struct dax *d, struct dax_handle h);
/* Records that the owner of claim h may have written physical range w through a mapping
 * of its own other than the device's window (an app's page tables, kernel/app_dax.c), so that
 * release zeroes it too (page-aligned outward). Errors: ST_PERM (stale/foreign handle),
 * ST_RANGE when w is reversed (end below base) or not inside the device. */
status_t dax_note_written(struct dax *d, struct dax_handle h, struct range w);
/* owner NULL or "": no active owner. Errors: ST_INVALID (name), or the map op's error
 * (then nothing changed). */
status_t dax_activate(struct dax *d, const char *owner);

/* The handle of a device claimed by `owner` (how the shell acts as an owner).
 * Errors: ST_NOTFOUND, ST_PERM (unclaimed, or claimed by someone else). */
status_t dax_handle_for(const struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h);
/* Virtual address of [offset, offset+len) of a MAPPED device of the active owner.
 * Errors: ST_PERM (bad handle, or the owner is not active), ST_BUSY (not mapped),
 * ST_RANGE (outside the device). */
status_t dax_access_ptr(const struct dax *d, struct dax_handle h, uint64_t offset, uint64_t len,
			uint64_t *va_out);

/* Which device's window holds va (any state). Errors: ST_NOTFOUND. */
status_t dax_fault_lookup(const struct dax *d, vaddr_t va, uint32_t *dev_out);
/* One line for the page-fault handler, e.g. "ownership violation: dax0.0 owned by 'alice',
 * accessed as 'bob'". Errors: ST_NOTFOUND (va is in no window). */
status_t dax_fault_describe(const struct dax *d, vaddr_t va, char *buf, size_t len);

/* Errors: ST_NOTFOUND (no device of that name). */
status_t dax_find(const struct dax *d, const char *name, uint32_t *dev_out);
/* The device at index dev, or NULL; indices run below dax_device_slots(d) (unused slots
 * too: check ->used). */
const struct dax_device *dax_device_get(const struct dax *d, uint32_t dev);
uint32_t dax_device_slots(const struct dax *d);
/* Regions 0 .. dax_region_count(d) - 1; dax_region_get is NULL past the last. */
uint32_t dax_region_count(const struct dax *d);
const struct dax_region *dax_region_get(const struct dax *d, uint32_t region);
/* The target node of the device's region; -1 for none or no such device. */
int dax_device_node(const struct dax *d, uint32_t dev);
/* The active owner's name ("" when none: see "MMU enforcement" above). */
const char *dax_active_owner(const struct dax *d);
/* Writes "dax<region>.<n>" into buf. */
void dax_device_name(const struct dax *d, uint32_t dev, char *buf, size_t len);
const char *dax_state_str(enum dax_state s);
const char *dax_mode_str(enum dax_mode m);

/* Hand-off hook: switches an UNCLAIMED device between devdax and system-ram; the hand-off
 * code calls it once its own work is done. Errors: ST_NOTFOUND, ST_BUSY (claimed/mapped). */
status_t dax_mode_set(struct dax *d, uint32_t dev, enum dax_mode mode, bool movable);
/* Hand-off hook: block counts shown for a system-ram device. Errors: ST_NOTFOUND, ST_BUSY. */
status_t dax_ram_blocks_set(struct dax *d, uint32_t dev, uint32_t online, uint32_t total);

/* Regions and devices like `daxctl list -RDu` (indented, human sizes), or with json=true one
 * line of JSON (shape in docs/dax.md). */
void dax_list_print(const struct dax *d, struct out *out, bool json);

/* Walks every invariant: devices inside their region and aligned, no two overlap, free
 * extents sorted/merged/outside devices, free + devices = region size, states consistent with
 * owners, generations and live mappings. Prints each violation; ST_INVALID if any. */
status_t dax_check(const struct dax *d, struct out *out);

/* Reclaim hook (deferred scrub): physical range e of unclaimed devdax memory may hold bytes of
 * an earlier user (reclaim did not zero it). dax_claim zeroes the part of a device it covers
 * before the owner gets it. Errors: ST_INVALID (empty or reversed, not page-aligned), ST_NOTFOUND
 * (not inside one region), ST_BUSY (overlaps a claimed, mapped or system-ram device: the
 * caller switches a reclaimed device to devdax first), ST_NOMEM (the table
 * is full: the caller must zero it itself); nothing changes on error. */
status_t dax_defer_scrub(struct dax *d, struct range e);
/* UNCLAIMED devdax device dev may hold bytes nobody wrote through a window (what the firmware
 * or an earlier boot left): its whole memory is owed a scrub, which the next claim does
 * (dax_defer_scrub), or it is zeroed now when the deferred-scrub table is full. A release
 * zeroes only what its owner wrote, so a claim and a release do not launder a device; this
 * does. Errors: ST_NOTFOUND (no such device), ST_BUSY (claimed, mapped or system-ram). */
status_t dax_defer_scrub_device(struct dax *d, uint32_t dev);
/* Hand-off hook: takes UNCLAIMED devdax device dev's memory out of the deferred-scrub table
 * without zeroing it (the page allocator zeroes every page it hands out; the caller keeps
 * track of what was dirty). When an extent must be split and the table is full, the shorter
 * piece outside the device is zeroed at once instead; *zeroed (may be NULL) is those bytes.
 * Errors: ST_NOTFOUND, ST_BUSY (claimed, mapped or system-ram); nothing changes on error. */
status_t dax_dirty_take(struct dax *d, uint32_t dev, uint64_t *zeroed);
/* Bytes of physical range q still waiting for their deferred scrub. */
uint64_t dax_dirty_bytes(const struct dax *d, struct range q);

/* Makes sure a later dax_split_device of a device of `region` cannot fail for want of a slot:
 * the region holds fewer than DAX_REGION_DEVICES devices and a device slot is free (the table
 * grows from ops->alloc if needed; a grown table stays grown). op names the caller in the log.
 * Errors: ST_NOTFOUND (no such region), ST_NOMEM (logged); nothing changes on error. */
status_t dax_device_reserve(struct dax *d, uint32_t region, const char *op);

/* Splits UNCLAIMED device dev at `offset` (mm/dax_split.c): dev keeps [base, base+offset), a
 * new device *new_dev (same region and mode, next <n>) gets the rest. Used by partial reclaim.
 * Errors: ST_NOTFOUND, ST_BUSY (claimed or mapped), ST_INVALID (offset not a page multiple in
 * (0, size)), ST_NOMEM (region full, or no device slot and the table cannot grow); nothing
 * changes on error. */
status_t dax_split_device(struct dax *d, uint32_t dev, uint64_t offset, uint32_t *new_dev);

#endif
