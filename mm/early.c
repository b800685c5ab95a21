/* SPDX-License-Identifier: BSD-2-Clause */
/* early.c - the early allocator (see mm/early.h for the data structure and invariants). */
#include "mm/early.h"

#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/out.h"
#include "lib/rangeset.h"

static status_t early_insert_free(struct early *e, uint64_t base, uint64_t end)
{
	if (base >= end)
		return ST_OK;
	return rangeset_insert(e->free, &e->nfree, e->cap_free, (struct range){ base, end }, false);
}

status_t early_init(struct early *e, const struct range *ranges, size_t n)
{
	return early_init_into(e, ranges, n, NULL, 0, NULL, 0);
}

status_t early_init_into(struct early *e, const struct range *ranges, size_t n, struct range *free,
			 uint32_t cap_free, struct early_grant *grant, size_t cap_grants)
{
	memset(e, 0, sizeof *e);
	e->free = free && cap_free ? free : e->free0;
	e->cap_free = free && cap_free ? cap_free : EARLY_INIT_RANGES;
	e->grant = grant && cap_grants ? grant : e->grant0;
	e->cap_grants = grant && cap_grants ? cap_grants : EARLY_INIT_GRANTS;
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].end < ranges[i].base)
			return ST_INVALID;
		uint64_t b = ALIGN_UP(ranges[i].base, PAGE_SIZE);
		uint64_t en = ALIGN_DOWN(ranges[i].end, PAGE_SIZE);
		if (b < ranges[i].base) /* wrapped */
			continue;
		status_t st = early_insert_free(e, b, en);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* The index of the first grant at or above base (grants are sorted and disjoint): a binary
 * search, so boot's one grant per RAM piece costs O(log n) each. */
static size_t early_grant_at(const struct early *e, uint64_t base)
{
	return base ? sorted_first_above(e->grant, e->ngrants, sizeof e->grant[0],
					 offsetof(struct early_grant, base), base - 1)
		    : 0; /* base >= b is base > b - 1 */
}

/* A grant of `tag` that [base, end) touches, or NULL. */
static struct early_grant *early_grant_joinable(const struct early *e, uint64_t base, uint64_t end,
						unsigned tag, size_t *at)
{
	size_t i = early_grant_at(e, base);
	*at = i;
	if (i > 0 && e->grant[i - 1].tag == tag && e->grant[i - 1].end == base)
		return &e->grant[i - 1];
	if (i < e->ngrants && e->grant[i].tag == tag && e->grant[i].base == end)
		return &e->grant[i];
	return NULL;
}

static status_t early_record(struct early *e, uint64_t base, uint64_t end, unsigned tag)
{
	size_t at;
	struct early_grant *g = early_grant_joinable(e, base, end, tag, &at);
	if (g) {
		g->base = MIN(g->base, base);
		g->end = MAX(g->end, end);
		return ST_OK;
	}
	if (e->ngrants == e->cap_grants)
		return ST_NOMEM;
	rangeset_slot_open(e->grant, e->ngrants, at, sizeof e->grant[0]);
	e->grant[at] = (struct early_grant){ base, end, tag };
	e->ngrants++;
	return ST_OK;
}

/* Would cutting [base, end) out of free range i need a new slot (it splits in two)? */
static bool early_cut_splits(const struct early *e, size_t i, uint64_t base, uint64_t end)
{
	return e->free[i].base < base && end < e->free[i].end;
}

/* Cut [base, end), which lies inside free range i, out of it. A slot must exist if it splits. */
static void early_cut(struct early *e, size_t i, uint64_t base, uint64_t end)
{
	CHECK(e->free[i].base <= base && end <= e->free[i].end);
	CHECK_OK(rangeset_cut(e->free, &e->nfree, e->cap_free, (struct range){ base, end }));
}

static bool early_slots_ok(const struct early *e, size_t i, uint64_t base, uint64_t end,
			   unsigned tag)
{
	if (early_cut_splits(e, i, base, end) && e->nfree == e->cap_free)
		return false;
	size_t at;
	return e->ngrants < e->cap_grants || early_grant_joinable(e, base, end, tag, &at);
}

uint64_t early_limit(struct early *e, uint64_t limit)
{
	uint64_t dropped = 0;
	limit = ALIGN_DOWN(limit, PAGE_SIZE);
	while (e->nfree && e->free[e->nfree - 1].end > limit) {
		struct range *r = &e->free[e->nfree - 1];
		uint64_t cut = MAX(r->base, limit);
		dropped += r->end - cut;
		r->end = cut;
		if (r->base == r->end)
			e->nfree--;
		else
			break;
	}
	return dropped;
}

status_t early_alloc_in(struct early *e, uint64_t lo, uint64_t hi, uint64_t bytes, uint64_t align,
			unsigned tag, uint64_t *pa_out)
{
	align = align ? align : PAGE_SIZE;
	if (bytes == 0 || bytes > ((uint64_t)1 << 62) || align < PAGE_SIZE || (align & (align - 1)))
		return ST_INVALID;
	uint64_t size = ALIGN_UP(bytes, PAGE_SIZE);
	/* the free ranges are sorted: start at the first ending above lo */
	for (size_t i = rangeset_lower(e->free, (uint32_t)e->nfree, lo);
	     i < e->nfree && e->free[i].base < hi; i++) {
		uint64_t b = MAX(e->free[i].base, lo), end = MIN(e->free[i].end, hi);
		uint64_t a = ALIGN_UP(b, align);
		if (a < b || a >= end || end - a < size)
			continue;
		if (!early_slots_ok(e, i, a, a + size, tag))
			return ST_NOMEM;
		early_cut(e, i, a, a + size);
		early_record(e, a, a + size, tag);
		*pa_out = a;
		return ST_OK;
	}
	return ST_NOMEM;
}

