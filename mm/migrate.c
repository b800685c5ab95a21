/* SPDX-License-Identifier: BSD-2-Clause */
/* migrate.c - moving the pages of movable memory objects in batches (algorithm in migrate.h).
 *
 * A batch: the destination pool [pool, pool + pool_n) of which the last pool_used pages are
 * handed out (tagged and mapped by their objects), and old[0..nold), the pages switched since
 * the last TLB flush (still MOVABLE words, no longer mapped once the TLB is flushed).
 *
 * The pool is handed out from the top down while sources are visited bottom up, so a page
 * and its copy are an odd number of pages apart whatever the alignment of both blocks: a
 * direct-mapped TLB (QEMU's software TLB) would otherwise evict one page for the other on
 * every access of the copy when they are a large power of two apart.
 *
 * Locking: every entry point holds the object table's lock (s->lock, rank MEMOBJ) while it
 * moves pages, and gives it up for a moment after each batch is flushed, when no page is
 * frozen: one lock round trip per batch. So no pin, unpin or free of an object lands between
 * the check of a page (unpinned, its object used) and its remap. */
#include "mm/migrate.h"
#include "lib/cancel.h"

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/types.h"

struct migrate_batch {
	struct memobj_set *s;
	unsigned max_order; /* largest pool block */
	int node;           /* node the pool was chosen for, -1 before the first refill */
	uint64_t pool, pool_n, pool_used;
	struct migrate_reserve *rv; /* pools come only from here when set */
	int target;                 /* >= 0: every pool from this node only (migrate_object) */
	unsigned nold;
	pfn_t old[MIGRATE_BATCH];
	pfn_t dst[MIGRATE_BATCH]; /* with freeze: old[i] is frozen, to be copied to dst[i] */
	uint32_t obj[MIGRATE_BATCH], index[MIGRATE_BATCH]; /* its object id (slot + 1), index */
	struct migrate_result r;
};

static void batch_init(struct migrate_batch *m, struct memobj_set *s, unsigned max_order)
{
	m->s = s;
	m->max_order = max_order;
	m->node = -1;
	m->pool = m->pool_n = m->pool_used = 0;
	m->rv = NULL;
	m->target = -1;
	m->nold = 0;
	m->r = (struct migrate_result){ 0, UINT64_MAX, ST_OK, 0, 0 };
}

/* Tells the caller's profiler (memobj_ops.phase) that phase ph starts now. */
static void mark_set(const struct memobj_set *s, enum migrate_phase ph)
{
	if (s->ops->phase)
		s->ops->phase(s->ops->ctx, ph);
}

static void mark(const struct migrate_batch *m, enum migrate_phase ph) { mark_set(m->s, ph); }

/* With freeze: every old page of the batch is frozen and flushed out of every TLB; tag the
 * destinations (one call for the batch: nothing reads a destination's tag before its remap,
 * and the object table's lock is held since the freeze), copy each old page to its
 * destination, then switch each migration entry to it. */
static void batch_copy_remap(struct migrate_batch *m)
{
	const struct memobj_ops *ops = m->s->ops;
	mark(m, MIGRATE_PHASE_TAG);
	CHECK_OK(buddy_page_set_objects(m->s->b, m->nold, m->dst, m->obj,
					m->index)); /* pool pages: movable; ids checked at fill */
	mark(m, MIGRATE_PHASE_COPY);
	for (unsigned i = 0; i < m->nold; i++)
		ops->copy(ops->ctx, m->dst[i], m->old[i]);
	mark(m, MIGRATE_PHASE_REMAP);
#ifdef SPMK_DEBUG
	for (unsigned i = 0; i < m->nold; i++) {
		uint32_t obj = 0, tagged = 0;
		CHECK_OK(
			buddy_page_object(m->s->b, m->dst[i], &obj, &tagged, 0)); /* tagged by us */
		CHECK(obj == m->obj[i] && tagged == m->index[i]);
	}
#endif
	if (ops->remap_frozen) { /* every entry frozen by us */
		ops->remap_frozen(ops->ctx, m->nold, m->obj, m->index, m->old, m->dst);
		return;
	}
	for (unsigned i = 0; i < m->nold; i++)
		CHECK_OK(ops->remap(ops->ctx, m->obj[i] - 1, m->index[i], m->old[i],
				    m->dst[i])); /* frozen by us */
}

