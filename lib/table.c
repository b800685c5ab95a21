/* SPDX-License-Identifier: BSD-2-Clause */
/* table.c - growing an inline table from an allocator (see lib/table.h). */
#include "lib/table.h"

#include "lib/kstring.h"

status_t table_reserve(const struct table_alloc *a, void **tab, uint32_t *cap, size_t elem,
		       const void *inline_tab, uint64_t need)
{
	if (need <= *cap)
		return ST_OK;
	uint64_t ncap = *cap ? *cap : 1;
	while (ncap < need)
		ncap *= 2;
	if (!a || !a->alloc || ncap > UINT32_MAX || elem == 0 || ncap > SIZE_MAX / elem)
		return ST_NOMEM;
	uint8_t *n = a->alloc(a->ctx, (size_t)ncap * elem);
	if (!n)
		return ST_NOMEM;
	memcpy(n, *tab, (size_t)*cap * elem);
	memset(n + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	if (*tab != inline_tab && a->free)
		a->free(a->ctx, *tab);
	*tab = n;
	*cap = (uint32_t)ncap;
	return ST_OK;
}

void table_release(const struct table_alloc *a, void **tab, const void *inline_tab)
{
	if (*tab != inline_tab && a && a->free)
		a->free(a->ctx, *tab);
	*tab = (void *)inline_tab;
}
