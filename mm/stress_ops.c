/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_ops.c - the operations of the stress engine (stress.h): each draws its target from
 * the PRNG, runs one API call between stress_attempt_begin/end and updates the engine's model
 * (claims and their write records, pins, hand-offs) when the call succeeded. */
#include "mm/stress_internal.h"

/* ---- predicates for stress_pick_dev */

static bool dev_idle(const struct stress *s, uint32_t i)
{
	const struct dax_device *x = dax_device_get(s->w.dax, i);
	return x->mode == DAX_MODE_DEVDAX && x->state == DAX_UNCLAIMED;
}

/* Idle and small enough to claim: a release zeroes the whole device. */
static bool dev_claimable(const struct stress *s, uint32_t i)
{
	return dev_idle(s, i) && dax_device_get(s->w.dax, i)->size <= STRESS_CLAIM_MAX;
}

static bool dev_handoff_ok(const struct stress *s, uint32_t i)
{
	const struct dax_device *x = dax_device_get(s->w.dax, i);
	return dev_idle(s, i) && IS_ALIGNED(x->base | x->size, HOTPLUG_BLOCK) &&
	       s->w.dax->regions[x->region].target_node >= 0;
}

static bool dev_handed(const struct stress *s, uint32_t i)
{
	const struct dax_device *x = dax_device_get(s->w.dax, i);
	return s->handed[i] && x->mode == DAX_MODE_SYSTEM_RAM;
}

/* A claim slot: used ones matching want_state (-1 any; else DAX_CLAIMED or DAX_MAPPED). */
static bool pick_claim(struct stress *s, int want_state, bool with_records, unsigned *k)
{
	unsigned cand[STRESS_MAX_CLAIMS], n = 0;
	for (unsigned i = 0; i < STRESS_MAX_CLAIMS; i++) {
		const struct stress_claim *c = &s->claim[i];
		if (!c->used || (with_records && !c->nw))
			continue;
		if (want_state >= 0 &&
		    dax_device_get(s->w.dax, c->dev)->state != (enum dax_state)want_state)
			continue;
		cand[n++] = i;
	}
	if (!n)
		return false;
	*k = cand[prng_below(&s->rng, n)];
	return true;
}

/* ---- dax */

static status_t op_create(struct stress *s)
{
	struct stress_attempt a;
	if (!s->w.dax->nregions)
		return STRESS_SKIP;
	uint32_t r = (uint32_t)prng_below(&s->rng, s->w.dax->nregions), dev;
	uint64_t align = MIN(s->w.dax->regions[r].align, SIZE_2M);
	uint64_t size = prng_range(&s->rng, 1, STRESS_MAX_DEV_BLOCKS) * SIZE_2M;
	stress_attempt_begin(s, &a, STRESS_CREATE);
	return stress_attempt_end(s, &a, dax_create_device(s->w.dax, r, size, align, &dev), false);
}

static status_t op_destroy(struct stress *s)
{
	struct stress_attempt a;
	uint32_t dev;
	if (!stress_pick_dev(s, dev_idle, &dev))
		return STRESS_SKIP;
	stress_attempt_begin(s, &a, STRESS_DESTROY);
	return stress_attempt_end(s, &a, dax_destroy_device(s->w.dax, dev), true);
}

static status_t op_claim(struct stress *s)
{
	struct stress_attempt a;
	uint32_t dev;
	unsigned k = 0;
	while (k < STRESS_MAX_CLAIMS && s->claim[k].used)
		k++;
	if (k == STRESS_MAX_CLAIMS || !stress_pick_dev(s, dev_claimable, &dev))
		return STRESS_SKIP;
	struct stress_claim *c = &s->claim[k];
	memset(c, 0, sizeof *c);
	fmt_snprintf(c->owner, sizeof c->owner, "stress-%u", k);
	stress_attempt_begin(s, &a, STRESS_CLAIM);
	status_t st = dax_claim(s->w.dax, dev, c->owner, &c->h);
	if (stress_attempt_end(s, &a, st, true) != ST_OK)
		return ST_INVALID;
	c->used = c->fresh = true;
	c->dev = dev;
	return ST_OK;
}

