/* SPDX-License-Identifier: BSD-2-Clause */
/* kdax.h - kernel glue of the dax allocator (page tables, scrubbing, fault reports). */
#ifndef SPMK_KERNEL_KDAX_H
#define SPMK_KERNEL_KDAX_H

#include <stdint.h>

void kdax_init(void);
/* Zeroes physical memory that is not in the direct map. */
void kdax_scrub(uint64_t pa, uint64_t size);

#endif
