/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_srat.c - libFuzzer target: srat_parse over arbitrary bytes (signature forced to "SRAT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds; an accepted table has
 * disjoint memory ranges and unique APIC IDs (same-domain overlaps merged, repeats dropped).
 * Coverage: acpi/sdt.c acpi/srat.c */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/srat.h"
#include "tests/fuzz/fuzz_util.h"

static struct srat_info info;

/* srat_parse; an accepted table must have disjoint memory ranges and unique APIC IDs. */
static status_t parse(const uint8_t *tbl, size_t len, struct out *log)
{
	status_t st = srat_parse(tbl, len, &info, log);
	if (st != ST_OK)
		return st;
	for (uint32_t i = 0; i < info.n_mem; i++)
		for (uint32_t j = i + 1; j < info.n_mem; j++)
			if (range_overlaps(info.mem[i].r, info.mem[j].r))
				abort();
	for (uint32_t i = 0; i < info.n_cpus; i++)
		for (uint32_t j = i + 1; j < info.n_cpus; j++)
			if (info.cpus[i].apic_id == info.cpus[j].apic_id)
				abort();
	return ST_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table(data, size, "SRAT", parse);
	return 0;
}