status_t early_alloc(struct early *e, uint64_t bytes, uint64_t align, unsigned tag,
		     uint64_t *pa_out)
{
	return early_alloc_in(e, 0, UINT64_MAX, bytes, align, tag, pa_out);
}

status_t early_reserve(struct early *e, uint64_t base, uint64_t end, unsigned tag)
{
	if (end <= base)
		return ST_INVALID;
	base = ALIGN_DOWN(base, PAGE_SIZE);
	end = end > UINT64_MAX - PAGE_SIZE ? ALIGN_DOWN(end, PAGE_SIZE) : ALIGN_UP(end, PAGE_SIZE);
	for (size_t i = 0; i < e->nfree;) {
		uint64_t b = MAX(e->free[i].base, base), en = MIN(e->free[i].end, end);
		if (b >= en) {
			i++;
			continue;
		}
		if (!early_slots_ok(e, i, b, en, tag))
			return ST_NOMEM;
		early_cut(e, i, b, en);
		early_record(e, b, en, tag);
		/* the cut may leave a piece at index i; it lies outside [b, en) so rescanning is fine */
	}
	return ST_OK;
}

uint64_t early_free_bytes(const struct early *e) { return rangeset_bytes(e->free, e->nfree); }

uint64_t early_granted_bytes(const struct early *e, unsigned tag)
{
	uint64_t n = 0;
	for (size_t i = 0; i < e->ngrants; i++)
		if (tag == UINT32_MAX || e->grant[i].tag == tag)
			n += e->grant[i].end - e->grant[i].base;
	return n;
}

/* The grants in address order and disjoint, each non-empty and page-aligned; ST_INVALID after
 * a log line naming the first that is not. */
static status_t early_check_grants(const struct early *e, struct out *log)
{
	if (e->ngrants > e->cap_grants) {
		out_log(log, LOG_ERR, "early: %zu grants in a table of %zu", e->ngrants,
			e->cap_grants);
		return ST_INVALID;
	}
	for (size_t g = 0; g < e->ngrants; g++) {
		const struct early_grant *c = &e->grant[g], *p = g ? &e->grant[g - 1] : NULL;
		const char *why = NULL;
		if (c->end <= c->base || !IS_ALIGNED(c->base | c->end, PAGE_SIZE))
			why = "empty or not page-aligned";
		else if (p && c->base < p->base)
			why = "not sorted: it starts below the grant before it";
		else if (p && c->base < p->end)
			why = "overlaps the grant before it";
		if (!why)
			continue;
		out_log(log, LOG_ERR,
			"early: grant %zu [0x%llx, 0x%llx) tag %u %s (grant %zu: [0x%llx, 0x%llx))",
			g, (unsigned long long)c->base, (unsigned long long)c->end, c->tag, why,
			g ? g - 1 : 0, p ? (unsigned long long)p->base : 0ull,
			p ? (unsigned long long)p->end : 0ull);
		return ST_INVALID;
	}
	return ST_OK;
}

status_t early_check(const struct early *e, struct out *log)
{
	struct rangeset_fault f;
	if (e->nfree > e->cap_free) {
		out_log(log, LOG_ERR, "early: %u free ranges in a table of %u", e->nfree,
			e->cap_free);
		return ST_INVALID;
	}
	if (rangeset_check(e->free, e->nfree, false, &f) != ST_OK) {
		out_log(log, LOG_ERR,
			"early: free range %u [0x%llx, 0x%llx) %s (range %u: "
			"[0x%llx, 0x%llx))",
			f.index, (unsigned long long)f.cur.base, (unsigned long long)f.cur.end,
			f.why, f.index ? f.index - 1 : 0, (unsigned long long)f.prev.base,
			(unsigned long long)f.prev.end);
		return ST_INVALID;
	}
	if (early_check_grants(e, log) != ST_OK)
		return ST_INVALID;
	/* both sorted: only the grants on either side of a free range's base can meet it */
	for (size_t i = 0; i < e->nfree; i++) {
		const struct range *r = &e->free[i];
		size_t g = early_grant_at(e, r->base);
		const struct early_grant *hit = NULL;
		if (!IS_ALIGNED(r->base | r->end, PAGE_SIZE)) {
			out_log(log, LOG_ERR,
				"early: free range %zu [0x%llx, 0x%llx) not page-aligned", i,
				(unsigned long long)r->base, (unsigned long long)r->end);
			return ST_INVALID;
		}
		if (g > 0 && e->grant[g - 1].end > r->base)
			hit = &e->grant[g - 1];
		else if (g < e->ngrants && e->grant[g].base < r->end)
			hit = &e->grant[g];
		if (hit) {
			out_log(log, LOG_ERR,
				"early: free range %zu [0x%llx, 0x%llx) overlaps grant %zu "
				"[0x%llx, 0x%llx) tag %u",
				i, (unsigned long long)r->base, (unsigned long long)r->end,
				(size_t)(hit - e->grant), (unsigned long long)hit->base,
				(unsigned long long)hit->end, hit->tag);
			return ST_INVALID;
		}
	}
	return ST_OK;
}
