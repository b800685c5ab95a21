/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_pcp.c - per-CPU page caches in front of the buddy free lists (behaviour in mm/buddy.h,
 * "Per-CPU page caches"; locking in docs/locking.md).
 *
 * Data: struct buddy_pcp per CPU, BUDDY_PCP_SLOTS slots each caching free blocks of orders
 * 0 .. BUDDY_PCP_ORDERS-1 of one (node, zone), one stack of head pfns per order. A cached
 * block's head word is PCP with its order, its other words TAIL (0). A slot also keeps d_owner[]:
 * pages allocated minus pages freed through it per owner tag since its counts were last folded
 * into the zone statistics (every refill and drain folds them, under the buddy lock).
 *
 * Locks: a CPU's cache lock (rank PCP) protects its slots. The fast paths hold only that lock
 * and rely on this: range descriptors, zone range lists and the isolation table change only
 * with every cache lock held (mm/buddy_lock.c), so one cache lock is enough to read them. The
 * words of a CPU's cached pages are written with that cache lock only, hence pw_load/pw_store
 * where the buddy lock's side may read them at the same time (a buddy's merge test; a cached
 * block's tail words are never written while it is cached). Refill,
 * drain and folding take the buddy lock inside the cache lock (rank PCP < BUDDY). */
#include "mm/buddy.h"

#include "lib/check.h"
#include "lib/kstring.h"
#include "mm/buddy_internal.h"

status_t buddy_pcp_enable(struct buddy *b, struct buddy_pcp *pcp, unsigned ncpus)
{
	if (!pcp || ncpus == 0 || ncpus > SPIN_MAX_CPUS)
		return ST_INVALID;
	if (b->pcp)
		return ST_BUSY;
	memset(pcp, 0, sizeof *pcp * ncpus);
	for (unsigned c = 0; c < ncpus; c++) {
		spin_init(&pcp[c].lock, "pcp", LOCK_RANK_PCP);
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++)
			pcp[c].slot[i].node = -1;
	}
	spin_lock(&b->lock);
	b->pcp = pcp;
	b->pcp_orders = BUDDY_PCP_ORDERS_DEFAULT;
	b->npcp = ncpus;
	spin_unlock(&b->lock);
	return ST_OK;
}

void buddy_lock_all(const struct buddy *b)
{
	for (unsigned c = 0; c < b->npcp; c++)
		spin_lock(&b->pcp[c].lock);
	spin_lock((struct spinlock *)&b->lock); /* the lock is not part of the allocator's value */
}

void buddy_unlock_all(const struct buddy *b)
{
	spin_unlock((struct spinlock *)&b->lock);
	for (unsigned c = b->npcp; c-- > 0;)
		spin_unlock(&b->pcp[c].lock);
}

/* This CPU's cache, locked; NULL when caches are off or this CPU has none. */
static inline __attribute__((always_inline)) struct buddy_pcp *pcp_get(struct buddy *b)
{
	unsigned cpu = spin_arch_cpu(); /* read once: spin_lock_cpu does not read it again */
	if (cpu >= __atomic_load_n(&b->npcp, __ATOMIC_ACQUIRE))
		return NULL;
	struct buddy_pcp *c = &b->pcp[cpu];
	spin_lock_cpu(&c->lock, cpu);
	return c;
}

/* Under b->lock: the slot's owner counts go into its zone. */
static void pcp_fold_locked(struct buddy *b, struct buddy_pcp_slot *s)
{
	struct buddy_zone_state *z = &b->zone[s->node][s->zone];
	for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++) {
		z->st.owner[o] += (uint64_t)s->d_owner[o];
		s->d_owner[o] = 0;
	}
}

/* Under b->lock: the cached block (p, o) of range r goes back (free, or isolated where it
 * lies in an isolated range). With no isolated range it goes straight to buddy_free_block. */
