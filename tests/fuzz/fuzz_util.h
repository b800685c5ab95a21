/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_util.h - shared pieces of the libFuzzer targets: a struct out that formats every
 * message (so the reporting paths are fuzzed too) and throws it away, an exact-size heap
 * copy of the input so ASan catches any read past its end, and the whole target of an ACPI
 * table parser on such a copy. */
#ifndef SPMK_TESTS_FUZZ_UTIL_H
#define SPMK_TESTS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out.h"
#include "lib/status.h"

#define FUZZ_INPUT_MAX (1 << 16)

static void fuzz_discard(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	(void)level;
	(void)s;
	(void)n;
}

static struct out fuzz_out = { fuzz_discard, NULL };

/* A malloc'd copy of data (NULL when larger than FUZZ_INPUT_MAX); with sig, its first four
 * bytes become that ACPI signature so the fuzzer reaches the table body. Free it. */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size, const char *sig)
{
	if (size > FUZZ_INPUT_MAX)
		return NULL;
	uint8_t *p = malloc(size ? size : 1);
	memcpy(p, data, size);
	if (sig && size >= 4)
		memcpy(p, sig, 4);
	return p;
}

/* A table parser under test: tbl holds len bytes; it reports through log. */
typedef status_t (*fuzz_parse_fn)(const uint8_t *tbl, size_t len, struct out *log);

/* One run of a table parser's target: parse over a fuzz_copy of the input with its signature
 * forced to sig, reporting to fuzz_out; nothing when the input is over FUZZ_INPUT_MAX. */
static inline void fuzz_table(const uint8_t *data, size_t size, const char *sig,
			      fuzz_parse_fn parse)
{
	uint8_t *p = fuzz_copy(data, size, sig);
	if (!p)
		return;
	parse(p, size, &fuzz_out);
	free(p);
}

#endif
