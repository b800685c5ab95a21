/* fuzz_srat.c - libFuzzer target: srat_parse over arbitrary bytes (signature forced to "SRAT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds. */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "acpi/srat.h"

#define buf_cap (1 << 16)
static struct srat_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > buf_cap)
		return 0;
	/* an exact-size heap copy so ASan catches any read past the end */
	uint8_t *p = malloc(size ? size : 1);
	memcpy(p, data, size);
	if (size >= 4)
		memcpy(p, "SRAT", 4);
	srat_parse(p, size, &info, NULL);
	free(p);
	return 0;
}