static void pcp_give_back_locked(struct buddy *b, struct buddy_range *r, uint64_t p, unsigned o)
{
	CHECK_OP(*bw(r, p), ==, pw_make_pcp(o));
	*bw(r, p) = 0;
	if (b->niso) /* it may lie in an isolated range: that decides, page by page */
		buddy_release_span(b, r, p, p + ((uint64_t)1 << o));
	else
		buddy_free_block(r, p, o);
}

/* Under b->lock: give the n oldest blocks of order o of slot s back, and fold its counts.
 * The range of the previous block is tried first (one lookup per run of one range). */
static void pcp_drain_locked(struct buddy *b, struct buddy_pcp_slot *s, unsigned o, unsigned n)
{
	uint64_t *stk = s->pfn + buddy_pcp_first(o);
	n = MIN(n, (unsigned)s->count[o]);
	struct buddy_range *r = NULL;
	for (unsigned i = 0; i < n; i++) {
		uint64_t p = stk[i];
		if (!r || p < r->base || p >= r->end)
			r = buddy_range_of(b, p);
		CHECK(r);
		pcp_give_back_locked(b, r, p, o);
	}
	memmove(stk, stk + n, (s->count[o] - n) * sizeof stk[0]);
	s->count[o] = (uint16_t)(s->count[o] - n);
	pcp_fold_locked(b, s);
}

/* Under b->lock: empty every order of slot s; returns the pages given back. */
static uint64_t pcp_drain_slot_locked(struct buddy *b, struct buddy_pcp_slot *s)
{
	uint64_t n = 0;
	for (unsigned o = 0; o < BUDDY_PCP_ORDERS; o++) {
		n += (uint64_t)s->count[o] << o;
		pcp_drain_locked(b, s, o, s->count[o]);
	}
	return n;
}

/* A zone the caches may serve: it has ranges, none of them zeroed on allocation. */
static bool pcp_zone_ok(const struct buddy *b, unsigned node, unsigned zone)
{
	const struct buddy_zone_state *z = &b->zone[node][zone];
	if (z->first < 0)
		return false;
	for (int i = z->first; i >= 0; i = b->r[i].next)
		if (b->r[i].flags & BUDDY_RANGE_ZERO_ON_ALLOC)
			return false;
	return true;
}

/* pcp_slot's miss: take a free slot for (node, zone), or the victim's after draining it;
 * NULL when the zone may not be cached. */
static __attribute__((noinline)) struct buddy_pcp_slot *
pcp_slot_take(struct buddy *b, struct buddy_pcp *c, unsigned node, unsigned zone)
{
	struct buddy_pcp_slot *fresh = NULL;
	for (unsigned i = 0; i < BUDDY_PCP_SLOTS && !fresh; i++)
		if (c->slot[i].node < 0)
			fresh = &c->slot[i];
	if (!pcp_zone_ok(b, node, zone))
		return NULL;
	if (!fresh) {
		fresh = &c->slot[c->victim];
		c->victim = (c->victim + 1) % BUDDY_PCP_SLOTS;
		spin_lock(&b->lock);
		pcp_drain_slot_locked(b, fresh);
		spin_unlock(&b->lock);
	}
	c->last = (unsigned)(fresh - c->slot);
	fresh->node = (int16_t)node;
	fresh->zone = (uint8_t)zone;
	return fresh;
}

/* The slot of (node, zone) in c, taking a free one or giving up the victim's if needed; NULL
 * when the zone may not be cached. A slot exists only for a zone that may be (checked when
 * the slot is taken, and again by buddy_pcp_recheck_locked whenever ranges change). The hit
 * is inline: one compare per slot. */
static inline struct buddy_pcp_slot *pcp_slot(struct buddy *b, struct buddy_pcp *c, unsigned node,
					      unsigned zone)
{
	struct buddy_pcp_slot *s = &c->slot[c->last];
	if (s->node == (int)node && s->zone == zone)
		return s;
	for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
		s = &c->slot[i];
		if (s->node == (int)node && s->zone == zone) {
			c->last = i;
			return s;
		}
	}
	return pcp_slot_take(b, c, node, zone);
}

