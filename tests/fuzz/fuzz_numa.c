/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_numa.c - libFuzzer target: SRAT + SLIT + HMAT parsed from one fuzz input (two
 * little-endian u16 lengths, then the three tables), numa_build over whatever parsed, then
 * both printers and the query helpers. Must never crash.
 * Coverage: acpi/srat.c acpi/slit.c acpi/hmat.c acpi/numa.c acpi/numa_present.c acpi/numa_print.c acpi/numa_hwloc.c acpi/memtier.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/numa.h"
#include "acpi/numa_hwloc.h"

static struct srat_info s;
static struct slit_info sl;
static struct hmat_info h;
static struct numa_topology t;

static void sink(void *ctx, int level, const char *str, size_t n)
{
	(void)ctx;
	(void)level;
	(void)str;
	(void)n;
}

/* Copies [off, off + n) of data into an exact-size heap buffer with the signature forced. */
static uint8_t *piece(const uint8_t *data, size_t off, size_t n, const char *sig)
{
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + off, n);
	if (n >= 4)
		memcpy(p, sig, 4);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || size > (1 << 16))
		return 0;
	size_t a = data[0] | (data[1] << 8), b = data[2] | (data[3] << 8), rest = size - 4;
	a = a > rest ? rest : a;
	b = b > rest - a ? rest - a : b;
	size_t c = rest - a - b;
	uint8_t *ps = piece(data, 4, a, "SRAT"), *pl = piece(data, 4 + a, b, "SLIT"),
		*ph = piece(data, 4 + a + b, c, "HMAT");
	struct out o = { sink, NULL };
	bool ok_s = srat_parse(ps, a, &s, &o) == ST_OK;
	bool ok_l = slit_parse(pl, b, &sl, &o) == ST_OK;
	bool ok_h = hmat_parse(ph, c, &h, &o) == ST_OK;
	numa_build(&t, ok_s ? &s : NULL, ok_l ? &sl : NULL, ok_h ? &h : NULL, &o);
	static const struct range present[] = { { 0, 0xa0000 },
						{ 0x100000, 1ull << 32 },
						{ 5ull << 30, 6ull << 30 } };
	if (numa_set_present(&t, present, 3, &o) == ST_INVALID)
		abort();
	numa_print(&t, &o, false);
	numa_print(&t, &o, true);
	numa_print_hwloc(&t, &o);
	for (uint32_t n = 0; n <= t.n_nodes; n++) {
		numa_distance(&t, n, 0);
		numa_has_hmat(&t, n);
		numa_memory_only(&t, n);
	}
	numa_node_of_addr(&t, 0x100000000ull);
	free(ps);
	free(pl);
	free(ph);
	return 0;
}
