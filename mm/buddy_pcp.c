/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_pcp.c - per-CPU page caches in front of the buddy free lists (behaviour in mm/buddy.h,
 * "Per-CPU page caches"; locking in docs/locking.md).
 *
 * Data: struct buddy_pcp per CPU, BUDDY_PCP_SLOTS slots each caching single pages of one
 * (node, zone) as a stack of pfns. A cached page's word is PCP. A slot also keeps d_owner[]:
 * pages allocated minus pages freed through it per owner tag since its counts were last folded
 * into the zone statistics (every refill and drain folds them, under the buddy lock).
 *
 * Locks: a CPU's cache lock (rank PCP) protects its slots. The fast paths hold only that lock
 * and rely on this: range descriptors, zone range lists and the isolation table change only
 * with every cache lock held (mm/buddy_lock.c), so one cache lock is enough to read them. The
 * words of a CPU's cached pages are written with that cache lock only, hence pw_load/pw_store
 * where the buddy lock's side may read them at the same time (a buddy's merge test). Refill,
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
	b->npcp = ncpus;
	spin_unlock(&b->lock);
	return ST_OK;
}

void buddy_pcp_lock_all(const struct buddy *b)
{
	for (unsigned c = 0; c < b->npcp; c++)
		spin_lock(&b->pcp[c].lock);
}

void buddy_pcp_unlock_all(const struct buddy *b)
{
	for (unsigned c = b->npcp; c-- > 0;)
		spin_unlock(&b->pcp[c].lock);
}

/* This CPU's cache, locked; NULL when caches are off or this CPU has none. */
static struct buddy_pcp *pcp_get(struct buddy *b)
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

/* Under b->lock: give the n oldest pages of slot s back (free, or isolated in an isolated
 * range), and fold its counts. The range of the previous page is tried first (one lookup
 * per run of pages of one range); with no isolated range a page goes straight to
 * buddy_free_block. */
static void pcp_drain_locked(struct buddy *b, struct buddy_pcp_slot *s, unsigned n)
{
	n = MIN(n, (unsigned)s->count);
	struct buddy_range *r = NULL;
	for (unsigned i = 0; i < n; i++) {
		uint64_t p = s->pfn[i];
		if (!r || p < r->base || p >= r->end)
			r = buddy_range_of(b, p);
		CHECK(r);
		CHECK_OP(pw_state(*bw(r, p)), ==, PAGE_PCP);
		if (b->niso) { /* it may lie in an isolated range: that decides */
			buddy_release_span(b, r, p, p + 1);
		} else { /* nothing is isolated: straight back to the free lists */
			*bw(r, p) = 0;
			buddy_free_block(r, p, 0);
		}
	}
	memmove(s->pfn, s->pfn + n, (s->count - n) * sizeof s->pfn[0]);
	s->count = (uint16_t)(s->count - n);
	pcp_fold_locked(b, s);
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
		pcp_drain_locked(b, fresh, BUDDY_PCP_HIGH);
		spin_unlock(&b->lock);
	}
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
	for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
		struct buddy_pcp_slot *s = &c->slot[i];
		if (s->node == (int)node && s->zone == zone)
			return s;
	}
	return pcp_slot_take(b, c, node, zone);
}

/* The zone the free lists would try first for (node, flags); false when there is none. */
static bool pcp_target(const struct buddy *b, int node, unsigned flags, unsigned *n, unsigned *z)
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

/* Under the cache lock: move up to BUDDY_PCP_BATCH pages of s's zone from the free lists
 * into s, keeping the zone at or above its reserve. The pages come in runs: each step takes
 * the largest block (at most the pages still wanted) the zone has, and splits it into the
 * cache, lowest pfn on top. */
static void pcp_refill(struct buddy *b, struct buddy_pcp_slot *s)
{
	spin_lock(&b->lock);
	struct buddy_zone_state *z = &b->zone[s->node][s->zone];
	while (s->count < BUDDY_PCP_BATCH && z->mask && z->st.free > z->st.reserve) {
		uint64_t want =
			MIN((uint64_t)(BUDDY_PCP_BATCH - s->count), z->st.free - z->st.reserve);
		unsigned k = 63u - (unsigned)__builtin_clzll(want);
		uint32_t below = z->mask & ((2u << k) - 1);
		if (!(z->mask >> k)) /* no block that large: the largest there is */
			k = 31u - (unsigned)__builtin_clz(below);
		struct buddy_range *r;
		uint64_t p = buddy_take(b, z, k, &r);
		for (uint64_t i = (uint64_t)1 << k; i-- > 0;) {
			*bw(r, p + i) = pw_make_pcp();
			s->pfn[s->count++] = p + i;
		}
	}
	pcp_fold_locked(b, s);
	spin_unlock(&b->lock);
}

