/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_acpi_decode.c - libFuzzer target: `acpi decode` and `acpi dump` over arbitrary bytes. The
 * first byte picks the signature (SRAT, SLIT, HMAT) so the fuzzer reaches each body. Must never
 * crash or read out of bounds.
 * Coverage: acpi/decode.c acpi/acpidump.c */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/acpidump.h"
#include "acpi/decode.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sigs[] = { "SRAT", "SLIT", "HMAT" };
	if (size < 1)
		return 0;
	const char *sig = sigs[data[0] % 3];
	uint8_t *p = fuzz_copy(data + 1, size - 1, sig);
	if (!p)
		return 0;
	acpi_decode(p, size - 1, &fuzz_out);
	struct acpi_table t = { .phys = 0x1000, .length = (uint32_t)(size - 1), .data = p };
	t.sig[0] = sig[0], t.sig[1] = sig[1], t.sig[2] = sig[2], t.sig[3] = sig[3];
	acpidump_table(&t, &fuzz_out);
	free(p);
	return 0;
}
