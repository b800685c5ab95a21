/* SPDX-License-Identifier: BSD-2-Clause */
/* ksyms.c - binary search over the generated symbol table (see ksyms.h). */
#include "kernel/ksyms.h"

#include <stddef.h>

extern const struct ksym ksyms_table[] __attribute__((weak));
extern const uint32_t ksyms_table_count __attribute__((weak));
extern const char ksyms_names[] __attribute__((weak));

uint32_t ksyms_count(void) { return &ksyms_table_count ? ksyms_table_count : 0; }

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	uint32_t n = ksyms_count();
	if (!n || addr < ksyms_table[0].addr)
		return NULL;
	uint32_t lo = 0, hi = n; /* find the last entry with entry.addr <= addr */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_table[lo].addr;
	return ksyms_names + ksyms_table[lo].name_off;
}
