/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy.h - the NUMA binary buddy page allocator (mechanism only; policy lives elsewhere).
 *
 * Data structure. Memory is added as physical ranges, each belonging to one node (0..63) and
 * one zone kind (NORMAL, or MOVABLE = serves movable allocations only). A range descriptor
 * keeps, per order 0..BUDDY_MAX_ORDER (4 KiB .. 1 GiB), a doubly linked free list threaded
 * through the range's per-page words (mm/page.h: 8 bytes per page, caller-provided metadata,
 * never the managed memory itself). A block of order k is 2^k pages, naturally aligned in
 * absolute pfn, and never crosses its range's edges. Per node and zone the allocator keeps the
 * count of free blocks per order (a bitmask says which orders are non-empty) and the page
 * statistics (total, free, isolated, per-owner).
 *
 * Allocation (buddy_alloc): for each candidate node (the preferred one, then the others by
 * distance, see buddy_set_distance) and each eligible zone (movable requests: MOVABLE then
 * NORMAL; others: NORMAL only), take the smallest non-empty order j >= k, pop a block, and
 * split it down to k, pushing the upper halves onto the lists of orders j-1 .. k. It fails
 * only when no eligible zone has a free block of order >= k.
 *
 * Reserve (watermark): each node's NORMAL zone may keep a reserve of free pages
 * (buddy_set_reserve; sized by the caller, e.g. with buddy_reserve_pages, Linux's
 * min_free_kbytes rule). An allocation without BUDDY_RESERVE skips a zone whose free pages would
 * fall below its reserve (free - 2^k < reserve) and tries the next node, so ordinary and
 * movable allocations spill to other nodes and finally fail while the reserve is still there;
 * the kernel's own unmovable allocations (page tables, heap, allocator metadata) pass
 * BUDDY_RESERVE and may use it, as Linux's ALLOC_HIGH/ALLOC_HARDER requests go below the min
 * watermark. MOVABLE zones have no reserve: they serve movable allocations only.
 *
 * Freeing and the merge: a block of order k at pfn p has its buddy at p XOR 2^k, the other half
 * of the naturally aligned block of order k+1 that contains both. If the buddy lies inside the
 * same range and its word says "free head of order k", the two are free halves of one block:
 * unlink the buddy, clear the upper half's head word, continue with order k+1 at the lower
 * address; stop at the first buddy that is outside the range, not free, or split smaller
 * (a free buddy of a different order is not a whole half). Then push the result. Because merging
 * happens on every free, two buddies are never both free at the same order (buddy_check).
 *
 * Range operations (for reserved memory, hand-off and reclaim):
 *   carve     free/isolated pages -> CARVED (owned by a tag); fails with nothing changed unless
 *             every page is free or isolated. Free blocks that straddle the edge are split.
 *   uncarve   CARVED -> free (merging), or -> isolated inside an isolated range.
 *   isolate   a range stops serving allocations: its free pages leave the free lists (ISOLATED)
 *             and pages freed there later become ISOLATED too. Reports what the range holds.
 *   unisolate ISOLATED pages return to the free lists; allocated pages are untouched.
 *   add       hot-add a range with its own metadata; all pages start free.
 *   remove    the range leaves the allocator; only if every page is free, isolated or carved.
 * Page states and transitions (any other request is refused with the state left as it was):
 *   free --alloc--> alloc|movable --free--> free (or isolated inside an isolated range)
 *   free|isolated --carve--> carved --uncarve--> free|isolated
 *   free --isolate--> isolated --unisolate--> free;  free|isolated|carved --remove--> (gone)
 *
 * Movable pages (BUDDY_MOVABLE): every page of a movable allocation is its own unit with an
 * object id (23 bits, 0 = none), a page index within the object (32 bits) and a pin count
 * (0..63), the reverse map migration needs. Such pages may be freed one by one or as the
 * aligned block they were allocated as; a pinned page cannot be freed (ST_BUSY).
 *
 * Accounting: per node and zone, total == free + isolated + sum(owner[]) at every moment.
 * Carved pages count for their owner tag. Zeroing goes through ops->zero (SP memory is not in
 * the direct map). No allocation inside: the struct and all metadata are the caller's.
 *
 * Locking (docs/locking.md): every function takes the allocator's own spinlock (rank BUDDY),
 * so any CPU may call any of them at any time; ops->zero and ops->junk are called with it held
 * and must not call back into the allocator.
 *
 * Per-CPU page caches (mm/buddy_pcp.c, off until buddy_pcp_enable): each CPU keeps, per node
 * and zone it uses (BUDDY_PCP_SLOTS of them), a stack of free blocks for each order below
 * BUDDY_PCP_ORDERS (up to buddy_pcp_high(order) blocks), refilled from and drained to the free
 * lists buddy_pcp_batch(order) blocks at a time under the allocator lock, so most allocations
 * and frees of the cached orders (order 0 unless buddy_pcp_set_orders asks for up to 0..3) take
 * only the CPU's own cache lock. A cached block's head word is in
 * state PCP with its order (mm/page.h), its other words are TAIL: not free, not owned, counted
 * in buddy_stats.cached (pages) and cached_blocks[order], so that
 * total == free + cached + isolated + sum(owner) stays exact. Caches serve those orders without
 * BUDDY_ZERO or BUDDY_RESERVE (movable allocations: order 0 only), from zones without
 * zero-on-alloc ranges; while any range is isolated, frees bypass them. Isolation, carve and
 * remove first drain every cache of the blocks overlapping their range (the drained pages
 * become free or isolated); an allocation that finds no free block drains every cache and
 * tries once more. The reserve is checked when a cache is refilled
 * (only non-reserve allocations use caches), so cached pages never come out of a reserve. */