/* The range holding p (which is managed), trying the last one this CPU looked up first. The
 * descriptors change only under every cache lock, so c's lock keeps them still. */
static inline struct buddy_range *pcp_range(const struct buddy *b, struct buddy_pcp *c, uint64_t p)
{
	if (c->r_hint < b->nranges) {
		struct buddy_range *r = &b->r[c->r_hint];
		if (p >= r->base && p < r->end)
			return r;
	}
	struct buddy_range *r = buddy_range_of(b, p);
	if (r)
		c->r_hint = (unsigned)(r - b->r);
	return r;
}

/* The zone the free lists would try first for (node, flags); false when there is none. */
static inline __attribute__((always_inline)) bool
pcp_target(const struct buddy *b, int node, unsigned flags, unsigned *n, unsigned *z)
{
	for (unsigned i = node >= 0 ? (unsigned)node : 0; i < BUDDY_MAX_NODES; i++) {
		const struct buddy_zone_state *zs = b->zone[i];
		if ((flags & BUDDY_MOVABLE) && zs[BUDDY_ZONE_MOVABLE].first >= 0)
			*z = BUDDY_ZONE_MOVABLE;
		else if (zs[BUDDY_ZONE_NORMAL].first >= 0)
			*z = BUDDY_ZONE_NORMAL;
		else if (node < 0)
			continue;
		else
			return false;
		*n = i;
		return true;
	}
	return false;
}

/* Under the cache lock: move up to buddy_pcp_batch(o) blocks of order o of s's zone from the
 * free lists into s, keeping the zone at or above its reserve. The blocks come in runs: each
 * step takes the largest block (at most the pages still wanted) the zone has, and splits it
 * into the cache, lowest pfn on top. */
static void pcp_refill(struct buddy *b, struct buddy_pcp_slot *s, unsigned o)
{
	uint64_t *stk = s->pfn + buddy_pcp_first(o), one = (uint64_t)1 << o;
	unsigned batch = buddy_pcp_batch(o);
	spin_lock(&b->lock);
	struct buddy_zone_state *z = &b->zone[s->node][s->zone];
	while (s->count[o] < batch && (z->mask >> o) && z->st.free >= z->st.reserve + one) {
		uint64_t want =
			MIN((uint64_t)(batch - s->count[o]) << o, z->st.free - z->st.reserve);
		unsigned k = 63u - (unsigned)__builtin_clzll(want); /* >= o: want >= 2^o */
		if (!(z->mask >> k)) /* no block that large: the largest there is (>= o) */
			k = 31u - (unsigned)__builtin_clz(z->mask);
		struct buddy_range *r;
		uint64_t p = buddy_take(b, z, k, &r);
		for (uint64_t i = (uint64_t)1 << (k - o); i-- > 0;) {
			*bw(r, p + (i << o)) = pw_make_pcp(o);
			stk[s->count[o]++] = p + (i << o);
		}
	}
	pcp_fold_locked(b, s);
	spin_unlock(&b->lock);
}

/* buddy_pcp_alloc's body; inlined twice, once with order a constant 0 (the most common case
 * gets the stack position and sizes as constants). */
