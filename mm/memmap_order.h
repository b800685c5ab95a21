/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_order.h - address order for reading a scrambled memory map (mm/memmap_order.c). */
#ifndef SPMK_MM_MEMMAP_ORDER_H
#define SPMK_MM_MEMMAP_ORDER_H

#include "mm/memmap.h"

/* The indices of the n descriptors of raw in address order, stored in the top of
 * storage[0..cap), or NULL when input order must be kept: the map is already in address
 * order, two descriptors overlap (on whole pages), or storage is too small to hold the
 * indices above n + 2 * nfake + 1 ranges. On success *cap_left is the number of ranges below
 * the indices, which the normaliser may fill. Cost O(n log n) (UEFI 2.10 §7.2.3 descriptors,
 * stepped by desc_size). */
const uint32_t *memmap_order(const void *raw, size_t n, uint32_t desc_size,
			     struct mem_range *storage, uint32_t cap, uint32_t nfake,
			     uint32_t *cap_left);

#endif
