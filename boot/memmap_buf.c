/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_buf.c - GetMemoryMap buffer sizing and result checks (see memmap_buf.h). */
#include "boot/memmap_buf.h"

#include "lib/types.h"

#define MEMMAP_BUF_LIMIT (1ull << 32)

status_t memmap_buf_bytes(uint64_t need, uint64_t *bytes)
{
	if (need == 0 || need >= MEMMAP_BUF_LIMIT)
		return ST_RANGE;
	uint64_t slack = need / 2 > MEMMAP_BUF_SLACK_MIN ? need / 2 : MEMMAP_BUF_SLACK_MIN;
	uint64_t b = ALIGN_UP(need + slack, PAGE_SIZE); /* < 3 * 2^31: no overflow */
	if (b > MEMMAP_BUF_LIMIT)
		return ST_RANGE;
	*bytes = b;
	return ST_OK;
}

uint64_t memmap_buf_highest_end(const void *map, uint64_t size, uint64_t desc_size,
				unsigned maxphyaddr)
{
	uint64_t limit = 1ull << (maxphyaddr >= 32 && maxphyaddr <= 52 ? maxphyaddr : 52);
	uint64_t highest = 0;
	for (uint64_t off = 0; desc_size && off + desc_size <= size; off += desc_size) {
		uint64_t start, pages, end;
		__builtin_memcpy(&start, (const uint8_t *)map + off + 8, 8);
		__builtin_memcpy(&pages, (const uint8_t *)map + off + 24, 8);
		if (pages == 0 || pages > (UINT64_MAX >> 12) ||
		    __builtin_add_overflow(start, pages_to_bytes(pages), &end) || end > limit)
			continue;
		highest = end > highest ? end : highest;
	}
	return highest;
}

const char *memmap_buf_validate(uint64_t size, uint64_t cap, uint64_t desc_size)
{
	if (desc_size < MEMMAP_BUF_DESC_MIN)
		return "DescriptorSize is below 40 bytes";
	if (desc_size > MEMMAP_BUF_DESC_MAX)
		return "DescriptorSize is above 4096 bytes";
	if (desc_size % 8)
		return "DescriptorSize is not a multiple of 8";
	if (size == 0)
		return "the map is empty";
	if (size > cap)
		return "the map is larger than the buffer";
	if (size % desc_size)
		return "the map size is not a multiple of DescriptorSize";
	return NULL;
}
