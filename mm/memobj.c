/* SPDX-License-Identifier: BSD-2-Clause */
/* memobj.c - movable memory objects (see memobj.h): fill, check, pin, free, listing and the
 * invariant walker. Pages are allocated one at a time so any free page anywhere can serve. */
#include "mm/memobj.h"
#include "lib/cancel.h"

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"
#include "lib/types.h"

void memobj_init(struct memobj_set *s, struct buddy *b, const struct memobj_ops *ops,
		 struct out *log)
{
	memset(s, 0, sizeof *s);
	spin_init(&s->lock, "memobj", LOCK_RANK_MEMOBJ);
	s->b = b;
	s->ops = ops;
	s->log = log;
	s->obj = s->obj0;
	s->cap = s->max_slots = MEMOBJ_INIT_SLOTS;
}

void memobj_set_growth(struct memobj_set *s, const struct table_alloc *a, uint32_t max_slots)
{
	s->grow = *a;
	s->max_slots = MAX(MIN(max_slots, PW_OBJ_MAX), s->cap);
}

void memobj_fini(struct memobj_set *s)
{
	void *t = s->obj;
	table_release(&s->grow, &t, s->obj0);
	memset(s, 0, sizeof *s);
}

/* The refusal when no slot is free and the table cannot grow (cap: its size then). */
static void slot_refused(struct memobj_set *s, uint32_t cap)
{
	out_log(s->log, LOG_ERR,
		"mem fill: all %u object slots in use and the table cannot grow "
		"(%s)",
		cap, cap >= s->max_slots ? "no object window left" : "no kernel heap memory");
}

/* A free slot in *slot (neither used nor reserved by a fill in progress). Called with s->lock
 * held, so it never grows the table (the heap ranks after the lock): when every slot is in
 * use and the table may still grow (below max_slots, with an allocator), *grow is set and
 * ST_NOMEM returned unlogged, and the caller grows it unlocked (memobj_grow) and asks again.
 * Errors: ST_NOMEM (logged with the numbers when the table cannot grow); nothing changes. */
static status_t slot_get(struct memobj_set *s, unsigned *slot, bool *grow)
{
	bool none = fault_hit(FAULT_SLOT); /* as if every slot were in use and growth refused */
	for (unsigned i = 0; i < s->cap && !none; i++)
		if (!s->obj[i].used && !s->obj[i].busy) {
			*slot = i;
			return ST_OK;
		}
	*grow = !none && s->cap < s->max_slots && s->grow.alloc;
	if (!*grow)
		slot_refused(s, s->cap);
	return ST_NOMEM;
}

/* Doubles the table (cap entries when the caller last looked) with no lock held: the new array
 * from the heap unlocked, swapped in under s->lock unless another CPU grew it first, the old
 * one given back unlocked (lib/table.h). Errors: ST_NOMEM (the heap refused; logged). */
static status_t memobj_grow(struct memobj_set *s, uint32_t cap)
{
	struct table_spare sp;
	if (table_spare_get(&s->grow, &sp, cap, sizeof s->obj[0], (uint64_t)cap + 1) != ST_OK) {
		slot_refused(s, cap);
		return ST_NOMEM;
	}
	spin_lock(&s->lock);
	void *t = s->obj;
	uint32_t c = s->cap;
	table_spare_install(&sp, &t, &c, sizeof s->obj[0], s->obj0);
	s->obj = t;
	s->cap = MIN(c, s->max_slots); /* slots past the windows stay unused */
	spin_unlock(&s->lock);
	table_spare_put(&s->grow, &sp);
	return ST_OK;
}

uint64_t memobj_seed(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	return h;
}

static bool name_valid(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > MEMOBJ_NAME_MAX)
		return false;
	for (; *n; n++) {
		char c = *n;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

const struct memobj *memobj_get(const struct memobj_set *s, unsigned slot)
{
	return slot < s->cap && s->obj[slot].used ? &s->obj[slot] : NULL;
}

status_t memobj_find(const struct memobj_set *s, const char *name, unsigned *slot_out)
{
	for (unsigned i = 0; i < s->cap; i++)
		if (s->obj[i].used && strcmp(s->obj[i].name, name) == 0) {
			*slot_out = i;
			return ST_OK;
		}
	return ST_NOTFOUND;
}

status_t memobj_page_pfn(const struct memobj_set *s, unsigned slot, uint64_t index, pfn_t *pfn)
{
	const struct memobj *o = memobj_get(s, slot);
	if (!o)
		return ST_NOTFOUND;
	if (index >= o->npages)
		return ST_RANGE;
	return s->ops->lookup(s->ops->ctx, slot, index, pfn);
}

static void fill_page(uint8_t *p, uint64_t seed, uint64_t index)
{
	uint64_t *w = (uint64_t *)p, v = memobj_pattern_base(seed, index);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++, v += MEMOBJ_PATTERN_STEP)
		w[i] = v;
}