static inline __attribute__((always_inline)) bool
pcp_alloc(struct buddy *b, unsigned order, int node, unsigned flags, unsigned owner, uint64_t *pfn)
{
	if ((flags & (BUDDY_ZERO | BUDDY_RESERVE)) || (order && (flags & BUDDY_MOVABLE)))
		return false;
	struct buddy_pcp *c = pcp_get(b);
	if (!c)
		return false;
	if (order >= b->pcp_orders) { /* stable under a cache lock: set under all of them */
		spin_unlock(&c->lock);
		return false;
	}
	unsigned n, z;
	struct buddy_pcp_slot *s = NULL;
	if (pcp_target(b, node, flags, &n, &z)) {
		s = pcp_slot(b, c, n, z);
		if (s && !s->count[order])
			pcp_refill(b, s, order);
	}
	if (!s || !s->count[order]) {
		spin_unlock(&c->lock);
		return false;
	}
	uint64_t p = s->pfn[buddy_pcp_first(order) + --s->count[order]];
	bool movable = flags & BUDDY_MOVABLE;
	pw_store(bw(pcp_range(b, c, p), p),
		 movable ? pw_make_movable(0, 0, 0) : pw_make_alloc(order, owner));
	s->d_owner[movable ? BUDDY_OWNER_MOVABLE : owner] += (int64_t)1 << order;
	spin_unlock(&c->lock);
	*pfn = p;
	return true;
}

/* buddy_pcp_free's body; inlined twice, as pcp_alloc. */
static inline __attribute__((always_inline)) bool pcp_free(struct buddy *b, uint64_t pfn,
							   unsigned order)
{
	struct buddy_pcp *c = pcp_get(b);
	if (!c)
		return false;
	struct buddy_range *r = b->niso || order >= b->pcp_orders ? NULL : pcp_range(b, c, pfn);
	uint64_t w = r ? pw_load(bw(r, pfn)) : 0;
	unsigned owner = BUDDY_OWNER_COUNT;
	if (pw_state(w) == PAGE_MOVABLE && !pw_pins(w) && order == 0)
		owner = BUDDY_OWNER_MOVABLE;
	else if (pw_state(w) == PAGE_ALLOC && pw_order(w) == order) /* aligned: a block head */
		owner = pw_owner(w);
	struct buddy_pcp_slot *s =
		owner < BUDDY_OWNER_COUNT ? pcp_slot(b, c, r->node, r->zone) : NULL;
	if (!s) {
		spin_unlock(&c->lock);
		return false;
	}
	if (s->count[order] == buddy_pcp_high(order)) {
		spin_lock(&b->lock);
		pcp_drain_locked(b, s, order, buddy_pcp_batch(order));
		spin_unlock(&b->lock);
	}
#ifdef SPMK_DEBUG
	if (b->ops && b->ops->junk)
		b->ops->junk(b->ctx, pfn, (uint64_t)1 << order); /* validated: nobody's any more */
#endif
	pw_store(bw(r, pfn), pw_make_pcp(order));
	s->pfn[buddy_pcp_first(order) + s->count[order]++] = pfn;
	s->d_owner[owner] -= (int64_t)1 << order;
	spin_unlock(&c->lock);
	return true;
}

/* Under every lock: give back the blocks of order o in s that overlap [base, end); returns
 * their pages inside [base, end). */
static uint64_t pcp_drain_order_range_locked(struct buddy *b, struct buddy_pcp_slot *s, unsigned o,
					     uint64_t base, uint64_t end)
{
	uint64_t *stk = s->pfn + buddy_pcp_first(o), n = 0, len = (uint64_t)1 << o;
	unsigned keep = 0;
	for (unsigned k = 0; k < s->count[o]; k++) {
		uint64_t p = stk[k];
		if (p + len <= base || p >= end) {
			stk[keep++] = p;
			continue;
		}
		struct buddy_range *r = buddy_range_of(b, p);
		CHECK(r);
		pcp_give_back_locked(b, r, p, o);
		n += MIN(end, p + len) - MAX(base, p);
	}
	s->count[o] = (uint16_t)keep;
	return n;
}

uint64_t buddy_pcp_drain_range_locked(struct buddy *b, uint64_t base, uint64_t end)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < b->npcp; c++)
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++)
			for (unsigned o = 0; o < BUDDY_PCP_ORDERS; o++)
				n += pcp_drain_order_range_locked(b, &b->pcp[c].slot[i], o, base,
								  end);
	return n;
}