#ifndef SPMK_MM_BUDDY_H
#define SPMK_MM_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/spinlock.h"
#include "lib/status.h"
#include "lib/types.h"
#include "mm/page.h"

#define BUDDY_MAX_ORDER 18 /* 2^18 pages = 1 GiB */
#define BUDDY_NORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_PCP_ORDERS 4         /* the caches can hold orders 0..3 (buddy_pcp_set_orders) */
#define BUDDY_PCP_ORDERS_DEFAULT 1 /* orders they serve after buddy_pcp_enable: order 0 */
#define BUDDY_MAX_NODES 64
/* Range descriptors (a hot-added range >512 GiB takes several) and disjoint isolated ranges
 * (adjacent ones merge): tables inside struct buddy that double from ops->alloc when full
 * (lib/table.h); zone lists link descriptors with int16_t, so at most BUDDY_RANGES_LIMIT. */
#define BUDDY_INIT_RANGES 128
#define BUDDY_INIT_ISOLATED 32
#define BUDDY_RANGES_LIMIT 16384u
#define BUDDY_RANGE_MAX_PAGES PW_MAX_SPAN

enum buddy_zone_kind { BUDDY_ZONE_NORMAL = 0, BUDDY_ZONE_MOVABLE = 1, BUDDY_NZONES = 2 };

/* Owner tags (4 bits in the page word). */
enum buddy_owner {
	BUDDY_OWNER_OTHER = 0,
	BUDDY_OWNER_KERNEL,    /* kernel image */
	BUDDY_OWNER_PAGETABLE, /* page tables */
	BUDDY_OWNER_META,      /* allocator metadata (page words, descriptors) */
	BUDDY_OWNER_HEAP,      /* kmalloc slabs and large objects */
	BUDDY_OWNER_BOOTINFO,  /* struct boot_info, memory map copy, command line */
	BUDDY_OWNER_DAX,       /* carved for a dax device (hand-off / reclaim in progress) */
	BUDDY_OWNER_MOVABLE,   /* pages of movable memory objects (implied by BUDDY_MOVABLE) */
	BUDDY_OWNER_FIRMWARE,  /* firmware data that stays in usable RAM (e.g. ACPI copies) */
	BUDDY_OWNER_STACK,     /* kernel stacks */
	BUDDY_OWNER_COUNT
};

