/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_hmat.c - libFuzzer target: hmat_parse over arbitrary bytes (signature forced to "HMAT" so the
 * fuzzer reaches the body). Must never crash or read out of bounds.
 * Coverage: acpi/sdt.c acpi/hmat.c */
#include <stdint.h>

#include "acpi/hmat.h"
#include "tests/fuzz/fuzz_util.h"

static struct hmat_info info;

static status_t parse(const uint8_t *tbl, size_t len, struct out *log)
{
	return hmat_parse(tbl, len, &info, log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table(data, size, "HMAT", parse);
	return 0;
}
