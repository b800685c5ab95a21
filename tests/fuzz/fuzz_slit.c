/* fuzz_slit.c - libFuzzer target: slit_parse over arbitrary bytes (signature forced to "SLIT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds. */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "acpi/slit.h"

#define buf_cap (1 << 16)
static struct slit_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > buf_cap)
		return 0;
	/* an exact-size heap copy so ASan catches any read past the end */
	uint8_t *p = malloc(size ? size : 1);
	memcpy(p, data, size);
	if (size >= 4)
		memcpy(p, "SLIT", 4);
	slit_parse(p, size, &info, NULL);
	free(p);
	return 0;
}