/* buddy_alloc flags. The owner tag rides in bits 8..11: flags | BUDDY_OWNER(BUDDY_OWNER_HEAP). */
#define BUDDY_MOVABLE 0x1u  /* relocatable: may come from MOVABLE zones; owner is MOVABLE */
#define BUDDY_ZERO 0x2u     /* zero the pages through ops->zero before returning */
#define BUDDY_THISNODE 0x4u /* no fallback to other nodes */
#define BUDDY_RESERVE 0x8u  /* the kernel's own unmovable allocation: may use node reserves */
#define BUDDY_OWNER_SHIFT 8
#define BUDDY_OWNER(o) ((unsigned)(o) << BUDDY_OWNER_SHIFT)

/* buddy_add_range flags. */
#define BUDDY_RANGE_ZERO_ON_ALLOC 0x1u /* lazy scrub: every allocation here is zeroed first */

/* Debug builds (SPMK_DEBUG) junk-fill every block buddy_free accepts, before it rejoins the
 * free lists: every byte becomes BUDDY_JUNK_BYTE (0xdf, "dead, freed"), so a use after free
 * reads a pattern that is neither zero nor anyone's data, and a stale write shows up in the
 * next owner's checks. Release builds (make bench) leave freed pages as they are. */
#define BUDDY_JUNK_BYTE 0xdfu

struct buddy_ops {
	/* Zero npages pages starting at pfn. May be NULL (then BUDDY_ZERO is ST_UNSUPPORTED). */
	void (*zero)(void *ctx, uint64_t pfn, uint64_t npages);
	/* Fill npages pages starting at pfn with BUDDY_JUNK_BYTE (debug builds only; may be
	 * NULL: nothing is filled). Called for pages nobody owns any more. */
	void (*junk)(void *ctx, uint64_t pfn, uint64_t npages);
	/* Optional (NULL: the descriptor and isolation tables never grow past BUDDY_INIT_RANGES
	 * and BUDDY_INIT_ISOLATED): `bytes` of kernel memory for a grown table, NULL when there
	 * is none, and giving it back. Called with no lock of this allocator held (the
	 * kernel's are the heap's, which takes pages from this same allocator): when the check
	 * step of buddy_add_range, buddy_remove_range, buddy_isolate or buddy_unisolate finds a
	 * table full, the operation drops its locks, the table grows, and it runs again. */
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *p);
};

struct buddy_stats {
	uint64_t total;                           /* pages managed */
	uint64_t free;                            /* pages in free lists */
	uint64_t isolated;                        /* free pages held back by isolation */
	uint64_t cached;                          /* free pages in per-CPU caches (not in free) */
	uint64_t cached_blocks[BUDDY_PCP_ORDERS]; /* of those, blocks per order */
	uint64_t reserve; /* free pages only BUDDY_RESERVE allocations may take (a target, not
			    * a count of pages: free may be below it) */
	uint64_t owner[BUDDY_OWNER_COUNT]; /* allocated or carved pages by owner */
	uint64_t free_blocks[BUDDY_NORDERS];
};

/* What an isolated range holds (buddy_isolate). Counts are pages inside the range. */
struct buddy_isolate_report {
	uint64_t free;                          /* free pages now isolated */
	uint64_t movable;                       /* movable pages in use (to migrate) */
	uint64_t pinned;                        /* of those, pinned (cannot move now) */
	uint64_t unmovable;                     /* pages of unmovable allocations */
	uint64_t carved;                        /* carved pages */
	uint64_t first_pinned, first_unmovable; /* pfns; UINT64_MAX when none */
};

/* Everything known about one page (buddy_page_state). */
struct buddy_page_info {
	unsigned state;      /* enum page_state; never PAGE_TAIL (the block's state is reported) */
	unsigned owner;      /* ALLOC, MOVABLE, CARVED */
	unsigned order;      /* FREE, ALLOC, ISOLATED, PCP: the block's order; others 0 */
	pfn_t head;          /* the block's first page */
	uint32_t obj, index; /* MOVABLE */
	unsigned pins;       /* MOVABLE */
	unsigned node, zone;
	bool isolated_range; /* the page lies in an isolated range */
};