/* Frees pages [p, end) (movable, unpinned, switched) as aligned runs: one buddy_free per run
 * instead of one per page (an object's pages mostly are consecutive). */
static void free_run(struct buddy *b, uint64_t p, uint64_t end)
{
	while (p < end) {
		unsigned o = p ? MIN((unsigned)__builtin_ctzll(p), (unsigned)MIGRATE_BATCH_ORDER)
			       : MIGRATE_BATCH_ORDER;
		while (o > 0 && p + ((uint64_t)1 << o) > end)
			o--;
		CHECK_OK(buddy_free(b, pfn_of(p), o)); /* movable, unpinned, switched */
		p += (uint64_t)1 << o;
	}
}

/* One TLB flush for the whole batch, then the old pages can go (with freeze: flush, then
 * copy and remap; without: the remaps were done, flush). */
static void batch_flush(struct migrate_batch *m)
{
	if (!m->nold)
		return;
	mark(m, MIGRATE_PHASE_FLUSH);
	m->s->ops->flush(m->s->ops->ctx);
	m->r.flushes++;
	if (m->s->ops->freeze)
		batch_copy_remap(m);
	mark(m, MIGRATE_PHASE_FREE);
	for (unsigned i = 0, j; i < m->nold; i = j) {
		for (j = i + 1; j < m->nold && m->old[j].v == m->old[j - 1].v + 1; j++)
			;
		free_run(m->s->b, m->old[i].v, m->old[j - 1].v + 1);
	}
	m->nold = 0;
	spin_unlock(&m->s->lock); /* nothing frozen: the others' turn (a ticket lock is fair) */
	spin_lock(&m->s->lock);
	mark(m, MIGRATE_PHASE_RMAP);
}

/* Gives the pool's unused pages back as aligned runs of movable pages. */
static void batch_release_pool(struct migrate_batch *m)
{
	uint64_t p = m->pool, end = m->pool + m->pool_n - m->pool_used;
	while (p < end) {
		unsigned o = p ? (unsigned)__builtin_ctzll(p) : MIGRATE_BATCH_ORDER;
		while (o > 0 && p + ((uint64_t)1 << o) > end)
			o--;
		CHECK_OK(
			buddy_free(m->s->b, pfn_of(p), o)); /* untagged movable pages of the pool */
		p += (uint64_t)1 << o;
	}
	m->pool_n = m->pool_used = 0;
}

static void batch_finish(struct migrate_batch *m)
{
	batch_flush(m);
	mark(m, MIGRATE_PHASE_REFILL);
	batch_release_pool(m);
	mark(m, MIGRATE_PHASE_NONE);
}

/* The largest free movable block (order <= max_order) of the nearest node to `node`, by
 * distance, that has a free page. Isolated pages are never handed out. */
static status_t block_nearest(struct buddy *b, unsigned node, unsigned max_order, uint64_t *pfn,
			      unsigned *order)
{
	const uint8_t *near = b->fallback[node];
	pfn_t f;
	for (unsigned i = 0; i < BUDDY_MAX_NODES; i++)
		for (int k = (int)max_order; k >= 0; k--)
			if (buddy_alloc(b, (unsigned)k, near[i], BUDDY_MOVABLE | BUDDY_THISNODE,
					&f) == ST_OK) {
				*pfn = f.v;
				*order = (unsigned)k;
				return ST_OK;
			}
	return ST_NOMEM;
}

