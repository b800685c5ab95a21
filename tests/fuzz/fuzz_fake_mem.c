/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_fake_mem.c - libFuzzer target for the efi_fake_mem= parser and the descriptor splitter.
 *
 * The input is the option value (cut at 4 KiB, NUL-terminated). Every stored range must keep
 * the parser's invariant; the options are then applied to a small fixed map, whose result
 * must pass memmap_check() and whose SP pages can only come from conventional memory. The
 * same text also goes through the efi= list parser.
 * Coverage: mm/fake_mem.c mm/memmap.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/types.h"
#include "mm/fake_mem.h"
#include "mm/memmap.h"
#include "tests/fuzz/fuzz_util.h"

static struct memmap map;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out o = fuzz_out;
	char value[4097];
	size_t n = size < 4096 ? size : 4096;
	memcpy(value, data, n);
	value[n] = 0;

	struct memmap_opts opts;
	memmap_opts_init(&opts);
	status_t st = memmap_opts_parse_fake_mem(value, &opts, &o);
	if (st != ST_OK && st != ST_INVALID)
		abort();
	if (opts.nfake > MEMMAP_FAKE_MAX)
		abort();
	for (uint32_t i = 0; i < opts.nfake; i++) {
		const struct memmap_fake *f = &opts.fake[i];
		uint64_t e;
		if (!f->size || add_overflows(f->base, f->size, &e) || !f->attr ||
		    (f->attr & ~FAKE_MEM_ATTR_ALLOWED) || !IS_ALIGNED(f->base | f->size, PAGE_SIZE))
			abort();
	}

	/* the same text as an efi= value: flags only ever get set, and ST_OK only for a list of
	 * known items */
	struct memmap_opts eo;
	memmap_opts_init(&eo);
	st = memmap_opts_parse_efi(value, &eo, &o);
	if ((st != ST_OK && st != ST_INVALID) || eo.nfake)
		abort();
	if (st == ST_OK && !eo.debug && !eo.nosoftreserve)
		abort();

	struct fake_mem_seg seg[FAKE_MEM_SEG_MAX];
	unsigned ns = fake_mem_split(&opts, 0x1000, 0x10000000, seg);
	uint64_t cur = 0x1000;
	for (unsigned i = 0; i < ns; i++) {
		if (seg[i].base != cur || seg[i].end <= seg[i].base)
			abort();
		cur = seg[i].end;
	}
	if (cur != 0x10000000)
		abort();

	static const struct efi_mem_desc descs[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0, 0x0, 0, 0x100, 0xf },
		{ EFI_BOOT_SERVICES_DATA, 0, 0x100000, 0, 0x100, 0xf },
		{ EFI_RESERVED_MEMORY, 0, 0x200000, 0, 0x100, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0, 0x300000, 0, 0x10000, 0xf },
		{ EFI_CONVENTIONAL_MEMORY, 0, 0x100000000ull, 0, 0x40000, 0xf },
	};
	if (memmap_normalize(descs, sizeof descs, sizeof descs[0], &opts, &map, &o) != ST_OK)
		abort();
	if (memmap_check(&map, &o) != ST_OK)
		abort();
	for (uint32_t i = 0; i < map.count; i++)
		if (map.r[i].kind == MEM_SP &&
		    ((map.r[i].base >= 0x100000 && map.r[i].end <= 0x300000) ||
		     map.r[i].efi_type != EFI_CONVENTIONAL_MEMORY))
			abort();
	return 0;
}
