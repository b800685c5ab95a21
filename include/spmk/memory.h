/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/memory.h - memory from the page allocator, with a node preference.
 *
 * Movable memory (SPMK_MEM_MOVABLE) may come from a node handed to the page allocator
 * (hand-off, docs/hotplug.md) and the kernel may move its pages: when that node is reclaimed
 * they move to another node and the app sees the same bytes at the same addresses. Pinned
 * pages never move (a reclaim that needs them is refused). Unmovable memory comes from
 * ordinary kernel memory only. All memory is zeroed when allocated and freed when the app
 * exits. */
#ifndef SPMK_MEMORY_H
#define SPMK_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define SPMK_MEM_MOVABLE 1u  /* pages may live on hand-off nodes and move */
#define SPMK_MEM_THISNODE 2u /* only the node asked for, no fallback */
#define SPMK_NODE_ANY (-1)

#define SPMK_HANDOFF_MOVABLE 1u /* the handed-off node takes movable allocations only */

/* Allocates bytes (rounded up to 4 KiB) preferring node (SPMK_NODE_ANY: none); *addr gets
 * the address. Errors: -SPMK_EINVAL (flags, size 0), -SPMK_ERANGE (node), -SPMK_ENOMEM. */
long spmk_mem_alloc(size_t bytes, int node, unsigned flags, void **addr);
/* Errors: -SPMK_ENOENT (not the start of an allocation), -SPMK_EBUSY (a page is pinned). */
long spmk_mem_free(void *addr);
/* The node of the page that holds addr now, or a negative error. */
long spmk_mem_node(const void *addr);
long spmk_mem_pin(void *addr);
long spmk_mem_unpin(void *addr);
/* Hands dax device `name` to the page allocator as a node (returns the node), and takes it
 * back (movable pages on it move elsewhere first). */
long spmk_handoff(const char *name, unsigned flags);
long spmk_reclaim(const char *name);

#endif