struct buddy_zone_state {
	struct buddy_stats st;
	uint32_t mask; /* bit k set when some range of this zone has a free block of order k */
	int16_t first; /* first range of the zone (index into buddy.r), -1 when none */
};

struct buddy_range {
	uint64_t base, end; /* managed pages [base, end) */
	uint64_t origin;    /* pfn of meta[0]; links are offsets from it */
	uint64_t *meta;     /* per-page words, meta[pfn - origin] */
	struct buddy_zone_state *z;
	uint32_t head[BUDDY_NORDERS]; /* first free block per order (offset), PW_LINK_NONE */
	uint32_t mask;                /* bit k set when head[k] is not empty */
	uint8_t node, zone;
	uint16_t flags;
	int16_t next; /* next range of the same node and zone, -1 at the end */
};

struct buddy_pcp;

struct buddy {
	struct spinlock lock; /* everything below; see "Locking" above */
	const struct buddy_ops *ops;
	void *ctx;
	struct buddy_pcp *pcp; /* per-CPU caches (npcp of them), NULL when off */
	unsigned npcp;
	unsigned pcp_orders;   /* the caches serve orders below this; written under every lock */
	unsigned pcp_deferred; /* orders they take up at the first contended lock (0: none) */
	unsigned nranges;
	unsigned niso;
	uint32_t cap_ranges, cap_iso;
	/* Entries a check step found no room for (0: none): the table grows with no lock held
	 * (mm/buddy_lock.c) and the operation runs again. */
	uint64_t want_ranges, want_iso;
	struct buddy_range *r; /* sorted by base; r0 or a grown table from ops->alloc */
	struct range *iso;     /* iso0 or a grown table from ops->alloc */
	struct buddy_range r0[BUDDY_INIT_RANGES];
	struct range iso0[BUDDY_INIT_ISOLATED];
	struct buddy_zone_state zone[BUDDY_MAX_NODES][BUDDY_NZONES];
	uint8_t dist[BUDDY_MAX_NODES][BUDDY_MAX_NODES];
	uint8_t fallback[BUDDY_MAX_NODES][BUDDY_MAX_NODES]; /* nodes by distance from each node */
};

/* Per-CPU page caches: blocks of orders 0 .. BUDDY_PCP_ORDERS-1, one stack per order. */
#define BUDDY_PCP_HIGH 64   /* order-0 blocks one cache slot holds at most */
#define BUDDY_PCP_BATCH 16  /* order-0 blocks moved per refill or drain */
#define BUDDY_PCP_HIGH_K 32 /* blocks of each order 1..3 one slot holds at most */
#define BUDDY_PCP_BATCH_K 8 /* blocks of order 1..3 moved per refill or drain */
#define BUDDY_PCP_SLOTS 4   /* (node, zone) pairs one CPU caches at once */
#define BUDDY_PCP_ENTRIES (BUDDY_PCP_HIGH + (BUDDY_PCP_ORDERS - 1) * BUDDY_PCP_HIGH_K)

/* Blocks of order o (< BUDDY_PCP_ORDERS) a slot holds at most / moves per refill or drain,
 * and where its stack starts in buddy_pcp_slot.pfn[]. */
static inline unsigned buddy_pcp_high(unsigned o) { return o ? BUDDY_PCP_HIGH_K : BUDDY_PCP_HIGH; }
static inline unsigned buddy_pcp_batch(unsigned o)
{
	return o ? BUDDY_PCP_BATCH_K : BUDDY_PCP_BATCH;
}
static inline unsigned buddy_pcp_first(unsigned o)
{
	/* o ? HIGH + (o - 1) * HIGH_K : 0, without a branch: HIGH is twice HIGH_K */
	return (o + (o != 0)) * BUDDY_PCP_HIGH_K;
}
_Static_assert(BUDDY_PCP_HIGH == 2 * BUDDY_PCP_HIGH_K, "buddy_pcp_first's layout");

