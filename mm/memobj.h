/* SPDX-License-Identifier: BSD-2-Clause */
/* memobj.h - movable memory objects: memory the kernel owns only through page tables.
 *
 * An object is a named array of 4 KiB pages. Page i is reached only through the object's own
 * mapping (in the kernel: a private virtual window, page i at window + i*4K), never through a
 * physical address kept elsewhere. So the kernel can move a page: the mapping is the forward
 * map (object, index) -> pfn, and the buddy's page word is the reverse map pfn -> (object id,
 * index, pin count) (buddy_page_set_object). Object id = slot + 1 (0 means "no object").
 *
 * Movable objects allocate their pages BUDDY_MOVABLE (they may sit on movable-only nodes);
 * unmovable objects allocate ordinary kernel pages (owner OTHER), which pin the memory under
 * them forever: reclaim refuses a range that holds one. The object table itself is kernel
 * metadata owned by the caller and never in a MOVABLE zone.
 *
 * Contents: every 8-byte word of every page of an object (but an app's, memobj_alloc_user)
 * holds a value derived from the object's seed (a
 * hash of its name), the page index and the word index (memobj_pattern_word), so memobj_check
 * verifies every byte. Pins are counted per page in the buddy (PW_PIN_MAX at most); a pinned
 * page cannot move and an object with pinned pages cannot be freed.
 *
 * Invariants (memobj_verify): for every used object and every index i < npages, the mapping
 * has a pfn; for movable objects that pfn is a MOVABLE buddy page whose reverse map says
 * (slot+1, i); pinned == sum of the pin counts of its pages; every page holds its pattern
 * (nothing else may write an object's page: a wrong byte means a write by a non-owner, e.g.
 * a scrub or a migration copy that reached the wrong page). All hardware work goes through
 * the caller's memobj_ops.
 *
 * Locking (docs/locking.md): s->lock (rank MEMOBJ) protects the table: slots, names, pin
 * counts, and the "no pin and no free while a page is frozen" rule of migration. Fill and free
 * take it only to reserve and to commit a slot (a slot being filled or freed is `busy`: not
 * found, not used, its name taken); their per-page work runs unlocked. Pin, unpin and the
 * invariant walker hold it throughout; migration (mm/migrate.c) holds it for one batch at a
 * time. memobj_get/find/page_pfn/check take no lock: their answer is stable for an object
 * nobody else frees (its filler, the shell that frees it). ops are called with the lock held
 * by migration and the walker, unlocked by fill and free. */
#ifndef SPMK_MM_MEMOBJ_H
#define SPMK_MM_MEMOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/spinlock.h"
#include "lib/status.h"
#include "lib/table.h"
#include "lib/types.h"
#include "mm/buddy.h"

#define MEMOBJ_INIT_SLOTS 64 /* object slots inside struct memobj_set before any growth */
#define MEMOBJ_NAME_MAX 31
#define MEMOBJ_MAX_PAGES ((uint64_t)1 << 24) /* 64 GiB per object (its window slot) */