static status_t op_map(struct stress *s)
{
	struct stress_attempt a;
	unsigned k;
	if (!pick_claim(s, DAX_CLAIMED, false, &k))
		return STRESS_SKIP;
	status_t st = stress_activate(s, STRESS_MAP, k);
	if (st != ST_OK)
		return st == STRESS_SKIP ? ST_OK : st;
	stress_attempt_begin(s, &a, STRESS_MAP);
	st = dax_map(s->w.dax, s->claim[k].h);
	if (stress_attempt_end(s, &a, st, false) != ST_OK)
		return ST_INVALID;
	if (st == ST_OK && s->claim[k].fresh)
		return stress_verify_zero(s, STRESS_MAP, k);
	return ST_OK;
}

/* Forgets the records of claim k that overlap [off, off+len). */
static void drop_overlaps(struct stress_claim *c, uint64_t off, uint64_t len)
{
	for (unsigned i = 0; i < c->nw;)
		if (c->w[i].off < off + len && off < c->w[i].off + c->w[i].len)
			c->w[i] = c->w[--c->nw];
		else
			i++;
}

static status_t op_write(struct stress *s)
{
	unsigned k;
	if (!pick_claim(s, DAX_MAPPED, false, &k))
		return STRESS_SKIP;
	status_t st = stress_activate(s, STRESS_WRITE, k);
	if (st != ST_OK)
		return st == STRESS_SKIP ? ST_OK : st;
	struct stress_claim *c = &s->claim[k];
	const struct dax_device *x = dax_device_get(s->w.dax, c->dev);
	struct stress_write w; /* one draw per statement: the order is the same in every build */
	w.seed = prng_next(&s->rng);
	w.len = (uint32_t)MIN(prng_range(&s->rng, 1, sizeof s->buf), x->size);
	w.off = prng_below(&s->rng, x->size - w.len + 1);
	uint64_t va;
	st = dax_access_ptr(s->w.dax, c->h, w.off, w.len, &va);
	if (st != ST_OK)
		return stress_fail(s, STRESS_WRITE, "no access to %u bytes at 0x%llx: %s", w.len,
				   (unsigned long long)w.off, status_str(st));
	struct prng r;
	prng_seed(&r, w.seed);
	for (uint32_t i = 0; i < w.len; i += 8) {
		uint64_t v = prng_next(&r);
		memcpy(s->buf + i, &v, MIN(8u, w.len - i));
	}
	s->w.ops->write(s->w.ops->ctx, va, s->buf, w.len);
	drop_overlaps(c, w.off, w.len);
	if (c->nw == STRESS_MAX_WRITES) { /* forget a random one */
		unsigned i = (unsigned)prng_below(&s->rng, c->nw);
		c->w[i] = c->w[--c->nw];
	}
	c->w[c->nw++] = w;
	return ST_OK;
}

static status_t op_read(struct stress *s)
{
	unsigned k;
	if (!pick_claim(s, DAX_MAPPED, true, &k))
		return STRESS_SKIP;
	status_t st = stress_activate(s, STRESS_READ, k);
	if (st != ST_OK)
		return st == STRESS_SKIP ? ST_OK : st;
	return stress_verify_claim(s, STRESS_READ, k);
}

