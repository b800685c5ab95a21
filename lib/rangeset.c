/* SPDX-License-Identifier: BSD-2-Clause */
/* rangeset.c - sorted sets of disjoint half-open ranges (see rangeset.h). */
#include "lib/rangeset.h"

#include "lib/check.h"
#include "lib/kstring.h"

bool range_from_size(uint64_t base, uint64_t size, struct range *out)
{
	uint64_t end;
	if (add_overflows(base, size, &end))
		return false;
	*out = (struct range){ base, end };
	return true;
}

uint64_t range_overlap_bytes(struct range a, struct range b)
{
	return range_overlaps(a, b) ? MIN(a.end, b.end) - MAX(a.base, b.base) : 0;
}

const char *range_order_fault(struct range prev, struct range cur, bool first, bool merged)
{
	if (cur.base >= cur.end)
		return "empty";
	if (first)
		return NULL;
	if (prev.end > cur.base)
		return "overlaps or is out of order with the previous range";
	if (merged && prev.end == cur.base)
		return "not merged with the previous range";
	return NULL;
}

size_t sorted_first_above(const void *a, size_t n, size_t stride, size_t off, uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v;
		memcpy(&v, (const uint8_t *)a + mid * stride + off, sizeof v);
		if (v > key)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint32_t rangeset_lower(const struct range *r, uint32_t n, uint64_t addr)
{
	return (uint32_t)sorted_first_above(r, n, sizeof *r, offsetof(struct range, end), addr);
}

void rangeset_slot_open(void *a, size_t n, size_t at, size_t elem)
{
	CHECK_OP(at, <=, n);
	uint8_t *p = (uint8_t *)a + at * elem;
	memmove(p + elem, p, (n - at) * elem);
}

void rangeset_slot_close(void *a, size_t n, size_t at, size_t elem)
{
	CHECK_OP(at, <, n);
	uint8_t *p = (uint8_t *)a + at * elem;
	memmove(p, p + elem, (n - at - 1) * elem);
}

status_t rangeset_insert(struct range *r, uint32_t *n, uint32_t cap, struct range x, bool merged)
{
	if (x.base >= x.end)
		return ST_INVALID;
	uint32_t i = rangeset_lower(r, *n, x.base); /* first range ending above x.base */
	if (i < *n && r[i].base < x.end)
		return ST_INVALID;
	bool join_prev = merged && i > 0 && r[i - 1].end == x.base;
	bool join_next = merged && i < *n && r[i].base == x.end;
	if (join_prev && join_next) {
		r[i - 1].end = r[i].end;
		rangeset_slot_close(r, *n, i, sizeof *r);
		(*n)--;
	} else if (join_prev) {
		r[i - 1].end = x.end;
	} else if (join_next) {
		r[i].base = x.base;
	} else {
		if (*n >= cap)
			return ST_NOMEM;
		rangeset_slot_open(r, *n, i, sizeof *r);
		r[i] = x;
		(*n)++;
	}
	return ST_OK;
}

status_t rangeset_cut(struct range *r, uint32_t *n, uint32_t cap, struct range x)
{
	if (x.base >= x.end)
		return ST_OK;
	uint32_t i = rangeset_lower(r, *n, x.base);
	if (i < *n && r[i].base < x.base && r[i].end > x.end) { /* the one case that splits */
		if (*n >= cap)
			return ST_NOMEM;
		rangeset_slot_open(r, *n, i + 1, sizeof *r);
		(*n)++;
		r[i + 1] = (struct range){ x.end, r[i].end };
		r[i].end = x.base;
		return ST_OK;
	}
	while (i < *n && r[i].base < x.end) {
		if (r[i].base < x.base) { /* x takes r[i]'s top */
			r[i++].end = x.base;
		} else if (r[i].end > x.end) { /* x takes r[i]'s bottom */
			r[i++].base = x.end;
		} else { /* x takes all of r[i] */
			rangeset_slot_close(r, *n, i, sizeof *r);
			(*n)--;
		}
	}
	return ST_OK;
}

uint64_t rangeset_bytes_in(const struct range *r, uint32_t n, struct range q)
{
	uint64_t sum = 0;
	for (uint32_t i = rangeset_lower(r, n, q.base); i < n && r[i].base < q.end; i++)
		sum += range_overlap_bytes(r[i], q);
	return sum;
}

uint64_t rangeset_bytes(const struct range *r, uint32_t n)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += range_size(r[i]);
	return sum;
}

status_t rangeset_check(const struct range *r, uint32_t n, bool merged, struct rangeset_fault *f)
{
	for (uint32_t i = 0; i < n; i++) {
		struct range prev = i ? r[i - 1] : (struct range){ 0, 0 };
		const char *why = range_order_fault(prev, r[i], i == 0, merged);
		if (!why)
			continue;
		if (f)
			*f = (struct rangeset_fault){
				.index = i, .prev = prev, .cur = r[i], .why = why
			};
		return ST_INVALID;
	}
	return ST_OK;
}