/* The largest free movable block (order <= max_order) of node `node` itself. */
static status_t block_on(struct buddy *b, unsigned node, unsigned max_order, uint64_t *pfn,
			 unsigned *order)
{
	pfn_t f;
	for (int k = (int)max_order; k >= 0; k--)
		if (buddy_alloc(b, (unsigned)k, (int)node, BUDDY_MOVABLE | BUDDY_THISNODE, &f) ==
		    ST_OK) {
			*pfn = f.v;
			*order = (unsigned)k;
			return ST_OK;
		}
	return ST_NOMEM;
}

/* Pops the first block of a reservation (its link is read before the block is used). */
static bool reserve_pop(struct migrate_reserve *rv, uint64_t *pfn, unsigned *order)
{
	if (!rv->blocks)
		return false;
	*pfn = rv->head;
	*order = rv->head_order;
	const uint64_t *w = rv->link(rv->ctx, pfn_of(rv->head));
	rv->head = w[0];
	rv->head_order = (unsigned)w[1];
	rv->blocks--;
	rv->pages -= (uint64_t)1 << *order;
	return true;
}

/* A new pool for pages of `node`: the next reserved block, or the nearest free block. */
static status_t batch_refill(struct migrate_batch *m, unsigned node)
{
	unsigned order;
	batch_release_pool(m);
	if (m->rv) {
		if (!reserve_pop(m->rv, &m->pool, &order))
			return ST_NOMEM;
	} else if (fault_hit(FAULT_MIGRATE_DEST) ||
		   (m->target >= 0 ? block_on(m->s->b, node, m->max_order, &m->pool, &order)
				   : block_nearest(m->s->b, node, m->max_order, &m->pool,
						   &order)) != ST_OK) {
		return ST_NOMEM;
	}
	m->pool_n = (uint64_t)1 << order;
	m->node = (int)node;
	m->r.refills++;
	return ST_OK;
}

status_t migrate_reserve(struct memobj_set *s, unsigned node, uint64_t pages,
			 struct migrate_reserve *rv)
{
	rv->head = rv->tail = 0;
	rv->head_order = 0;
	rv->blocks = rv->pages = 0;
	if (node >= BUDDY_MAX_NODES)
		return ST_RANGE;
	mark_set(s, MIGRATE_PHASE_REFILL);
	while (rv->pages < pages) {
		unsigned want = 0, order;
		while (want < MIGRATE_BATCH_ORDER && ((uint64_t)1 << want) < pages - rv->pages)
			want++;
		uint64_t pfn;
		if (fault_hit(FAULT_MIGRATE_DEST) ||
		    block_nearest(s->b, node, want, &pfn, &order) != ST_OK) {
			migrate_unreserve(s, rv);
			mark_set(s, MIGRATE_PHASE_NONE);
			return ST_NOMEM;
		}
		uint64_t *w = rv->link(rv->ctx, pfn_of(pfn));
		w[0] = w[1] = 0;
		if (rv->blocks) { /* append: pools are drawn nearest node first */
			w = rv->link(rv->ctx, pfn_of(rv->tail));
			w[0] = pfn;
			w[1] = order;
		} else {
			rv->head = pfn;
			rv->head_order = order;
		}
		rv->tail = pfn;
		rv->blocks++;
		rv->pages += (uint64_t)1 << order;
	}
	mark_set(s, MIGRATE_PHASE_NONE);
	return ST_OK;
}

void migrate_unreserve(struct memobj_set *s, struct migrate_reserve *rv)
{
	uint64_t pfn;
	unsigned order;
	while (reserve_pop(rv, &pfn, &order))
		CHECK_OK(buddy_free(s->b, pfn_of(pfn),
				    order)); /* untagged movable block we allocated */
}

