/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_order.c - the order in which memmap_normalize_into() reads descriptors.
 *
 * Inserting into the sorted range array moves every range above the insertion point, so a
 * map in random order would cost O(n^2). When the map is out of address order and no two
 * descriptors overlap (compared on whole pages, as the normaliser rounds them), the result
 * does not depend on the order (no overlap decides a winner, and a merged range keeps the
 * type of its lowest descriptor either way), so the descriptors are read in address order:
 * a sort of (address, index) pairs, O(n log n), kept in the unused top of the caller's
 * range storage (one pair per range slot). The storage must then hold memmap_ranges_bound() ranges, of which at most
 * n + 2 * nfake are filled when no descriptors overlap. Otherwise input order is used. */
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

static void keyed_swap(struct keyed *a, size_t i, size_t j)
{
	struct keyed t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/* Quicksort by key, median-of-three pivot, the smaller side first by recursion and the larger
 * by looping (stack depth <= log2 n), insertion sort below 16 elements: O(n log n) expected,
 * and keys here are distinct addresses laid out like a real map (no adversary). */
static void keyed_sort(struct keyed *a, size_t n)
{
	while (n > 16) {
		size_t m = n / 2;
		if (a[m].key < a[0].key)
			keyed_swap(a, m, 0);
		if (a[n - 1].key < a[0].key)
			keyed_swap(a, n - 1, 0);
		if (a[n - 1].key < a[m].key)
			keyed_swap(a, n - 1, m);
		uint64_t pivot = a[m].key;
		size_t i = 0, j = n - 1;
		for (;;) {
			while (a[i].key < pivot)
				i++;
			while (a[j].key > pivot)
				j--;
			if (i >= j)
				break;
			keyed_swap(a, i++, j--);
		}
		size_t left = j + 1; /* [0, j] <= pivot <= [j + 1, n) */
		if (left < n - left) {
			keyed_sort(a, left);
			a += left;
			n -= left;
		} else {
			keyed_sort(a + left, n - left);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && a[j].key < a[j - 1].key; j--)
			keyed_swap(a, j, j - 1);
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
	_Static_assert(sizeof(struct keyed) <= sizeof(struct mem_range), "a key fits a range slot");
	uint64_t idx_slots = n; /* one (key, index) pair per range slot, then indices packed */
	if (sorted || n > UINT32_MAX || cap < idx_slots ||
	    cap - idx_slots < (uint64_t)n + 2 * (uint64_t)nfake + 1)
		return NULL;
	struct keyed *a = (struct keyed *)(void *)(storage + (cap - idx_slots));
	for (size_t i = 0; i < n; i++)
		a[i] = (struct keyed){ desc_key(raw, i, desc_size), i };
	keyed_sort(a, n);
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
