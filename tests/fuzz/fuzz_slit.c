/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_slit.c - libFuzzer target: slit_parse over arbitrary bytes (signature forced to "SLIT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds.
 * Coverage: acpi/sdt.c acpi/slit.c */
#include <stdint.h>

#include "acpi/slit.h"
#include "tests/fuzz/fuzz_util.h"

static struct slit_info info;

static status_t parse(const uint8_t *tbl, size_t len, struct out *log)
{
	return slit_parse(tbl, len, &info, log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table(data, size, "SLIT", parse);
	return 0;
}