/* The object slot of a movable page, from its reverse map (step 1). */
static status_t batch_source(const struct migrate_batch *m, const struct buddy_page_info *pi,
			     unsigned *slot)
{
	if (pi->state != PAGE_MOVABLE)
		return ST_INVALID;
	if (pi->pins)
		return ST_BUSY;
	const struct memobj *o = pi->obj ? memobj_get(m->s, pi->obj - 1) : NULL;
	if (!o || !o->movable || pi->index >= o->npages)
		return ST_INVALID;
	*slot = pi->obj - 1;
	return ST_OK;
}

/* Step 2: the destination of page pfn of node `node`, from the pool (refilled when empty or,
 * without a reservation, for another node). */
static status_t batch_take(struct migrate_batch *m, uint64_t pfn, unsigned node, uint64_t *np)
{
	unsigned want = m->target >= 0 ? (unsigned)m->target : node;
	if ((!m->rv && m->node != (int)want) || m->pool_used == m->pool_n) {
		mark(m, MIGRATE_PHASE_REFILL);
		status_t st = batch_refill(m, want);
		mark(m, MIGRATE_PHASE_RMAP);
		if (st != ST_OK)
			return st;
	}
	*np = m->pool + m->pool_n - 1 - m->pool_used++; /* top down: see the header */
	CHECK(*np >= m->pool && pfn != *np); /* the copy writes only a page of our own pool */
	CHECK_OP(m->pool_used, <=, m->pool_n);
	return ST_OK;
}

/* Steps 2-4 for page pfn whose reverse map is pi. */
static status_t batch_move(struct migrate_batch *m, uint64_t pfn, const struct buddy_page_info *pi,
			   uint64_t *new_pfn)
{
	struct memobj_set *s = m->s;
	unsigned slot;
	uint64_t np;
	status_t st = batch_source(m, pi, &slot);
	if (st == ST_OK)
		st = batch_take(m, pfn, pi->node, &np);
	if (st != ST_OK)
		return st;
	if (s->ops->freeze) {
		mark(m, MIGRATE_PHASE_FREEZE);
		st = s->ops->freeze(s->ops->ctx, slot, pi->index,
				    pfn_of(pfn)); /* tagged, copied at flush */
	} else {
		mark(m, MIGRATE_PHASE_TAG);
		CHECK_OK(buddy_page_set_object(s->b, pfn_of(np), pi->obj,
					       pi->index)); /* a pool page */
		mark(m, MIGRATE_PHASE_COPY);
		s->ops->copy(s->ops->ctx, pfn_of(np), pfn_of(pfn));
		mark(m, MIGRATE_PHASE_REMAP);
		st = s->ops->remap(s->ops->ctx, slot, pi->index, pfn_of(pfn), pfn_of(np));
	}
	mark(m, MIGRATE_PHASE_RMAP);
	if (st != ST_OK) {
		if (!s->ops->freeze)
			CHECK_OK(buddy_page_set_object(s->b, pfn_of(np), 0, 0)); /* tagged above */
		m->pool_used--;
		return st;
	}
	m->dst[m->nold] = pfn_of(np);
	m->obj[m->nold] = pi->obj;
	m->index[m->nold] = pi->index;
	m->old[m->nold++] = pfn_of(pfn);
	m->r.moved++;
	if (m->nold == MIGRATE_BATCH)
		batch_flush(m);
	if (new_pfn)
		*new_pfn = np;
	return ST_OK;
}

status_t migrate_page(struct memobj_set *s, uint64_t pfn, uint64_t *new_pfn)
{
	struct migrate_batch m;
	struct buddy_page_info pi;
	status_t st = buddy_page_state(s->b, pfn_of(pfn), &pi);
	if (st != ST_OK)
		return st;
	batch_init(&m, s, 0);
	spin_lock(&s->lock);
	mark(&m, MIGRATE_PHASE_RMAP);
	st = batch_move(&m, pfn, &pi, new_pfn);
	batch_finish(&m);
	spin_unlock(&s->lock);
	return st;
}

