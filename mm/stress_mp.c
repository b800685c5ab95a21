/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_mp.c - the stress engine on every CPU at once (model and rules in stress_mp.h): each
 * CPU's operations on what it owns, the per-CPU digest a refusal must leave unchanged, the
 * barrier and the global checks CPU 0 runs there. */
#include "mm/stress_mp_internal.h"

#include "lib/spinlock.h"

#define FNV_PRIME 0x100000001b3ull
#define FNV_BASIS 0xcbf29ce484222325ull

static const char *const mp_op_names[SMP_NOPS] = {
	[SMP_ALLOC] = "alloc",     [SMP_FREE] = "free",   [SMP_FILL] = "mem fill",
	[SMP_CHECK] = "mem check", [SMP_PIN] = "mem pin", [SMP_UNPIN] = "mem unpin",
	[SMP_OFREE] = "mem free",  [SMP_CLAIM] = "claim", [SMP_RELEASE] = "release",
};

const char *stress_mp_op_name(enum stress_mp_op op)
{
	return (unsigned)op < SMP_NOPS ? mp_op_names[op] : "cleanup";
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (; n; n--, b++)
		h = (h ^ *b) * FNV_PRIME;
	return h;
}

status_t stress_mp_fail(struct stress_mp *m, unsigned k, enum stress_mp_op op, const char *fmt, ...)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	char why[STRESS_MP_WHY - 64];
	va_list ap;
	if (c->failed)
		return ST_INVALID;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	fmt_snprintf(c->why, sizeof c->why, "stress: seed %llu, cpu %u, step %llu, %s: FAILED: %s",
		     (unsigned long long)m->seed, k, (unsigned long long)c->step,
		     stress_mp_op_name(op), why);
	c->failed = true;
	__atomic_store_n(&m->failed, true, __ATOMIC_RELEASE);
	return ST_INVALID;
}

/* ---- what the shared structures say about CPU k's own objects */

static const struct memobj *own_obj(const struct stress_mp *m, const struct stress_mp_cpu *c,
				    unsigned i)
{
	const struct memobj *o = memobj_get(m->w.objs, c->obj[i].slot);
	return o && strcmp(o->name, c->obj[i].name) == 0 ? o : NULL;
}

void stress_mp_digest(const struct stress_mp *m, const struct stress_mp_cpu *c,
		      struct stress_mp_snap *out)
{
	uint64_t h = FNV_BASIS;
	for (unsigned i = 0; i < c->nblk; i++) {
		struct buddy_page_info pi;
		memset(&pi, 0, sizeof pi);
		status_t st = buddy_page_state(m->w.b, c->blk[i].pfn, &pi);
		uint64_t v[4] = { (uint64_t)st, pi.state, pi.order, pi.owner };
		h = mix(h, v, sizeof v);
	}
	out->blocks = h;
	h = FNV_BASIS;
	for (unsigned i = 0; i < STRESS_MP_CLAIMS; i++) {
		struct dax_handle hd;
		memset(&hd, 0, sizeof hd);
		if (!c->claim[i].used)
			continue;
		status_t st = dax_handle_for(m->w.dax, c->claim[i].dev, c->claim[i].owner, &hd);
		h = mix(mix(h, &st, sizeof st), &hd, sizeof hd);
	}
	out->claims = h;
	h = FNV_BASIS;
	for (unsigned i = 0; i < STRESS_MP_OBJS; i++) {
		const struct memobj *o = c->obj[i].used ? own_obj(m, c, i) : NULL;
		if (!o)
			continue;
		uint64_t rec[4] = { o->npages, o->seed, o->pinned, o->movable };
		h = mix(mix(h, rec, sizeof rec), o->name, strlen(o->name));
		for (uint64_t p = 0; p < o->npages; p++) {
			pfn_t pfn = pfn_of(UINT64_MAX);
			memobj_page_pfn(m->w.objs, c->obj[i].slot, p, &pfn);
			h = mix(h, &pfn.v, sizeof pfn.v);
		}
	}
	out->objects = h;
}

status_t stress_mp_own_check(struct stress_mp *m, unsigned k, enum stress_mp_op op)
{
	struct stress_mp_cpu *c = &m->cpu[k];
	for (unsigned i = 0; i < c->nblk; i++) {
		struct buddy_page_info pi;
		if (buddy_page_state(m->w.b, c->blk[i].pfn, &pi) != ST_OK ||
		    pi.state != PAGE_ALLOC || !pfn_eq(pi.head, c->blk[i].pfn) ||
		    pi.order != c->blk[i].order)
			return stress_mp_fail(
				m, k, op,
				"block at pfn 0x%llx order %u is no longer allocated to it",
				(unsigned long long)c->blk[i].pfn.v, c->blk[i].order);
	}
	for (unsigned i = 0; i < STRESS_MP_CLAIMS; i++) {
		struct dax_handle hd;
		if (c->claim[i].used &&
		    (dax_handle_for(m->w.dax, c->claim[i].dev, c->claim[i].owner, &hd) != ST_OK ||
		     hd.gen != c->claim[i].h.gen))
			return stress_mp_fail(m, k, op, "claim of device index %u by %s was lost",
					      c->claim[i].dev, c->claim[i].owner);
	}
	for (unsigned i = 0; i < STRESS_MP_OBJS; i++) {
		uint64_t bad = 0;
		if (!c->obj[i].used)
			continue;
		if (!own_obj(m, c, i) || memobj_check(m->w.objs, c->obj[i].slot, &bad) != ST_OK ||
		    bad)
			return stress_mp_fail(m, k, op, "object '%s' lost or %llu pages damaged",
					      c->obj[i].name, (unsigned long long)bad);
	}
	return ST_OK;
}

status_t stress_mp_judge(struct stress_mp *m, unsigned k, enum stress_mp_op op, status_t st,
			 bool must, const struct stress_mp_snap *before)
{
	struct stress_mp_snap after;
	if (st == ST_OK)
		return ST_OK;
	m->cpu[k].refused[op]++;
	if (must)
		return stress_mp_fail(m, k, op, "refused (%s) though it cannot be", status_str(st));
	stress_mp_digest(m, &m->cpu[k], &after);
	if (after.blocks != before->blocks || after.claims != before->claims ||
	    after.objects != before->objects)
		return stress_mp_fail(m, k, op, "refused (%s) but changed this CPU's%s%s%s",
				      status_str(st),
				      after.blocks != before->blocks ? " blocks" : "",
				      after.claims != before->claims ? " claims" : "",
				      after.objects != before->objects ? " objects" : "");
	return ST_OK;
}
