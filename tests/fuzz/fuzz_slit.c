/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_slit.c - libFuzzer target: slit_parse over arbitrary bytes (signature forced to "SLIT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds.
 * Coverage: acpi/sdt.c acpi/slit.c */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/slit.h"
#include "tests/fuzz/fuzz_util.h"

static struct slit_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_copy(data, size, "SLIT");
	if (p) {
		slit_parse(p, size, &info, &fuzz_out);
		free(p);
	}
	return 0;
}
