/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_sp_ranges.c - libFuzzer target for boot/sp_ranges.c: any string is either rejected with
 * one error line or accepted as 1..16 non-empty, 4 KiB aligned, pairwise disjoint ranges.
 * Coverage: boot/sp_ranges.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/sp_ranges.h"

static int lines;

static void count(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx, (void)level, (void)s, (void)n;
	lines++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct out out = { count, NULL };
	struct sp_ranges r;
	lines = 0;
	status_t st = sp_ranges_parse(s, &r, &out);
	if (st != ST_OK) {
		if (lines != 1)
			abort();
	} else {
		if (lines != 0 || r.count == 0 || r.count > SP_RANGES_MAX)
			abort();
		for (unsigned i = 0; i < r.count; i++) {
			if (r.r[i].end <= r.r[i].base ||
			    !IS_ALIGNED(r.r[i].base | r.r[i].end, PAGE_SIZE))
				abort();
			for (unsigned j = 0; j < i; j++)
				if (range_overlaps(r.r[i], r.r[j]))
					abort();
		}
	}
	free(s);
	return 0;
}
