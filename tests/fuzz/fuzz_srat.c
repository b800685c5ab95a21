/* fuzz_srat.c - libFuzzer target: srat_parse over arbitrary bytes (signature forced to "SRAT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "acpi/srat.h"
#include "tests/fuzz/fuzz_util.h"

static struct srat_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_copy(data, size, "SRAT");
	if (p) {
		srat_parse(p, size, &info, &fuzz_out);
		free(p);
	}
	return 0;
}
