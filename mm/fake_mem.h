/* SPDX-License-Identifier: BSD-2-Clause */
/* fake_mem.h - memory-map overrides: `efi_fake_mem=` and `efi=nosoftreserve` (Linux syntax).
 *
 * struct memmap_opts is owned by the caller (the kernel fills it from its command line, tests
 * build it by hand) and read by memmap_normalize(), which applies it to the raw descriptors
 * before classifying them.
 *
 *   efi_fake_mem=SIZE@START:ATTR[,SIZE@START:ATTR...]
 *
 * SIZE and START are numbers (decimal or 0x-hex) with an optional K/M/G/T suffix; ATTR is a
 * number (write it in hex: 0x40000). Each element is checked on its own: a bad element is
 * reported with its reason and skipped, the good ones are kept (so a typo in one range does not
 * silently drop the others). An element is bad when its syntax is wrong, SIZE is 0,
 * START + SIZE wraps 2^64, START or SIZE is not a multiple of 4 KiB, ATTR is 0 or has bits that
 * are not UEFI memory attributes from UC (0x1) to CPU_CRYPTO (0x80000), or the table of
 * MEMMAP_FAKE_MAX ranges is full. Repeated options append.
 *
 * Invariant kept by the parser: every stored range is non-empty, 4 KiB aligned, does not wrap,
 * and has a non-zero attribute within FAKE_MEM_ATTR_ALLOWED.
 *
 * Semantics (as Linux did for EFI_MEMORY_SP): only EfiConventionalMemory descriptors are
 * changed; the part of a descriptor a fake range covers is split off and gets the attribute
 * ORed in. efi=nosoftreserve (opts.nosoftreserve) makes the normaliser ignore EFI_MEMORY_SP:
 * that memory is ordinary usable RAM. efi= takes a comma list (efi=debug,nosoftreserve). */
#ifndef SPMK_MM_FAKE_MEM_H
#define SPMK_MM_FAKE_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define MEMMAP_FAKE_MAX 16
/* UEFI 2.10 §7.2 attribute bits UC..CPU_CRYPTO: 0x1F | 0x1000..0x80000. */
#define FAKE_MEM_ATTR_ALLOWED 0xff01full

struct memmap_fake {
	uint64_t base; /* 4 KiB aligned */
	uint64_t size; /* > 0, multiple of 4 KiB, base + size does not wrap */
	uint64_t attr; /* ORed into the covered conventional memory */
};

struct memmap_opts {
	uint32_t nfake;
	struct memmap_fake fake[MEMMAP_FAKE_MAX];
	bool nosoftreserve; /* efi=nosoftreserve: EFI_MEMORY_SP is ignored */
	/* The CPU's physical address width in bits (MAXPHYADDR, CPUID 0x80000008 EAX[7:0]);
	 * memory map descriptors ending above 2^maxphyaddr are dropped. 0 means 52, the
	 * architectural maximum of 4-level and 5-level paging. Valid: 32..52. */
	uint8_t maxphyaddr;
	bool debug; /* efi=debug: the kernel prints the raw map at boot */
};

/* Empty options: no fake ranges, SP honoured, MAXPHYADDR 52. */
void memmap_opts_init(struct memmap_opts *opts);

/* Parses the value of efi_fake_mem= (the text after '=') and appends its ranges to opts.
 * Errors: ST_INVALID when value or opts is NULL, the value is empty, or at least one element
 * was bad (each bad element is logged at LOG_WARN with its reason and skipped; the good
 * elements are still appended). ST_OK when every element was stored. */
status_t memmap_opts_parse_fake_mem(const char *value, struct memmap_opts *opts, struct out *log);

/* Parses one value of efi= (Linux: a comma list of flags, every occurrence applies): the items
 * "nosoftreserve" (opts->nosoftreserve) and "debug" (opts->debug) are set in opts; every other
 * item, the empty one included, is reported at LOG_WARN with the known items and skipped.
 * Errors: ST_INVALID when value or opts is NULL or at least one item was not understood (the
 * understood ones still apply); ST_OK otherwise. */
status_t memmap_opts_parse_efi(const char *value, struct memmap_opts *opts, struct out *log);

/* Splitting a descriptor range [base, end) at the fake-range boundaries: at most
 * 2 * MEMMAP_FAKE_MAX + 1 segments, in address order, together covering [base, end) exactly.
 * seg[i].attr is the OR of the attributes of the fake ranges covering that segment (0: none). */
#define FAKE_MEM_SEG_MAX (2 * MEMMAP_FAKE_MAX + 1)
struct fake_mem_seg {
	uint64_t base, end, attr;
};
/* Returns the number of segments written to seg (>= 1 when base < end, 0 when empty). */
unsigned fake_mem_split(const struct memmap_opts *opts, uint64_t base, uint64_t end,
			struct fake_mem_seg seg[FAKE_MEM_SEG_MAX]);

#endif
