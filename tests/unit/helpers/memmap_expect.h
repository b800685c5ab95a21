/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_expect.h - test assertion on one range of a normalised memory map. */
#ifndef SPMK_TESTS_MEMMAP_EXPECT_H
#define SPMK_TESTS_MEMMAP_EXPECT_H

#include <stdint.h>

#include "mm/memmap.h"

/* Fails the running cmocka test unless range i of m is [base, end) of kind k. */
void memmap_expect_range(const struct memmap *m, uint32_t i, uint64_t base, uint64_t end,
			 enum mem_kind k);

#endif
