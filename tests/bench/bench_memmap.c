/* SPDX-License-Identifier: BSD-2-Clause */
/* bench_memmap.c - cost of normalising the UEFI memory map (mm/memmap.c) per descriptor, for
 * maps of 100, 1,000 and 10,000 descriptors: distinct 12 KiB ranges of five kinds with 4 KiB
 * gaps (nothing merges), 48-byte descriptors as OVMF gives them. Two orders: ascending
 * addresses (what firmware gives) and scrambled (a permutation). Each figure is the median of
 * RUNS runs, each repeating the normalisation until it took at least 20 ms. Prints
 * `memmap.normalize_<order>_<n>_ns_per_desc VALUE ns` lines, then the growth of the cost per
 * descriptor from 100 to 10,000 descriptors beside log2(10000)/log2(100) = 2. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/memmap.h"

#define RUNS 5
#define DSZ 48

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void build(uint8_t *raw, size_t n, int scrambled)
{
	static const uint32_t types[] = { EFI_CONVENTIONAL_MEMORY, EFI_CONVENTIONAL_MEMORY,
					  EFI_RESERVED_MEMORY, EFI_ACPI_RECLAIM_MEMORY,
					  EFI_BOOT_SERVICES_DATA };
	for (size_t i = 0; i < n; i++) {
		size_t slot =
			scrambled ? (i * 7919) % n : i; /* 7919: prime, n has no such factor */
		struct efi_mem_desc d = { types[slot % 5],
					  0,
					  0x100000 + slot * 0x4000,
					  0,
					  3,
					  slot % 5 == 1 ? 0xfull | EFI_MEMORY_SP : 0xfull };
		memset(raw + i * DSZ, 0, DSZ);
		memcpy(raw + i * DSZ, &d, sizeof d);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median ns per descriptor. */
static double measure(size_t n, int scrambled)
{
	uint8_t *raw = malloc(n * DSZ);
	uint32_t cap = (uint32_t)memmap_ranges_bound(n, 0);
	struct mem_range *store = malloc(cap * sizeof *store);
	struct memmap *m = malloc(sizeof *m);
	build(raw, n, scrambled);
	double res[RUNS];
	for (int r = 0; r < RUNS; r++) {
		unsigned reps = 0;
		double t0 = now_ns(), t;
		do {
			if (memmap_normalize_into(raw, n * DSZ, DSZ, NULL, m, store, cap, NULL) !=
				    ST_OK ||
			    m->count != n) {
				fprintf(stderr,
					"bench_memmap: normalisation of %zu descriptors failed\n",
					n);
				exit(1);
			}
			reps++;
			t = now_ns() - t0;
		} while (t < 20e6);
		res[r] = t / reps / n;
	}
	qsort(res, RUNS, sizeof res[0], cmp);
	free(raw);
	free(store);
	free(m);
	return res[RUNS / 2];
}

int main(void)
{
	static const size_t sizes[] = { 100, 1000, 10000 };
	static const char *order[] = { "sorted", "scrambled" };
	for (int o = 0; o < 2; o++) {
		double per[3];
		for (int i = 0; i < 3; i++) {
			per[i] = measure(sizes[i], o);
			printf("memmap.normalize_%s_%zu_ns_per_desc %.1f ns\n", order[o], sizes[i],
			       per[i]);
		}
		printf("memmap.normalize_%s_growth_100_to_10000 %.2f x\n", order[o],
		       per[2] / per[0]);
	}
	printf("memmap.log_growth_100_to_10000 %.2f x\n", log2(10000.0) / log2(100.0));
	return 0;
}
