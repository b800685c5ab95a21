/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_hmat.c - libFuzzer target: hmat_parse over arbitrary bytes (signature forced to "HMAT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds.
 * Coverage: acpi/sdt.c acpi/hmat.c */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/hmat.h"
#include "tests/fuzz/fuzz_util.h"

static struct hmat_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_copy(data, size, "HMAT");
	if (p) {
		hmat_parse(p, size, &info, &fuzz_out);
		free(p);
	}
	return 0;
}