/* The first page after p's block when p is not movable (free and isolated memory is kept in
 * blocks, so an unused range costs a step per block, not per page). */
static uint64_t skip_block(const struct buddy *b, uint64_t p)
{
	struct buddy_page_info pi;
	if (buddy_page_state(b, pfn_of(p), &pi) != ST_OK)
		return p + 1;
	return MAX(p, pi.head.v + ((uint64_t)1 << pi.order) - 1) + 1;
}

/* Moves the movable pages of `run` (read at pfn p, on node `node`) until one fails or a batch
 * flush gives the object table's lock up (a pin, unpin or free may then change what the run
 * says: the caller reads the rest again). Returns the pages handled; *st the failure. */
static unsigned run_move(struct migrate_batch *m, uint64_t p, const struct buddy_movable_page *run,
			 unsigned n, unsigned node, status_t *st)
{
	uint64_t flushes = m->r.flushes;
	unsigned i;
	*st = ST_OK;
	for (i = 0; i < n && m->r.flushes == flushes; i++) {
		struct buddy_page_info pi = { .state = PAGE_MOVABLE,
					      .owner = BUDDY_OWNER_MOVABLE,
					      .head = pfn_of(p + i),
					      .obj = run[i].obj,
					      .index = run[i].index,
					      .pins = run[i].pins,
					      .node = node };
		*st = batch_move(m, p + i, &pi, 0);
		if (*st != ST_OK)
			break;
	}
	return i;
}

/* With memobj_ops.freeze_run: steps 1-3 for the movable pages of `run` (read at pfn p, on
 * node `node`) that fit in the batch: each page checked and given a destination as
 * batch_move does, then one freeze_run call for them all; destinations of pages not frozen
 * go back to the allocator. Returns the pages frozen; *st the failure at page p + that. */
static unsigned run_freeze(struct migrate_batch *m, uint64_t p,
			   const struct buddy_movable_page *run, unsigned n, unsigned node,
			   status_t *st)
{
	struct memobj_set *s = m->s;
	unsigned base = m->nold, k, slot;
	*st = ST_OK;
	n = MIN(n, MIGRATE_BATCH - base);
	for (k = 0; k < n; k++) {
		struct buddy_page_info pi = { .state = PAGE_MOVABLE,
					      .obj = run[k].obj,
					      .index = run[k].index,
					      .pins = run[k].pins };
		*st = batch_source(m, &pi, &slot);
		uint64_t np = 0;
		if (*st == ST_OK)
			*st = batch_take(m, p + k, node, &np);
		if (*st != ST_OK)
			break;
		m->dst[base + k] = pfn_of(np);
		m->old[base + k] = pfn_of(p + k);
		m->obj[base + k] = run[k].obj;
		m->index[base + k] = run[k].index;
	}
	status_t fst = ST_OK;
	unsigned f = 0;
	if (k) {
		mark(m, MIGRATE_PHASE_FREEZE);
		f = s->ops->freeze_run(s->ops->ctx, k, &m->obj[base], &m->index[base],
				       &m->old[base], &fst);
		mark(m, MIGRATE_PHASE_RMAP);
	}
	CHECK_OP(f, <=, k);
	for (unsigned j = f; j < k; j++)
		CHECK_OK(buddy_free(s->b, m->dst[base + j], 0)); /* taken above, untagged, unused */
	if (f < k) {
		CHECK(fst != ST_OK); /* a short run is an error, else the walk would not advance */
		*st = fst;
	}
	m->nold += f;
	m->r.moved += f;
	if (m->nold == MIGRATE_BATCH)
		batch_flush(m);
	return f;
}

#define MIGRATE_RUN 64 /* reverse maps read per call (buddy_page_movable_run) */

/* Moves every movable page of the range with batch m, then finishes the batch. The reverse
 * maps are read a run of consecutive movable pages at a time (an object's pages mostly are
 * consecutive): one lock and one range look-up per run instead of per page. */