bool memobj_page_ok(const uint8_t *p, uint64_t seed, uint64_t index)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t v = memobj_pattern_base(seed, index), bad = 0;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++, v += MEMOBJ_PATTERN_STEP)
		bad |= w[i] ^ v;
	return bad == 0;
}

/* Undo the first n pages of a fill: free what was allocated, unmap what was mapped. */
static void fill_undo(struct memobj_set *s, unsigned slot, uint64_t n, bool movable)
{
	(void)movable;
	for (uint64_t i = 0; i < n; i++) {
		pfn_t pfn;
		if (s->ops->lookup(s->ops->ctx, slot, i, &pfn) == ST_OK)
			CHECK_OK(buddy_free(s->b, pfn, 0)); /* our page, unpinned */
	}
	if (n)
		s->ops->unmap(s->ops->ctx, slot, 0, n);
}

static status_t fill_validate(struct memobj_set *s, const char *name, uint64_t npages, int node,
			      unsigned *slot, bool *grow)
{
	*grow = false;
	if (!name_valid(name)) {
		out_log(s->log, LOG_ERR, "mem fill: name '%s' must be 1..%u of [A-Za-z0-9_.-]",
			name, MEMOBJ_NAME_MAX);
		return ST_INVALID;
	}
	if (npages == 0 || npages > MEMOBJ_MAX_PAGES || node >= BUDDY_MAX_NODES) {
		out_log(s->log, LOG_ERR, "mem fill: %llu pages (1..%llu) on node %d (-1..%u)",
			(unsigned long long)npages, (unsigned long long)MEMOBJ_MAX_PAGES, node,
			BUDDY_MAX_NODES - 1);
		return npages == 0 ? ST_INVALID : ST_RANGE;
	}
	for (unsigned i = 0; i < s->cap; i++) /* a name being filled is taken too */
		if ((s->obj[i].used || s->obj[i].busy) && strcmp(s->obj[i].name, name) == 0) {
			out_log(s->log, LOG_ERR, "mem fill: object '%s' exists", name);
			return ST_EXISTS;
		}
	return slot_get(s, slot, grow);
}

/* Allocate, tag, map and fill page i of the object in `slot`. */
static status_t fill_one(struct memobj_set *s, unsigned slot, uint64_t i, int node, bool movable,
			 bool user, uint64_t seed)
{
	pfn_t pfn;
	unsigned flags = movable ? BUDDY_MOVABLE : BUDDY_OWNER(BUDDY_OWNER_OTHER);
	if (fault_hit(FAULT_OBJ_PAGE))
		return ST_NOMEM;
	status_t st = buddy_alloc(s->b, 0, node, flags, &pfn);
	if (st != ST_OK)
		return st;
	if (movable)
		st = buddy_page_set_object(s->b, pfn, slot + 1, (uint32_t)i);
	if (st == ST_OK)
		st = s->ops->map(s->ops->ctx, slot, i, pfn);
	if (st != ST_OK) {
		CHECK_OK(buddy_free(s->b, pfn, 0)); /* allocated just above */
		return st;
	}
#ifdef SPMK_DEBUG
	pfn_t mapped;
	ASSERT(s->ops->lookup(s->ops->ctx, slot, i, &mapped) == ST_OK && pfn_eq(mapped, pfn));
#endif
	if (user) /* the page just allocated */
		memset(s->ops->page(s->ops->ctx, slot, i), 0, PAGE_SIZE);
	else
		fill_page(s->ops->page(s->ops->ctx, slot, i), seed, i);
	return ST_OK;
}

/* The unlocked part of memobj_make: every page of the reserved slot, or none. */
static status_t memobj_fill_pages(struct memobj_set *s, unsigned slot, const char *name,
				  uint64_t npages, int node, bool movable, bool user)
{
	status_t st;
	uint64_t seed = memobj_seed(name);
	for (uint64_t i = 0; i < npages; i++) {
		if (i && i % MEMOBJ_CANCEL_PAGES == 0 && cancel_point(i, npages)) {
			fill_undo(s, slot, i, movable);
			out_log(s->log, LOG_ERR,
				"mem fill: '%s' stopped after %llu of %llu pages; none kept", name,
				(unsigned long long)i, (unsigned long long)npages);
			return ST_INTERRUPTED;
		}
		st = fill_one(s, slot, i, node, movable, user, seed);
		if (st != ST_OK) {
			fill_undo(s, slot, i, movable);
			out_log(s->log, LOG_ERR, "mem fill: '%s' got %llu of %llu pages: %s", name,
				(unsigned long long)i, (unsigned long long)npages, status_str(st));
			return st;
		}
	}
	return ST_OK;
}

