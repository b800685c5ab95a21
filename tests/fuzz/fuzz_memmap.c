/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_memmap.c - libFuzzer target for the memory-map normaliser and SP discovery.
 *
 * Input layout: byte 0 picks desc_size (40, 48, 56, 64, or a raw, usually bogus, value),
 * byte 1 holds option flags (bit 0 efi=nosoftreserve, bit 1 a fixed efi_fake_mem set,
 * bit 2 spmk.nohmat=device, bit 3 MAXPHYADDR 32 + bits 7:4 instead of 52), the rest is the
 * raw UEFI map. Whenever the normaliser accepts a map, its invariants must hold, no range may
 * end above 2^MAXPHYADDR, SP discovery must not lose a page, and the printers must not crash.
 * Any violation aborts.
 * Coverage: mm/memmap.c mm/sp.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/fake_mem.h"
#include "mm/memmap.h"
#include "mm/sp.h"
#include "tests/fuzz/fuzz_util.h"

static struct memmap map;
static struct sp_set set;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out o = fuzz_out;
	if (size < 2)
		return 0;
	static const uint32_t sizes[] = { 40, 48, 56, 64 };
	uint32_t desc_size = data[0] < 4 * 48 ? sizes[data[0] % 4] : data[0];
	uint8_t flags = data[1];
	const uint8_t *raw = data + 2;
	size_t raw_size = size - 2;
	if (desc_size >= 40 && desc_size % 8 == 0)
		raw_size -= raw_size % desc_size; /* mostly valid shapes; bogus ones via data[0] */

	struct memmap_opts opts;
	memmap_opts_init(&opts);
	opts.nosoftreserve = flags & 1;
	if (flags & 8)
		opts.maxphyaddr = (uint8_t)(32 + (flags >> 4));
	uint64_t limit = 1ull << (opts.maxphyaddr ? opts.maxphyaddr : 52);
	if ((flags & 2) &&
	    memmap_opts_parse_fake_mem("1G@4G:0x40000,2M@0x100000:0x40000,4K@0:0x10000", &opts,
				       &o) != ST_OK)
		abort();

	memmap_print_raw(raw, raw_size, desc_size, &o);
	status_t st = memmap_normalize(raw, raw_size, desc_size, &opts, &map, &o);
	if (st != ST_OK && st != ST_INVALID && st != ST_NOMEM)
		abort();
	if (st == ST_INVALID)
		return 0;
	if (memmap_check(&map, &o) != ST_OK)
		abort();
	for (uint32_t i = 0; i < map.count; i++)
		if (map.r[i].end > limit)
			abort();
	memmap_print(&map, &o);

	static const struct mem_affinity aff[] = {
		{ 0, 1ull << 32, 0, false },
		{ 1ull << 32, 6ull << 30, 1, true },
		{ 5ull << 30, 1ull << 40, 2, false },
		{ 0x123456789000ull, 0x223456789000ull, 7, false },
	};
	static const uint32_t hmat[] = { 1, 7 };
	struct sp_discover_in in = { &map, aff, 4, true, hmat, 2, flags & 4 };
	st = sp_discover(&in, &set, &o);
	if (st == ST_OK && sp_set_bytes(&set) != memmap_pages_of(&map, MEM_SP) * 4096)
		abort();
	for (uint32_t i = 0; i < set.count; i++) {
		char buf[256];
		sp_format_firmware_bug(&set.p[i], buf, sizeof buf);
		if (i && set.p[i - 1].end > set.p[i].base)
			abort();
	}
	if (opts.nosoftreserve && memmap_pages_of(&map, MEM_SP))
		abort();
	return 0;
}