static status_t range_run(struct migrate_batch *m, uint64_t base_pfn, uint64_t npages,
			  struct migrate_result *res)
{
	struct memobj_set *s = m->s;
	struct buddy_movable_page run[MIGRATE_RUN];
	uint64_t next_cancel = base_pfn;
	spin_lock(&s->lock);
	mark(m, MIGRATE_PHASE_RMAP);
	for (uint64_t p = base_pfn, end = base_pfn + npages; p < end;) {
		if (p >= next_cancel) {
			if (p != base_pfn && cancel_point(p - base_pfn, npages)) {
				m->r.failed_pfn = p;
				m->r.failed_st = ST_INTERRUPTED;
				break;
			}
			next_cancel = p + MIGRATE_CANCEL_PAGES;
		}
		unsigned n = 0, node = 0,
			 max = (unsigned)MIN(MIN(end, next_cancel) - p, MIGRATE_RUN);
		if (buddy_page_movable_run(s->b, pfn_of(p), max, run, &n, &node) != ST_OK) {
			p++; /* not managed */
			continue;
		}
		if (!n) {
			p = skip_block(s->b, p);
			continue;
		}
		status_t st;
		unsigned done = s->ops->freeze_run ? run_freeze(m, p, run, n, node, &st)
						   : run_move(m, p, run, n, node, &st);
		if (st != ST_OK) {
			m->r.failed_pfn = p + done;
			m->r.failed_st = st;
			break;
		}
		p += done;
	}
	batch_finish(m);
	spin_unlock(&s->lock);
	if (res)
		*res = m->r;
	return m->r.failed_st;
}

status_t migrate_range(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
		       struct migrate_result *res)
{
	struct migrate_batch m;
	batch_init(&m, s, MIGRATE_BATCH_ORDER);
	return range_run(&m, base_pfn, npages, res);
}

status_t migrate_range_reserved(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
				struct migrate_reserve *rv, struct migrate_result *res)
{
	struct migrate_batch m;
	batch_init(&m, s, MIGRATE_BATCH_ORDER);
	m.rv = rv;
	status_t st = range_run(&m, base_pfn, npages, res);
	mark(&m, MIGRATE_PHASE_REFILL);
	migrate_unreserve(s, rv);
	mark(&m, MIGRATE_PHASE_NONE);
	return st;
}

status_t migrate_object(struct memobj_set *s, unsigned slot, unsigned node,
			struct migrate_result *res)
{
	spin_lock(&s->lock);
	const struct memobj *o = memobj_get(s, slot);
	status_t st = !o                        ? ST_NOTFOUND
		      : !o->movable             ? ST_INVALID
		      : node >= BUDDY_MAX_NODES ? ST_RANGE
						: ST_OK;
	if (st != ST_OK) {
		spin_unlock(&s->lock);
		return st;
	}
	struct migrate_batch m;
	batch_init(&m, s, MIGRATE_BATCH_ORDER);
	m.target = (int)node;
	mark(&m, MIGRATE_PHASE_RMAP);
	/* o->used is checked again before every page: a flush gives the lock up, and a free may
	 * take the object meanwhile (its pages are then the free's to give back) */
	for (uint64_t i = 0; o->used && i < o->npages; i++) {
		pfn_t f;
		struct buddy_page_info pi;
		/* a used object maps every page */
		CHECK_OK(s->ops->lookup(s->ops->ctx, slot, i, &f));
		uint64_t pfn = f.v;
		CHECK_OK(buddy_page_state(s->b, f, &pi));
		if (pi.node == node)
			continue;
		st = batch_move(&m, pfn, &pi, 0);
		if (st != ST_OK) {
			m.r.failed_pfn = pfn;
			m.r.failed_st = st;
			break;
		}
	}
	batch_finish(&m);
	spin_unlock(&s->lock);
	if (res)
		*res = m.r;
	return m.r.failed_st;
}
