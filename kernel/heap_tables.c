/* SPDX-License-Identifier: BSD-2-Clause */
/* heap_tables.c - allocator tables from the kernel heap (see heap_tables.h). */
#include "kernel/heap_tables.h"

#include "kernel/kernel.h"
#include "lib/check.h"

void *heap_table_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	void *p;
	return kmalloc(&K.heap, bytes, &p) == ST_OK ? p : NULL;
}

void heap_table_free(void *ctx, void *p)
{
	(void)ctx;
	CHECK_OK(kfree(&K.heap, p)); /* only tables heap_table_alloc gave */
}
