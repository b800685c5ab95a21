/* SPDX-License-Identifier: BSD-2-Clause */
/* memobj_check.c - listing of memory objects and the walker of their invariants (memobj.h):
 * forward map (the mapping) and reverse map (the buddy page word) agree, pins add up, every
 * page holds its pattern. */
#include "mm/memobj.h"

#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/types.h"

void memobj_print(const struct memobj_set *s, struct out *out)
{
	unsigned n = 0;
	for (unsigned slot = 0; slot < s->cap; slot++) {
		const struct memobj *o = memobj_get(s, slot);
		if (!o)
			continue;
		uint64_t per_node[BUDDY_MAX_NODES] = { 0 };
		for (uint64_t i = 0; i < o->npages; i++) {
			pfn_t pfn;
			struct buddy_page_info pi;
			if (s->ops->lookup(s->ops->ctx, slot, i, &pfn) == ST_OK &&
			    buddy_page_state(s->b, pfn, &pi) == ST_OK)
				per_node[pi.node]++;
		}
		char nodes[160];
		size_t len = 0;
		nodes[0] = 0;
		for (unsigned k = 0; k < BUDDY_MAX_NODES && len < sizeof nodes - 24; k++)
			if (per_node[k])
				len += (size_t)fmt_snprintf(nodes + len, sizeof nodes - len,
							    " node%u=%llu", k,
							    (unsigned long long)per_node[k]);
		out_printf(out, "%-16s %8llu pages %6llu MiB %s pinned=%llu%s\n", o->name,
			   (unsigned long long)o->npages, (unsigned long long)(o->npages >> 8),
			   o->movable ? "movable  " : "unmovable", (unsigned long long)o->pinned,
			   nodes);
		n++;
	}
	if (n == 0)
		out_printf(out, "no memory objects\n");
}

static status_t verify_page(const struct memobj_set *s, unsigned slot, uint64_t i, uint64_t *pins,
			    struct out *out)
{
	const struct memobj *o = &s->obj[slot];
	pfn_t pfn;
	struct buddy_page_info pi;
	if (s->ops->lookup(s->ops->ctx, slot, i, &pfn) != ST_OK) {
		out_printf(out, "memobj: '%s' page %llu is not mapped\n", o->name,
			   (unsigned long long)i);
		return ST_INVALID;
	}
	if (buddy_page_state(s->b, pfn, &pi) != ST_OK) {
		out_printf(out, "memobj: '%s' page %llu -> pfn 0x%llx not managed\n", o->name,
			   (unsigned long long)i, (unsigned long long)pfn.v);
		return ST_INVALID;
	}
	bool ok = o->movable ? pi.state == PAGE_MOVABLE && pi.obj == slot + 1 && pi.index == i
			     : pi.state == PAGE_ALLOC && pi.order == 0 &&
				       pi.owner == BUDDY_OWNER_OTHER;
	if (!ok) {
		out_printf(out, "memobj: '%s' page %llu -> pfn 0x%llx is %s (obj %u index %u)\n",
			   o->name, (unsigned long long)i, (unsigned long long)pfn.v,
			   page_state_name(pi.state), pi.obj, pi.index);
		return ST_INVALID;
	}
	*pins += pi.pins;
	return ST_OK;
}

/* Every page holds its pattern: the object's owner is the only writer (memobj.h). */
static status_t verify_contents(const struct memobj_set *s, unsigned slot, struct out *out)
{
	const struct memobj *o = &s->obj[slot];
	uint64_t bad = 0, first = 0;
	if (o->user)
		return ST_OK; /* an app's memory: its bytes are the app's business */
	for (uint64_t i = 0; i < o->npages; i++)
		if (!memobj_page_ok(s->ops->page(s->ops->ctx, slot, i), o->seed, i) && bad++ == 0)
			first = i;
	if (bad == 0)
		return ST_OK;
	pfn_t pfn = pfn_of(0);
	s->ops->lookup(s->ops->ctx, slot, first, &pfn);
	out_printf(out,
		   "memobj: '%s' has %llu of %llu pages not holding its pattern (first: page "
		   "%llu, pfn 0x%llx): written by someone who does not own them\n",
		   o->name, (unsigned long long)bad, (unsigned long long)o->npages,
		   (unsigned long long)first, (unsigned long long)pfn.v);
	return ST_INVALID;
}

status_t memobj_verify(const struct memobj_set *s, struct out *out)
{
	struct spinlock *l = (struct spinlock *)&s->lock; /* not part of the table's value */
	spin_lock(l); /* no migration batch in flight: no page frozen, pins exact */
	status_t res = ST_OK;
	for (unsigned slot = 0; slot < s->cap; slot++) {
		const struct memobj *o = memobj_get(s, slot);
		if (!o)
			continue;
		uint64_t pins = 0;
		status_t st = ST_OK;
		for (uint64_t i = 0; i < o->npages && st == ST_OK; i++)
			st = verify_page(s, slot, i, &pins, out);
		if (st == ST_OK && pins != o->pinned) {
			out_printf(out, "memobj: '%s' counts %llu pins, pages hold %llu\n", o->name,
				   (unsigned long long)o->pinned, (unsigned long long)pins);
			st = ST_INVALID;
		}
		if (st == ST_OK) /* every page mapped: its contents can be read */
			st = verify_contents(s, slot, out);
		if (st != ST_OK)
			res = ST_INVALID;
	}
	spin_unlock(l);
	return res;
}
