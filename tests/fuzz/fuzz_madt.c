/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_madt.c - libFuzzer target: madt_parse over arbitrary bytes (signature forced to "APIC" so
 * the fuzzer reaches the body). Must never crash or read out of bounds; an accepted table has
 * unique APIC IDs.
 * Coverage: acpi/sdt.c acpi/madt.c */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/madt.h"
#include "tests/fuzz/fuzz_util.h"

static struct madt_info info;

/* madt_parse; an accepted table must have unique APIC IDs. */
static status_t parse(const uint8_t *tbl, size_t len, struct out *log)
{
	status_t st = madt_parse(tbl, len, &info, log);
	if (st == ST_OK)
		for (uint32_t i = 0; i < info.n_cpus; i++)
			for (uint32_t j = i + 1; j < info.n_cpus; j++)
				if (info.cpus[i].apic_id == info.cpus[j].apic_id)
					abort();
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table(data, size, "APIC", parse);
	return 0;
}
