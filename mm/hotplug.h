/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug.h - hand-off of dax devices to the page allocator, and guaranteed, atomic reclaim.
 *
 * Device states (mm/dax.h) and the transitions this module makes. Each one CHECKs everything
 * first (a refusal changes nothing and says why, with numbers), then COMMITs:
 *
 *   operation          from                    to                   refusals
 *   hotplug_handoff    devdax, UNCLAIMED       system-ram (all      ST_NOTFOUND ST_BUSY (claimed,
 *                                              blocks online)       not devdax) ST_INVALID (not
 *                                                                   2 MiB blocks, no node) ST_NOMEM
 *   hotplug_reclaim    system-ram              devdax (whole), or   ST_BUSY (pinned/unmovable
 *                                              system-ram head +    pages), ST_NOMEM (not enough
 *                                              devdax tail (--size) free memory elsewhere), ...
 *
 * Hand-off: the device's memory joins the buddy as node = the region's target node, zone
 * MOVABLE (movable-only) or NORMAL (--unmovable, which gives up the reclaim guarantee), with
 * BUDDY_RANGE_ZERO_ON_ALLOC: every allocation there is zeroed first (lazy scrub), so hand-off
 * costs metadata setup only. Per-page metadata (8 B/page, one 4 KiB page per 2 MiB block:
 * meta_pages = blocks) is carved with owner META, exactly as many pages as needed, in one of
 * two places (enum hotplug_memmap; Linux's memmap_on_memory):
 *   - NORMAL memory elsewhere: the whole device serves allocations;
 *   - the device's own first meta_pages pages ("memmap on memory"): carved META in the
 *     device's zone, unmovable, never migrated; they leave with the device. The page words of
 *     block i lie in block i / 512 <= i, so a partial reclaim (a tail of whole blocks) never
 *     takes a page word of a block that stays: page words inside the tail go with it (removed
 *     carved), those of tail blocks that lie in the head are uncarved and serve allocations.
 * HOTPLUG_MEMMAP_AUTO (hotplug_handoff) takes NORMAL memory when the page words are at most a
 * quarter of the free NORMAL pages and a block can be had without the reserve, else the
 * device itself. The range is mapped into the kernel direct map (ops->map_direct) first.
 *
 * Dirty blocks: the buddy's zero op reports every zeroing (hotplug_note_zero); a 2 MiB block
 * that was ever zeroed for an allocation may hold data of a system-ram user. Hand-off
 * publishes the device's record before buddy_add_range makes its memory allocatable, and
 * reclaim retires it only after buddy_remove_range, so any CPU that zeroes a page of the
 * device finds the record (its lock: rec_lock below). Hand-off also
 * marks dirty every block the dax allocator still owed a deferred scrub, and takes those
 * parts out of its table (dax_dirty_take), so the table never covers memory the page
 * allocator holds and no claim can zero it. Every other block holds nothing of any owner.
 * Reclaim passes exactly the dirty blocks on to the deferred scrub.
 *
 * Reclaim of the last `bytes` (all when 0) of a system-ram device, as whole 2 MiB blocks:
 *   1. isolate the blocks (buddy_isolate: no new allocations there; free pages held back);
 *   2. CHECK: no pinned, unmovable or carved page; free pages elsewhere >= movable pages in
 *      use. Otherwise unisolate and fail: nothing changed, the error gives counts and the
 *      first offending pages;
 *   3. reserve a destination for every movable page (migrate_reserve: nearest node first);
 *      when that fails, unisolate and fail with nothing changed; then migrate every movable
 *      page (mm/migrate.h) into the reservation. A failure while moving (cannot happen: the
 *      destinations are held and the kernel's remap rewrites a present PTE, but handled) or
 *      a stop asked at a cancel point (Ctrl-C: lib/cancel.h) unisolates: moved pages stay
 *      moved and intact, nothing else changed;
 *   4. COMMIT (cannot fail; every step CHECKed): remove the range from the buddy, give back
 *      the metadata pages of the reclaimed blocks, switch the device (or split it: the tail
 *      becomes a new devdax device) to devdax, hand its dirty blocks to the dax allocator's
 *      deferred scrub (dax_defer_scrub: zeroed by the next dax_claim of a device covering
 *      them; zeroed right here, inside the range, when that table is full), unmap it from
 *      the direct map.
 * Guarantee: with movable-only hand-off and free pages elsewhere >= pages in use there, step 2
 * passes (movable zones hold only movable pages; pins are the only other obstacle), each
 * migration finds a free page (the free count only falls by one per move, and the isolated
 * range is never a target), so reclaim succeeds and every object is intact. */
#ifndef SPMK_MM_HOTPLUG_H
#define SPMK_MM_HOTPLUG_H

#include "mm/buddy.h"
#include "mm/dax.h"
#include "mm/memobj.h"

#define HOTPLUG_BLOCK SIZE_2M
#define HOTPLUG_BLOCK_PAGES 512u
#define HOTPLUG_INIT 16 /* hand-off records inside struct hotplug before any growth */
#define HOTPLUG_DIRTY_BLOCKS                                                                       \
	8192u               /* dirty bits inside a record (16 GiB); larger devices:
				    * a bitmap from ops->alloc, all dirty when there is none */
#define HOTPLUG_OFFENDERS 4 /* first offending pages named in a refusal */

struct hotplug_ops {
	/* Map physical range r, [r.base, r.end), into the direct map (writable, not global). */
	status_t (*map_direct)(void *ctx, struct range r);
	/* Remove it again and flush the TLB (whole 2 MiB blocks: needs no table). */
	void (*unmap_direct)(void *ctx, struct range r);
	/* Zero physical range r (still direct-mapped). */
	void (*scrub)(void *ctx, struct range r);
	/* Where the metadata page at frame pfn can be written (in the direct map). */
	uint64_t *(*meta_ptr)(void *ctx, pfn_t pfn);
	void *ctx;
	/* Optional (NULL: at most HOTPLUG_INIT hand-offs at once, devices above 16 GiB all
	 * dirty): `bytes` for a grown record table or a dirty bitmap, NULL when there is none;
	 * and giving it back. */
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *p);
	/* Optional (NULL in the kernel): hand-off has just put physical range r into the page
	 * allocator, so from here on any CPU may allocate from it. Tests allocate here, as
	 * another CPU could, to check that such pages are tracked (hotplug_note_zero). */
	void (*added)(void *ctx, struct range r);
};

/* Where hand-off puts the page words of a device (see the top comment). */
enum hotplug_memmap {
	HOTPLUG_MEMMAP_AUTO = 0,  /* NORMAL memory if it holds them easily, else on the device */
	HOTPLUG_MEMMAP_NORMAL,    /* NORMAL memory elsewhere, or refuse */
	HOTPLUG_MEMMAP_ON_MEMORY, /* the device's first pages */
};

struct hotplug_dev {
	bool used;
	bool movable;
	bool all_dirty;      /* no bitmap for this size: scrub everything */
	bool meta_on_memory; /* meta_pfn == base_pfn: page words on the device itself */
	uint32_t dev;        /* dax device index */
	unsigned node;
	uint64_t base_pfn, npages;
	uint64_t meta_pfn, meta_pages;
	uint64_t dirty[HOTPLUG_DIRTY_BLOCKS / 64];
	uint64_t *dirty_big; /* from ops->alloc for devices of more than HOTPLUG_DIRTY_BLOCKS */
};

struct hotplug_stats {
	uint64_t handoffs, reclaims, refusals;
	uint64_t pages_migrated, bytes_scrubbed, bytes_deferred;
};

struct hotplug {
	struct spinlock busy; /* held by the one hand-off or reclaim running; never waited for */
	/* A leaf lock (rank NONE) over what hotplug_note_zero reads from any CPU: the table
	 * (d, cap) and each record's used, base_pfn, npages, all_dirty and dirty_big. Writers
	 * (the busy holder) change those only under it; dirty bits are set and cleared with
	 * atomic operations. */
	struct spinlock rec_lock;
	struct buddy *b;
	struct dax *dax;
	struct memobj_set *objs;
	const struct hotplug_ops *ops;
	struct out *log; /* refusals (LOG_ERR) */
	struct hotplug_stats st;
	unsigned cap;          /* records in d */
	struct hotplug_dev *d; /* d0, or a table doubled from ops->alloc when all are used */
	struct hotplug_dev d0[HOTPLUG_INIT];
};

/* What one reclaim did. */
struct hotplug_reclaim_info {
	uint64_t pages;            /* pages reclaimed */
	uint64_t moved;            /* pages migrated */
	uint64_t refills, flushes; /* migration's destination blocks and TLB flushes */
	uint64_t scrubbed;         /* bytes of dirty blocks zeroed now */
	uint64_t deferred;         /* bytes of dirty blocks left to the next dax claim */
	bool split;                /* partial: the tail is the new device new_dev */
	uint32_t new_dev;
};

void hotplug_init(struct hotplug *h, struct buddy *b, struct dax *dax, struct memobj_set *objs,
		  const struct hotplug_ops *ops, struct out *log);
/* Gives a grown record table back to ops->free (h must hold no hand-off any more). */
void hotplug_fini(struct hotplug *h);

/* Hand-off and reclaim run one at a time: while one runs (it may take seconds of migration or
 * scrubbing), another is refused with ST_BUSY and a log line instead of spinning
 * (docs/locking.md); the allocators they use take their own locks step by step.
 *
 * Hands devdax device `dev` (UNCLAIMED) to the page allocator, its page words where `where`
 * says (hotplug_handoff: HOTPLUG_MEMMAP_AUTO). Errors: ST_NOTFOUND, ST_BUSY (claimed, mapped,
 * already system-ram, or another hand-off or reclaim is running), ST_INVALID (base/size not
 * whole 2 MiB blocks, no target node, bad `where`), ST_RANGE (device too large), ST_NOMEM (no metadata memory in NORMAL memory for
 * HOTPLUG_MEMMAP_NORMAL, no record slot and the table cannot grow (a grown table stays
 * grown), no page table for the direct map, no buddy descriptor); nothing changes on error. */
status_t hotplug_handoff_memmap(struct hotplug *h, uint32_t dev, bool movable,
				enum hotplug_memmap where);
status_t hotplug_handoff(struct hotplug *h, uint32_t dev, bool movable);

/* Takes back the last `bytes` of system-ram device `dev` (0: all). info may be NULL.
 * Errors: ST_NOTFOUND, ST_BUSY (not system-ram; pinned, unmovable or carved pages there;
 * another hand-off or reclaim is running),
 * ST_INVALID (bytes not whole blocks or larger than the device), ST_NOMEM (not enough free
 * memory elsewhere; no device slot for the split), ST_INTERRUPTED (cancel_point said stop
 * during migration: lib/cancel.h), or a migration error. Reclaim is atomic: on every error,
 * a stop included, it rolls back, and the device, the allocator and every object are as
 * before (migrated pages stay moved, intact). */
status_t hotplug_reclaim(struct hotplug *h, uint32_t dev, uint64_t bytes,
			 struct hotplug_reclaim_info *info);

/* The buddy zeroed frames [pfn, +n pages) for an allocation: marks the blocks of hot-added
 * devices dirty. */
void hotplug_note_zero(struct hotplug *h, pfn_t pfn, uint64_t n);

/* The dirty-block bits of a record (bit i: block i may hold data of a system-ram user). */
uint64_t *hotplug_dirty_bits(struct hotplug_dev *d);

/* The hot-added record of dax device dev, or NULL. */
const struct hotplug_dev *hotplug_dev_of(const struct hotplug *h, uint32_t dev);

/* Checks every record against the buddy and the dax allocator. Errors: ST_INVALID. */
status_t hotplug_check(const struct hotplug *h, struct out *out);

#endif
