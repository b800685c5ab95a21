/* SPDX-License-Identifier: BSD-2-Clause */
/* page.c - per-page state queries and the movable reverse map (object id, page index, pins).
 * The word layout is in mm/page.h; these accessors change only MOVABLE words, in place. */
#include "mm/page.h"

#include "lib/kstring.h"
#include "mm/buddy.h"
#include "mm/buddy_internal.h"

const char *page_state_name(unsigned state)
{
	static const char *const names[] = { "tail",   "free",     "alloc", "movable",
					     "carved", "isolated", "cached" };
	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

status_t buddy_page_state_locked(const struct buddy *b, uint64_t pfn, struct buddy_page_info *out)
{
	const struct buddy_range *r = buddy_range_of(b, pfn);
	uint64_t h;
	if (!r || !buddy_block_of(r, pfn, &h))
		return ST_NOTFOUND;
	uint64_t w = pw_load(bw(r, h));
	memset(out, 0, sizeof *out);
	out->state = pw_state(w);
	out->head = pfn_of(h);
	out->node = r->node;
	out->zone = r->zone;
	out->isolated_range = buddy_iso_contains(b, pfn);
	if (out->state == PAGE_FREE || out->state == PAGE_ALLOC || out->state == PAGE_ISOLATED ||
	    out->state == PAGE_PCP)
		out->order = pw_order(w);
	if (out->state == PAGE_ALLOC || out->state == PAGE_CARVED)
		out->owner = pw_owner(w);
	if (out->state == PAGE_MOVABLE) {
		out->owner = BUDDY_OWNER_MOVABLE;
		out->obj = pw_obj(w);
		out->index = pw_index(w);
		out->pins = pw_pins(w);
	}
	return ST_OK;
}

/* The word of a movable page, or an error. */
static status_t page_movable_word(const struct buddy *b, uint64_t pfn, uint64_t **wp)
{
	const struct buddy_range *r = buddy_range_of(b, pfn);
	if (!r)
		return ST_NOTFOUND;
	*wp = bw(r, pfn);
	return pw_state(**wp) == PAGE_MOVABLE ? ST_OK : ST_INVALID;
}

status_t buddy_page_set_object_locked(struct buddy *b, uint64_t pfn, uint32_t obj, uint32_t index)
{
	uint64_t *w;
	status_t st = page_movable_word(b, pfn, &w);
	if (st != ST_OK)
		return st;
	if (obj > PW_OBJ_MAX)
		return ST_RANGE;
	*w = pw_make_movable(pw_pins(*w), obj, index);
	return ST_OK;
}

status_t buddy_page_object_locked(const struct buddy *b, uint64_t pfn, uint32_t *obj,
				  uint32_t *index, unsigned *pins)
{
	uint64_t *w;
	status_t st = page_movable_word(b, pfn, &w);
	if (st != ST_OK)
		return st;
	if (obj)
		*obj = pw_obj(*w);
	if (index)
		*index = pw_index(*w);
	if (pins)
		*pins = pw_pins(*w);
	return ST_OK;
}

status_t buddy_page_movable_run_locked(const struct buddy *b, uint64_t pfn, unsigned max,
				       struct buddy_movable_page *out, unsigned *n, unsigned *node)
{
	const struct buddy_range *r = buddy_range_of(b, pfn);
	*n = 0;
	if (!r)
		return ST_NOTFOUND;
	if (!max)
		return ST_INVALID;
	*node = r->node;
	uint64_t end = MIN(r->end, pfn + max);
	const uint64_t *w = bw(r, pfn);
	for (uint64_t p = pfn; p < end; p++, w++) {
		uint64_t v = pw_load(w);
		if (pw_state(v) != PAGE_MOVABLE)
			break;
		out[*n] = (struct buddy_movable_page){ pw_obj(v), pw_index(v), pw_pins(v) };
		(*n)++;
	}
	return ST_OK;
}

/* The range of pfn, trying r (the previous page's) first: a batch mostly stays in one. */
static const struct buddy_range *range_near(const struct buddy *b, const struct buddy_range *r,
					    uint64_t pfn)
{
	return r && pfn >= r->base && pfn < r->end ? r : buddy_range_of(b, pfn);
}

status_t buddy_page_set_objects_locked(struct buddy *b, unsigned n, const pfn_t *pfn,
				       const uint32_t *obj, const uint32_t *index)
{
	const struct buddy_range *r = NULL;
	for (unsigned i = 0; i < n; i++) { /* validate every page before changing one */
		r = range_near(b, r, pfn[i].v);
		if (!r)
			return ST_NOTFOUND;
		if (pw_state(pw_load(bw(r, pfn[i].v))) != PAGE_MOVABLE)
			return ST_INVALID;
		if (obj[i] > PW_OBJ_MAX)
			return ST_RANGE;
	}
	for (unsigned i = 0; i < n; i++) {
		r = range_near(b, r, pfn[i].v); /* found above */
		uint64_t *w = bw(r, pfn[i].v);
		*w = pw_make_movable(pw_pins(*w), obj[i], index[i]);
	}
	return ST_OK;
}

/* Adds delta (+1 or -1) to the pin count of movable page pfn. Errors: those of
 * page_movable_word, ST_RANGE (already PW_PIN_MAX pins), ST_INVALID (unpin of an unpinned
 * page); nothing changes then. */
static status_t page_pins_add(struct buddy *b, uint64_t pfn, int delta)
{
	uint64_t *w;
	status_t st = page_movable_word(b, pfn, &w);
	if (st != ST_OK)
		return st;
	unsigned pins = pw_pins(*w);
	if (delta > 0 && pins == PW_PIN_MAX)
		return ST_RANGE;
	if (delta < 0 && pins == 0)
		return ST_INVALID;
	*w = pw_make_movable(delta > 0 ? pins + 1 : pins - 1, pw_obj(*w), pw_index(*w));
	return ST_OK;
}

status_t buddy_page_pin_locked(struct buddy *b, uint64_t pfn) { return page_pins_add(b, pfn, 1); }

status_t buddy_page_unpin_locked(struct buddy *b, uint64_t pfn)
{
	return page_pins_add(b, pfn, -1);
}