struct memobj_ops {
	/* Map page `index` of object `slot` to pfn (nothing mapped there before). */
	status_t (*map)(void *ctx, unsigned slot, uint64_t index, pfn_t pfn);
	/* Switch page `index` from old_pfn to new_pfn with one page-table walk, WITHOUT flushing
	 * the TLB (the caller calls flush before the old page is reused). ST_NOTFOUND when
	 * nothing is mapped there, ST_INVALID when another pfn is; nothing changes then. Must
	 * not fail for a page mapped at old_pfn (the kernel rewrites the PTE in place). */
	status_t (*remap)(void *ctx, unsigned slot, uint64_t index, pfn_t old_pfn, pfn_t new_pfn);
	/* Flush the TLB entries of every object window (after a batch of remaps). */
	void (*flush)(void *ctx);
	/* Remove the mappings of pages [first, first+n) of `slot` and flush the TLB. */
	void (*unmap)(void *ctx, unsigned slot, uint64_t first, uint64_t n);
	/* Forward map: the pfn mapped at page `index`. ST_NOTFOUND when none. */
	status_t (*lookup)(void *ctx, unsigned slot, uint64_t index, pfn_t *pfn);
	/* Page `index` through the object's mapping (for filling and checking). */
	uint8_t *(*page)(void *ctx, unsigned slot, uint64_t index);
	/* Copy physical page src to dst (migration). */
	void (*copy)(void *ctx, pfn_t dst_pfn, pfn_t src_pfn);
	void *ctx;
	/* Optional (NULL when nothing else can touch an object during a migration): make page
	 * `index` of `slot`, mapped at old_pfn, unreachable without losing where it is - a
	 * migration entry: not present, still naming old_pfn, so that an access waits until
	 * remap installs the new page - WITHOUT flushing the TLB. Errors as remap's (nothing
	 * changes then). When set, migration freezes a batch, flushes once, then copies and
	 * remaps (mm/migrate.h), and remap and lookup accept a frozen entry. */
	status_t (*freeze)(void *ctx, unsigned slot, uint64_t index, pfn_t old_pfn);
	/* Optional with freeze (NULL: freeze page by page): freeze n pages in order - page
	 * index[i] of object id obj[i] (slot + 1), mapped at old_pfn[i] - as n freezes would,
	 * with one lock round; stops at the first that fails. Returns the pages frozen; when fewer
	 * than n, *st is the error (not ST_OK) of the first that failed (as freeze's; that page and
	 * the rest unchanged). */
	unsigned (*freeze_run)(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
			       const pfn_t *old_pfn, status_t *st);
	/* Optional with freeze (NULL: remap page by page): switch n frozen pages to their new
	 * pages at once - page index[i] of object id obj[i] (slot + 1) from old_pfn[i] to
	 * new_pfn[i] - as n remaps would, with one lock round and one page-table walk per
	 * 2 MiB. Cannot fail: every entry is a migration entry freeze set (the caller CHECKs
	 * nothing; the implementation CHECKs each). */
	void (*remap_frozen)(void *ctx, unsigned n, const uint32_t *obj, const uint32_t *index,
			     const pfn_t *old_pfn, const pfn_t *new_pfn);
	/* Optional (NULL: not profiled): migration enters phase `phase` (enum migrate_phase,
	 * mm/migrate.h) now; the time since the previous call belongs to the previous phase.
	 * For figures only (bench hotplug): must not change any state migration sees. */
	void (*phase)(void *ctx, unsigned phase);
};

struct memobj {
	bool used;
	bool busy; /* being filled or freed: not used yet or any more, its name still taken */
	bool movable;
	bool user; /* an app's memory (memobj_alloc_user): zeroed, contents not checked */
	char name[MEMOBJ_NAME_MAX + 1];
	uint64_t npages;
	uint64_t seed;
	int node;        /* preferred node at fill time, -1 none */
	uint64_t pinned; /* sum of the page pin counts */
};

struct memobj_set {
	struct spinlock lock; /* rank MEMOBJ: see "Locking" above */
	struct buddy *b;
	const struct memobj_ops *ops;
	struct out *log;    /* refusals are explained here (LOG_ERR) */
	uint32_t cap;       /* slots in obj[] */
	uint32_t max_slots; /* the most slots the caller has windows for (memobj_set_growth) */
	struct memobj *obj; /* obj0, or a grown table from grow.alloc */
	struct table_alloc grow;
	struct memobj obj0[MEMOBJ_INIT_SLOTS];
};

/* An empty set of MEMOBJ_INIT_SLOTS slots that never grows. s must not be copied by value
 * afterwards (obj may point into it). */
void memobj_init(struct memobj_set *s, struct buddy *b, const struct memobj_ops *ops,
		 struct out *log);
/* Lets the slot table double from *a (the kernel heap) when every slot is in use, up to
 * max_slots slots (the object windows the caller has; at most PW_OBJ_MAX, the object ids a
 * page word holds). a->alloc and a->free are called with no lock held (the fill drops s->lock,
 * grows the table and looks again: lib/table.h). A refused growth refuses that fill, nothing
 * changed. */
