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

status_t table_spare_get(const struct table_alloc *a, struct table_spare *sp, uint32_t cap,
			 size_t elem, uint64_t need)
{
	memset(sp, 0, sizeof *sp);
	uint64_t ncap = cap ? cap : 1;
	while (ncap < need)
		ncap *= 2;
	if (!a || !a->alloc || ncap > UINT32_MAX || elem == 0 || ncap > SIZE_MAX / elem)
		return ST_NOMEM;
	sp->p = a->alloc(a->ctx, (size_t)ncap * elem);
	if (!sp->p)
		return ST_NOMEM;
	memset(sp->p, 0, (size_t)ncap * elem);
	sp->cap = (uint32_t)ncap;
	return ST_OK;
}

void table_spare_install(struct table_spare *sp, void **tab, uint32_t *cap, size_t elem,
			 const void *inline_tab)
{
	if (!sp->p || sp->cap <= *cap)
		return; /* grown meanwhile: the spare goes back */
	memcpy(sp->p, *tab, (size_t)*cap * elem);
	sp->old = *tab == inline_tab ? NULL : *tab;
	*tab = sp->p;
	*cap = sp->cap;
	sp->p = NULL;
}

void table_spare_put(const struct table_alloc *a, struct table_spare *sp)
{
	if (sp->p && a && a->free)
		a->free(a->ctx, sp->p);
	if (sp->old && a && a->free)
		a->free(a->ctx, sp->old);
	sp->p = sp->old = NULL;
}
