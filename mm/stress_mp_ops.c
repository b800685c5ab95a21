/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_mp_ops.c - one CPU's operations in a stress run on every CPU (stress_mp.h): each
 * draws its target from the CPU's stream, runs one API call and judges it (stress_mp_judge),
 * then updates the CPU's model when the call succeeded. */
#include "mm/stress_mp_internal.h"

static status_t op_alloc(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	if (c->nblk == STRESS_MP_BLOCKS)
		return STRESS_MP_SKIP;
	unsigned order = (unsigned)prng_below(&c->rng, 4);
	int node = (int)prng_below(&c->rng, (uint64_t)stress_mp_top_node(m) + 2) - 1;
	struct stress_mp_snap before;
	pfn_t pfn = pfn_of(0);
	stress_mp_digest(m, c, &before);
	status_t st = buddy_alloc(m->w.b, order, node, 0, &pfn);
	if (stress_mp_judge(m, k, SMP_ALLOC, st, false, &before) != ST_OK)
		return ST_INVALID;
	if (st == ST_OK) {
		c->blk[c->nblk].pfn = pfn;
		c->blk[c->nblk++].order = order;
	}
	return ST_OK;
}

static status_t op_free(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	if (!c->nblk)
		return STRESS_MP_SKIP;
	unsigned i = (unsigned)prng_below(&c->rng, c->nblk);
	status_t st = buddy_free(m->w.b, c->blk[i].pfn, c->blk[i].order);
	if (stress_mp_judge(m, k, SMP_FREE, st, true, NULL) != ST_OK)
		return ST_INVALID;
	c->blk[i] = c->blk[--c->nblk];
	return ST_OK;
}

static bool pick_obj(struct stress_mp_cpu *c, unsigned *i)
{
	unsigned cand[STRESS_MP_OBJS], n = 0;
	for (unsigned j = 0; j < STRESS_MP_OBJS; j++)
		if (c->obj[j].used)
			cand[n++] = j;
	if (!n)
		return false;
	*i = cand[prng_below(&c->rng, n)];
	return true;
}

static status_t op_fill(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned i = 0;
	while (i < STRESS_MP_OBJS && c->obj[i].used)
		i++;
	if (i == STRESS_MP_OBJS)
		return STRESS_MP_SKIP;
	int node = (int)prng_below(&c->rng, (uint64_t)stress_mp_top_node(m) + 2) - 1;
	uint64_t pages = prng_range(&c->rng, 1, STRESS_MP_OBJ_PAGES);
	bool movable = prng_chance(&c->rng, 7, 8);
	fmt_snprintf(c->obj[i].name, sizeof c->obj[i].name, "stress.c%u.%llu", k,
		     (unsigned long long)c->next_obj++);
	struct stress_mp_snap before;
	stress_mp_digest(m, c, &before);
	status_t st = memobj_fill(m->w.objs, c->obj[i].name, pages, node, movable, &c->obj[i].slot);
	if (stress_mp_judge(m, k, SMP_FILL, st, false, &before) != ST_OK)
		return ST_INVALID;
	c->obj[i].used = st == ST_OK;
	return ST_OK;
}

static status_t op_check(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned i;
	uint64_t bad = 0;
	if (!pick_obj(c, &i))
		return STRESS_MP_SKIP;
	status_t st = memobj_check(m->w.objs, c->obj[i].slot, &bad);
	if (stress_mp_judge(m, k, SMP_CHECK, st, true, NULL) != ST_OK)
		return ST_INVALID;
	if (bad)
		return stress_mp_fail(m, k, SMP_CHECK, "'%s': %llu pages wrong", c->obj[i].name,
				      (unsigned long long)bad);
	return ST_OK;
}