static status_t op_release(struct stress *s)
{
	struct stress_attempt a;
	unsigned k;
	if (!pick_claim(s, -1, false, &k))
		return STRESS_SKIP;
	struct stress_claim *c = &s->claim[k];
	const struct dax_device *x = dax_device_get(s->w.dax, c->dev);
	if (c->nw && x->state == DAX_MAPPED) { /* read back what the owner wrote, then release */
		status_t st = stress_activate(s, STRESS_RELEASE, k);
		if (st == ST_INVALID ||
		    (st == ST_OK && stress_verify_claim(s, STRESS_RELEASE, k) != ST_OK))
			return ST_INVALID;
	}
	stress_attempt_begin(s, &a, STRESS_RELEASE);
	if (stress_attempt_end(s, &a, dax_release(s->w.dax, c->h), true) != ST_OK)
		return ST_INVALID;
	if (c->nw && stress_verify_released(s, k) != ST_OK)
		return ST_INVALID;
	for (unsigned i = 0; i < c->nw; i++) {
		unsigned r = s->nrecent < STRESS_RECENT ? s->nrecent++
							: s->recent_next++ % STRESS_RECENT;
		s->recent[r].pa = x->base + c->w[i].off;
		s->recent[r].len = c->w[i].len;
	}
	c->used = false;
	return ST_OK;
}

/* ---- hand-off and reclaim */

static status_t op_handoff(struct stress *s, bool movable)
{
	struct stress_attempt a;
	enum stress_op op = movable ? STRESS_HANDOFF : STRESS_HANDOFF_UNMOVABLE;
	uint32_t dev;
	if (!stress_pick_dev(s, dev_handoff_ok, &dev))
		return STRESS_SKIP;
	stress_attempt_begin(s, &a, op);
	status_t st = hotplug_handoff(s->w.hp, dev, movable);
	if (stress_attempt_end(s, &a, st, false) != ST_OK)
		return ST_INVALID;
	if (st == ST_OK)
		s->handed[dev] = true;
	return ST_OK;
}

static status_t op_reclaim(struct stress *s, bool partial)
{
	struct stress_attempt a;
	enum stress_op op = partial ? STRESS_RECLAIM_PARTIAL : STRESS_RECLAIM;
	uint32_t dev;
	if (!stress_pick_dev(s, dev_handed, &dev))
		return STRESS_SKIP;
	uint64_t blocks = dax_device_get(s->w.dax, dev)->size / HOTPLUG_BLOCK, bytes = 0;
	if (partial && blocks < 2)
		return STRESS_SKIP;
	if (partial)
		bytes = prng_range(&s->rng, 1, blocks - 1) * HOTPLUG_BLOCK;
	struct hotplug_reclaim_info info;
	stress_attempt_begin(s, &a, op);
	status_t st = hotplug_reclaim(s->w.hp, dev, bytes, &info);
	if (stress_attempt_end(s, &a, st, false) != ST_OK)
		return ST_INVALID;
	if (st == ST_OK && !partial)
		s->handed[dev] = false;
	return ST_OK;
}

/* ---- memory objects */

static unsigned count_objs(const struct stress *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->w.objs->cap; i++)
		n += stress_obj_ours(memobj_get(s->w.objs, i));
	return n;
}

static status_t op_fill(struct stress *s)
{
	struct stress_attempt a;
	char name[MEMOBJ_NAME_MAX + 1];
	if (count_objs(s) >= STRESS_MAX_OBJS)
		return STRESS_SKIP;
	int top = 0;
	for (unsigned n = 0; n < BUDDY_MAX_NODES; n++)
		if (s->w.b->zone[n][0].st.total || s->w.b->zone[n][1].st.total)
			top = (int)n;
	int node = (int)prng_below(&s->rng, (uint64_t)top + 2) - 1;
	uint64_t pages = prng_range(&s->rng, 1, STRESS_MAX_OBJ_PAGES);
	bool movable = prng_chance(&s->rng, 7, 8);
	fmt_snprintf(name, sizeof name, "stress.%llu", (unsigned long long)s->next_obj++);
	stress_attempt_begin(s, &a, STRESS_FILL);
	return stress_attempt_end(s, &a, memobj_fill(s->w.objs, name, pages, node, movable, 0),
				  false);
}

