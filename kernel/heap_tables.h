/* SPDX-License-Identifier: BSD-2-Clause */
/* heap_tables.h - the alloc/free pair through which an allocator's tables grow from the kernel
 * heap (K.heap, mm/kheap.h): the .alloc and .free of dax_ops (region and device tables) and
 * hotplug_ops (the hand-off record table). ctx is unused. */
#ifndef SPMK_KERNEL_HEAP_TABLES_H
#define SPMK_KERNEL_HEAP_TABLES_H

#include <stddef.h>

/* bytes from the kernel heap, or NULL when the heap cannot give them. */
void *heap_table_alloc(void *ctx, size_t bytes);
/* Gives back p, which heap_table_alloc returned (CHECKed: anything else is a kernel bug). */
void heap_table_free(void *ctx, void *p);

#endif
