/* SPDX-License-Identifier: BSD-2-Clause */
/* stress_check.c - what `selftest stress` compares and walks (see stress.h): the state digest
 * a refused operation must leave unchanged, and the per-step check of the whole world.
 *
 * The digest hashes raw bytes (FNV-1a over 64-bit words): the page allocator's per-zone
 * statistics and free-block counts, the whole struct dax (devices, free extents, deferred
 * scrub table, generations, active owner), each hand-off record without its dirty-block
 * bitmap (a refused fill may zero and free pages of a hand-off: the blocks then stay marked
 * "may hold data", which only makes a later scrub larger), every object's record and the pfn
 * behind every object page. */
#include "mm/stress.h"

#include "lib/check.h"
#include "lib/fault.h"
#include "lib/kstring.h"

#define FNV_PRIME 0x100000001b3ull
#define FNV_BASIS 0xcbf29ce484222325ull

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (; n >= 8; n -= 8, b += 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = (h ^ w) * FNV_PRIME;
	}
	for (; n; n--, b++)
		h = (h ^ *b) * FNV_PRIME;
	return h;
}

static uint64_t hash_u64(uint64_t h, uint64_t v) { return (h ^ v) * FNV_PRIME; }

void stress_snap_take(const struct stress_world *w, struct stress_snap *s)
{
	memset(s, 0, sizeof *s);
	/* which CPU cache holds a free page is not state an operation promises to keep: the
	 * cached pages go back to the free lists first, before and after every operation */
	buddy_pcp_drain_all(w->b);
	s->zones = hash_bytes(FNV_BASIS, w->b->zone, sizeof w->b->zone);
	s->zones = hash_u64(hash_u64(s->zones, w->b->nranges), w->b->niso);
	s->dax = hash_bytes(FNV_BASIS, &w->dax->ops, /* not the lock: its tickets move */
			    sizeof *w->dax - offsetof(struct dax, ops));
	s->dax = hash_bytes(s->dax, w->dax->regions,
			    w->dax->cap_regions * sizeof w->dax->regions[0]);
	s->dax = hash_bytes(s->dax, w->dax->devices,
			    w->dax->cap_devices * sizeof w->dax->devices[0]);
	s->dax = hash_bytes(s->dax, w->dax->dirty, w->dax->ndirty * sizeof w->dax->dirty[0]);
	s->hotplug = FNV_BASIS;
	for (unsigned i = 0; i < w->hp->cap; i++) {
		const struct hotplug_dev *d = &w->hp->d[i];
		s->hotplug = hash_bytes(s->hotplug, d, offsetof(struct hotplug_dev, dirty));
	}
	s->objects = FNV_BASIS;
	for (unsigned slot = 0; slot < w->objs->cap; slot++) {
		const struct memobj *o = memobj_get(w->objs, slot);
		if (!o)
			continue;
		s->objects = hash_bytes(s->objects, o, sizeof *o);
		for (uint64_t i = 0; i < o->npages; i++) {
			pfn_t pfn = pfn_of(UINT64_MAX);
			memobj_page_pfn(w->objs, slot, i, &pfn);
			s->objects = hash_u64(s->objects, pfn.v);
		}
	}
	if (w->ops && w->ops->env)
		w->ops->env(w->ops->ctx, s->env);
}

status_t stress_snap_compare(const struct stress_snap *a, const struct stress_snap *b,
			     struct out *out)
{
	static const char *const env_names[STRESS_ENV_WORDS] = { "env0", "env1", "env2", "env3" };
	status_t st = ST_OK;
	const struct {
		const char *name;
		uint64_t x, y;
	} parts[] = {
		{ "page allocator zones", a->zones, b->zones },
		{ "dax tables", a->dax, b->dax },
		{ "hand-off records", a->hotplug, b->hotplug },
		{ "object pages", a->objects, b->objects },
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (parts[i].x != parts[i].y) {
			out_printf(out, "  changed: %s\n", parts[i].name);
			st = ST_INVALID;
		}
	for (unsigned i = 0; i < STRESS_ENV_WORDS; i++)
		if (a->env[i] != b->env[i]) {
			out_printf(out, "  changed: environment counter %s: %llu -> %llu\n",
				   env_names[i], (unsigned long long)a->env[i],
				   (unsigned long long)b->env[i]);
			st = ST_INVALID;
		}
	return st;
}

/* total = free + cached + isolated + owners in every zone; movable pages = pages of movable
 * objects. */
static status_t check_accounting(const struct stress_world *w)
{
	for (unsigned n = 0; n < BUDDY_MAX_NODES; n++)
		for (unsigned z = 0; z < BUDDY_NZONES; z++) {
			struct buddy_stats zs, *st = &zs;
			CHECK_OK(buddy_stats(w->b, (int)n, (int)z,
					     st)); /* with the per-CPU caches */
			uint64_t sum = st->free + st->cached + st->isolated;
			for (unsigned o = 0; o < BUDDY_OWNER_COUNT; o++)
				sum += st->owner[o];
			if (sum != st->total) {
				out_printf(w->out,
					   "  node %u zone %u: total %llu != free + cached + "
					   "isolated + owners %llu\n",
					   n, z, (unsigned long long)st->total,
					   (unsigned long long)sum);
				return ST_INVALID;
			}
		}
	uint64_t mov = 0;
	for (unsigned slot = 0; slot < w->objs->cap; slot++) {
		const struct memobj *o = memobj_get(w->objs, slot);
		if (o && o->movable)
			mov += o->npages;
	}
	struct buddy_stats all;
	buddy_stats(w->b, -1, -1, &all);
	if (all.owner[BUDDY_OWNER_MOVABLE] != mov) {
		out_printf(w->out, "  %llu movable pages allocated, objects hold %llu\n",
			   (unsigned long long)all.owner[BUDDY_OWNER_MOVABLE],
			   (unsigned long long)mov);
		return ST_INVALID;
	}
	return ST_OK;
}

static status_t check_contents(const struct stress_world *w)
{
	for (unsigned slot = 0; slot < w->objs->cap; slot++) {
		const struct memobj *o = memobj_get(w->objs, slot);
		uint64_t bad = 0;
		if (!o)
			continue;
		if (memobj_check(w->objs, slot, &bad) != ST_OK || bad) {
			out_printf(w->out, "  object '%s': %llu of %llu pages damaged\n", o->name,
				   (unsigned long long)bad, (unsigned long long)o->npages);
			return ST_INVALID;
		}
	}
	return ST_OK;
}

status_t stress_check_world(const struct stress_world *w, bool full)
{
	bool was = fault_pause(true);
	status_t st = ST_OK;
	if (full && buddy_check(w->b, w->out) != ST_OK)
		st = ST_INVALID;
	if (st == ST_OK && dax_check(w->dax, w->out) != ST_OK)
		st = ST_INVALID;
	if (st == ST_OK && hotplug_check(w->hp, w->out) != ST_OK)
		st = ST_INVALID;
	if (st == ST_OK && memobj_verify(w->objs, w->out) != ST_OK)
		st = ST_INVALID;
	if (st == ST_OK && w->ops && w->ops->check && w->ops->check(w->ops->ctx, w->out) != ST_OK)
		st = ST_INVALID;
	if (st == ST_OK)
		st = check_accounting(w);
	if (st == ST_OK)
		st = check_contents(w);
	fault_pause(was);
	return st;
}
