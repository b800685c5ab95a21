/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_rsdp.c - libFuzzer target: acpi_discover over a fuzz buffer used as fake physical
 * memory at address 0 (RSDP at 0; every pointer inside the tables is fuzzed), then listing
 * and dumping every table found. Must never crash or read outside the buffer.
 * Coverage: acpi/tables.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/tables.h"

struct mem {
	const uint8_t *p;
	size_t n;
};

static const void *map(void *ctx, uint64_t phys, uint64_t len)
{
	struct mem *m = ctx;
	if (len > m->n || phys > m->n - len)
		return NULL;
	return m->p + phys;
}

static void sink(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx;
	(void)level;
	(void)s;
	(void)n;
}

static struct acpi_tables t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 16))
		return 0;
	uint8_t *p = malloc(size ? size : 1);
	memcpy(p, data, size);
	if (size >= 8)
		memcpy(p, "RSD PTR ", 8);
	struct mem m = { p, size };
	struct out o = { sink, NULL };
	if (acpi_discover(0, map, &m, &t, &o) == ST_OK) {
		acpi_print_tables(&t, &o);
		for (uint32_t i = 0; i < t.count; i++)
			acpi_dump_table(&t, t.t[i].sig, &o);
		acpi_find(&t, "HMAT");
	}
	free(p);
	return 0;
}
