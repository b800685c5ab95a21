/* SPDX-License-Identifier: BSD-2-Clause */
/* kheap.h - the kernel heap: kmalloc/kfree of small objects on top of the page allocator.
 *
 * Size classes 16, 32, ..., 2048 bytes; each slab is one page of equal objects with no header
 * in the page or in the objects: a slab's descriptor (its page, class, a free bitmap) lives
 * out of band in struct kheap, found from an object's page through an open-addressing hash
 * keyed by virtual page number. Requests above 2048 bytes get whole pages (2^order) and a
 * descriptor too, so kfree knows the order. kfree checks the pointer (foreign, misaligned or
 * already free -> ST_INVALID) before touching anything. A slab that becomes empty goes back
 * to the page allocator. Capacity: KHEAP_MAX_SLABS descriptors (slabs plus large objects).
 * Pages come from ops (the kernel wires them to buddy_alloc with BUDDY_OWNER_HEAP and the
 * direct map); no global state. Every function takes the heap's lock (rank KHEAP, before the
 * page allocator's locks: ops are called with it held; docs/locking.md). */
#ifndef SPMK_MM_KHEAP_H
#define SPMK_MM_KHEAP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "lib/status.h"

#define KHEAP_NCLASSES 8 /* 16 << 0 .. 16 << 7 = 2048 */
#define KHEAP_MAX_SMALL 2048
#define KHEAP_MAX_SLABS 1024
#define KHEAP_HASH_SLOTS (2 * KHEAP_MAX_SLABS)

struct kheap_ops {
	status_t (*alloc_pages)(void *ctx, unsigned order, uint64_t *pfn); /* 2^order pages */
	void (*free_pages)(void *ctx, uint64_t pfn, unsigned order);
	void *(*phys_to_virt)(void *ctx, uint64_t pfn); /* where the kernel sees that page */
};

struct kheap_slab {
	uintptr_t va; /* virtual address of the page (or first page of a large object) */
	uint64_t pfn;
	uint64_t freemap[4]; /* bit i set = object i free (at most 256 objects per page) */
	uint16_t nfree;
	uint8_t cls;   /* size class, or KHEAP_LARGE */
	uint8_t order; /* large objects */
	int16_t next;  /* next partial slab of the class / next free descriptor, -1 */
	int16_t prev;
};
#define KHEAP_LARGE 0xff

struct kheap_stats {
	uint64_t slabs[KHEAP_NCLASSES];
	uint64_t objects[KHEAP_NCLASSES]; /* in use */
	uint64_t large_objects, large_pages;
	uint64_t pages; /* pages held from the page allocator */
};

struct kheap {
	struct spinlock lock; /* everything below */
	const struct kheap_ops *ops;
	void *ctx;
	int16_t partial[KHEAP_NCLASSES]; /* slabs with a free object */
	int16_t free_desc;
	int16_t hash[KHEAP_HASH_SLOTS]; /* descriptor index, -1 empty, -2 deleted */
	struct kheap_slab slab[KHEAP_MAX_SLABS];
	struct kheap_stats st;
};

void kheap_init(struct kheap *h, const struct kheap_ops *ops, void *ctx);
/* *out = size bytes; a small object is aligned to its size class (16..2048), a large one to a
 * page.
 * Errors: ST_INVALID (size 0), ST_RANGE (size > 2^30), ST_NOMEM (no page or descriptor, or an
 * injected failure of FAULT_KHEAP, lib/fault.h); nothing changes on error. */
status_t kmalloc(struct kheap *h, size_t size, void **out);
/* Errors: ST_INVALID (NULL, not from this heap, not an object start, already free). */
status_t kfree(struct kheap *h, void *p);
void kheap_stats(const struct kheap *h, struct kheap_stats *out);
/* Descriptors, lists, hash and bitmaps consistent with the statistics. Errors: ST_INVALID. */
status_t kheap_check(const struct kheap *h);

#endif
