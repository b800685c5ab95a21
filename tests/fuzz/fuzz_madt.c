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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_copy(data, size, "APIC");
	if (p) {
		if (madt_parse(p, size, &info, &fuzz_out) == ST_OK)
			for (uint32_t i = 0; i < info.n_cpus; i++)
				for (uint32_t j = i + 1; j < info.n_cpus; j++)
					if (info.cpus[i].apic_id == info.cpus[j].apic_id)
						abort();
		free(p);
	}
	return 0;
}
