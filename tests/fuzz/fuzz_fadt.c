/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_fadt.c - libFuzzer target: fadt_parse and dsdt_find_s5 over arbitrary bytes (the
 * first byte picks which; the FADT signature is forced). Must never crash.
 * Coverage: acpi/sdt.c acpi/fadt.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/fadt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1 << 16))
		return 0;
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);
	if (data[0] & 1) {
		struct fadt_info f;
		if (n >= 4)
			memcpy(p, "FACP", 4);
		fadt_parse(p, n, &f, NULL);
	} else {
		uint8_t a, b;
		dsdt_find_s5(p, n, &a, &b);
	}
	free(p);
	return 0;
}
