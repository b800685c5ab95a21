/* SPDX-License-Identifier: BSD-2-Clause */
/* uspace_va.c - first-fit placement of an app's mappings in one area (see uspace_va.h). */
#include "mm/uspace_va.h"

#include "lib/check.h"

status_t uspace_va_init(struct uspace_va *s, uint64_t base, uint64_t end, uint64_t gap)
{
	if (base >= end)
		return ST_INVALID;
	*s = (struct uspace_va){ .n = 1, .base = base, .end = end, .gap = gap };
	s->free[0] = (struct range){ base, end };
	return ST_OK;
}

/* The lowest va >= r.base with va % align == offset whose [va, va + need) ends in r. */
static bool fit(struct range r, uint64_t need, uint64_t align, uint64_t offset, uint64_t *va)
{
	uint64_t v = ALIGN_DOWN(r.base, align), end;
	if (add_overflows(v, offset, &v))
		return false;
	if (v < r.base && add_overflows(v, align, &v))
		return false;
	if (add_overflows(v, need, &end) || end > r.end)
		return false;
	*va = v;
	return true;
}

status_t uspace_va_alloc(struct uspace_va *s, uint64_t size, uint64_t align, uint64_t offset,
			 uint64_t *va)
{
	uint64_t need, v = 0;
	if (!size || !align || (align & (align - 1)) || offset >= align)
		return ST_INVALID;
	if (s->live == USPACE_VA_LIVE_MAX || add_overflows(size, s->gap, &need))
		return ST_NOMEM;
	uint32_t i = 0;
	while (i < s->n && !fit(s->free[i], need, align, offset, &v))
		i++;
	if (i == s->n)
		return ST_NOMEM;
	/* at most live + 1 free ranges before, one more after a split: within the array */
	CHECK_OK(rangeset_cut(s->free, &s->n, USPACE_VA_LIVE_MAX + 2,
			      (struct range){ v, v + need }));
	s->reserved += need;
	s->live++;
	*va = v;
	return ST_OK;
}

void uspace_va_free(struct uspace_va *s, uint64_t va, uint64_t size)
{
	struct range r;
	CHECK(range_from_size(va, size, &r) && range_from_size(va, size + s->gap, &r));
	CHECK(r.base >= s->base && r.end <= s->end && s->live > 0);
	CHECK_OP(rangeset_bytes_in(s->free, s->n, r), ==, 0); /* reserved, not free */
	CHECK_OK(rangeset_insert(s->free, &s->n, USPACE_VA_LIVE_MAX + 2, r, true));
	s->reserved -= range_size(r);
	s->live--;
}

status_t uspace_va_check(const struct uspace_va *s)
{
	if (s->n > USPACE_VA_LIVE_MAX + 2 || s->live > USPACE_VA_LIVE_MAX || s->n > s->live + 1 ||
	    rangeset_check(s->free, s->n, true, 0) != ST_OK)
		return ST_INVALID;
	if (s->n && (s->free[0].base < s->base || s->free[s->n - 1].end > s->end))
		return ST_INVALID;
	return rangeset_bytes(s->free, s->n) + s->reserved == s->end - s->base ? ST_OK : ST_INVALID;
}