bool buddy_pcp_alloc(struct buddy *b, int node, unsigned flags, unsigned owner, uint64_t *pfn)
{
	if (flags & (BUDDY_ZERO | BUDDY_RESERVE))
		return false;
	struct buddy_pcp *c = pcp_get(b);
	if (!c)
		return false;
	unsigned n, z;
	struct buddy_pcp_slot *s = NULL;
	if (pcp_target(b, node, flags, &n, &z)) {
		s = pcp_slot(b, c, n, z);
		if (s && !s->count)
			pcp_refill(b, s);
	}
	if (!s || !s->count) {
		spin_unlock(&c->lock);
		return false;
	}
	uint64_t p = s->pfn[--s->count];
	bool movable = flags & BUDDY_MOVABLE;
	pw_store(bw(buddy_range_of(b, p), p),
		 movable ? pw_make_movable(0, 0, 0) : pw_make_alloc(0, owner));
	s->d_owner[movable ? BUDDY_OWNER_MOVABLE : owner]++;
	spin_unlock(&c->lock);
	*pfn = p;
	return true;
}

bool buddy_pcp_free(struct buddy *b, uint64_t pfn)
{
	struct buddy_pcp *c = pcp_get(b);
	if (!c)
		return false;
	struct buddy_range *r = b->niso ? NULL : buddy_range_of(b, pfn);
	uint64_t w = r ? pw_load(bw(r, pfn)) : 0;
	unsigned owner = BUDDY_OWNER_COUNT;
	if (pw_state(w) == PAGE_MOVABLE && !pw_pins(w))
		owner = BUDDY_OWNER_MOVABLE;
	else if (pw_state(w) == PAGE_ALLOC && pw_order(w) == 0)
		owner = pw_owner(w);
	struct buddy_pcp_slot *s =
		owner < BUDDY_OWNER_COUNT ? pcp_slot(b, c, r->node, r->zone) : NULL;
	if (!s) {
		spin_unlock(&c->lock);
		return false;
	}
	if (s->count == BUDDY_PCP_HIGH) {
		spin_lock(&b->lock);
		pcp_drain_locked(b, s, BUDDY_PCP_BATCH);
		spin_unlock(&b->lock);
	}
#ifdef SPMK_DEBUG
	if (b->ops && b->ops->junk)
		b->ops->junk(b->ctx, pfn, 1); /* validated: the page is nobody's any more */
#endif
	pw_store(bw(r, pfn), pw_make_pcp());
	s->pfn[s->count++] = pfn;
	s->d_owner[owner]--;
	spin_unlock(&c->lock);
	return true;
}

uint64_t buddy_pcp_drain_range_locked(struct buddy *b, uint64_t base, uint64_t end)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < b->npcp; c++) {
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			unsigned keep = 0;
			for (unsigned k = 0; k < s->count; k++) {
				uint64_t p = s->pfn[k];
				if (p < base || p >= end) {
					s->pfn[keep++] = p;
					continue;
				}
				struct buddy_range *r = buddy_range_of(b, p);
				*bw(r, p) = 0;
				buddy_release_span(b, r, p, p + 1);
				n++;
			}
			s->count = (uint16_t)keep;
		}
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
			pcp_drain_locked(b, s, BUDDY_PCP_HIGH);
			s->node = -1;
		}
}

uint64_t buddy_pcp_drain_all(struct buddy *b)
{
	buddy_pcp_lock_all(b);
	spin_lock(&b->lock);
	uint64_t n = 0;
	for (unsigned c = 0; c < b->npcp; c++) {
		for (unsigned i = 0; i < BUDDY_PCP_SLOTS; i++) {
			struct buddy_pcp_slot *s = &b->pcp[c].slot[i];
			if (s->node < 0)
				continue;
			n += s->count;
			pcp_drain_locked(b, s, BUDDY_PCP_HIGH);
		}
	}
	spin_unlock(&b->lock);
	buddy_pcp_unlock_all(b);
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
			st->cached += s->count;
			for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
				st->owner[o] += (uint64_t)s->d_owner[o];
		}
	}
}
