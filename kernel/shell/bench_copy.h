/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_copy.h - the memcpy baseline `bench hotplug` compares each reclaim with. */
#ifndef SPMK_KERNEL_BENCH_COPY_H
#define SPMK_KERNEL_BENCH_COPY_H

#include <stdint.h>

/* Copies every page in use (movable) in pfns [base, +npages) - the pages a reclaim of that
 * range migrates - page by page into the destinations that reclaim takes for pages leaving
 * node `node` (migrate_reserve: the same blocks, filled in the same order), through the direct
 * map, after a TLB flush and with one more per MIGRATE_BATCH pages; frees the blocks again.
 * Returns the time of the copies in microseconds (scaled up when fewer destinations could be
 * listed than pages are in use); *pages_out the pages in use. 0 when nothing could be copied
 * (nothing in use, or no destination free). */
uint64_t bench_copy_us(uint64_t base, uint64_t npages, unsigned node, uint64_t *pages_out);

#endif
