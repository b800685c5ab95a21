/* SPDX-License-Identifier: BSD-2-Clause */
/* buddy_grow.c - the descriptor and isolation tables of struct buddy: room for more entries,
 * and giving grown tables back.
 *
 * Both tables start inside struct buddy (BUDDY_INIT_RANGES, BUDDY_INIT_ISOLATED). Room is
 * asked for in the check step of an operation, before anything changes, with the allocator
 * lock held; a full table that may grow is noted in want_ranges / want_iso and refused, and
 * mm/buddy_lock.c grows it with no lock held (ops->alloc is the heap, which takes this
 * allocator's lock) and runs the operation again. */
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
	if (n <= b->cap_ranges)
		return ST_OK;
	if (b->ops && b->ops->alloc)
		b->want_ranges = MAX(b->want_ranges, n);
	return ST_NOMEM;
}

status_t buddy_iso_room(struct buddy *b, uint64_t n)
{
	if (n <= b->cap_iso)
		return ST_OK;
	if (b->ops && b->ops->alloc && n <= UINT32_MAX)
		b->want_iso = MAX(b->want_iso, n);
	return ST_NOMEM;
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