void memobj_set_growth(struct memobj_set *s, const struct table_alloc *a, uint32_t max_slots);
/* Gives a grown slot table back; s is empty afterwards. */
void memobj_fini(struct memobj_set *s);

/* Creates object `name` with npages pages (preferred node `node`, -1 none), maps them and
 * fills them with the pattern. *slot_out (may be NULL) is its slot. On any error nothing is
 * left allocated or mapped. Errors: ST_INVALID (name empty/too long/bad chars, npages 0),
 * ST_RANGE (npages > MEMOBJ_MAX_PAGES, node >= 64), ST_EXISTS (name in use), ST_NOMEM (no
 * slot and the table cannot grow, no free page, or the mapping needed a table that was not available). */
#define MEMOBJ_CANCEL_PAGES 1024 /* pages filled between cancel points (4 MiB) */
/* Between batches of MEMOBJ_CANCEL_PAGES it asks cancel_point(pages done, npages): a stop
 * frees what was filled and returns ST_INTERRUPTED (nothing kept). */
status_t memobj_fill(struct memobj_set *s, const char *name, uint64_t npages, int node,
		     bool movable, unsigned *slot_out);
/* An app's movable memory (kernel/app_mem.c): like memobj_fill with movable, but the pages
 * start zeroed and hold whatever the app writes, so memobj_check and memobj_verify check
 * only their mapping and reverse map, never their contents. Errors as memobj_fill. */
status_t memobj_alloc_user(struct memobj_set *s, const char *name, uint64_t npages, int node,
			   unsigned *slot_out);
/* Verifies every byte of every page; *mismatched = pages with at least one wrong byte.
 * Errors: ST_NOTFOUND (slot not used), or a lookup error (page unmapped: counted too). */
status_t memobj_check(const struct memobj_set *s, unsigned slot, uint64_t *mismatched);
/* Pin/unpin page `index`. Errors: ST_NOTFOUND, ST_RANGE (index, pin count at max),
 * ST_INVALID (object not movable; unpin of an unpinned page). */
status_t memobj_pin(struct memobj_set *s, unsigned slot, uint64_t index);
status_t memobj_unpin(struct memobj_set *s, unsigned slot, uint64_t index);
/* Unmaps and frees every page. Errors: ST_NOTFOUND, ST_BUSY (some page is pinned). */
status_t memobj_free(struct memobj_set *s, unsigned slot);

/* Errors: ST_NOTFOUND. */
status_t memobj_find(const struct memobj_set *s, const char *name, unsigned *slot_out);
/* The used object at slot, or NULL. */
const struct memobj *memobj_get(const struct memobj_set *s, unsigned slot);
/* The pfn behind page index (the forward map). Errors: ST_NOTFOUND, ST_RANGE. */
status_t memobj_page_pfn(const struct memobj_set *s, unsigned slot, uint64_t index, pfn_t *pfn);

/* The value of word w (0..511) of page `index` of an object with this seed. */
static inline uint64_t memobj_pattern_base(uint64_t seed, uint64_t index)
{
	uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
#define MEMOBJ_PATTERN_STEP 0x2545f4914f6cdd1dull
/* True when page p (4 KiB) holds exactly the pattern of page `index` of an object with this
 * seed: every word as memobj_fill wrote it. */
bool memobj_page_ok(const uint8_t *p, uint64_t seed, uint64_t index);
/* A seed from a name (FNV-1a). */
uint64_t memobj_seed(const char *name);

/* One line per object: name, pages, bytes, node histogram, pins, kind. */
void memobj_print(const struct memobj_set *s, struct out *out);

/* Walks the invariants above, contents included (reads every page of every object: about
 * 1 s per GiB under TCG); prints each violation (for contents: the number of damaged pages
 * and the first one). Errors: ST_INVALID. */
status_t memobj_verify(const struct memobj_set *s, struct out *out);

#endif
