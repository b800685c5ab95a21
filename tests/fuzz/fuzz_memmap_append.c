/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_memmap_append.c - libFuzzer target for boot/memmap_append.c: any text is either
 * rejected with exactly one error line naming a line number, or accepted as at most
 * MEMMAP_APPEND_MAX descriptors that the writer lays out and a reader gets back unchanged.
 * The laid-out map then goes through boot/sp_claim.c: every free SP range it would claim is
 * inside the ranges it avoids, and the counts add up.
 * Coverage: boot/memmap_append.c boot/sp_claim.c */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/memmap_append.h"
#include "boot/sp_claim.h"

static int lines;
static int named_line;

static void count(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx, (void)level;
	lines++;
	named_line = n > 0 && memmem(s, n, ": line ", 7) != NULL;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out out = { count, NULL };
	struct memmap_append a;
	lines = 0;
	named_line = 0;
	status_t st = memmap_append_parse((const char *)data, size, &a, &out);
	if (st != ST_OK) {
		if (lines != 1 || !named_line)
			abort();
		return 0;
	}
	if (lines != 0 || a.count > MEMMAP_APPEND_MAX || a.total > MEMMAP_APPEND_TOTAL_MAX)
		abort();
	static uint8_t buf[MEMMAP_APPEND_TOTAL_MAX * 48];
	size_t w;
	if (memmap_append_write(&a, buf, sizeof buf, 48, &w) != ST_OK || w != a.total * 48u)
		abort();
	const uint8_t *p = buf;
	for (unsigned i = 0; i < a.count; i++) {
		for (uint32_t k = 0; k < a.d[i].count; k++, p += 48) {
			uint32_t type;
			memcpy(&type, p, 4);
			if (type != a.d[i].type ||
			    get_u64(p + 8) != a.d[i].base + k * a.d[i].step ||
			    get_u64(p + 24) != a.d[i].pages || get_u64(p + 32) != a.d[i].attr ||
			    get_u64(p + 16) != 0 || get_u64(p + 40) != 0)
				abort();
		}
	}
	/* storage for every descriptor, as the loader sizes it: nothing may be dropped */
	static struct range storage[2 * MEMMAP_APPEND_TOTAL_MAX];
	static struct sp_claims c;
	sp_claim_storage(&c, storage, (unsigned)sp_claim_descs(w, 48));
	sp_claim_scan(buf, w, 48, &c);
	if (c.dropped || c.nfree > a.total || c.nall + c.bogus > a.total)
		abort();
	for (unsigned i = 0; i < c.nfree; i++)
		if (c.free[i].end <= c.free[i].base ||
		    !sp_claim_overlap(&c, c.free[i].base, c.free[i].end - c.free[i].base))
			abort();
	return 0;
}