static status_t op_pin(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned i;
	if (c->npins == STRESS_MP_PINS || !pick_obj(c, &i))
		return STRESS_MP_SKIP;
	const struct memobj *o = memobj_get(m->w.objs, c->obj[i].slot);
	uint64_t index = prng_below(&c->rng, o->npages);
	struct stress_mp_snap before;
	stress_mp_digest(m, c, &before);
	status_t st = memobj_pin(m->w.objs, c->obj[i].slot, index);
	/* a pin of an unmovable object is refused (ST_INVALID): nothing to pin there */
	if (stress_mp_judge(m, k, SMP_PIN, st, o->movable, &before) != ST_OK)
		return ST_INVALID;
	if (st == ST_OK) {
		c->pin[c->npins].obj = i;
		c->pin[c->npins++].index = index;
	}
	return ST_OK;
}

static status_t op_unpin(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	if (!c->npins)
		return STRESS_MP_SKIP;
	unsigned i = (unsigned)prng_below(&c->rng, c->npins);
	status_t st = memobj_unpin(m->w.objs, c->obj[c->pin[i].obj].slot, c->pin[i].index);
	if (stress_mp_judge(m, k, SMP_UNPIN, st, true, NULL) != ST_OK)
		return ST_INVALID;
	c->pin[i] = c->pin[--c->npins];
	return ST_OK;
}

static status_t op_ofree(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned i;
	bool pinned = false;
	if (!pick_obj(c, &i))
		return STRESS_MP_SKIP;
	for (unsigned p = 0; p < c->npins; p++)
		pinned |= c->pin[p].obj == i;
	struct stress_mp_snap before;
	stress_mp_digest(m, c, &before);
	status_t st = memobj_free(m->w.objs, c->obj[i].slot);
	if (pinned && st == ST_OK)
		return stress_mp_fail(m, k, SMP_OFREE, "'%s' with pinned pages was freed",
				      c->obj[i].name);
	if (stress_mp_judge(m, k, SMP_OFREE, st, !pinned, &before) != ST_OK)
		return ST_INVALID;
	c->obj[i].used = st != ST_OK;
	return ST_OK;
}

static status_t op_claim(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned i = 0;
	while (i < STRESS_MP_CLAIMS && c->claim[i].used)
		i++;
	if (i == STRESS_MP_CLAIMS || !m->ndev)
		return STRESS_MP_SKIP;
	uint32_t dev = m->dev[prng_below(&c->rng, m->ndev)];
	fmt_snprintf(c->claim[i].owner, sizeof c->claim[i].owner, "stress-c%u-%u", k, i);
	struct stress_mp_snap before;
	stress_mp_digest(m, c, &before);
	status_t st = dax_claim(m->w.dax, dev, c->claim[i].owner, &c->claim[i].h);
	/* ST_BUSY: another CPU holds it; nothing else may refuse */
	if (stress_mp_judge(m, k, SMP_CLAIM, st, st != ST_BUSY, &before) != ST_OK)
		return ST_INVALID;
	c->claim[i].used = st == ST_OK;
	c->claim[i].dev = dev;
	return ST_OK;
}

static status_t op_release(struct stress_mp *m, unsigned k)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	unsigned cand[STRESS_MP_CLAIMS], n = 0;
	for (unsigned i = 0; i < STRESS_MP_CLAIMS; i++)
		if (c->claim[i].used)
			cand[n++] = i;
	if (!n)
		return STRESS_MP_SKIP;
	unsigned i = cand[prng_below(&c->rng, n)];
	status_t st = dax_release(m->w.dax, c->claim[i].h);
	if (stress_mp_judge(m, k, SMP_RELEASE, st, true, NULL) != ST_OK)
		return ST_INVALID;
	c->claim[i].used = false;
	return ST_OK;
}

status_t stress_mp_do(struct stress_mp *m, unsigned k, enum stress_mp_op op)
{
	switch (op) {
	case SMP_ALLOC: return op_alloc(m, k);
	case SMP_FREE: return op_free(m, k);
	case SMP_FILL: return op_fill(m, k);
	case SMP_CHECK: return op_check(m, k);
	case SMP_PIN: return op_pin(m, k);
	case SMP_UNPIN: return op_unpin(m, k);
	case SMP_OFREE: return op_ofree(m, k);
	case SMP_CLAIM: return op_claim(m, k);
	case SMP_RELEASE: return op_release(m, k);
	default: return STRESS_MP_SKIP;
	}
}