struct buddy_pcp_slot {
	int16_t node; /* -1: unused */
	uint8_t zone; /* a zone the caches may serve (no zero-on-allocation range) */
	uint16_t count[BUDDY_PCP_ORDERS]; /* blocks of each order in pfn[] */
	int64_t d_owner
		[BUDDY_OWNER_COUNT]; /* pages allocated minus freed here, not yet in the zone */
	/* per order a stack of block heads at buddy_pcp_first(order): the last freed is the
	 * first reused */
	uint64_t pfn[BUDDY_PCP_ENTRIES];
};

struct buddy_pcp {
	struct spinlock lock; /* this CPU's slots (rank PCP) */
	unsigned victim;      /* next slot to give up when a new (node, zone) needs one */
	unsigned last;        /* slot of the last hit, tried first */
	unsigned r_hint;      /* index in buddy.r of the range last looked up, tried first */
	struct buddy_pcp_slot slot[BUDDY_PCP_SLOTS];
};

/* Interface units: every frame argument and result is a pfn_t (lib/types.h), every count of
 * pages a uint64_t; the implementation behind mm/buddy_lock.c counts raw frame numbers. */

/* Bytes of per-page metadata a range of npages needs (8 per page; 0 if npages is absurd). */
size_t buddy_meta_bytes(uint64_t npages);

/* Empty allocator; distances default to 10 (same node) / 20. ops may be NULL. b must not be
 * copied by value afterwards (its tables may point into it). */
void buddy_init(struct buddy *b, const struct buddy_ops *ops, void *ctx);
/* Gives grown descriptor and isolation tables back to ops->free; b is unusable afterwards. */
void buddy_fini(struct buddy *b);

/* Distance from node `from` to `to` (SLIT units, 1..255). Errors: ST_RANGE (node >= 64 or d 0). */
status_t buddy_set_distance(struct buddy *b, unsigned from, unsigned to, unsigned d);

/* Sets node's reserve (pages of its NORMAL zone; see "Reserve" above); 0 removes it. A value
 * above BUDDY_RESERVE_MAX (2^52 pages: all of a 64-bit address space) is stored as that cap,
 * which keeps every page of any zone just the same. Errors: ST_RANGE (node >= 64). */
#define BUDDY_RESERVE_MAX ((uint64_t)1 << 52)
status_t buddy_set_reserve(struct buddy *b, unsigned node, uint64_t pages);

/* Linux's rule for the size of the reserve (mm/page_alloc.c min_free_kbytes): for a total of
 * all_pages pages of NORMAL memory, min_free = sqrt(16 * total KiB) KiB, clamped to
 * [128 KiB, 256 MiB], shared among nodes in proportion to their NORMAL pages. Returns the
 * reserve in pages for a node of node_pages (0 when node_pages is 0 or exceeds all_pages). */
uint64_t buddy_reserve_pages(uint64_t node_pages, uint64_t all_pages);

/* Hot-add frames [base_pfn, base_pfn+npages) to node/zone with all pages free. meta: meta_bytes >=
 * buddy_meta_bytes(npages), 8-byte aligned, owned by the caller until the range is removed
 * (one buffer may back several later-split pieces; the allocator never frees it). A range that
 * extends an existing one of the same node/zone/flags whose metadata is contiguous with this
 * meta is joined to it, so blocks can merge across the seam (hand-off in 2 MiB steps).
 * Errors: ST_RANGE (node/zone/flags bad, pfn overflow), ST_INVALID (npages 0, meta missing,
 * too small or misaligned), ST_EXISTS (overlaps a managed range), ST_NOMEM (no descriptor). */
status_t buddy_add_range(struct buddy *b, unsigned node, unsigned zone, pfn_t base_pfn,
			 uint64_t npages, uint64_t *meta, size_t meta_bytes, unsigned flags);

/* Remove [base_pfn, +npages) from the allocator (may cover parts of several ranges). Free,
 * isolated and carved pages are dropped from the accounting; isolation there ends.
 * Errors: ST_INVALID (npages 0/overflow), ST_NOTFOUND (a page not managed), ST_BUSY (a page is
 * allocated), ST_NOMEM (a split would need a descriptor or isolation slot that is not free). */
status_t buddy_remove_range(struct buddy *b, pfn_t base_pfn, uint64_t npages);