static status_t op_check(struct stress *s)
{
	unsigned slot;
	uint64_t bad = 0;
	if (!stress_pick_obj(s, false, &slot))
		return STRESS_SKIP;
	status_t st = memobj_check(s->w.objs, slot, &bad);
	if (st != ST_OK || bad)
		return stress_fail(s, STRESS_CHECK, "'%s': %llu pages wrong (%s)",
				   memobj_get(s->w.objs, slot)->name, (unsigned long long)bad,
				   status_str(st));
	return ST_OK;
}

static unsigned our_pins(const struct stress *s, unsigned slot)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->npins; i++)
		n += s->pin[i].slot == slot;
	return n;
}

static status_t op_pin(struct stress *s)
{
	struct stress_attempt a;
	unsigned slot;
	if (s->npins == STRESS_MAX_PINS || !stress_pick_obj(s, true, &slot))
		return STRESS_SKIP;
	uint64_t index = prng_below(&s->rng, memobj_get(s->w.objs, slot)->npages);
	stress_attempt_begin(s, &a, STRESS_PIN);
	status_t st = memobj_pin(s->w.objs, slot, index);
	if (stress_attempt_end(s, &a, st, true) != ST_OK)
		return ST_INVALID;
	s->pin[s->npins].slot = slot;
	s->pin[s->npins++].index = index;
	return ST_OK;
}

static status_t op_unpin(struct stress *s)
{
	struct stress_attempt a;
	if (!s->npins)
		return STRESS_SKIP;
	unsigned i = (unsigned)prng_below(&s->rng, s->npins);
	stress_attempt_begin(s, &a, STRESS_UNPIN);
	status_t st = memobj_unpin(s->w.objs, s->pin[i].slot, s->pin[i].index);
	if (stress_attempt_end(s, &a, st, true) != ST_OK)
		return ST_INVALID;
	s->pin[i] = s->pin[--s->npins];
	return ST_OK;
}

static status_t op_free(struct stress *s)
{
	struct stress_attempt a;
	unsigned slot;
	if (!stress_pick_obj(s, false, &slot))
		return STRESS_SKIP;
	bool pinned = our_pins(s, slot) > 0;
	stress_attempt_begin(s, &a, STRESS_FREE);
	status_t st = memobj_free(s->w.objs, slot);
	if (pinned && st == ST_OK)
		return stress_fail(s, STRESS_FREE, "an object with pinned pages was freed");
	return stress_attempt_end(s, &a, st, !pinned);
}

static status_t op_fault(struct stress *s)
{
	enum fault_point p = (enum fault_point)prng_below(&s->rng, FAULT_NPOINTS);
	uint32_t skip = (uint32_t)prng_below(&s->rng, 4);
	uint32_t n = (uint32_t)prng_range(&s->rng, 1, 2);
	CHECK_OK(fault_arm_after(p, skip, n));
	return ST_OK;
}

status_t stress_do(struct stress *s, enum stress_op op)
{
	switch (op) {
	case STRESS_CREATE: return op_create(s);
	case STRESS_DESTROY: return op_destroy(s);
	case STRESS_CLAIM: return op_claim(s);
	case STRESS_MAP: return op_map(s);
	case STRESS_WRITE: return op_write(s);
	case STRESS_READ: return op_read(s);
	case STRESS_RELEASE: return op_release(s);
	case STRESS_HANDOFF: return op_handoff(s, true);
	case STRESS_HANDOFF_UNMOVABLE: return op_handoff(s, false);
	case STRESS_RECLAIM: return op_reclaim(s, false);
	case STRESS_RECLAIM_PARTIAL: return op_reclaim(s, true);
	case STRESS_FILL: return op_fill(s);
	case STRESS_CHECK: return op_check(s);
	case STRESS_PIN: return op_pin(s);
	case STRESS_UNPIN: return op_unpin(s);
	case STRESS_FREE: return op_free(s);
	case STRESS_FAULT: return op_fault(s);
	default: return STRESS_SKIP;
	}
}
