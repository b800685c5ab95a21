/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_scratch.h - the loader's scratch block (boot_info version 3, docs/boot-protocol.md):
 * memory for the kernel's boot tables that grow with the memory map, before any allocator
 * exists. A bump allocator over [scratch_phys, +scratch_size) through the direct map; nothing
 * is given back (the block is boot_info memory, owned for good and counted as such). */
#ifndef SPMK_KERNEL_BOOT_SCRATCH_H
#define SPMK_KERNEL_BOOT_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

/* Budget, in bytes per memory-map descriptor and in all, of what the kernel takes (checked by
 * boot_info_validate against BOOT_SCRATCH_PER_DESC and BOOT_SCRATCH_FIXED): the normalised map
 * (two ranges per descriptor), its RAM pieces, the early allocator's free ranges and grants,
 * the list of usable ranges and the SP pieces, each one entry per descriptor, plus fixed parts
 * for the SRAT's ranges (about 160 + 40 bytes per descriptor and 70 KiB in all). */

/* `n` elements of `elem` bytes, 8-byte aligned and zeroed. Cannot fail: boot_info_validate
 * accepted a scratch block of at least BOOT_SCRATCH_PER_DESC bytes per descriptor the map
 * buffer holds, and the kernel takes less (CHECKed). */
void *boot_scratch_take(size_t n, size_t elem);

/* Bytes of the scratch block taken so far. */
uint64_t boot_scratch_used(void);

#endif