bool buddy_pcp_alloc(struct buddy *b, unsigned order, int node, unsigned flags, unsigned owner,
		     uint64_t *pfn)
{
	return order == 0 ? pcp_alloc(b, 0, node, flags, owner, pfn)
			  : pcp_alloc(b, order, node, flags, owner, pfn);
}

bool buddy_pcp_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	return order == 0 ? pcp_free(b, pfn, 0) : pcp_free(b, pfn, order);
}

uint64_t buddy_pcp_drain_zone_locked(struct buddy *b, unsigned node, unsigned zone)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < b->npcp; c++)
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			if (s->node == (int)node && s->zone == zone)
				n += pcp_drain_slot_locked(b, s);
		}
	return n;
}

void buddy_pcp_recheck_locked(struct buddy *b)
{
	for (unsigned c = 0; c < b->npcp; c++)
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			if (s->node < 0 || pcp_zone_ok(b, (unsigned)s->node, s->zone))
				continue;
			pcp_drain_slot_locked(b, s);
			s->node = -1;
		}
}

/* Under every lock, caches on: they serve orders below norders (0: none) from now on; the
 * blocks of the orders they no longer serve go back first. */
static void pcp_serve_locked(struct buddy *b, unsigned norders, unsigned deferred)
{
	for (unsigned c = 0; c < b->npcp; c++)
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			for (unsigned o = norders; o < BUDDY_PCP_ORDERS && s->node >= 0; o++)
				pcp_drain_locked(b, s, o, s->count[o]);
		}
	__atomic_store_n(&b->pcp_orders, norders, __ATOMIC_RELAXED);
	__atomic_store_n(&b->pcp_deferred, deferred, __ATOMIC_RELAXED);
}

status_t buddy_pcp_set_orders(struct buddy *b, unsigned norders)
{
	if (norders == 0 || norders > BUDDY_PCP_ORDERS)
		return ST_RANGE;
	buddy_lock_all(b);
	status_t st = b->npcp ? ST_OK : ST_INVALID;
	if (st == ST_OK)
		pcp_serve_locked(b, norders, 0);
	buddy_unlock_all(b);
	return st;
}

status_t buddy_pcp_defer(struct buddy *b)
{
	buddy_lock_all(b);
	status_t st = b->npcp ? ST_OK : ST_INVALID;
	if (st == ST_OK && b->pcp_orders)
		pcp_serve_locked(b, 0, b->pcp_orders);
	buddy_unlock_all(b);
	return st;
}

void buddy_pcp_contended(struct buddy *b)
{
	buddy_lock_all(b);
	if (b->pcp_deferred) /* another CPU may have turned them on meanwhile */
		pcp_serve_locked(b, b->pcp_deferred, 0);
	buddy_unlock_all(b);
}

unsigned buddy_pcp_orders(const struct buddy *b, unsigned *deferred)
{
	*deferred = __atomic_load_n(&b->pcp_deferred, __ATOMIC_RELAXED);
	return __atomic_load_n(&b->pcp_orders, __ATOMIC_RELAXED);
}

uint64_t buddy_pcp_drain_all(struct buddy *b)
{
	buddy_lock_all(b);
	uint64_t n = 0;
	for (unsigned c = 0; c < b->npcp; c++) {
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			if (s->node >= 0)
				n += pcp_drain_slot_locked(b, s);
		}
	}
	buddy_unlock_all(b);
	return n;
}

void buddy_pcp_stats_add_locked(const struct buddy *b, int node, int zone, struct buddy_stats *st)
{
	for (unsigned c = 0; c < b->npcp; c++) {
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			const struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			if (s->node < 0 || (node >= 0 && s->node != node) ||
			    (zone >= 0 && s->zone != zone))
				continue;
			for (unsigned o = 0; o < BUDDY_PCP_ORDERS; o++) {
				st->cached += (uint64_t)s->count[o] << o;
				st->cached_blocks[o] += s->count[o];
			}
			for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
				st->owner[o] += (uint64_t)s->d_owner[o];
		}
	}
}
