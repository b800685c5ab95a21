/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_expect.c - see memmap_expect.h. */
#include "memmap_expect.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void memmap_expect_range(const struct memmap *m, uint32_t i, uint64_t base, uint64_t end,
			 enum mem_kind k)
{
	if (i >= m->count)
		fail_msg("range %u missing (count %u)", i, m->count);
	const struct mem_range *r = &m->r[i];
	if (r->base != base || r->end != end || r->kind != k)
		fail_msg("range %u is [0x%llx-0x%llx) %s, want [0x%llx-0x%llx) %s", i,
			 (unsigned long long)r->base, (unsigned long long)r->end,
			 mem_kind_name(r->kind), (unsigned long long)base, (unsigned long long)end,
			 mem_kind_name(k));
}