static status_t memobj_make(struct memobj_set *s, const char *name, uint64_t npages, int node,
			    bool movable, bool user, unsigned *slot_out)
{
	unsigned slot = 0;
	status_t st;
	bool grow;
	do {
		spin_lock(&s->lock);
		st = fill_validate(s, name, npages, node, &slot, &grow);
		if (st == ST_OK) { /* the slot and the name are ours while the pages are filled */
			s->obj[slot].busy = true;
			memcpy(s->obj[slot].name, name, strlen(name) + 1);
		}
		uint32_t cap = s->cap;
		spin_unlock(&s->lock);
		if (grow && memobj_grow(s, cap) != ST_OK)
			return ST_NOMEM;
	} while (grow);
	if (st != ST_OK)
		return st;
	st = memobj_fill_pages(s, slot, name, npages, node, movable, user);
	spin_lock(&s->lock);
	struct memobj *o = &s->obj[slot];
	memset(o, 0, sizeof *o);
	if (st == ST_OK) {
		*o = (struct memobj){ .used = true,
				      .movable = movable,
				      .user = user,
				      .npages = npages,
				      .seed = memobj_seed(name),
				      .node = node };
		memcpy(o->name, name, strlen(name) + 1);
	}
	spin_unlock(&s->lock);
	if (st == ST_OK && slot_out)
		*slot_out = slot;
	return st;
}

status_t memobj_fill(struct memobj_set *s, const char *name, uint64_t npages, int node,
		     bool movable, unsigned *slot_out)
{
	return memobj_make(s, name, npages, node, movable, false, slot_out);
}

status_t memobj_alloc_user(struct memobj_set *s, const char *name, uint64_t npages, int node,
			   unsigned *slot_out)
{
	return memobj_make(s, name, npages, node, true, true, slot_out);
}

status_t memobj_check(const struct memobj_set *s, unsigned slot, uint64_t *mismatched)
{
	const struct memobj *o = memobj_get(s, slot);
	*mismatched = 0;
	if (!o)
		return ST_NOTFOUND;
	status_t worst = ST_OK;
	for (uint64_t i = 0; i < o->npages; i++) {
		pfn_t pfn;
		status_t st = s->ops->lookup(s->ops->ctx, slot, i, &pfn);
		if (st != ST_OK) {
			worst = st;
			++*mismatched;
		} else if (!o->user &&
			   !memobj_page_ok(s->ops->page(s->ops->ctx, slot, i), o->seed, i)) {
			++*mismatched;
		}
	}
	return worst;
}

static status_t pin_target(struct memobj_set *s, unsigned slot, uint64_t index, pfn_t *pfn,
			   const char *op)
{
	const struct memobj *o = memobj_get(s, slot);
	if (!o)
		return ST_NOTFOUND;
	if (index >= o->npages) {
		out_log(s->log, LOG_ERR, "mem %s: page %llu of '%s' (it has %llu)", op,
			(unsigned long long)index, o->name, (unsigned long long)o->npages);
		return ST_RANGE;
	}
	if (!o->movable) {
		out_log(s->log, LOG_ERR, "mem %s: '%s' is unmovable (its pages never move)", op,
			o->name);
		return ST_INVALID;
	}
	return s->ops->lookup(s->ops->ctx, slot, index, pfn);
}

/* Pins (pin) or unpins page index of the object in slot: the page's own count and the
 * object's. Errors: those of pin_target and buddy_page_pin/unpin; nothing changes then. Under
 * the lock, so no migration batch holds the page frozen (a pin of its old page would be lost
 * when the batch remaps it). */
static status_t pin_change(struct memobj_set *s, unsigned slot, uint64_t index, bool pin)
{
	pfn_t pfn;
	spin_lock(&s->lock);
	status_t st = pin_target(s, slot, index, &pfn, pin ? "pin" : "unpin");
	if (st == ST_OK)
		st = pin ? buddy_page_pin(s->b, pfn) : buddy_page_unpin(s->b, pfn);
	if (st == ST_OK && pin)
		s->obj[slot].pinned++;
	else if (st == ST_OK)
		s->obj[slot].pinned--;
	spin_unlock(&s->lock);
	return st;
}

status_t memobj_pin(struct memobj_set *s, unsigned slot, uint64_t index)
{
	return pin_change(s, slot, index, true);
}

status_t memobj_unpin(struct memobj_set *s, unsigned slot, uint64_t index)
{
	return pin_change(s, slot, index, false);
}

/* Under the lock the object stops being used (migration skips its pages from then on); its
 * pages are unmapped and freed unlocked; under the lock again the slot becomes free. */
status_t memobj_free(struct memobj_set *s, unsigned slot)
{
	spin_lock(&s->lock);
	struct memobj *o = (struct memobj *)memobj_get(s, slot);
	status_t st = o ? ST_OK : ST_NOTFOUND;
	if (o && o->pinned) {
		out_log(s->log, LOG_ERR, "mem free: '%s' has %llu pinned page(s); unpin them first",
			o->name, (unsigned long long)o->pinned);
		st = ST_BUSY;
	}
	if (st == ST_OK) {
		o->used = false;
		o->busy = true;
	}
	spin_unlock(&s->lock);
	if (st != ST_OK)
		return st;
	fill_undo(s, slot, o->npages, o->movable);
	spin_lock(&s->lock);
	memset(o, 0, sizeof *o);
	spin_unlock(&s->lock);
	return ST_OK;
}
