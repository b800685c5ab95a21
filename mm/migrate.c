/* migrate.c - moving the pages of movable memory objects (algorithm in migrate.h). */
#include "mm/migrate.h"

#include "lib/types.h"

/* Step 1: the live object page that pfn backs. */
static status_t migrate_source(struct memobj_set *s, uint64_t pfn, unsigned *slot, uint32_t *index)
{
	uint32_t obj;
	unsigned pins;
	status_t st = buddy_page_object(s->b, pfn, &obj, index, &pins);
	if (st != ST_OK)
		return st;
	if (pins)
		return ST_BUSY;
	const struct memobj *o = obj ? memobj_get(s, obj - 1) : NULL;
	uint64_t mapped;
	if (!o || !o->movable || *index >= o->npages ||
	    s->ops->lookup(s->ops->ctx, obj - 1, *index, &mapped) != ST_OK || mapped != pfn)
		return ST_INVALID;
	*slot = obj - 1;
	return ST_OK;
}

status_t migrate_page(struct memobj_set *s, uint64_t pfn, uint64_t *new_pfn)
{
	unsigned slot;
	uint32_t index;
	struct buddy_page_info pi;
	status_t st = buddy_page_state(s->b, pfn, &pi);
	if (st == ST_OK)
		st = migrate_source(s, pfn, &slot, &index);
	if (st != ST_OK)
		return st;
	uint64_t np;
	st = buddy_alloc(s->b, 0, (int)pi.node, BUDDY_MOVABLE, &np);
	if (st != ST_OK)
		return st;
	st = buddy_page_set_object(s->b, np, slot + 1, index);
	if (st == ST_OK) {
		s->ops->copy(s->ops->ctx, np, pfn);
		st = s->ops->remap(s->ops->ctx, slot, index, np);
	}
	if (st != ST_OK) {
		buddy_free(s->b, np, 0);
		return st;
	}
	buddy_free(s->b, pfn, 0);
	if (new_pfn)
		*new_pfn = np;
	return ST_OK;
}

status_t migrate_range(struct memobj_set *s, uint64_t base_pfn, uint64_t npages,
		       struct migrate_result *res)
{
	struct migrate_result r = { 0, UINT64_MAX, ST_OK };
	for (uint64_t p = base_pfn; p < base_pfn + npages; p++) {
		uint32_t obj, index;
		unsigned pins;
		if (buddy_page_object(s->b, p, &obj, &index, &pins) != ST_OK)
			continue; /* not a movable page */
		status_t st = migrate_page(s, p, 0);
		if (st != ST_OK) {
			r.failed_pfn = p;
			r.failed_st = st;
			break;
		}
		r.moved++;
	}
	if (res)
		*res = r;
	return r.failed_st;
}
