/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_order.c - the order in which memmap_normalize_into() reads descriptors.
 *
 * Inserting into the sorted range array moves every range above the insertion point, so a
 * map in random order would cost O(n^2). When the map is out of address order and no two
 * descriptors overlap (compared on whole pages, as the normaliser rounds them), the result
 * does not depend on the order (no overlap decides a winner, and a merged range keeps the
 * type of its lowest descriptor either way), so the descriptors are read in address order:
 * a radix sort of (address, index) pairs, O(n) (one pass per byte in which addresses differ),
 * kept in the unused top of the caller's range storage (the pairs and the sort's second
 * buffer, 16 bytes each, fit in one 32-byte range slot per descriptor). The storage must then
 * hold memmap_ranges_bound() ranges, of which at most n + 2 * nfake are filled when no
 * descriptors overlap. Otherwise input order is used. */
#include "mm/memmap_order.h"

#include "lib/kstring.h"
#include "lib/types.h"

/* Whole-page extent of descriptor i; false when the normaliser will drop it (no pages, or
 * an end past 2^64), so it takes part in no overlap. */
static bool desc_extent(const void *raw, size_t i, uint32_t desc_size, struct range *e)
{
	struct efi_mem_desc d;
	memcpy(&d, (const uint8_t *)raw + i * desc_size, sizeof d);
	uint64_t bytes, end;
	if (d.num_pages == 0 || d.num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT))
		return false;
	bytes = d.num_pages << EFI_PAGE_SHIFT;
	if (add_overflows(d.phys_start, bytes, &end) || end > UINT64_MAX - PAGE_SIZE)
		return false;
	*e = (struct range){ d.phys_start & ~(PAGE_SIZE - 1), ALIGN_UP(end, PAGE_SIZE) };
	return true;
}

/* Sort key: the extent's base, dropped descriptors first (their place does not matter). */
static uint64_t desc_key(const void *raw, size_t i, uint32_t desc_size)
{
	struct range e;
	return desc_extent(raw, i, desc_size, &e) ? e.base + 1 : 0;
}

struct keyed {
	uint64_t key;
	uint64_t idx;
};

/* Stable LSD radix sort by key, one byte per pass, a pass skipped when every key has the same
 * byte there (real maps differ in 3..5 bytes of their addresses): O(n) per pass, no recursion,
 * a 1 KiB count table. a and tmp hold n pairs each; returns whichever holds the result. */
static struct keyed *keyed_sort(struct keyed *a, struct keyed *tmp, size_t n)
{
	uint32_t count[256];
	for (unsigned shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(a[i].key >> shift) & 0xff]++;
		if (n == 0 || count[(a[0].key >> shift) & 0xff] == n)
			continue; /* every key has this byte: the order stays */
		uint32_t sum = 0;
		for (unsigned d = 0; d < 256; d++) {
			uint32_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i].key >> shift) & 0xff]++] = a[i];
		struct keyed *t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

const uint32_t *memmap_order(const void *raw, size_t n, uint32_t desc_size,
			     struct mem_range *storage, uint32_t cap, uint32_t nfake,
			     uint32_t *cap_left)
{
	uint64_t prev = 0;
	bool sorted = true;
	for (size_t i = 0; i < n && sorted; i++) {
		uint64_t k = desc_key(raw, i, desc_size);
		sorted = k == 0 || k >= prev;
		prev = k ? k : prev;
	}
	_Static_assert(2 * sizeof(struct keyed) <= sizeof(struct mem_range),
		       "a pair and its sort buffer fit a range slot");
	uint64_t idx_slots = n; /* one (key, index) pair per range slot, then indices packed */
	if (sorted || n > UINT32_MAX || cap < idx_slots ||
	    cap - idx_slots < (uint64_t)n + 2 * (uint64_t)nfake + 1)
		return NULL;
	struct keyed *a = (struct keyed *)(void *)(storage + (cap - idx_slots));
	for (size_t i = 0; i < n; i++)
		a[i] = (struct keyed){ desc_key(raw, i, desc_size), i };
	a = keyed_sort(a, a + n, n);
	uint32_t *order = (uint32_t *)(void *)a; /* packed in place: order[i] never passes a[i] */
	struct range last = { 0, 0 }, e;
	for (size_t i = 0; i < n; i++) {
		uint32_t idx = (uint32_t)a[i].idx;
		order[i] = idx;
		if (!desc_extent(raw, idx, desc_size, &e))
			continue;
		if (e.base < last.end)
			return NULL; /* overlapping descriptors: input order decides, keep it */
		last = e;
	}
	*cap_left = (uint32_t)(cap - idx_slots);
	return order;
}