/* Allocate 2^order pages; node -1 = no preference (nodes in id order). flags: BUDDY_MOVABLE,
 * BUDDY_ZERO, BUDDY_THISNODE, BUDDY_RESERVE, BUDDY_OWNER(tag). Without BUDDY_RESERVE a zone
 * serves only while its free pages stay at or above its reserve. Errors: ST_RANGE (order > max, node >= 64),
 * ST_INVALID (THISNODE without node, owner MOVABLE without BUDDY_MOVABLE, bad owner),
 * ST_UNSUPPORTED (zeroing needed, no ops->zero), ST_NOMEM (no free block in an eligible zone). */
status_t buddy_alloc(struct buddy *b, unsigned order, int node, unsigned flags, pfn_t *pfn_out);

/* Free a block allocated with this order (movable pages: any aligned run of movable pages,
 * e.g. one page). Debug builds junk-fill the block first (ops->junk). Errors: ST_NOTFOUND (not managed), ST_RANGE (order), ST_INVALID (not the head
 * of an allocation of that order: double free, wrong order, misaligned), ST_BUSY (pinned). */
status_t buddy_free(struct buddy *b, pfn_t pfn, unsigned order);

/* Take [base, +npages) out of the free lists for owner (e.g. reserve the kernel image).
 * Errors: ST_INVALID (npages 0/overflow, owner), ST_NOTFOUND (not managed), ST_BUSY (a page is
 * not free or isolated); nothing changes on error. */
status_t buddy_carve(struct buddy *b, pfn_t base_pfn, uint64_t npages, unsigned owner);
/* Give a carved range back. Errors: ST_INVALID, ST_NOTFOUND, ST_BUSY (a page is not carved). */
status_t buddy_uncarve(struct buddy *b, pfn_t base_pfn, uint64_t npages);

/* Isolate [base, +npages); rep (may be NULL) tells what the range holds.
 * Errors: ST_INVALID, ST_NOTFOUND (a page not managed), ST_BUSY (overlaps an isolated range),
 * ST_NOMEM (no isolation slot). */
status_t buddy_isolate(struct buddy *b, pfn_t base_pfn, uint64_t npages,
		       struct buddy_isolate_report *rep);
/* End isolation of [base, +npages), which must lie inside one isolated range (may be part of
 * it). *freed (may be NULL) = pages returned to the free lists. Errors: ST_INVALID,
 * ST_NOTFOUND (not isolated), ST_NOMEM (a middle split needs a slot). */
status_t buddy_unisolate(struct buddy *b, pfn_t base_pfn, uint64_t npages, uint64_t *freed);

/* A managed range as reports see it: frames [base, end) of one node and zone. */
struct buddy_range_info {
	pfn_t base, end;
	unsigned node, zone;
};

/* The i-th node in the order allocations for node `from` try nodes: by distance from `from`
 * (buddy_set_distance), nearest first, ties by node id. i and from must be below
 * BUDDY_MAX_NODES, else BUDDY_MAX_NODES is returned. */
unsigned buddy_fallback_node(const struct buddy *b, unsigned from, unsigned i);
/* Managed ranges in address order: buddy_range_get(b, i) for i < buddy_range_count(b).
 * Errors: ST_NOTFOUND (i out of range). */
uint32_t buddy_range_count(const struct buddy *b);
status_t buddy_range_get(const struct buddy *b, uint32_t i, struct buddy_range_info *out);

/* Turn the per-CPU caches on for CPUs 0 .. ncpus-1 (spin_arch_cpu(); others use the free
 * lists directly). pcp: ncpus entries owned by the caller for the allocator's lifetime. Call
 * once, before other CPUs use b. Errors: ST_INVALID (pcp NULL, ncpus 0 or > SPIN_MAX_CPUS),
 * ST_BUSY (already on). */
