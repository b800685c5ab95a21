/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_copy.h - the memcpy baseline `bench hotplug` compares each reclaim with. */
#ifndef SPMK_KERNEL_BENCH_COPY_H
#define SPMK_KERNEL_BENCH_COPY_H

#include <stdint.h>

/* Copies every page in use (movable) in pfns [base, +npages) - the pages a reclaim of that
 * range migrates - page by page into free RAM elsewhere (blocks of the NORMAL zones, largest
 * first: the memory a migration would use), each page one page off its source's alignment,
 * after a TLB flush; frees the blocks again. Returns the time of the copies in microseconds
 * (scaled up when free RAM held fewer pages than are in use); *pages_out the pages in use.
 * 0 when nothing could be copied. */
uint64_t bench_copy_us(uint64_t base, uint64_t npages, uint64_t *pages_out);

#endif
