/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_discover.c - libFuzzer target for the whole boot discovery pipeline (mm/discover.h), run
 * exactly as the kernel runs it: command line -> options (kernel/boot_options.c), memory map
 * normalised with efi_fake_mem/efi=/MAXPHYADDR, SRAT + SLIT + HMAT + MADT parsed, NUMA built,
 * SP discovered, dax regions added.
 * Coverage: mm/discover.c kernel/boot_options.c mm/memmap.c mm/fake_mem.c mm/sp.c acpi/sdt.c acpi/srat.c acpi/slit.c acpi/hmat.c acpi/madt.c acpi/numa.c acpi/numa_present.c
 *
 * Input: a kernel command line up to the first NUL byte; one byte picking desc_size (as
 * fuzz_memmap); one flags byte (bits 0-3: SRAT, SLIT, HMAT, MADT listed with a bad checksum,
 * i.e. no data; bits 4-7: MAXPHYADDR 30 + 2 * N when N > 0, the normaliser's 52 when 0); four
 * little-endian u16 lengths (memory map, SRAT, SLIT, HMAT), then those bytes, and the rest is
 * the MADT (table signatures forced; an empty table is absent).
 * Whatever the input, the result must keep every invariant: a valid normalised map, SP pieces
 * sorted and disjoint holding exactly the map's SP pages, one dax region per device piece on
 * the node of its domain (or a logged refusal when dax is full), those nodes in sp_nodes, dax
 * consistent, and no dax operation touching hardware. Any violation aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/boot_options.h"
#include "mm/discover.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/helpers/dax_no_hw.h"

static struct cmdline cl;
static struct discover_options opt;
static struct memmap_opts mopts;
static struct memmap map;
static struct discover_acpi acpi;
static struct numa_topology topo;
static struct sp_set sp;
static struct dax dax;

/* Discovery never touches hardware: any dax op during it is a crash. */
static void dax_no_hw(const char *what)
{
	(void)what;
	abort();
}

/* Takes n bytes at *p into an exact-size heap copy (NULL when n is 0: the table is absent). */
static uint8_t *take(const uint8_t **p, size_t n, const char *sig)
{
	if (!n)
		return NULL;
	uint8_t *t = fuzz_copy(*p, n, sig);
	*p += n;
	return t;
}

/* Whether dax had no room for a piece of size bytes at base: regions, slots or window space. */
static bool dax_full_for(uint64_t base, uint64_t size)
{
	uint64_t slot = ALIGN_UP((base % SIZE_1G) + size, SIZE_1G);
	return dax.nregions == dax.cap_regions || slot < size || slot >= DAX_WINDOW_SIZE ||
	       dax.window_next > DAX_WINDOW_SIZE - slot - SIZE_1G;
}

static void check(status_t st_sp)
{
	if (memmap_check(&map, &fuzz_out) != ST_OK)
		abort();
	uint64_t sp_bytes = memmap_pages_of(&map, MEM_SP) * PAGE_SIZE;
	if (st_sp == ST_OK ? sp_set_bytes(&sp) != sp_bytes : sp_set_bytes(&sp) > sp_bytes)
		abort();
	uint32_t r = 0;
	for (uint32_t i = 0; i < sp.count; i++) {
		const struct sp_piece *p = &sp.p[i];
		if (p->base >= p->end || (i && sp.p[i - 1].end > p->base))
			abort();
		if (p->policy == SP_RESERVED_NO_HMAT)
			continue;
		const struct dax_region *reg = &dax.regions[r];
		if (r < dax.nregions && reg->base == p->base) {
			int node = p->pxm >= 0 ? numa_node_of_pxm(&topo, (uint32_t)p->pxm) : -1;
			if (reg->size != p->end - p->base || reg->target_node != node ||
			    (node >= 0 && !(topo.sp_nodes & (1ull << node))))
				abort();
			r++;
		} else if (!dax_full_for(p->base, p->end - p->base)) {
			abort(); /* a device piece without a region while dax had room */
		}
	}
	if (r != dax.nregions || dax_check(&dax, &fuzz_out) != ST_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size < CMDLINE_BUF ? size : CMDLINE_BUF);
	if (!nul || (size_t)(data + size - nul) < 11 || size > 4 * FUZZ_INPUT_MAX)
		return 0;
	char text[CMDLINE_BUF];
	memcpy(text, data, (size_t)(nul - data) + 1);
	const uint8_t *p = nul + 1, *end = data + size;
	static const uint32_t sizes[] = { 40, 48, 56, 64 };
	uint32_t desc_size = p[0] < 4 * 48 ? sizes[p[0] % 4] : p[0];
	uint8_t flags = p[1];
	size_t n[5];
	for (int i = 0; i < 4; i++)
		n[i] = (size_t)(p[2 + 2 * i] | p[3 + 2 * i] << 8);
	p += 10;
	size_t rest = (size_t)(end - p);
	for (int i = 0; i < 4; i++) {
		n[i] = n[i] < rest ? n[i] : rest;
		rest -= n[i];
	}
	n[4] = rest;

	struct out o = fuzz_out;
	cmdline_parse(text, &cl, &o);
	boot_options_discover(&cl, flags >> 4 ? (uint8_t)(30 + 2 * (flags >> 4)) : 0, &opt, &o);
	uint8_t *raw = take(&p, n[0], NULL);
	uint8_t *t[4];
	static const char *const sig[4] = { "SRAT", "SLIT", "HMAT", "APIC" };
	struct discover_table dt[4];
	for (int i = 0; i < 4; i++) {
		t[i] = take(&p, n[i + 1], sig[i]);
		bool bad_checksum = flags & (1u << i);
		dt[i] = (struct discover_table){ bad_checksum ? NULL : t[i], n[i + 1],
						 bad_checksum || t[i] };
	}
	struct discover_tables in = { dt[0], dt[1], dt[2], dt[3] };

	status_t st = discover_memmap(raw ? raw : (const uint8_t *)"", n[0], desc_size, &opt,
				      &mopts, &map, &o);
	if (st == ST_OK || st == ST_NOMEM) {
		if (discover_numa(&in, &map, &acpi, &topo, &o) != ST_OK)
			abort();
		dax_init(&dax, &dax_no_hw_ops, &o, 1);
		bool fw_bug;
		st = discover_sp(&map, &acpi, &topo, &opt, &sp, &dax, &fw_bug, &o);
		if (st != ST_OK && st != ST_NOMEM)
			abort();
		check(st);
	} else if (st != ST_INVALID) {
		abort();
	}
	free(raw);
	for (int i = 0; i < 4; i++)
		free(t[i]);
	return 0;
}
