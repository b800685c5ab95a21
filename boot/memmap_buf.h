/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_buf.h - sizing the loader's buffer for GetMemoryMap and checking what it returned.
 *
 * UEFI 2.10 §7.2.3 GetMemoryMap(): on EFI_BUFFER_TOO_SMALL the firmware only promises
 * MemoryMapSize (the bytes needed); some firmware leaves DescriptorSize unwritten then. So the
 * buffer is sized from the map size alone, with slack for the descriptors the allocation of the
 * buffer itself (and any firmware event) may add, and DescriptorSize is taken only from a call
 * that succeeded, after memmap_buf_validate() accepts it. Pure: host-tested. */
#ifndef SPMK_BOOT_MEMMAP_BUF_H
#define SPMK_BOOT_MEMMAP_BUF_H

#include <stdint.h>

#include "lib/status.h"

#define MEMMAP_BUF_SLACK_MIN 4096u /* bytes of slack at least (dozens of descriptors) */
#define MEMMAP_BUF_DESC_MIN 40u    /* sizeof(EFI_MEMORY_DESCRIPTOR) version 1 */
#define MEMMAP_BUF_DESC_MAX 4096u  /* a sanity bound on DescriptorSize */
#define MEMMAP_BUF_TRIES 4         /* GetMemoryMap attempts, each with the size just reported */

/* Bytes of buffer to allocate for a map the firmware says needs `need` bytes: need plus half
 * again (at least MEMMAP_BUF_SLACK_MIN), rounded up to 4 KiB. ST_RANGE when need is 0 (a
 * firmware that reports an empty map is wrong) or the result would pass 2^32 (4 GiB of map is
 * no map). */
status_t memmap_buf_bytes(uint64_t need, uint64_t *bytes);

/* Why a successful GetMemoryMap result is unusable, or NULL when it is fine: desc_size below
 * 40, above MEMMAP_BUF_DESC_MAX or not a multiple of 8; size 0, larger than the buffer (cap
 * bytes) or not a multiple of desc_size. */
const char *memmap_buf_validate(uint64_t size, uint64_t cap, uint64_t desc_size);

/* The highest end (bytes) of the descriptors in a checked map that can describe memory, for
 * the extent of the loader's direct map: descriptors with 0 pages, a byte size or end past
 * 2^64, or an end above 2^maxphyaddr (the CPU's physical address width, 32..52; anything
 * else means 52) are left out, as the kernel drops them (docs/memory-map.md). 0 when none. */
uint64_t memmap_buf_highest_end(const void *map, uint64_t size, uint64_t desc_size,
				unsigned maxphyaddr);

#endif