status_t buddy_pcp_enable(struct buddy *b, struct buddy_pcp *pcp, unsigned ncpus);
/* The caches serve orders 0 .. norders-1 from now on (buddy_pcp_enable starts with
 * BUDDY_PCP_ORDERS_DEFAULT); blocks cached of the orders no longer served go back to the free
 * lists (or isolation) first. Every order costs a test on the order in every alloc and free
 * that a stream of mixed orders mispredicts (docs/page-allocator.md): order 0 alone measured
 * best. Errors: ST_RANGE (norders 0 or above BUDDY_PCP_ORDERS), ST_INVALID (caches off). */
status_t buddy_pcp_set_orders(struct buddy *b, unsigned norders);
/* Holds the caches back until CPUs contend: they serve no order from now on (their blocks go
 * back first, as with buddy_pcp_set_orders) and the first buddy_alloc or buddy_free that finds
 * the allocator lock held by another CPU turns them on again with the orders they served.
 * They stay on after that (buddy_pcp_set_orders also ends the wait). Why: the caches pay when
 * CPUs would queue on the allocator lock; a CPU allocating alone gains nothing from them and
 * pays for the order test, which a stream of mixed orders mispredicts (bench_buddy measures
 * both, docs/page-allocator.md). Errors: ST_INVALID (caches off). */
status_t buddy_pcp_defer(struct buddy *b);
/* The orders the caches serve now (0: none), and in *deferred those they take up at the first
 * contended lock (0: not waiting). */
unsigned buddy_pcp_orders(const struct buddy *b, unsigned *deferred);
/* Give every cached page back to the free lists (or isolation), like Linux's drain_all_pages;
 * returns the pages drained. */
uint64_t buddy_pcp_drain_all(struct buddy *b);

/* Statistics of one node/zone; node -1 and/or zone -1 sum over all. Errors: ST_RANGE. */
status_t buddy_stats(const struct buddy *b, int node, int zone, struct buddy_stats *out);

/* Per-page state and the movable reverse map (mm/page.c). Errors: ST_NOTFOUND (pfn not
 * managed); set_object/object/pin/unpin: ST_INVALID (page not movable), ST_RANGE (obj id >
 * PW_OBJ_MAX, pin count at PW_PIN_MAX), unpin: ST_INVALID when not pinned. */
status_t buddy_page_state(const struct buddy *b, pfn_t pfn, struct buddy_page_info *out);
status_t buddy_page_set_object(struct buddy *b, pfn_t pfn, uint32_t obj, uint32_t index);
status_t buddy_page_object(const struct buddy *b, pfn_t pfn, uint32_t *obj, uint32_t *index,
			   unsigned *pins);
status_t buddy_page_pin(struct buddy *b, pfn_t pfn);
status_t buddy_page_unpin(struct buddy *b, pfn_t pfn);

/* The reverse map of one movable page, as read by buddy_page_movable_run. */
struct buddy_movable_page {
	uint32_t obj, index;
	unsigned pins;
};

/* Batch forms of the reverse map for migration (one lock and one range look-up per call, not
 * per page). buddy_page_movable_run reads the movable pages pfn, pfn + 1, ... while they are
 * MOVABLE, at most max of them, into out[0 .. *n); *node is their node (a run never leaves its
 * range, so it has one). *n == 0 when pfn itself is not movable (buddy_page_state says what
 * it is). Errors: ST_NOTFOUND (pfn not managed), ST_INVALID (max 0). */
status_t buddy_page_movable_run(const struct buddy *b, pfn_t pfn, unsigned max,
				struct buddy_movable_page *out, unsigned *n, unsigned *node);
/* buddy_page_set_object for pfn[i], obj[i], index[i], i < n: every page is checked first
 * (managed, movable, obj <= PW_OBJ_MAX), then all are set; a refusal changes nothing.
 * Errors: those of buddy_page_set_object for the first page refused. */
status_t buddy_page_set_objects(struct buddy *b, unsigned n, const pfn_t *pfn, const uint32_t *obj,
				const uint32_t *index);

/* Walk everything and verify the invariants (see mm/buddy_check.c); the first violation is
 * logged with its numbers. Errors: ST_INVALID. */
status_t buddy_check(const struct buddy *b, struct out *log);

/* Names for messages. */
const char *buddy_owner_name(unsigned owner);
const char *buddy_zone_name(unsigned zone);

#endif
