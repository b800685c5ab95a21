/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_append.h - the test knob that appends descriptors to the final UEFI memory map.
 *
 * fw_cfg file opt/spmk/test-memmap-append (docs/testing.md) holds text lines
 *
 *     TYPE BASE PAGES ATTR [COUNT [STEP]]     # comment
 *
 * four numbers in C syntax (decimal or 0x hexadecimal; a leading 0 followed by a digit is
 * rejected, not read as octal), separated by blanks or tabs; `#` starts a comment that runs to
 * the end of the line; blank lines are ignored. TYPE must fit 32 bits (UEFI 2.10 §7.2.1
 * EFI_MEMORY_TYPE), BASE, PAGES (4 KiB pages) and ATTR are 64-bit. COUNT (default 1) repeats
 * the descriptor, each STEP bytes above the one before (default: twice its size, leaving an
 * equal gap), for maps of thousands of descriptors. The values themselves are not judged: the
 * knob exists to show the kernel descriptors a firmware got wrong.
 *
 * The loader appends the descriptors, at the firmware's descriptor size, after the ones
 * GetMemoryMap returned (memmap_append_write). Pure: host-tested and fuzzed. */
#ifndef SPMK_BOOT_MEMMAP_APPEND_H
#define SPMK_BOOT_MEMMAP_APPEND_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define MEMMAP_APPEND_MAX 32           /* lines one file may hold */
#define MEMMAP_APPEND_TOTAL_MAX 16384u /* descriptors one file may add, COUNTs included */
#define MEMMAP_APPEND_TEXT_MAX 4096    /* bytes of text the loader reads */

struct memmap_append_desc {
	uint32_t type;
	uint64_t base;  /* PhysicalStart, bytes */
	uint64_t pages; /* NumberOfPages, 4 KiB pages */
	uint64_t attr;  /* Attribute */
	uint32_t count; /* copies (COUNT, 1 when absent) */
	uint64_t step;  /* bytes from one copy's base to the next */
};

struct memmap_append {
	unsigned count; /* lines in d */
	unsigned total; /* descriptors they make (sum of their counts) */
	struct memmap_append_desc d[MEMMAP_APPEND_MAX];
};

/* Parses len bytes of text (NUL bytes are errors). ST_OK with *out filled (count may be 0 for
 * a file of comments); otherwise one LOG_ERR line naming the line number and its problem, and
 * ST_INVALID (syntax: missing or extra field, not a number, octal, NUL) or ST_RANGE (a number
 * overflows its field, COUNT 0, more than MEMMAP_APPEND_MAX lines or
 * MEMMAP_APPEND_TOTAL_MAX descriptors). */
status_t memmap_append_parse(const char *text, size_t len, struct memmap_append *out,
			     struct out *log);

/* Writes the total descriptors as EFI_MEMORY_DESCRIPTORs (UEFI 2.10 §7.2.3: u32 type, u32 pad,
 * u64 PhysicalStart, u64 VirtualStart = 0, u64 NumberOfPages, u64 Attribute; bytes 40 and up
 * to desc_size zero) to buf, one every desc_size bytes. ST_INVALID when desc_size < 40;
 * ST_RANGE when total * desc_size exceeds cap (nothing written). *written = bytes written. */
status_t memmap_append_write(const struct memmap_append *a, void *buf, size_t cap, size_t desc_size,
			     size_t *written);

#endif
