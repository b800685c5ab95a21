/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_grow.c - the descriptor and isolation tables of struct buddy: room for more entries,
 * doubling a table from ops->alloc when it is full (lib/table.h), and giving grown tables back.
 *
 * Both tables start inside struct buddy (BUDDY_INIT_RANGES, BUDDY_INIT_ISOLATED). Growth is
 * asked for in the check step of an operation, before anything changes, and either completes
 * (a larger copy, the old table freed unless inline) or changes nothing. */
#include "lib/table.h"
#include "mm/buddy_internal.h"

static struct table_alloc buddy_table_alloc(const struct buddy *b)
{
	if (!b->ops)
		return (struct table_alloc){ 0, 0, 0 };
	return (struct table_alloc){ b->ops->alloc, b->ops->free, b->ctx };
}

status_t buddy_ranges_room(struct buddy *b, uint64_t n)
{
	if (n > BUDDY_RANGES_LIMIT)
		return ST_NOMEM;
	struct table_alloc a = buddy_table_alloc(b);
	void *t = b->r;
	status_t st = table_reserve(&a, &t, &b->cap_ranges, sizeof b->r[0], b->r0, n);
	b->r = t;
	return st;
}

status_t buddy_iso_room(struct buddy *b, uint64_t n)
{
	struct table_alloc a = buddy_table_alloc(b);
	void *t = b->iso;
	status_t st = table_reserve(&a, &t, &b->cap_iso, sizeof b->iso[0], b->iso0, n);
	b->iso = t;
	return st;
}

void buddy_fini(struct buddy *b)
{
	struct table_alloc a = buddy_table_alloc(b);
	void *t = b->r;
	if (t)
		table_release(&a, &t, b->r0);
	if ((t = b->iso))
		table_release(&a, &t, b->iso0);
	b->r = b->r0;
	b->iso = b->iso0;
	b->cap_ranges = b->nranges = 0;
	b->cap_iso = b->niso = 0;
}
