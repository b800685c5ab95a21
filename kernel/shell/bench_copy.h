/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_copy.h - the memcpy baseline `bench hotplug` compares each reclaim with. */
#ifndef SPMK_KERNEL_BENCH_COPY_H
#define SPMK_KERNEL_BENCH_COPY_H

#include <stdint.h>

/* Lists the pages in use (movable) in pfns [base, +npages) - the pages a reclaim of that range
 * migrates - as the sources of the following bench_copy_us calls. Returns their number (only
 * the first 4096 runs of consecutive pages are kept). */
uint64_t bench_copy_plan(uint64_t base, uint64_t npages);

/* Copies the pages listed by bench_copy_plan, page by page through the direct map, into the
 * destinations a reclaim takes for pages leaving node `node` (migrate_reserve: the same
 * blocks, filled in the same order), after a TLB flush and with one more per MIGRATE_BATCH
 * pages; frees the blocks again. The source pages must be in the direct map (the device
 * handed off). Returns the time of the copies in microseconds (scaled up when fewer
 * destinations could be listed than pages are in use), 0 when nothing could be copied
 * (nothing listed, or no destination free); *dest_digest identifies the destination blocks
 * (equal digests: the same blocks in the same order; 0 when none). */
uint64_t bench_copy_us(unsigned node, uint64_t *dest_digest);

#endif
